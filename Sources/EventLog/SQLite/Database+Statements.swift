import CSQLite
import Foundation

extension Database {
    /// Runs one or more statements with no parameters.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Prepares a new statement.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement kept for the life of the connection: for statements run often.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement with parameters.
    public func run(_ sql: String, _ values: [any SQLBindable] = []) throws {
        try cached(sql).execute(values)
    }

    /// Calls `body` for every row of a query.
    public func forEachRow(_ sql: String, _ values: [any SQLBindable] = [], _ body: (Statement) throws -> Void) throws {
        try cached(sql).forEachRow(values, body)
    }

    /// The first column of the first row as an integer, or nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int? {
        var result: Int?
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        if try statement.step() { result = statement.optionalInt(0) }
        return result
    }

    /// The first column of the first row as text, or nil when there is no row or it is NULL.
    public func scalarText(_ sql: String, _ values: [any SQLBindable] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? statement.optionalText(0) : nil
    }

    /// Copies every page of the write-ahead log into the file and truncates the log to
    /// nothing (`PRAGMA wal_checkpoint(TRUNCATE)`), waiting at most `waitMilliseconds` for
    /// other connections: false when one still reads the log (it then holds old pages,
    /// which stay in the `-wal` file until a later checkpoint), true when the log is empty.
    public func checkpointTruncating(waitMilliseconds: Int32 = 0) throws -> Bool {
        sqlite3_busy_timeout(handle, waitMilliseconds)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds) }
        var busy = 1
        let statement = try prepare("PRAGMA wal_checkpoint(TRUNCATE)")
        do {
            try statement.forEachRow { busy = $0.int(0) }
        } catch let error as SQLiteError where error.isBusy {
            return false
        }
        return busy == 0
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}
