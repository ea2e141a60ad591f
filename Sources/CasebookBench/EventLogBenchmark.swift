import CSQLite
import CasebookSchema
import EventLog
import Foundation

/// `casebook-bench eventlog`: the event log against raw SQLite (SPEC §7).
///
/// 1. Appends streams × per-stream events through ``EventStore/append(_:to:expectedVersion:project:)``
///    in batches, into a new database with the real schema.
/// 2. Inserts the same rows into a plain table of a second database: same columns, same
///    `UNIQUE (stream, version)`, no hashing, no triggers; one prepared statement,
///    transactions of the same batch size, the same pragmas (WAL, `synchronous=FULL`).
/// 3. Reads every event back with ``EventStore/forEachEvent(after:pageSize:_:)``.
/// 4. Re-computes every chain with ``EventStore/verifyChains()``.
///
/// Reads and verifies run on a fresh connection, as a new command would.
enum EventLogBenchmark {
    static let summary = "append, raw inserts, read and verify of the event log [--streams N] [--per-stream N] [--batch N] [--directory D]"

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["streams", "per-stream", "batch", "directory"])
        let workload = Workload(
            streams: try options.integer("streams", default: 10_000),
            perStream: try options.integer("per-stream", default: 100),
            batch: try options.integer("batch", default: 100))
        let parent = options.text("directory") ?? FileManager.default.temporaryDirectory.path
        let directory = URL(fileURLWithPath: parent).appendingPathComponent("casebook-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logPath = directory.appendingPathComponent("eventlog.sqlite").path
        let rawPath = directory.appendingPathComponent("raw.sqlite").path
        let total = workload.streams * workload.perStream

        print("Event log: \(grouped(workload.streams)) streams × \(grouped(workload.perStream)) events = \(grouped(total)) events, batches of \(workload.batch)")
        print("machine: \(Machine.summary()); SQLite \(String(cString: sqlite3_libversion()))")

        let appendSeconds = try measure { try append(workload, to: logPath) }
        report("append (EventStore.append)", count: total, seconds: appendSeconds)
        let rawSeconds = try measure { try insertRaw(workload, into: rawPath) }
        report("raw SQLite inserts", count: total, seconds: rawSeconds)
        let ratio = rawSeconds / appendSeconds
        print(String(format: "ratio append/raw: %.2f (target ≥ 0.33) %@", ratio, ratio >= 1.0 / 3 ? "ok" : "MISSED"))

        let schema = Schema(migrations: [.init(version: 1, sql: String(cString: casebook_schema_sql()))])
        let store = try EventStore.open(at: logPath, schema: schema)
        var readCount = 0
        var payloadBytes = 0
        let readSeconds = try measure {
            try store.forEachEvent { event in
                readCount += 1
                payloadBytes += event.payload?.count ?? 0
            }
        }
        guard readCount == total else { throw BenchmarkFailure(description: "read \(readCount) events, not \(total)") }
        report("read (forEachEvent)", count: total, seconds: readSeconds, target: 10)

        var verifier = ChainVerifier()
        let verifySeconds = try measure { verifier = try store.verifyChains() }
        guard verifier.isIntact, verifier.eventCount == total else {
            throw BenchmarkFailure(description: "verify found \(verifier.breaks.count) breaks in \(verifier.eventCount) events")
        }
        report("verify (verifyChains)", count: total, seconds: verifySeconds, target: 10)

        let size = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
        print("database: \(mebibytes(size)), payloads \(mebibytes(payloadBytes))")
        print("peak RSS: \(Machine.peakResidentBytes().map(mebibytes) ?? "unknown")")
    }

    /// Prints one phase: count, seconds and rate, and the target when there is one.
    static func report(_ phase: String, count: Int, seconds: Double, target: Double? = nil) {
        var line = String(format: "%@ %@ in %.2f s = %@ /s", phase.padding(toLength: 28, withPad: " ", startingAt: 0),
                          grouped(count), seconds, grouped(Int(Double(count) / seconds)))
        if let target { line += String(format: " (target < %.0f s) %@", target, seconds < target ? "ok" : "MISSED") }
        print(line)
    }

    /// Phase 1: the event log.
    static func append(_ workload: Workload, to path: String) throws {
        let schema = Schema(migrations: [.init(version: 1, sql: String(cString: casebook_schema_sql()))])
        let store = try EventStore.create(at: path, schema: schema)
        var events: [NewEvent] = []
        events.reserveCapacity(workload.batch)
        for stream in 0..<workload.streams {
            let name = workload.streamName(stream)
            for first in stride(from: 0, to: workload.perStream, by: workload.batch) {
                events.removeAll(keepingCapacity: true)
                for index in first..<min(first + workload.batch, workload.perStream) {
                    events.append(workload.event(stream: stream, index: index))
                }
                try store.append(events, to: name, expectedVersion: first)
            }
        }
    }

    /// Phase 2: the same rows through the C API into a plain table.
    static func insertRaw(_ workload: Workload, into path: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
            let handle
        else { throw BenchmarkFailure(description: "cannot open \(path)") }
        defer { sqlite3_close_v2(handle) }
        func execute(_ sql: String) throws {
            guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchmarkFailure(description: "\(String(cString: sqlite3_errmsg(handle))) in \(sql)")
            }
        }
        sqlite3_busy_timeout(handle, 10_000)
        try execute(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;
            CREATE TABLE events (
                position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
                occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, actor TEXT NOT NULL, payload TEXT,
                payload_sha256 TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
                UNIQUE (stream, version)
            );
            """)
        var insert: OpaquePointer?
        let sql = """
            INSERT INTO events (stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &insert, nil) == SQLITE_OK,
            let insert
        else { throw BenchmarkFailure(description: String(cString: sqlite3_errmsg(handle))) }
        defer { sqlite3_finalize(insert) }
        let transient = csqlite_transient()
        for stream in 0..<workload.streams {
            let name = workload.streamName(stream)
            for first in stride(from: 0, to: workload.perStream, by: workload.batch) {
                let recordedAt = Timestamp.string(from: Date())
                try execute("BEGIN IMMEDIATE")
                for index in first..<min(first + workload.batch, workload.perStream) {
                    let event = workload.event(stream: stream, index: index)
                    let hashes = workload.hashes(stream: stream, index: index)
                    sqlite3_bind_text(insert, 1, name, -1, transient)
                    sqlite3_bind_int64(insert, 2, Int64(index + 1))
                    sqlite3_bind_text(insert, 3, event.type, -1, transient)
                    sqlite3_bind_text(insert, 4, event.occurredAt, -1, transient)
                    sqlite3_bind_text(insert, 5, recordedAt, -1, transient)
                    sqlite3_bind_text(insert, 6, event.actor, -1, transient)
                    event.payload.withUnsafeBytes { bytes in
                        _ = sqlite3_bind_text(
                            insert, 7, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                            transient)
                    }
                    sqlite3_bind_text(insert, 8, hashes.payload, -1, transient)
                    sqlite3_bind_text(insert, 9, hashes.previous, -1, transient)
                    sqlite3_bind_text(insert, 10, hashes.event, -1, transient)
                    guard sqlite3_step(insert) == SQLITE_DONE else {
                        throw BenchmarkFailure(description: String(cString: sqlite3_errmsg(handle)))
                    }
                    sqlite3_reset(insert)
                }
                try execute("COMMIT")
            }
        }
    }

    /// The events both phases write: realistic values (payloads of about 200 bytes of JSON)
    /// drawn from small pools built up front, so that making them costs neither phase anything.
    struct Workload {
        let streams: Int
        let perStream: Int
        let batch: Int

        static let poolSize = 1024
        static let types = [
            "EvidenceCaptured", "NoteAdded", "TakedownRequested", "HostResponded", "RemovalChecked",
            "SourceIdentified", "ThreatAssessed", "SupportOffered",
        ]
        private let payloads: [[UInt8]]
        private let times: [String]
        private let actors = (1...12).map { "staff-\(String(format: "%04d", $0))" }
        private let hexes: [String]

        init(streams: Int, perStream: Int, batch: Int) {
            self.streams = streams
            self.perStream = perStream
            self.batch = batch
            let start = Timestamp.date(from: "2026-09-01T08:00:00.000Z")!
            times = (0..<Self.poolSize).map { Timestamp.string(from: start.addingTimeInterval(Double($0) * 617.123)) }
            hexes = (0..<Self.poolSize).map { SHA256.hex(Array("pool \($0)".utf8)) }
            payloads = (0..<Self.poolSize).map { index in
                let text = """
                    {"item":"E\(index % 9 + 1)","kind":"social","url":"https://social.example.com/posts/\(1_000_000 + index * 7919)",\
                    "capturedAt":"\(Timestamp.string(from: start.addingTimeInterval(Double(index) * 60)))","platform":"Example",\
                    "description":"Post naming a member of staff, with a photo of the school gate","screenshot":\(index)}
                    """
                return Array(text.utf8)
            }
        }

        /// The name of stream `index`.
        func streamName(_ index: Int) -> String {
            "case/CB-2026-\(String(format: "%05d", index + 1))"
        }

        /// Event `index` (from 0) of stream `stream`.
        func event(stream: Int, index: Int) -> NewEvent {
            let pick = (stream &* 31 &+ index) % Self.poolSize
            return NewEvent(
                type: Self.types[pick % Self.types.count], occurredAt: times[pick], actor: actors[pick % actors.count],
                payload: payloads[pick])
        }

        /// Stand-ins of the right shape for the raw phase's three hash columns (it computes none).
        func hashes(stream: Int, index: Int) -> (payload: String, previous: String, event: String) {
            let pick = (stream &* 31 &+ index) % Self.poolSize
            return (hexes[pick], hexes[(pick + 1) % Self.poolSize], hexes[(pick + 2) % Self.poolSize])
        }
    }
}
