import EventLog

extension Casebook {
    // MARK: Private copies of the read models

    /// Creates `temp` tables (and indexes) named like the read models (`tables`: all of
    /// them, or only `staff` for `verify`, which compares the case tables as they are
    /// replayed: ``ReadModelComparison``), from a fresh database of the schema: unqualified
    /// names resolve to `temp` first, so the projections write there, and the stored rows in
    /// `main` are never touched.
    func createScratchTables(_ tables: [String] = Projection.tables) throws {
        let fresh = try Self.schema.freshDatabase()
        let names = tables.map { "'\($0)'" }.joined(separator: ", ")
        var statements: [String] = []
        try fresh.forEachRow(
            "SELECT sql FROM sqlite_schema WHERE tbl_name IN (\(names)) AND sql IS NOT NULL ORDER BY type = 'index', name"
        ) { row in
            let sql = row.text(0)
            for (prefix, replacement) in [
                ("CREATE TABLE ", "CREATE TEMP TABLE "), ("CREATE INDEX ", "CREATE INDEX temp."),
                ("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX temp."),
            ] where sql.hasPrefix(prefix) {
                statements.append(replacement + sql.dropFirst(prefix.count))
            }
        }
        dropScratchTables()
        for statement in statements { try store.database.execute(statement) }
    }

    func dropScratchTables() {
        for table in Projection.tables { try? store.database.execute("DROP TABLE IF EXISTS temp.\(table)") }
    }

    /// Rows that differ between the stored read models (`main`) and the ones just rebuilt,
    /// at most 20 each way per table: the `staff` table against its `temp` copy, then the
    /// case tables, compared as they were replayed.
    func projectionDifferences(_ cases: ReadModelComparison) throws -> [String] {
        let database = store.database
        var differences: [String] = []
        for table in ["staff"] {
            for (label, query) in [
                ("stored but not rebuilt", "SELECT * FROM main.\(table) EXCEPT SELECT * FROM temp.\(table)"),
                ("rebuilt but not stored", "SELECT * FROM temp.\(table) EXCEPT SELECT * FROM main.\(table)"),
            ] {
                let statement = try database.prepare(query + " LIMIT 20")
                try statement.forEachRow { row in
                    let cells = (0..<row.columnCount).map { index -> String in
                        switch row.value(index) {
                        case .null: return "NULL"
                        case .integer(let value): return String(value)
                        case .real(let value): return String(value)
                        case .text(let value): return value.count > 40 ? String(value.prefix(40)) + "…" : value
                        case .blob(let bytes): return "<\(bytes.count) bytes>"
                        }
                    }
                    differences.append("\(table): \(label): \(cells.joined(separator: " | "))")
                }
            }
        }
        return differences + (try cases.differences())
    }
}

/// The log's own tables, read for `verify`.
enum EventRows {
    /// The position of the log's last event; 0 for an empty log.
    static func lastPosition(in source: some RowSource) throws -> Int64 {
        let database = source.connection
        return Int64(try database.scalarInt("SELECT max(position) FROM events") ?? 0)
    }

    /// A stored event's hash by stream and version, one prepared statement for many lookups.
    struct HashLookup {
        private let statement: Statement

        init(_ source: some RowSource) throws {
            statement = try source.connection.prepare("SELECT hash FROM events WHERE stream = ? AND version = ?")
        }

        /// The hash stored for `version` of `stream`; nil when the database lacks it.
        func hash(stream: String, version: Int) throws -> String? {
            try statement.bind([stream, version])
            let stored = try statement.step() ? statement.text(0) : nil
            statement.reset()
            return stored
        }
    }
}

/// The `blob_purges` table, checked against the log.
enum PurgeRows {
    /// Every purge record must point at a FilesPurged event that names the file (the trigger
    /// checks it on insert; this catches a record written with the triggers dropped).
    static func unrecordedPurges(_ store: EventStore) throws -> [ChainBreak] {
        var breaks: [ChainBreak] = []
        try store.database.forEachRow(
            """
            SELECT p.sha256, p.stream, p.version FROM blob_purges AS p WHERE NOT EXISTS (
                SELECT 1 FROM events AS e, json_each(e.payload, '$.erased') AS x
                WHERE e.stream = p.stream AND e.version = p.version AND e.type = ? AND x.value = p.sha256)
            ORDER BY p.sha256
            """, [CaseEventType.filesPurged.rawValue]
        ) { row in
            breaks.append(
                ChainBreak(
                    stream: "blobs", version: 0, kind: .badBlob,
                    detail: "\(row.text(0)): purged, but \(row.text(1).prefix(80)) v\(row.int(2)) is not a FilesPurged event naming it"))
        }
        return breaks
    }
}

/// The `blobs` table, read for verify's erasure checks.
enum BlobRows {
    /// A stored file's recorded size and media type, and whether its bytes are present; nil
    /// when it is not stored at all.
    static func state(of sha256: String, in source: some RowSource) throws -> (size: Int, mediaType: String, hasBytes: Bool)? {
        let database = source.connection
        var found: (size: Int, mediaType: String, hasBytes: Bool)?
        try database.forEachRow("SELECT size, media_type, data IS NOT NULL FROM blobs WHERE sha256 = ?", [sha256]) { row in
            found = (row.int(0), row.text(1), row.int(2) == 1)
        }
        return found
    }
}
