import CasebookSchema
import EventLog
import Foundation

/// Casebook's front door: one database file, the staff directory, cases advanced through
/// the workflow, read models kept in step, and the checks that prove nothing was altered.
///
/// Every front end (the `casebook` command, tests, benchmarks) goes through this type,
/// so permissions, rules and projections are the same everywhere.
public final class Casebook {
    /// The event log underneath.
    public let store: EventStore

    /// The schema the program runs: the repository's schema.sql, compiled in.
    public static let schema = Schema(migrations: [.init(version: 1, sql: String(cString: casebook_schema_sql()))])

    init(store: EventStore) {
        self.store = store
    }

    /// The clock's reading now.
    public var now: Date { store.clock() }

    /// Creates a new database with its first headteacher.
    public static func create(
        at path: String, admin: String, name: String, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Casebook {
        _ = try StaffID.validate(admin, field: "--admin")
        let name = try Workflow.text(name, "--name")
        let store = try translatingErrors { try EventStore.create(at: path, schema: schema, clock: clock) }
        let casebook = Casebook(store: store)
        let member = StaffMember(id: admin, name: name, role: .headteacher)
        do {
            try casebook.appendStaff(.added(member), actor: admin, at: casebook.now)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return casebook
    }

    /// Opens an existing database.
    public static func open(at path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Casebook {
        Casebook(store: try translatingErrors { try EventStore.open(at: path, schema: schema, clock: clock) })
    }

    // MARK: Staff

    /// A member of staff, or nil.
    public func member(_ id: String) throws -> StaffMember? {
        var found: StaffMember?
        try store.database.forEachRow("SELECT id, name, role FROM staff WHERE id = ?", [id]) { row in
            if let role = Role(rawValue: row.text(2)) { found = StaffMember(id: row.text(0), name: row.text(1), role: role) }
        }
        return found
    }

    /// The acting member of staff; ``CasebookError/notFound(_:)`` for an unknown id.
    public func actor(_ id: String) throws -> StaffMember {
        _ = try StaffID.validate(id, field: "--as")
        guard let member = try member(id) else {
            throw CasebookError.notFound("no member of staff '\(id)' (given with --as or CASEBOOK_USER)")
        }
        return member
    }

    /// The staff directory, by id.
    public func staff(as actor: StaffMember) throws -> [StaffMember] {
        try actor.require(.viewStaff)
        var members: [StaffMember] = []
        try store.database.forEachRow("SELECT id, name, role FROM staff ORDER BY id") { row in
            if let role = Role(rawValue: row.text(2)) { members.append(StaffMember(id: row.text(0), name: row.text(1), role: role)) }
        }
        return members
    }

    /// Adds a member of staff (headteacher only).
    public func addStaff(_ member: StaffMember, by actor: StaffMember, at date: Date? = nil) throws {
        try actor.require(.manageStaff)
        _ = try StaffID.validate(member.id)
        let name = try Workflow.text(member.name, "--name")
        let occurred = date ?? now
        try Workflow.checkNotFuture(occurred, now: now, field: "--at")
        guard try self.member(member.id) == nil else {
            throw CasebookError.invalidInput("a member of staff '\(member.id)' already exists")
        }
        try appendStaff(.added(StaffMember(id: member.id, name: name, role: member.role)), actor: actor.id, at: occurred)
    }

    private func appendStaff(_ event: StaffEvent, actor: String, at date: Date) throws {
        let occurred = Timestamp.string(from: date)
        try Self.translatingErrors {
            try store.write { writer in
                let version = try store.version(of: StaffEvent.stream)
                try writer.append(
                    [NewEvent(type: event.typeName, occurredAt: occurred, actor: actor, payload: event.payload.serializedBytes())],
                    to: StaffEvent.stream, expectedVersion: version)
                try Projection.write(event, at: occurred, to: writer.database)
            }
        }
    }

    // MARK: Cases

    /// Opens a case: allocates the next `CB-YYYY-NNNN` under the write lock, so two
    /// processes opening at once get different references. (An import of one case with no
    /// further steps: one path allocates references and writes opening events.)
    @discardableResult
    public func openCase(_ draft: CaseDraft, by actor: StaffMember, at date: Date? = nil) throws -> CaseState {
        let scripts = [CaseScript(draft: draft, openedAt: date ?? now, openedBy: actor)]
        guard let state = try importCases(scripts, by: actor).first else {
            preconditionFailure("importCases returns one state per script")
        }
        return state
    }

    /// The stored events of a case, oldest first; ``CasebookError/notFound(_:)`` when there is no such case.
    public func events(of reference: CaseReference) throws -> [RecordedEvent] {
        let events = try store.events(in: reference.stream)
        guard !events.isEmpty else { throw CasebookError.notFound("no case \(reference); see 'casebook list'") }
        return events
    }

    /// A case's current state, replayed from its events.
    public func state(of reference: CaseReference) throws -> CaseState {
        try CaseState.replay(try events(of: reference))
    }

    /// Takes one step on a case. Files (evidence, check screenshots) are given as bytes and
    /// stored in the same transaction as the event.
    @discardableResult
    public func execute(
        _ command: CaseCommand, on reference: CaseReference, by actor: StaffMember, at date: Date? = nil,
        files: [[UInt8]] = []
    ) throws -> (events: [CaseEvent], state: CaseState) {
        let state = try self.state(of: reference)
        let context = try decisionContext(actor: actor, at: date)
        let events = try Workflow.decide(command, state: state, context: context)
        let occurred = Timestamp.string(from: context.occurredAt)
        let next = events.reduce(state) { $0.evolve($1, at: context.occurredAt, actor: actor.id) }
        try Self.translatingErrors {
            try store.write { writer in
                try storeFiles(files, referencedBy: command, in: writer)
                try writer.append(
                    events.map { $0.newEvent(occurredAt: occurred, actor: actor.id) }, to: reference.stream,
                    expectedVersion: state.version)
                try Projection.write(next, to: writer.database)
            }
        }
        return (events, next)
    }

    /// Stores the files' bytes (hashed once, by the blob store) and checks that every file
    /// the command refers to is among them or already stored, so no event can name a file
    /// the database does not hold.
    func storeFiles(_ bytes: [[UInt8]], referencedBy command: CaseCommand, in writer: EventWriter) throws {
        let stored = try bytes.map { try writer.storeBlob($0) }
        let given = Dictionary(stored.map { ($0.sha256, $0.size) }, uniquingKeysWith: { first, _ in first })
        for file in command.files {
            if let size = given[file.sha256] {
                guard size == file.size else { throw CasebookError.invalidInput("\(file.name): its size does not match its bytes") }
            } else if try !store.hasBlob(file.sha256) {
                throw CasebookError.invalidInput("\(file.name): its bytes were not given (SHA-256 \(file.sha256))")
            }
        }
    }

    /// What `--at` and the clock give a decision.
    func decisionContext(actor: StaffMember, at date: Date?) throws -> DecisionContext {
        let database = store.database
        return DecisionContext(now: now, occurredAt: date, actor: actor) { id in
            var found: StaffMember?
            try? database.forEachRow("SELECT id, name, role FROM staff WHERE id = ?", [id]) { row in
                if let role = Role(rawValue: row.text(2)) { found = StaffMember(id: row.text(0), name: row.text(1), role: role) }
            }
            return found
        }
    }

    /// Stores a file's bytes as they would be stored, without a transaction: its identity.
    public static func fileInfo(name: String, bytes: [UInt8]) throws -> StoredFile {
        guard bytes.count <= BlobInfo.maximumSize else {
            throw CasebookError.invalidInput("\(name) is \(bytes.count) bytes; files over 64 MiB are refused")
        }
        guard !bytes.isEmpty else { throw CasebookError.invalidInput("\(name) is empty") }
        return StoredFile(
            name: name, sha256: Hex.encode(SHA256.hash(bytes)), size: bytes.count, mediaType: MediaType.sniff(bytes))
    }

    // MARK: Errors

    /// Runs `body`, mapping the event log's and SQLite's errors to Casebook's so each has
    /// its exit code; Casebook's own errors pass through.
    public static func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EventLogError {
            switch error {
            case .conflict: throw CasebookError.conflict("\(error); run the command again")
            case .databaseMissing(let path):
                throw CasebookError.notFound("no database at \(path); create one with 'casebook init --admin ID --name NAME'")
            case .databaseExists(let path): throw CasebookError.cannotCreate("a file already exists at \(path)")
            case .incompatibleSchema(let reason): throw CasebookError.invalidInput(reason)
            case .eventNotFound, .blobNotFound: throw CasebookError.notFound(error.description)
            case .alreadyRedacted: throw CasebookError.invalidInput(error.description)
            case .invalidField, .blobTooLarge: throw CasebookError.invalidInput(error.description)
            case .blobCorrupt: throw CasebookError.io(error.description)
            }
        } catch let error as SQLiteError {
            if error.isBusy { throw CasebookError.conflict("the database is busy with another writer; run the command again") }
            if error.isCorrupt { throw CasebookError.invalidInput("the file is not a Casebook database, or it is damaged (\(error.message))") }
            if error.isIO { throw CasebookError.io("cannot read or write the database: \(error.message)") }
            throw error
        } catch let error as Database.OpenError {
            switch error {
            case .exists(let path): throw CasebookError.cannotCreate("a file already exists at \(path)")
            case .missing(let path): throw CasebookError.notFound("no database at \(path)")
            case .cannotCreate(let path, let code):
                throw CasebookError.cannotCreate("cannot create \(path): \(String(cString: strerror(code)))")
            }
        }
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
