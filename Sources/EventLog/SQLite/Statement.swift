import CSQLite
import Foundation

/// One value of a SQLite storage class, for binding parameters.
public enum SQLValue: Sendable, Equatable {
    /// SQL NULL.
    case null
    /// A 64-bit integer.
    case integer(Int64)
    /// A double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])
}

/// Values that bind as SQL parameters.
public protocol SQLBindable {
    /// The SQLite value for this Swift value.
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A prepared statement. Owns its `sqlite3_stmt` and finalizes it on deinit.
///
/// Not `Sendable`: a statement belongs to the connection that made it.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text.
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw database.error(code: code, sql: sql)
        }
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears bindings and rewinds, then binds `values` to parameters 1, 2, ….
    public func bind(_ values: [any SQLBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value.sqlValue, at: Int32(offset + 1))
        }
    }

    /// Binds one value to a 1-based parameter index.
    public func bind(_ value: SQLValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case .integer(let int): code = sqlite3_bind_int64(handle, index, int)
        case .real(let double): code = sqlite3_bind_double(handle, index, double)
        case .text(let string): code = sqlite3_bind_text(handle, index, string, -1, csqlite_transient())
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { raw in
                sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), csqlite_transient())
            }
        }
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }

    /// Binds UTF-8 bytes as TEXT to a 1-based parameter index, without making a String.
    public func bind(utf8 bytes: [UInt8], at index: Int32) throws {
        if bytes.isEmpty {
            try bind(.text(""), at: index)
            return
        }
        let code = bytes.withUnsafeBytes { raw in
            // Never nil: the bytes are not empty.
            guard let base = raw.baseAddress else { return SQLITE_MISUSE }
            return sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), csqlite_transient())
        }
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }

    /// Steps once: `true` when a row is available, `false` when done.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw database.error(code: code, sql: sql)
        }
    }

    /// Runs the statement to completion with the given parameters.
    public func execute(_ values: [any SQLBindable] = []) throws {
        try bind(values)
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Runs the statement to completion with values already made: one per parameter, from 1.
    public func execute(binding values: [SQLValue]) throws {
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Runs the statement and calls `body` for every row.
    public func forEachRow(_ values: [any SQLBindable] = [], _ body: (Statement) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    /// Rewinds the statement so it releases its read lock.
    public func reset() { sqlite3_reset(handle) }

    /// Whether column `index` of the current row is NULL.
    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// Column `index` as an integer.
    public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    /// Column `index` as an integer, or nil when NULL.
    public func optionalInt(_ index: Int32) -> Int? { isNull(index) ? nil : int(index) }

    /// Column `index` as a double.
    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Column `index` as text ("" when NULL).
    public func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Calls `body` with column `index`'s text bytes as ``text(_:)`` reads them (empty when
    /// NULL), without making a `String`.
    public func withText<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let pointer = sqlite3_column_text(handle, index) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Column `index` as text, or nil when NULL.
    public func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }

    /// Column `index` as raw bytes, or nil when NULL.
    public func bytes(_ index: Int32) -> [UInt8]? {
        if isNull(index) { return nil }
        let type = sqlite3_column_type(handle, index)
        let pointer: UnsafeRawPointer? =
            type == SQLITE_TEXT ? UnsafeRawPointer(sqlite3_column_text(handle, index)) : sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard let pointer, count > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Calls `body` with column `index`'s bytes without copying them (empty when NULL).
    public func withBytes<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let type = sqlite3_column_type(handle, index)
        let pointer: UnsafeRawPointer? =
            type == SQLITE_TEXT ? UnsafeRawPointer(sqlite3_column_text(handle, index)) : sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? pointer : nil, count: count))
    }

    /// Column `index` as an SQL value.
    public func value(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(text(index))
        case SQLITE_BLOB: return .blob(bytes(index) ?? [])
        default: return .null
        }
    }

    /// The number of columns in a result row.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// Whether column `index` holds exactly `value`: the same storage class and the same
    /// value, text and blobs compared byte for byte without copying them (what SQLite's
    /// `BINARY` comparison of two stored values of a declared type finds equal).
    public func holds(_ value: SQLValue, at index: Int32) -> Bool {
        let type = sqlite3_column_type(handle, index)
        switch value {
        case .null: return type == SQLITE_NULL
        case .integer(let expected): return type == SQLITE_INTEGER && sqlite3_column_int64(handle, index) == expected
        case .real(let expected): return type == SQLITE_FLOAT && sqlite3_column_double(handle, index) == expected
        case .text(var expected):
            guard type == SQLITE_TEXT else { return false }
            let pointer = UnsafeRawPointer(sqlite3_column_text(handle, index))
            let count = Int(sqlite3_column_bytes(handle, index))
            return expected.withUTF8 { Self.same(pointer, count, UnsafeRawBufferPointer($0)) }
        case .blob(let expected):
            guard type == SQLITE_BLOB else { return false }
            let pointer = sqlite3_column_blob(handle, index)
            let count = Int(sqlite3_column_bytes(handle, index))
            return expected.withUnsafeBytes { Self.same(pointer, count, $0) }
        }
    }

    private static func same(_ pointer: UnsafeRawPointer?, _ count: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == count else { return false }
        guard count > 0 else { return true }
        guard let pointer, let base = bytes.baseAddress else { return false }
        return memcmp(pointer, base, count) == 0
    }
}

extension Statement {
    /// Binds one text parameter; SQLite copies it (it stays bound across `reset`).
    func bindText(_ text: String, at index: Int32) throws {
        var text = text
        let code = text.withUTF8 { utf8 -> Int32 in
            // A NULL pointer would bind SQL NULL, not the empty text.
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
            }
            return sqlite3_bind_text(
                handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count),
                csqlite_transient())
        }
        guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
    }

    /// Unbinds every parameter (they become NULL).
    func clearBindings() { sqlite3_clear_bindings(handle) }
}
