import CasebookSchema
import EventLog
import Foundation

/// Casebook's front door: one database file, the staff directory, cases advanced through
/// the workflow, read models kept in step, and the checks that prove nothing was altered.
///
/// Every front end (the `casebook` command, tests, benchmarks) goes through this type,
/// so permissions, rules and projections are the same everywhere.
public final class Casebook {
    /// The `PRAGMA application_id` of a Casebook database ("CBK1"): `file(1)` and SQLite
    /// tools can tell the file is Casebook's, and Casebook refuses another program's file
    /// without touching it.
    public static let applicationID: Int32 = 0x4342_4B31

    /// The event log underneath: the package's (the benchmarks, the tests), not a front
    /// end's; every change to it passes ``door``.
    package let store: EventStore

    /// Reads of cases made inside a read snapshot, recorded once it ends
    /// (``recordReads(_:view:by:)``).
    var pendingReads: [(events: [AuditEvent], actor: StaffMember)] = []

    /// The schema the program runs: the event log's own part (EventLog's `EventLog.sql`,
    /// with the redactable types of ``Workflow/redactableTypes`` as its redaction rules and
    /// `FilesPurged` as the record of a purge),
    /// then the repository's schema.sql, compiled in.
    public static let schema = Schema(
        redactionRules: Workflow.redactableTypes.sorted().map { .init(type: $0, recordedBy: CaseEventType.redaction.rawValue) },
        purgeRecordedBy: [CaseEventType.filesPurged.rawValue],
        applicationID: Casebook.applicationID,
        migrations: [.init(version: 1, sql: String(cString: casebook_schema_sql()))])

    init(store: EventStore) {
        self.store = store
    }

    /// The one door every change passes (`Door/Door.swift`): the only holder of the writer.
    var door: Door { Door(store: store) }

    /// The clock's reading now.
    public var now: Date { store.clock() }

    /// Creates a new database with its first headteacher, trust-wide (SPEC §8).
    ///
    /// - Parameters:
    ///   - identities: How the acting member is established; recorded in the staff stream.
    ///   - adminLogin: The operating-system login that acts as the headteacher (required
    ///     for ``IdentityMode/verified``: the login that ran `init`).
    public static func create(
        at path: String, admin: String, name: String, identities: IdentityMode = .claimed, adminLogin: String? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Casebook {
        _ = try StaffID.validate(admin, field: .option("admin"))
        let name = try Workflow.text(name, .option("name"))
        let login = try adminLogin.map { try LoginName.validate($0, field: "login of the user running init") }
        if identities == .verified, login == nil {
            throw CasebookError.invalidInput(
                "cannot tell which login is running init (user id \(getuid()) has no name); use \(option: "claimed-identities") only for a demonstration")
        }
        let member = StaffMember(id: admin, name: name, role: .headteacher, login: identities == .verified ? login : nil)
        // The file appears at `path` only with its schema, first headteacher and identity mode in it.
        let store = try translatingErrors {
            try EventStore.create(at: path, schema: schema, clock: clock) { store in
                let casebook = Casebook(store: store)
                try casebook.appendStaff(.added(member), actor: admin, at: casebook.now)
                try casebook.appendStaff(.identityModeSet(identities), actor: admin, at: casebook.now)
            }
        }
        return Casebook(store: store)
    }

    /// Opens an existing database.
    public static func open(at path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Casebook {
        Casebook(store: try translatingErrors { try EventStore.open(at: path, schema: schema, clock: clock) })
    }

    // MARK: Staff

    /// A member of staff, or nil.
    public func member(_ id: String) throws -> StaffMember? {
        try StaffRows.member(id: id, in: store)
    }

    /// The acting member of staff; ``CasebookError/notFound(_:)`` for an unknown id.
    public func actor(_ id: String) throws -> StaffMember {
        _ = try StaffID.validate(id, field: .option("as"))
        guard let member = try member(id) else {
            throw CasebookError.notFound("no member of staff '\(id)' (given with \(option: "as") or CASEBOOK_USER)")
        }
        return member
    }

    /// The staff directory, by id.
    public func staff(as actor: StaffMember) throws -> [StaffMember] {
        try actor.require(.viewStaff)
        return try StaffRows.all(in: store)
    }

    /// Adds a member of staff (headteacher only).
    public func addStaff(_ member: StaffMember, by actor: StaffMember, at date: Date? = nil) throws {
        try actor.require(.manageStaff)
        _ = try StaffID.validate(member.id)
        let name = try Workflow.text(member.name, .option("name"))
        let occurred = date ?? now
        try Workflow.checkNotFuture(occurred, now: now, field: .option("at"))
        var newMember = try checkedNewMember(member, name: name, by: actor)
        newMember.email = try member.email.map { try EmailAddress.validate($0, field: "the email address") }
        try appendStaff(.added(newMember), actor: actor.id, at: occurred) {
            // Under the write lock, so two processes adding the same id cannot both succeed.
            // Ids are unique whatever their case: `smt` and `SMT` would be one person to a reader.
            if let existing = try StaffID.existing(member.id, in: store) {
                throw CasebookError.invalidInput(
                    existing == member.id
                        ? "a member of staff '\(member.id)' already exists"
                        : "a member of staff '\(existing)' already exists: staff ids are unique whatever their case, so '\(member.id)' cannot be added")
            }
        }
    }

    /// Appends a staff event; `check` runs first inside the same write transaction.
    func appendStaff(_ event: StaffEvent, actor: String, at date: Date, check: () throws -> Void = {}) throws {
        let occurred = Timestamp.string(from: date)
        try Self.translatingErrors {
            try door.pass(by: actor) { passage in
                let version = try passage.authorise {
                    try check()
                    return try store.version(of: StaffEvent.stream)
                }
                try passage.append(
                    [NewEvent(type: event.typeName, occurredAt: occurred, actor: actor, payload: event.payload.serializedBytes())],
                    to: StaffEvent.stream, expectedVersion: version)
                try Projection.write(event, at: occurred, to: passage)
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
            throw ProgrammerError("importCases returned no state for the one case it opened")
        }
        return state
    }

    /// The stored events of a case, oldest first; ``CasebookError/notFound(_:)`` when there is no such case.
    public func events(of reference: CaseReference) throws -> [RecordedEvent] {
        let events = try store.events(in: reference.stream)
        guard !events.isEmpty else { throw CaseAccess.noSuchCase(reference) }
        return events
    }

    /// A case's current state, replayed from its events.
    public func state(of reference: CaseReference) throws -> CaseState {
        try withCurrentSchool(try CaseState.replay(try events(of: reference)))
    }

    /// Takes one step on a case. Files (evidence, check screenshots) are given as bytes and
    /// stored in the same transaction as the event.
    ///
    /// The case's state is read, the step decided and its events appended inside ONE
    /// `BEGIN IMMEDIATE` transaction, so commands on the same case from several processes
    /// queue for the write lock and each decides on the state the one before it left
    /// (E-numbers, takedown numbers and versions follow on). Give `expectedVersion` to act
    /// only on the state you have seen: when the case has moved on since, the step is
    /// refused with ``CasebookError/conflict(_:)`` and nothing is written.
    @discardableResult
    public func execute(
        _ command: CaseCommand, on reference: CaseReference, by actor: StaffMember, at date: Date? = nil,
        files: [[UInt8]] = [], expectedVersion: Int? = nil
    ) throws -> (events: [CaseEvent], state: CaseState) {
        // The role first, as the workflow checks it; then the named staff (no leavers).
        try actor.require(command.permission)
        let command = try checkNamedStaff(in: command)
        let result: (events: [CaseEvent], state: CaseState) = try Self.translatingErrors {
            try door.pass(by: actor.id) { passage in
                let state = try passage.authorise { try visibleState(of: reference, by: actor) }
                if let expectedVersion, expectedVersion != state.version {
                    throw CasebookError.conflict(
                        "\(reference) is at version \(state.version), not \(expectedVersion) as expected: it changed since it was read; read it again before deciding")
                }
                let context = try decisionContext(actor: actor, at: date)
                let events = try Workflow.decide(command, state: state, context: context)
                let occurred = Timestamp.string(from: context.occurredAt)
                let next = events.reduce(state) { $0.evolve($1, at: context.occurredAt, actor: actor.id) }
                // A clock counted in working days must be countable (SPEC §11: an error, not a guess).
                if case .some(.none) = LADOTrack.due(next), let source = next.source {
                    _ = try WorkingDays.requireOneWorkingDay(after: source.identifiedAt ?? next.openedAt, for: "the LADO referral")
                }
                try storeFiles(files, referencedBy: command, on: state, after: next, in: passage)
                try passage.append(
                    events.map { $0.newEvent(occurredAt: occurred, actor: actor.id) }, to: reference.stream,
                    expectedVersion: state.version)
                try purgeBlobs(events, firstVersion: state.version + 1, stream: reference.stream, in: passage)
                try Projection.write(next, settings: context.settings, to: passage)
                return (events, next)
            }
        }
        reclaimAfterPurge(result.events)
        return result
    }

    /// Stores the files' bytes (hashed once, by the blob store) and checks that every file
    /// the command refers to is among them or already stored, so no event can name a file
    /// the database does not hold.
    ///
    /// The last line of the child-sexual-imagery rule (SPEC §9): whatever the decision said,
    /// no bytes are stored for such a case or item.
    func storeFiles(
        _ bytes: [[UInt8]], referencedBy command: CaseCommand, on state: CaseState, after next: CaseState, in passage: Passage
    ) throws {
        let hasFiles = !bytes.isEmpty || !command.files.isEmpty
        if let refusal = LawfulContentTrack.fileRefusal(command, state, hasFiles: hasFiles)
            ?? LawfulContentTrack.fileRefusal(command, next, hasFiles: hasFiles)
        {
            throw CasebookError.invalidInput(refusal)
        }
        // Bytes no file of the command names, given with a step that marks child sexual imagery.
        if !bytes.isEmpty, command.files.isEmpty, next.involvesChildSexualImagery {
            throw CasebookError.invalidInput(LawfulContentTrack.noFilesMessage)
        }
        let stored = try bytes.map { try passage.storeBlob($0) }
        for info in stored where try store.isPurged(info.sha256) {
            throw CasebookError.invalidInput(
                "a file with SHA-256 \(info.sha256) may not be stored: Casebook keeps no copy of bytes it was made to erase; record the item without the file, and ask the safeguarding lead if this is unexpected")
        }
        let given = Dictionary(stored.map { ($0.sha256, $0.size) }, uniquingKeysWith: { first, _ in first })
        for file in command.files {
            try FileName.validate(file.name)
            if let size = given[file.sha256] {
                guard size == file.size else { throw CasebookError.invalidInput("\(file.name): its size does not match its bytes") }
            } else if try !store.hasBlob(file.sha256) {
                throw CasebookError.invalidInput("\(file.name): its bytes were not given (SHA-256 \(file.sha256))")
            }
        }
    }

    /// Deletes the bytes each purge event names as erased, once the events are appended
    /// (the triggers let bytes go only when a recorded purge names them).
    func purgeBlobs(_ events: [CaseEvent], firstVersion: Int, stream: String, in passage: Passage) throws {
        for (offset, event) in events.enumerated() {
            guard case .filesPurged(let purge) = event else { continue }
            for sha in purge.erased { try passage.purgeBlob(sha, recordedBy: stream, version: firstVersion + offset) }
        }
    }

    /// Whether a stored file is still held (not purged) by an item of a case other than `reference`.
    func blobHeld(_ sha256: String, outside reference: CaseReference) throws -> Bool {
        for stream in try CaseRows.streams(mentioning: sha256, outside: reference, in: store) {
            let state = try CaseState.replay(try store.events(in: stream))
            if state.heldFiles.contains(where: { $0.file.sha256 == sha256 }) { return true }
        }
        return false
    }

    /// After a purge or a redaction: gives the freed pages back and empties the write-ahead
    /// log (best effort: a reader holding a snapshot delays it; ``completeErasure()`` says so).
    func reclaimAfterPurge(_ events: [CaseEvent]) {
        let erases = events.contains {
            switch $0 {
            case .filesPurged, .redaction: return true
            default: return false
            }
        }
        guard erases else { return }
        // Safe to ignore a failure: the erasure has committed; only the freed pages and old
        // log copies wait for the next `reclaimSpace` or open (``completeErasure()`` says so).
        _ = try? store.reclaimSpace()
    }

    /// Whether erased content (purged bytes, redacted payloads) has left every file of the
    /// database, after trying once more to empty the write-ahead log.
    public enum ErasureCompletion: Sendable, Equatable {
        /// Nothing erased remains in the database, its write-ahead log or its index.
        case complete
        /// Another connection (a server, a running verify) is reading the write-ahead log at
        /// this path, which still holds copies of the erased content until that reader
        /// finishes; the next command after it empties the log.
        case remainsInWriteAheadLog(String)
    }

    /// Empties the write-ahead log now if no other connection reads it: call after an
    /// erasing step, and say ``ErasureCompletion/remainsInWriteAheadLog(_:)`` to the user.
    public func completeErasure() -> ErasureCompletion {
        let log = store.path + "-wal"
        // Whatever stopped the truncation (a reader, an error), the answer is the log's size:
        // a log that cannot be measured is one that is not there.
        if (try? store.reclaimSpace()) == true { return .complete }
        let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.intValue ?? 0
        return size == 0 ? .complete : .remainsInWriteAheadLog(log)
    }

    /// Gives back the space of purged files and empties the write-ahead log (headteacher,
    /// safeguarding lead). Returns whether the log was emptied.
    @discardableResult
    public func reclaimSpace(by actor: StaffMember) throws -> Bool {
        try actor.require(.purgeFiles)
        // Asked for: waits for a reader as long as any write would.
        return try Self.translatingErrors { try store.reclaimSpace(waitMilliseconds: Database.busyTimeoutMilliseconds) }
    }

    /// What `--at` and the clock give a decision. The staff lookup throws when the
    /// directory cannot be read, so an I/O error is never taken for "no such member".
    func decisionContext(actor: StaffMember, at date: Date?, settings: Settings? = nil) throws -> DecisionContext {
        var context = DecisionContext(now: now, occurredAt: date, actor: actor, settings: try settings ?? self.settings()) { [self] id in
            try member(id)
        }
        context.blobHeldElsewhere = { [self] sha, reference in try blobHeld(sha, outside: reference) }
        return context
    }

    /// A stored file's bytes, re-checked against its SHA-256 as they are read.
    public func fileBytes(_ file: StoredFile) throws -> [UInt8] {
        try Self.translatingErrors { try store.blob(file.sha256).data }
    }

    /// How many events the log holds.
    public func eventCount() throws -> Int {
        try Self.translatingErrors { try store.eventCount() }
    }

    /// Stores a file's bytes as they would be stored, without a transaction: its identity.
    public static func fileInfo(name: String, bytes: [UInt8]) throws -> StoredFile {
        try FileName.validate(name)
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
                throw CasebookError.notFound("no database at \(path); create one with '\(command: .createDatabase)'")
            case .databaseExists(let path): throw CasebookError.cannotCreate("a file already exists at \(path)")
            case .incompatibleSchema(let reason): throw CasebookError.invalidInput(Message(reason))
            case .eventNotFound, .blobNotFound: throw CasebookError.notFound(Message(error.description))
            case .alreadyRedacted: throw CasebookError.invalidInput(Message(error.description))
            case .invalidField, .blobTooLarge: throw CasebookError.invalidInput(Message(error.description))
            case .blobCorrupt: throw CasebookError.io(Message(error.description))
            case .blobPurged: throw CasebookError.notFound(Message(error.description))
            }
        } catch let error as SQLiteError {
            if error.isBusy { throw CasebookError.conflict("the database is busy with another writer; run the command again") }
            if error.isCorrupt { throw CasebookError.invalidInput("the file is not a Casebook database, or it is damaged (\(error.message))") }
            if error.isIO { throw CasebookError.io("cannot read or write the database: \(error.message)") }
            throw error
        } catch let error as NewFile.Failure {
            switch error.kind {
            case .exists, .refused: throw CasebookError.cannotCreate(Message(error.reason))
            case .cannotCreate, .io: throw CasebookError.io(Message(error.reason))
            }
        } catch let error as Database.OpenError {
            switch error {
            case .exists(let path): throw CasebookError.cannotCreate("a file already exists at \(path)")
            case .missing(let path): throw CasebookError.notFound("no database at \(path)")
            case .permissionDenied(let path):
                throw CasebookError.notPermitted(
                    "permission denied: the database at \(path) belongs to another login; staff reach a shared database through the trust's server")
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
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()
}
