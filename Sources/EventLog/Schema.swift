import CEventLogSchema

/// The SQL a database runs, versioned by `PRAGMA user_version`.
///
/// Two parts, applied in one transaction: the event log's own tables and triggers
/// (``logSQL``, `Sources/EventLog/EventLog.sql`, compiled in), which EventStore applies
/// first, as part of version 1, with the application's ``redactionRules``; then the
/// application's steps (Casebook hands it the repository's `schema.sql`, compiled in),
/// which create its own tables (read models) and never the log's.
public struct Schema: Sendable {
    /// One step from version `version - 1` to `version`.
    public struct Migration: Sendable {
        /// The `user_version` after this step.
        public let version: Int
        /// The SQL of the step.
        public let sql: String

        /// Creates a migration step.
        public init(version: Int, sql: String) {
            self.version = version
            self.sql = sql
        }
    }

    /// An event type whose payload may be erased, and the type of the event that records
    /// each erasure (appended first, to the same stream, its payload naming the erased
    /// version in a `version` field): a row of the log's `redaction_rules`.
    public struct RedactionRule: Sendable, Equatable {
        /// The redactable type.
        public let type: String
        /// The type of the event recording a redaction.
        public let recordedBy: String

        /// Creates a rule.
        public init(type: String, recordedBy: String) {
            self.type = type
            self.recordedBy = recordedBy
        }
    }

    /// The event log's tables and triggers, as compiled in: `Sources/EventLog/EventLog.sql`.
    public static let logSQL = String(cString: eventlog_schema_sql())

    /// The line of ``logSQL`` where the redaction rules are inserted: after the table,
    /// before the triggers that fix its rows.
    static let rulesMarker = "-- >>> the application's rules are inserted here"

    /// The application's redaction rules (none: no payload may ever be erased).
    public let redactionRules: [RedactionRule]
    /// The event types that may record a purge of stored bytes (none: no bytes may ever go).
    public let purgeRecordedBy: [String]
    /// The application's steps, in order from version 1.
    public let migrations: [Migration]
    /// The application's `PRAGMA application_id`, written into a new file's header; 0 for
    /// none. An existing file whose header holds another id is another program's and is
    /// refused before anything is written to it.
    public let applicationID: Int32

    /// Creates a schema from the application's redaction rules and migration steps.
    public init(
        redactionRules: [RedactionRule] = [], purgeRecordedBy: [String] = [], applicationID: Int32 = 0, migrations: [Migration]
    ) {
        precondition(migrations.enumerated().allSatisfy { $0.element.version == $0.offset + 1 }, "versions run 1, 2, …")
        self.redactionRules = redactionRules
        self.purgeRecordedBy = purgeRecordedBy
        self.applicationID = applicationID
        self.migrations = migrations
    }

    /// Throws ``EventLogError/incompatibleSchema(_:)`` when an existing file, just opened and
    /// not yet written to, is another program's: its header names another application, or
    /// names none and the file lacks the log's `events` table (databases made before the id
    /// was written have the table and no id).
    func checkOwnership(of database: Database) throws {
        let found = Int32(truncatingIfNeeded: try database.scalarInt("PRAGMA application_id") ?? 0)
        if found == applicationID { return }
        if found != 0 {
            throw EventLogError.incompatibleSchema(
                "the file is a SQLite database of another program (its header's application id is \(found)); nothing was changed in it")
        }
        let tables = try database.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
        let hasLog = try database.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'") ?? 0
        if tables > 0 && hasLog == 0 {
            throw EventLogError.incompatibleSchema(
                "the file is a SQLite database, but not one of this program's; nothing was changed in it")
        }
    }

    /// Runs one step on `database`; the first one starts with the log's own part.
    func apply(_ migration: Migration, to database: Database) throws {
        if migration.version == 1 {
            let parts = Self.logSQL.components(separatedBy: Self.rulesMarker)
            guard parts.count == 2 else { throw EventLogError.incompatibleSchema("EventLog.sql has no single redaction-rules line") }
            try database.execute(parts[0])
            let insert = try database.prepare("INSERT INTO redaction_rules (type, recorded_by) VALUES (?, ?)")
            for rule in redactionRules { try insert.execute([rule.type, rule.recordedBy]) }
            let purge = try database.prepare("INSERT INTO purge_rules (recorded_by) VALUES (?)")
            for type in purgeRecordedBy { try purge.execute([type]) }
            // The rest of the marker's line is a comment: run from the next line on.
            try database.execute(String(parts[1].drop { $0 != "\n" }))
        }
        try database.execute(migration.sql)
        try database.execute("PRAGMA user_version = \(migration.version)")
    }

    /// The version a database is at once every step has run.
    public var currentVersion: Int { migrations.last?.version ?? 0 }

    /// Brings a database up to ``currentVersion`` inside one write transaction. Only a
    /// file just created (`isNew`) starts from version 0: an existing file at version 0 is
    /// empty or someone else's, and is refused rather than silently turned into a database.
    func migrate(_ database: Database, isNew: Bool) throws {
        let version = try database.scalarInt("PRAGMA user_version") ?? 0
        if version == currentVersion { return }
        if version == 0, try database.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0 > 0 {
            throw EventLogError.incompatibleSchema("the file is a SQLite database, but not one of this program's")
        }
        if version == 0 && !isNew {
            throw EventLogError.incompatibleSchema("the file is empty: it is not a database of this program's")
        }
        if version < 0 {
            throw EventLogError.incompatibleSchema(
                "the database's header gives schema version \(version), which no version of this program writes")
        }
        if version > currentVersion {
            throw EventLogError.incompatibleSchema(
                "the database is at schema version \(version); this program knows up to \(currentVersion)")
        }
        try database.transaction {
            // Re-read under the write lock: another process may have migrated meanwhile.
            let locked = try database.scalarInt("PRAGMA user_version") ?? 0
            for migration in migrations where migration.version > locked { try apply(migration, to: database) }
            if locked == 0, applicationID != 0 { try database.execute("PRAGMA application_id = \(applicationID)") }
        }
    }
}
