import CasebookSchema
import EventLog
import Foundation

/// Casebook's shared core: one database file, its store and door, the clock, the acting
/// member and the staff look-up, the access checks, the settings and a decision's context.
///
/// Every front end (the `casebook` command, tests, benchmarks) goes through this type and
/// its jobs — ``cases``, ``staff``, ``reports``, ``retention``, ``subjectAccess``,
/// ``maintenance`` (`Jobs/`), each holding only this core — so permissions, rules and
/// projections are the same everywhere.
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
    /// then the repository's schema.sql, compiled in, one step per version (``SchemaSteps``).
    public static let schema = Schema(
        redactionRules: Workflow.redactableTypes.sorted().map { .init(type: $0, recordedBy: CaseEventType.redaction.rawValue) },
        purgeRecordedBy: [CaseEventType.filesPurged.rawValue],
        applicationID: Casebook.applicationID,
        migrations: SchemaSteps.migrations(of: String(cString: casebook_schema_sql())))

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

    /// The stored events of a case, oldest first; ``CasebookError/notFound(_:)`` when there is no such case.
    func events(of reference: CaseReference) throws -> [RecordedEvent] {
        let events = try store.events(in: reference.stream)
        guard !events.isEmpty else { throw CaseAccess.noSuchCase(reference) }
        return events
    }

    /// A case's current state, replayed from its events.
    func state(of reference: CaseReference) throws -> CaseState {
        try withCurrentSchool(try CaseState.replay(try events(of: reference)))
    }

    /// The settings as they stand: the defaults, changed by the `settings` stream's events.
    public func settings() throws -> Settings {
        try Self.translatingErrors { try Settings.replay(try store.events(in: SettingsEvent.stream)) }
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

    // MARK: Errors

}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()
}
