import CSQLite
import EventLog
import Foundation

/// A database file read (and, for tampering, written) with the sqlite3 C API directly,
/// outside Casebook: what a person with the file and the sqlite3 shell could do.
final class SQLiteFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let handle: OpaquePointer

    /// Opens `path`, which must exist. The connection is read-write where the file allows.
    init(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "no file at \(path)") }
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_close_v2(handle)
            throw Failure(description: "cannot open \(path): SQLite error \(code)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs statements with no results.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw Failure(description: "\(text) - while executing \(sql)")
        }
    }

    /// Every row of a query, each cell as text (`NULL`, numbers in decimal, blobs as
    /// `blob:<size>:<sha256>`).
    func rows(_ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw Failure(description: "\(String(cString: sqlite3_errmsg(handle))) - while preparing \(sql)")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String]] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                rows.append((0..<sqlite3_column_count(statement)).map { cell(statement, $0) })
            case SQLITE_DONE:
                return rows
            case let code:
                throw Failure(description: "SQLite error \(code): \(String(cString: sqlite3_errmsg(handle))) - while running \(sql)")
            }
        }
    }

    private func cell(_ statement: OpaquePointer, _ index: Int32) -> String {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_NULL: return "NULL"
        case SQLITE_INTEGER: return String(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return String(sqlite3_column_double(statement, index))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let bytes = sqlite3_column_blob(statement, index) else { return "blob:0" }
            return "blob:\(count):" + SHA256.hex([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let text = sqlite3_column_text(statement, index) else { return "" }
            return "text:" + String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }
    }

    /// The first cell of the first row.
    func scalar(_ sql: String) throws -> String? {
        try rows(sql).first?.first
    }

    /// The tables every command could touch.
    static let tables = ["events", "blobs", "cases", "takedowns", "deadlines", "sources", "staff"]

    /// A dump of everything a command could change: the schema (tables, triggers), its
    /// version, and every row of every table, in a stable order.
    func dump() throws -> [String] {
        var lines = ["user_version=" + (try scalar("PRAGMA user_version") ?? "?")]
        lines += try rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").map { $0.joined(separator: " | ") }
        for table in Self.tables {
            lines.append("-- \(table)")
            lines += try rows("SELECT * FROM \(table) ORDER BY 1").map { $0.joined(separator: " | ") }.sorted()
        }
        return lines
    }

    /// `PRAGMA integrity_check`'s answer: `ok` for a sound file.
    func integrityCheck() throws -> String {
        try rows("PRAGMA integrity_check").map { $0.joined().replacingOccurrences(of: "text:", with: "") }.joined(separator: "\n")
    }

    /// A dump of the file at `path`.
    static func dump(_ path: String) throws -> [String] { try SQLiteFile(path).dump() }
}
