import CSQLite
import Casebook
import CasebookSchema
import EventLog
import Foundation

/// `casebook-bench eventlog`: the event log against raw SQLite (SPEC §7), and beside the
/// Python `eventsourcing` library when `--peer PYTHON` names an interpreter that has it.
///
/// For each transaction size of `--batch` (default 100 and 1,000 events), in a new directory:
/// 1. **append** — streams × per-stream events through ``EventStore/write(_:)`` and
///    ``EventWriter/append(_:to:expectedVersion:)``, `batch` events per transaction (a
///    transaction spans several streams when a stream has fewer events), into a new
///    database with the real schema.
/// 2. **raw** — the same rows into a plain table of a second database: same columns, same
///    `UNIQUE (stream, version)`, no hashing, no triggers; one prepared statement bound as
///    lean as the C API allows, transactions of the same events, the same pragmas (WAL,
///    `synchronous=FULL`). The baseline of SPEC §7 and issue 15.
/// 2b. **raw, real schema** — the same inserts into a database made with the real
///    `schema.sql`, whose append-only triggers run on every insert, in a file made as
///    Casebook makes one (`auto_vacuum=INCREMENTAL`, `secure_delete`): the limit for any
///    writer of a Casebook database, hash chain or not.
/// 3. with `--peer`: **eventsourcing** `Application.save` of the same events in the same
///    transactions, and its bare `recorder.insert_events` (Benchmarks/peer/).
///
/// The streams are cut into `--rounds` slices; each round runs every phase on its slice, in
/// an order that turns from round to round, so that a change in the (shared) machine's
/// speed or the disk's touches every phase alike. The ratios are of the totals, with the
/// range of the rounds' own ratios beside them.
///
/// Then, on the first size's database: read every event back with
/// ``EventStore/forEachEvent(after:pageSize:_:)``, read every stream with
/// ``EventStore/events(in:from:)``, and re-compute every chain with
/// ``EventStore/verifyChains()`` (fresh connection, as a new command would); with `--peer`,
/// the peer's `recorder.select_events` of every stream and `repository.get` (replay) of
/// every aggregate.
enum EventLogBenchmark {
    static let summary =
        "append vs raw SQLite inserts (and the Python eventsourcing library with --peer PYTHON); read and verify [--streams N] [--per-stream N] [--batch N[,N…]] [--rounds N] [--directory D] [--peer PYTHON] [--peer-script PATH] [--only append,raw,raw-schema] [--drop-trigger NAME]"

    /// The phases timed in every round.
    enum Phase: String, CaseIterable {
        case append = "append (EventStore.write + append)"
        case raw = "raw SQLite inserts"
        case rawSchema = "raw inserts, real schema + triggers"
        case peerSave = "eventsourcing Application.save"
        case peerInsert = "eventsourcing recorder.insert_events"
    }

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(
            arguments, known: ["streams", "per-stream", "batch", "rounds", "directory", "peer", "peer-script", "only", "drop-trigger"])
        let streams = try options.integer("streams", default: 1_000)
        let perStream = try options.integer("per-stream", default: 100)
        let rounds = min(try options.integer("rounds", default: 5), streams)
        let batches = try (options.text("batch") ?? "100,1000").split(separator: ",").map { text -> Int in
            guard let value = Int(text), value > 0 else {
                throw BenchmarkUsageError(description: "'--batch' needs positive integers, not '\(text)'")
            }
            return value
        }
        let parent = options.text("directory") ?? FileManager.default.temporaryDirectory.path
        let directory = URL(fileURLWithPath: parent).appendingPathComponent("casebook-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let total = streams * perStream

        print("Event log: \(grouped(streams)) streams × \(grouped(perStream)) events = \(grouped(total)) events; \(rounds) rounds, phases interleaved")
        print("machine: \(Machine.summary()); SQLite \(String(cString: sqlite3_libversion())); SHA-256 on \(SHA256.hardwareName ?? "portable Swift")")
        // --only append,raw,raw-schema: run just those phases (to profile one; no reading back without append).
        let only = try options.text("only").map { list in
            try list.split(separator: ",").map { name -> Phase in
                switch name {
                case "append": return .append
                case "raw": return .raw
                case "raw-schema": return .rawSchema
                default: throw BenchmarkUsageError(description: "'--only' takes append, raw, raw-schema; not '\(name)'")
                }
            }
        }
        // --drop-trigger NAME: an experiment, not Casebook — the append and real-schema databases
        // without one of the schema's triggers, to measure what it costs.
        let dropTrigger = options.text("drop-trigger")
        if let dropTrigger {
            guard dropTrigger.allSatisfy({ $0.isLetter || $0 == "_" }) else {
                throw BenchmarkUsageError(description: "'--drop-trigger' takes a trigger's name, not '\(dropTrigger)'")
            }
            print("EXPERIMENT: the append and real-schema databases without trigger \(dropTrigger)")
        }
        // The application's part (schema.sql), after which EventStore has applied the log's own.
        let applicationSQL = String(cString: casebook_schema_sql()) + (dropTrigger.map { "\nDROP TRIGGER \($0);\n" } ?? "")
        let appendSchema = Schema(redactionRules: Casebook.schema.redactionRules, migrations: [.init(version: 1, sql: applicationSQL)])
        // Both parts for the raw inserts into the real schema (the rules' rows do not matter to an insert).
        let schemaSQL = Schema.logSQL + applicationSQL
        let peerPython = options.text("peer")
        let peerScript = options.text("peer-script") ?? "Benchmarks/peer/eventsourcing_peer.py"

        var firstLog: String?
        var firstPeer: PeerProcess?
        for batch in batches {
            let workload = Workload(streams: streams, perStream: perStream, batch: batch)
            let place = directory.appendingPathComponent("batch-\(batch)")
            try FileManager.default.createDirectory(at: place, withIntermediateDirectories: true)
            let logPath = place.appendingPathComponent("eventlog.sqlite").path
            let store = try EventStore.create(
                at: logPath, schema: appendSchema)
            let raw = try RawLog(path: place.appendingPathComponent("raw.sqlite").path, schemaSQL: nil)
            let rawSchema = try RawLog(path: place.appendingPathComponent("raw-schema.sqlite").path, schemaSQL: schemaSQL)
            let peer = try peerPython.map { try PeerProcess(python: $0, script: peerScript, directory: place.path) }
            if let peer, firstPeer == nil { print("peer: \(try peer.info())") }
            var phases: [Phase] = [.append, .raw, .rawSchema]
            if peer != nil { phases += [.peerSave, .peerInsert] }
            if let only { phases = phases.filter { only.contains($0) } }

            var seconds: [Phase: Double] = [:]
            var roundRatios: [Phase: [Double]] = [:]
            for round in 0..<rounds {
                let first = streams * round / rounds
                let count = streams * (round + 1) / rounds - first
                let slice = workload.transactions(firstStream: first, streams: count)
                var roundSeconds: [Phase: Double] = [:]
                let turn = round % phases.count
                for phase in phases[turn...] + phases[..<turn] {
                    switch phase {
                    case .append: roundSeconds[phase] = try measure { try append(slice, workload, to: store) }
                    case .raw: roundSeconds[phase] = try measure { try raw.insert(slice, workload) }
                    case .rawSchema: roundSeconds[phase] = try measure { try rawSchema.insert(slice, workload) }
                    case .peerSave:
                        roundSeconds[phase] = try peer?.timed("save", first: first, count: count, perStream: perStream, batch: batch)
                    case .peerInsert:
                        roundSeconds[phase] = try peer?.timed("insert", first: first, count: count, perStream: perStream, batch: batch)
                    }
                }
                for (phase, value) in roundSeconds {
                    seconds[phase, default: 0] += value
                    if phase != .append, let append = roundSeconds[.append] { roundRatios[phase, default: []].append(value / append) }
                }
            }

            print("\ntransactions of \(grouped(batch)) events:")
            for phase in phases { report(phase.rawValue, count: total, seconds: seconds[phase] ?? .nan) }
            guard let appendSeconds = seconds[.append] else { continue }
            if let rawSeconds = seconds[.raw] {
                let ratio = rawSeconds / appendSeconds
                print(String(
                    format: "  append/raw %.2f (rounds %@; SPEC §7 ≥ 0.33, issue 15 ≥ 0.8) %@", ratio,
                    range(roundRatios[.raw] ?? []), ratio >= 0.8 ? "ok" : ratio >= 1.0 / 3 ? "≥ 0.33 only" : "MISSED"))
            }
            if let rawSchemaSeconds = seconds[.rawSchema] {
                print(String(
                    format: "  append/raw inserts into the real schema (its append-only triggers on) %.2f (rounds %@)",
                    rawSchemaSeconds / appendSeconds, range(roundRatios[.rawSchema] ?? [])))
            }
            for phase in [Phase.peerSave, .peerInsert] {
                guard let peerSeconds = seconds[phase] else { continue }
                print(String(
                    format: "  append/%@ %.2f× (rounds %@)", phase.rawValue, peerSeconds / appendSeconds,
                    range(roundRatios[phase] ?? [])))
            }
            if firstLog == nil, phases.contains(.append) {
                firstLog = logPath
                firstPeer = peer
            }
        }

        guard let logPath = firstLog else { return }
        print("\nreading back (transactions of \(grouped(batches[0]))):")
        let store = try EventStore.open(at: logPath, schema: appendSchema)
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
        var streamCount = 0
        let workload = Workload(streams: streams, perStream: perStream, batch: batches[0])
        let streamSeconds = try measure {
            for stream in 0..<streams { streamCount += try store.events(in: workload.streamName(stream)).count }
        }
        guard streamCount == total else { throw BenchmarkFailure(description: "read \(streamCount) events by stream, not \(total)") }
        report("read every stream (events(in:))", count: total, seconds: streamSeconds)
        if let peer = firstPeer {
            let select = try peer.timed("read")
            report("eventsourcing select_events", count: total, seconds: select)
            let replay = try peer.timed("replay")
            report("eventsourcing repository.get", count: total, seconds: replay)
            print(String(format: "  events(in:) vs select_events %.2f×, vs repository.get (replay) %.2f×",
                         select / streamSeconds, replay / streamSeconds))
        }

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

    static var schema: Schema { Casebook.schema }

    /// `min–max` of the rounds' ratios.
    static func range(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "-" }
        return String(format: "%.2f–%.2f", low, high)
    }

    /// Prints one phase: count, seconds and rate, and the target when there is one.
    static func report(_ phase: String, count: Int, seconds: Double, target: Double? = nil) {
        var line = String(format: "  %@ %@ in %.2f s = %@ /s", phase.padding(toLength: 38, withPad: " ", startingAt: 0),
                          grouped(count), seconds, grouped(Int(Double(count) / seconds)))
        if let target { line += String(format: " (target < %.0f s) %@", target, seconds < target ? "ok" : "MISSED") }
        print(line)
    }

    /// The event log: one write transaction per group, one `append` per stream in it.
    static func append(_ transactions: [[Segment]], _ workload: Workload, to store: EventStore) throws {
        var events: [NewEvent] = []
        events.reserveCapacity(workload.batch)
        for transaction in transactions {
            try store.write { writer in
                for segment in transaction {
                    events.removeAll(keepingCapacity: true)
                    for index in segment.first..<(segment.first + segment.count) {
                        events.append(workload.event(stream: segment.stream, index: index))
                    }
                    try writer.append(events, to: workload.streamName(segment.stream), expectedVersion: segment.first)
                }
            }
        }
    }

    /// A run of one stream's events inside a transaction.
    struct Segment {
        var stream: Int
        var first: Int
        var count: Int
    }

    /// The raw baseline: the same rows through the C API into a plain table.
    final class RawLog {
        let handle: OpaquePointer
        let insert: OpaquePointer

        /// A plain table (`schemaSQL` nil), or the real schema with its triggers.
        init(path: String, schemaSQL: String?) throws {
            var handle: OpaquePointer?
            guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
                let handle
            else { throw BenchmarkFailure(description: "cannot open \(path)") }
            self.handle = handle
            sqlite3_busy_timeout(handle, 10_000)
            let plainTable = """
                CREATE TABLE events (
                    position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
                    occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, actor TEXT NOT NULL, payload TEXT,
                    payload_sha256 TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
                    UNIQUE (stream, version)
                );
                """
            // The same pragmas as a Casebook connection (recursive_triggers matters only with the triggers).
            // Into the real schema, a file made as Casebook makes one (Database.init): auto_vacuum=INCREMENTAL
            // (so that purged files' pages can be given back, SPEC §9), which keeps pointer-map pages up to date
            // on every page a transaction adds (+1.5 k instructions a row, callgrind), and secure_delete.
            let casebookFile = schemaSQL == nil ? "" : "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA secure_delete=ON; "
            let setUp = casebookFile + "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON;"
                + (schemaSQL ?? plainTable)
            guard sqlite3_exec(handle, setUp, nil, nil, nil) == SQLITE_OK else {
                defer { sqlite3_close_v2(handle) }
                throw BenchmarkFailure(description: String(cString: sqlite3_errmsg(handle)))
            }
            var insert: OpaquePointer?
            let sql = """
                INSERT INTO events (stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &insert, nil) == SQLITE_OK,
                let insert
            else {
                defer { sqlite3_close_v2(handle) }
                throw BenchmarkFailure(description: String(cString: sqlite3_errmsg(handle)))
            }
            self.insert = insert
        }

        deinit {
            sqlite3_finalize(insert)
            sqlite3_close_v2(handle)
        }

        func execute(_ sql: String) throws {
            guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchmarkFailure(description: "\(String(cString: sqlite3_errmsg(handle))) in \(sql)")
            }
        }

        /// The rows, bound as lean as the C API allows: the stream and `recorded_at` once per
        /// stream and transaction (SQLite keeps a copy), every other text in place
        /// (`SQLITE_STATIC`) from one reused buffer — as ``EventWriter`` binds them.
        func insert(_ transactions: [[Segment]], _ workload: Workload) throws {
            let transient = csqlite_transient()
            var texts: [UInt8] = []
            texts.reserveCapacity(512)
            func bindCopy(_ text: String, _ index: Int32) {
                var text = text
                text.withUTF8 { utf8 in
                    _ = sqlite3_bind_text(insert, index, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
                }
            }
            for transaction in transactions {
                let recordedAt = Timestamp.string(from: Date())
                try execute("BEGIN IMMEDIATE")
                bindCopy(recordedAt, 5)
                for segment in transaction {
                    bindCopy(workload.streamName(segment.stream), 1)
                    for index in segment.first..<(segment.first + segment.count) {
                        let event = workload.event(stream: segment.stream, index: index)
                        let hashes = workload.hashes(stream: segment.stream, index: index)
                        texts.removeAll(keepingCapacity: true)
                        var ends: (Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0)
                        texts.append(contentsOf: event.type.utf8); ends.0 = texts.count
                        texts.append(contentsOf: event.occurredAt.utf8); ends.1 = texts.count
                        texts.append(contentsOf: event.actor.utf8); ends.2 = texts.count
                        texts.append(contentsOf: hashes.payload.utf8); ends.3 = texts.count
                        texts.append(contentsOf: hashes.previous.utf8); ends.4 = texts.count
                        texts.append(contentsOf: hashes.event.utf8); ends.5 = texts.count
                        let code = texts.withUnsafeBufferPointer { buffer -> Int32 in
                            guard let base = UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self) else {
                                return SQLITE_MISUSE
                            }
                            sqlite3_bind_int64(insert, 2, Int64(index + 1))
                            sqlite3_bind_text(insert, 3, base, Int32(ends.0), nil)
                            sqlite3_bind_text(insert, 4, base + ends.0, Int32(ends.1 - ends.0), nil)
                            sqlite3_bind_text(insert, 6, base + ends.1, Int32(ends.2 - ends.1), nil)
                            sqlite3_bind_text(insert, 8, base + ends.2, Int32(ends.3 - ends.2), nil)
                            sqlite3_bind_text(insert, 9, base + ends.3, Int32(ends.4 - ends.3), nil)
                            sqlite3_bind_text(insert, 10, base + ends.4, Int32(ends.5 - ends.4), nil)
                            return event.payload.withUnsafeBytes { bytes in
                                sqlite3_bind_text(
                                    insert, 7, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
                                let code = sqlite3_step(insert)
                                sqlite3_reset(insert)
                                return code
                            }
                        }
                        guard code == SQLITE_DONE else {
                            throw BenchmarkFailure(description: String(cString: sqlite3_errmsg(handle)))
                        }
                    }
                }
                sqlite3_clear_bindings(insert)
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

        /// Streams `firstStream…` (`streams` of them), every event in order, cut into
        /// transactions of `batch` events.
        func transactions(firstStream: Int, streams: Int) -> [[Segment]] {
            var transactions: [[Segment]] = []
            var current: [Segment] = []
            var size = 0
            for stream in firstStream..<(firstStream + streams) {
                var index = 0
                while index < perStream {
                    let take = min(perStream - index, batch - size)
                    current.append(Segment(stream: stream, first: index, count: take))
                    size += take
                    index += take
                    if size == batch {
                        transactions.append(current)
                        current = []
                        size = 0
                    }
                }
            }
            if !current.isEmpty { transactions.append(current) }
            return transactions
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
