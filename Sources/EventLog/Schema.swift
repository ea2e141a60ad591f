/// The SQL a database runs, versioned by `PRAGMA user_version`.
///
/// The event log is generic: the caller hands it the schema (Casebook hands it the
/// repository's `schema.sql`, compiled in), which must create the `events` and `blobs`
/// tables this module reads and writes.
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

    /// The steps, in order from version 1.
    public let migrations: [Migration]

    /// Creates a schema from its migration steps.
    public init(migrations: [Migration]) {
        precondition(migrations.enumerated().allSatisfy { $0.element.version == $0.offset + 1 }, "versions run 1, 2, …")
        self.migrations = migrations
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
            for migration in migrations where migration.version > locked {
                try database.execute(migration.sql)
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
