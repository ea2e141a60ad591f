import Foundation
import CSQLite

/// What the generic checks of a whole log found: every chain and stored file, the schema,
/// the stream names, the file's pages, and the log head. The caller adds what only it
/// can check (payloads, actors) to ``chains``.
public struct LogVerification: Sendable {
    /// Every break found, and the events redacted with the chain intact.
    public var chains: ChainVerifier
    /// The log head and every stream's head, as the snapshot holds them.
    public var checkpoint: LogCheckpoint
    /// Whether the file was read as immutable, without the `-wal` file beside it (a
    /// read-only folder without the WAL index).
    public var skipsWriteAheadLog: Bool
}

extension Schema {
    /// A private in-memory database with every step of this schema applied: what a new
    /// file holds. With `version`, only the steps up to it: what a file made then holds.
    public func freshDatabase(through version: Int? = nil) throws -> Database {
        let fresh = try Database(path: ":memory:", mode: .memory)
        for migration in migrations where migration.version <= version ?? currentVersion { try apply(migration, to: fresh) }
        return fresh
    }

    /// The objects `ANALYZE` may add to any database, each with the SQL SQLite itself gives
    /// it: the only objects a file may hold beyond its schema's. Compared by exact name and
    /// SQL, so `sqlitexstat_h` or a `sqlite_stat1` trigger is no statistics table.
    public static let statisticsTables: [String: String] = [
        "sqlite_stat1": "CREATE TABLE sqlite_stat1(tbl,idx,stat)",
        "sqlite_stat4": "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
    ]

    /// How `database`'s tables, indexes, views and triggers, and the rows the schema itself
    /// inserts (fixed data such as rules the triggers read), differ from a fresh database of
    /// this schema at the version its header gives (an older file read without migrating
    /// it holds an older version's objects), each object by exact name, type and SQL. Only
    /// SQLite's own statistics tables (``statisticsTables``, exactly as `ANALYZE` creates
    /// them) may be added.
    public func differences(in database: Database) throws -> [String] {
        let version = try database.scalarInt("PRAGMA user_version") ?? 0
        let fresh = try freshDatabase(through: (1...max(1, currentVersion)).contains(version) ? version : currentVersion)
        // Keyed by type and name: a trigger may share a table's name.
        func objects(_ database: Database) throws -> [String: (type: String, sql: String)] {
            var found: [String: (type: String, sql: String)] = [:]
            let statement = try database.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema")
            try statement.forEachRow { row in
                let name = row.text(1)
                if row.text(0) == "table", row.text(2) == name, let sql = Self.statisticsTables[name], row.optionalText(3) == sql {
                    return
                }
                found["\(row.text(0)) \(name)"] = (row.text(0), "\(row.text(2))\n\(row.optionalText(3) ?? "")")
            }
            return found
        }
        let expected = try objects(fresh)
        let actual = try objects(database)
        var differences: [String] = []
        // In name order (then type): what a reader looks up.
        func name(_ key: String) -> Substring { key.drop { $0 != " " } }
        for key in Set(expected.keys).union(actual.keys).sorted(by: { (name($0), $0) < (name($1), $1) }) {
            switch (expected[key], actual[key]) {
            case (_?, nil): differences.append("\(key.prefix(120)) is missing")
            case (nil, _?): differences.append("\(key.prefix(120)) is not in the schema")
            case (let wanted?, let found?) where wanted.sql != found.sql:
                differences.append("\(key.prefix(120)) is not the schema's")
            default: break
            }
        }
        // The rows the schema inserts (read from the fresh copy, never trusted from the file).
        let tables = try fresh.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        var fixed: [String] = []
        try tables.forEachRow { fixed.append($0.text(0)) }
        for table in fixed.sorted() where try fresh.scalarInt("SELECT count(*) FROM \"\(table)\"") ?? 0 > 0 {
            guard actual["table \(table)"] != nil else { continue }
            func rows(_ database: Database) throws -> [String] {
                var rows: [String] = []
                let statement = try database.prepare("SELECT * FROM main.\"\(table)\"")
                try statement.forEachRow { row in
                    rows.append((0..<row.columnCount).map { "\(row.value($0))" }.joined(separator: " | "))
                }
                return rows.sorted()
            }
            if try rows(fresh) != rows(database) { differences.append("the fixed rows of table \(table) are not the schema's") }
        }
        return differences
    }
}

extension EventStore {
    /// Opens an existing database for reading only: no migration, no write lock, no change
    /// to the file; works on a read-only file or folder. A file at an earlier version of
    /// the schema is read as it is (its next opening for writing migrates it); a version
    /// this program does not know is refused as incompatible.
    public static func openReadOnly(
        at path: String, schema: Schema, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> EventStore {
        var database: Database
        do {
            database = try Database(path: path, mode: .readOnly)
            // A -wal that cannot be read in place (a read-only folder) is read from a private copy.
            if database.skipsWriteAheadLog { database = try Database.privateSnapshot(of: path) }
        } catch Database.OpenError.missing(let path) {
            throw EventLogError.databaseMissing(path)
        }
        let version = try database.scalarInt("PRAGMA user_version") ?? 0
        guard (1...max(1, schema.currentVersion)).contains(version) else {
            if version == 0 {
                throw EventLogError.incompatibleSchema("the file is not a database of this program's")
            }
            throw EventLogError.incompatibleSchema(
                "the database is at schema version \(version); this program knows up to \(schema.currentVersion)")
        }
        return EventStore(readOnly: database, clock: clock)
    }

    /// Checks the whole log inside the open (read) transaction, on this connection:
    /// ``integrityBreaks()``, the schema against `schema`, ``verifyStreams(isStreamName:visit:)``,
    /// ``checkBlobs(into:)`` and the log head. Each event is handed to `visit` as read
    /// (grouped by stream, in version order), so the caller can check what it means.
    public func verifyLog(
        schema: Schema, isStreamName: (String) -> Bool, visit: (RecordedEvent, inout ChainVerifier) throws -> Void = { _, _ in }
    ) throws -> LogVerification {
        guard database.isInTransaction else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "verifyLog reads one snapshot: call it inside a read transaction")
        }
        let damage = try integrityBreaks()
        let streams = try Self.recordingDamage(isDamaged: !damage.isEmpty) {
            try verifyStreams(schema: schema, isStreamName: isStreamName, visit: visit)
        }
        var chains = streams?.0 ?? ChainVerifier()
        let heads = streams?.1 ?? []
        for found in damage { chains.record(found) }
        try Self.recordingDamage(isDamaged: !damage.isEmpty, into: &chains) { try checkBlobs(into: &$0) }
        let head = try Self.recordingDamage(isDamaged: !damage.isEmpty) { try logHead() } ?? .empty
        return LogVerification(
            chains: chains, checkpoint: LogCheckpoint(logHead: head, streams: heads), skipsWriteAheadLog: database.skipsWriteAheadLog)
    }

    /// What SQLite's `PRAGMA integrity_check` finds wrong with the file's pages and indexes,
    /// in its own words, as ``ChainBreak/Kind/damagedFile`` breaks of the stream `file`.
    public func integrityBreaks() throws -> [ChainBreak] {
        var found: [ChainBreak] = []
        let statement = try database.prepare("PRAGMA integrity_check")
        do {
            try statement.forEachRow { row in
                // One row may hold several lines, the first naming the database ("*** in database main ***").
                for line in row.text(0).split(separator: "\n") where line != "ok" && !line.hasPrefix("*** in database") {
                    found.append(ChainBreak(stream: "file", version: 0, kind: .damagedFile, detail: String(line)))
                }
            }
        } catch let error as SQLiteError where error.isCorrupt {
            found.append(ChainBreak(stream: "file", version: 0, kind: .damagedFile, detail: error.message))
        }
        return found
    }

    /// Runs `body`; when the file is damaged, a corruption error it meets is recorded as a
    /// ``ChainBreak/Kind/damagedFile`` break instead of thrown.
    public static func recordingDamage(
        isDamaged: Bool, into verifier: inout ChainVerifier, _ body: (inout ChainVerifier) throws -> Void
    ) throws {
        do {
            try body(&verifier)
        } catch let error as SQLiteError where isDamaged && error.isCorrupt {
            verifier.record(ChainBreak(stream: "file", version: 0, kind: .damagedFile, detail: "cannot be read: \(error.message)"))
        }
    }

    private static func recordingDamage<T>(isDamaged: Bool, _ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let error as SQLiteError where isDamaged && error.isCorrupt {
            return nil
        }
    }

    /// Every stream's chain and name, and the schema, in one pass over the events grouped
    /// by stream; each event is handed to `visit` after its chain is checked. Returns the
    /// breaks and every stream's head.
    public func verifyStreams(
        schema: Schema, isStreamName: (String) -> Bool, checksPayloads: Bool = true,
        visit: (RecordedEvent, inout ChainVerifier) throws -> Void
    ) throws -> (ChainVerifier, [StreamHead]) {
        var chains = ChainVerifier(checksPayloads: checksPayloads)
        for difference in try schema.differences(in: database) {
            chains.record(ChainBreak(stream: "schema", version: 0, kind: .alteredSchema, detail: difference))
        }
        var heads: [StreamHead] = []
        let statement = try database.prepare("SELECT \(Self.columns) FROM events ORDER BY stream, version")
        try statement.forEachRow { row in
            let event = Self.event(from: row)
            if heads.last?.stream != event.stream {
                if !isStreamName(event.stream) {
                    chains.record(
                        ChainBreak(
                            stream: event.stream, version: event.version, kind: .badStreamName,
                            detail: "'\(event.stream.prefix(80))' is not a stream name this program uses"))
                }
                heads.append(StreamHead(stream: event.stream, version: event.version, hash: event.hash))
            } else {
                heads[heads.count - 1].version = event.version
                heads[heads.count - 1].hash = event.hash
            }
            chains.check(event)
            try visit(event, &chains)
        }
        return (chains, heads)
    }

    /// ``verifyStreams(schema:isStreamName:checksPayloads:visit:)`` with the CPU-bound part
    /// on `workers` threads: this connection reads the events (so one snapshot holds for the
    /// whole run, inside the caller's read transaction) in batches of whole streams; each
    /// batch's chains, names and `check` (once per stream, after its chain) run on a worker;
    /// `consume` gets each stream's result back on this thread, in stream order, to write
    /// with this connection. Breaks come out in the same order whatever the number of
    /// workers. A batch holds whole streams of at least `batchSize` events (but the last).
    /// `progress` is called on this thread with the events done so far.
    public func verifyStreams<Outcome: Sendable>(
        schema: Schema, isStreamName: @escaping @Sendable (String) -> Bool, checksPayloads: Bool = true,
        workers: Int, batchSize: Int = 2_000, check: @escaping @Sendable ([RecordedEvent], inout ChainVerifier) throws -> Outcome,
        consume: (Outcome) throws -> Void, progress: (Int) -> Void = { _ in }
    ) throws -> (ChainVerifier, StreamHeads) {
        var chains = ChainVerifier(checksPayloads: checksPayloads)
        for difference in try schema.differences(in: database) {
            chains.record(ChainBreak(stream: "schema", version: 0, kind: .alteredSchema, detail: difference))
        }
        // Kept compactly: one per stream, so memory would otherwise grow with the streams.
        var heads = StreamHeads()
        var done = 0
        let reader = try StreamBatchReader(self, size: batchSize)
        try ParallelWork.orderedMap(
            workers: workers, next: reader.next,
            transform: { batch -> (ChainVerifier, [StreamHead], [Outcome], Int) in
                var found = ChainVerifier(checksPayloads: checksPayloads)
                var heads: [StreamHead] = []
                var outcomes: [Outcome] = []
                outcomes.reserveCapacity(batch.streams.count)
                for events in batch.streams {
                    guard let first = events.first, let last = events.last else { continue }
                    if !isStreamName(first.stream) {
                        found.record(
                            ChainBreak(
                                stream: first.stream, version: first.version, kind: .badStreamName,
                                detail: "'\(first.stream.prefix(80))' is not a stream name this program uses"))
                    }
                    heads.append(StreamHead(stream: last.stream, version: last.version, hash: last.hash))
                    for event in events { found.check(event) }
                    outcomes.append(try check(events, &found))
                }
                return (found, heads, outcomes, batch.eventCount)
            },
            consume: { found, batchHeads, outcomes, count in
                chains.append(found)
                heads.append(contentsOf: batchHeads)
                for outcome in outcomes { try consume(outcome) }
                done += count
                progress(done)
            })
        return (chains, heads)
    }

    /// The log head over the events up to a position (all when nil), in position order.
    public func logHead(through position: Int64? = nil) throws -> LogHead {
        var head = LogHead.Builder()
        let statement = try database.prepare("SELECT hash FROM events WHERE position <= ? ORDER BY position")
        try statement.forEachRow([position ?? .max]) { row in row.withText(0) { head.append($0) } }
        return head.head
    }

    /// The log head over the events up to a position, and every payload re-hashed against
    /// its `payload_sha256` (``ChainBreak/Kind/tamperedPayload`` breaks), in one pass in
    /// position order: the half of the chain check that ``verifyStreams(schema:isStreamName:checksPayloads:visit:)``
    /// leaves to another connection when `checksPayloads` is false.
    public func checkPayloadsAndLogHead(through position: Int64? = nil) throws -> (LogHead, [ChainBreak]) {
        var head = LogHead.Builder()
        var breaks: [ChainBreak] = []
        let statement = try database.prepare(
            "SELECT stream, version, payload, payload_sha256, hash FROM events WHERE position <= ? ORDER BY position")
        try statement.forEachRow([position ?? .max]) { row in
            row.withText(4) { head.append($0) }
            guard !row.isNull(2) else { return }
            // In place: no string per event for the digest or the stored text.
            let matches = row.withBytes(2) { payload in row.withText(3) { Hex.matchesSHA256(of: payload, text: $0) } }
            if !matches {
                breaks.append(
                    ChainBreak(
                        stream: row.text(0), version: row.int(1), kind: .tamperedPayload, detail: ChainVerifier.tamperedPayloadDetail))
            }
        }
        return (head.head, breaks)
    }

    /// Every stored file's hash, size and media type against its bytes.
    public func checkBlobs(into verifier: inout ChainVerifier) throws {
        let statement = try database.prepare(
            "SELECT sha256, size, media_type, data, EXISTS (SELECT 1 FROM blob_purges AS p WHERE p.sha256 = blobs.sha256) FROM blobs ORDER BY sha256")
        try statement.forEachRow { row in
            let key = row.text(0)
            let size = row.int(1)
            let mediaType = row.text(2)
            if row.isNull(3) {
                verifier.recordPurgedBlob(key, isRecorded: row.int(4) == 1)
                return
            }
            row.withBytes(3) { data in
                if data.count != size {
                    verifier.recordBadBlob(key, detail: "size is \(data.count), stored as \(size)")
                } else if Hex.encode(SHA256.hash(data)) != key {
                    verifier.recordBadBlob(key, detail: "the bytes' SHA-256 is not the key")
                } else {
                    let sniffed = MediaType.sniff(data)
                    if sniffed != mediaType {
                        verifier.record(
                            ChainBreak(
                                stream: "blobs", version: 0, kind: .wrongMediaType,
                                detail: "\(key): stored as \(mediaType.prefix(80)), but its bytes are \(sniffed)"))
                    }
                }
            }
        }
    }
}
