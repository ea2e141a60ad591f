import CSQLite

/// An error reported by SQLite: its extended result code, its message and the SQL it ran.
///
/// Reads like `SQLite error 19: UNIQUE constraint failed: events.stream, events.version - while executing INSERT …`.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`sqlite3_extended_errcode`).
    public let extendedCode: Int32
    /// SQLite's message.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    /// Creates an error from a code, a message and the SQL.
    public init(code: Int32, message: String, sql: String? = nil) {
        self.extendedCode = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of the extended one).
    public var code: Int32 { extendedCode & 0xff }

    /// Whether another connection held a lock longer than the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// Whether a constraint (UNIQUE, CHECK, trigger RAISE) refused the change.
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }

    /// Whether the file is not a database or is damaged.
    public var isCorrupt: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }

    /// Whether the file could not be written or read (permissions, disk).
    public var isIO: Bool {
        code == SQLITE_IOERR || code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_FULL
            || code == SQLITE_PERM
    }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " - while executing \(sql.prefix(200))" }
        return text
    }
}
