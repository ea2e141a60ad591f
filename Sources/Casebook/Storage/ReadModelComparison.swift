import EventLog

/// `verify`'s comparison of the read models replayed from the events with the stored ones,
/// without writing the replayed rows anywhere: each stored case table is read once, in key
/// order, beside the log — whose streams come in name order, so `case/<reference>` in
/// reference order — and each case's replayed rows are compared with its stored rows as
/// they come (a merge). It finds what `SELECT * FROM main.t EXCEPT SELECT * FROM replayed`
/// would, both ways: distinct rows, in SQLite's order of rows, at most 20 each way per
/// table. (The `staff` table, a few hundred rows, is still replayed into a `temp` copy and
/// compared with `EXCEPT`: ``Casebook/projectionDifferences()``.)
final class ReadModelComparison {
    /// At most this many rows each way per table, as the `EXCEPT … LIMIT 20` did.
    static let limit = 20

    /// One stored table read in key order.
    private final class Cursor {
        let table: String
        let statement: Statement
        let width: Int32
        let keyIndex: Int32
        /// For each column of the table (`SELECT *`'s order), its index in a projected row.
        let tableOrder: [Int]
        /// The key of the row the statement is on; nil once every row was read.
        private(set) var key: SQLValue?
        /// Stored rows that no replayed row equals, and replayed rows that no stored row
        /// equals, each in table order: the least `limit` distinct rows.
        var storedOnly = SmallestRows(limit: ReadModelComparison.limit)
        var replayedOnly = SmallestRows(limit: ReadModelComparison.limit)

        init(table: String, columns: [String], key: String, source: some RowSource) throws {
            let database = source.connection
            self.table = table
            var names: [String] = []
            try database.forEachRow("SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid", [table]) { names.append($0.text(0)) }
            tableOrder = names.compactMap { columns.firstIndex(of: $0) }
            statement = try database.prepare(
                "SELECT \(columns.joined(separator: ", ")) FROM main.\(table) ORDER BY \(key)")
            width = Int32(columns.count)
            keyIndex = Int32(columns.firstIndex(of: key) ?? 0)
        }

        func advance() throws {
            key = try statement.step() ? statement.value(keyIndex) : nil
        }

        /// The row the statement is on, in table order.
        var storedRow: [SQLValue] { tableOrder.map { statement.value(Int32($0)) } }

        func inTableOrder(_ projected: [SQLValue]) -> [SQLValue] { tableOrder.map { projected[$0] } }

        func holds(_ projected: [SQLValue]) -> Bool {
            guard projected.count == Int(width) else { return false }
            for index in 0..<Int(width) where !statement.holds(projected[index], at: Int32(index)) { return false }
            return true
        }

        /// Stored rows before `reference` belong to no case replayed: stored but not rebuilt.
        func skipUnreplayed(before reference: String?) throws {
            while let key, reference.map({ SQLOrder.compare(key, .text($0)) < 0 }) ?? true {
                storedOnly.insert(storedRow)
                try advance()
            }
        }

        /// Compares the stored rows whose key is `reference` with the replayed ones.
        func compare(_ projected: [[SQLValue]], reference: String) throws {
            try skipUnreplayed(before: reference)
            var matched = [Bool](repeating: false, count: projected.count)
            let key = SQLValue.text(reference)
            while let current = self.key, SQLOrder.compare(current, key) == 0 {
                var found = false
                for (index, row) in projected.enumerated() where holds(row) {
                    matched[index] = true
                    found = true
                }
                if !found { storedOnly.insert(storedRow) }
                try advance()
            }
            for (index, row) in projected.enumerated() where !matched[index] { replayedOnly.insert(inTableOrder(row)) }
        }

        /// Passes over the stored rows whose key is `reference` (a case carried over unchanged).
        func skip(_ reference: String) throws {
            try skipUnreplayed(before: reference)
            let key = SQLValue.text(reference)
            while let current = self.key, SQLOrder.compare(current, key) == 0 { try advance() }
        }
    }

    private var cursors: [Cursor] = []
    /// The first error a stored table gave (a damaged page, a table gone): thrown by
    /// ``differences()``, which runs only when the file's own check found no damage.
    private var failure: Error?

    init(_ source: some RowSource) {
        do {
            cursors = try Self.cursors(source)
            for cursor in cursors { try cursor.advance() }
        } catch {
            failure = error
        }
    }

    private static func cursors(_ source: some RowSource) throws -> [Cursor] {
        [
            try Cursor(table: "cases", columns: Projection.caseColumns, key: "reference", source: source),
            try Cursor(table: "takedowns", columns: Projection.takedownColumns, key: "case_ref", source: source),
            try Cursor(table: "deadlines", columns: Projection.deadlineColumns, key: "case_ref", source: source),
            try Cursor(table: "sources", columns: Projection.sourceColumns, key: "case_ref", source: source),
            try Cursor(table: "closures", columns: Projection.closureColumns, key: "case_ref", source: source),
            try Cursor(table: "case_access", columns: Projection.accessColumns, key: "case_ref", source: source),
        ]
    }

    /// One case replayed from the stream `case/<reference>`: its rows against the stored
    /// ones. (A row whose own reference is not the stream's matches nothing stored.)
    func compare(_ rows: ProjectedRows, stream reference: String) {
        guard failure == nil else { return }
        let projected = [[rows.cases], rows.takedowns, rows.deadlines, rows.sources, rows.closures, rows.access]
        do {
            for (cursor, tableRows) in zip(cursors, projected) { try cursor.compare(tableRows, reference: reference) }
        } catch {
            failure = error
        }
    }

    /// A case not replayed (it cannot be): its stored rows are taken as they are.
    func carryOver(_ reference: String) {
        guard failure == nil else { return }
        do {
            for cursor in cursors { try cursor.skip(reference) }
        } catch {
            failure = error
        }
    }

    /// Lets go of the stored tables (before the read snapshot ends).
    func close() {
        for cursor in cursors { cursor.statement.reset() }
    }

    /// Every difference, table by table (`cases`, `takedowns`, `deadlines`, `sources`,
    /// `closures`, `case_access`): first stored but not rebuilt, then rebuilt but not stored.
    func differences() throws -> [String] {
        if let failure { throw failure }
        var lines: [String] = []
        for cursor in cursors {
            try cursor.skipUnreplayed(before: nil)
            for (label, rows) in [("stored but not rebuilt", cursor.storedOnly.rows), ("rebuilt but not stored", cursor.replayedOnly.rows)] {
                for row in rows { lines.append("\(cursor.table): \(label): \(Self.cells(row))") }
            }
        }
        return lines
    }

    /// A row as verify prints it.
    static func cells(_ row: [SQLValue]) -> String {
        row.map { value -> String in
            switch value {
            case .null: return "NULL"
            case .integer(let value): return String(value)
            case .real(let value): return String(value)
            case .text(let value): return value.count > 40 ? String(value.prefix(40)) + "…" : value
            case .blob(let bytes): return "<\(bytes.count) bytes>"
            }
        }.joined(separator: " | ")
    }
}

/// The least `limit` distinct rows seen, in SQLite's order of rows (what a compound
/// `SELECT … EXCEPT … LIMIT n` returns).
struct SmallestRows {
    let limit: Int
    private(set) var rows: [[SQLValue]] = []

    init(limit: Int) { self.limit = limit }

    mutating func insert(_ row: [SQLValue]) {
        var low = 0
        var high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if SQLOrder.compare(rows[middle], row) < 0 { low = middle + 1 } else { high = middle }
        }
        if low < rows.count, SQLOrder.compare(rows[low], row) == 0 { return }
        guard low < limit else { return }
        rows.insert(row, at: low)
        if rows.count > limit { rows.removeLast() }
    }
}

/// SQLite's order of values with the `BINARY` collation: NULL, then numbers, then text
/// (byte by byte), then blobs; rows column by column.
enum SQLOrder {
    static func compare(_ a: SQLValue, _ b: SQLValue) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.integer(let x), .integer(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.integer(let x), .real(let y)): return Double(x) < y ? -1 : Double(x) > y ? 1 : 0
        case (.real(let x), .integer(let y)): return x < Double(y) ? -1 : x > Double(y) ? 1 : 0
        case (.real(let x), .real(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.integer, _), (.real, _): return -1
        case (_, .integer), (_, .real): return 1
        case (.text(let x), .text(let y)): return bytes(x.utf8, y.utf8)
        case (.text, .blob): return -1
        case (.blob, .text): return 1
        case (.blob(let x), .blob(let y)): return bytes(x, y)
        }
    }

    static func compare(_ a: [SQLValue], _ b: [SQLValue]) -> Int {
        for (x, y) in zip(a, b) {
            let order = compare(x, y)
            if order != 0 { return order }
        }
        return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
    }

    private static func bytes<A: Sequence<UInt8>, B: Sequence<UInt8>>(_ a: A, _ b: B) -> Int {
        var left = a.makeIterator()
        var right = b.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }
}
