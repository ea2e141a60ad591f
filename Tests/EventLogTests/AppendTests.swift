import Foundation
import Testing
import TestSupport

import EventLog

/// Appending to and reading one stream: versions, the hash chain, optimistic concurrency,
/// the projection hook's transaction, field checks and paging.
@Suite struct AppendTests {
    struct ProjectionFailed: Error, Equatable {}

    @Test("Appends in two batches read back as versions 1…8, linked by prev_hash")
    func appendAndRead() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let first = try store.append(Fixture.events(1...5), to: Fixture.stream, expectedVersion: 0)
        let second = try store.append(Fixture.events(6...8), to: Fixture.stream, expectedVersion: 5)
        let events = try store.events(in: Fixture.stream)
        #expect(events == first + second)
        #expect(events.map(\.version) == Array(1...8))
        #expect(events.map(\.payload) == Fixture.events(1...8).map(\.payload))
        #expect(events.map(\.occurredAt) == Fixture.events(1...8).map(\.occurredAt))
        #expect(events.allSatisfy { $0.recordedAt == "2026-11-20T14:05:00.123Z" && $0.actor == "staff-zoë" })
        #expect(events.first?.prevHash == HashChain.genesis)
        for (previous, event) in zip(events, events.dropFirst()) {
            #expect(event.prevHash == previous.hash, "v\(event.version)")
            #expect(event.position > previous.position, "v\(event.version)")
        }
        #expect(Set(events.map(\.hash)).count == 8)
        #expect(try store.version(of: Fixture.stream) == 8)
        #expect(try store.version(of: "case/CB-2026-0002") == 0)
        #expect(try store.events(in: Fixture.stream, from: 6) == second)
        #expect(try store.eventCount() == 8)
    }

    @Test("Every stored hash is the SPEC §4 formula, recomputed with printf and /usr/bin/sha256sum",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum")))
    func hashMatchesStandardTools() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixture.makeStore(in: directory.url)
        try store.append(Fixture.events(1...3), to: Fixture.stream, expectedVersion: 0)
        try store.append([Fixture.event(4, type: "NoteAdded", actor: "ms-ŋ")], to: Fixture.stream, expectedVersion: 3)
        // Read the fields as stored, with plain SQL, not through RecordedEvent; check them below,
        // outside forEachRow's closure.
        var rows: [(fields: [String], hash: String, payload: [UInt8])] = []
        try store.database.forEachRow(
            """
            SELECT prev_hash, stream, version, type, occurred_at, recorded_at, actor, payload_sha256, hash,
                   CAST(payload AS BLOB) FROM events ORDER BY position
            """
        ) { row in
            rows.append((fields: (0..<8).map { row.text($0) }, hash: row.text(8), payload: row.bytes(9) ?? []))
        }
        #expect(rows.count == 4)
        let payloadFile = directory.url.appendingPathComponent("payload.bin")
        for row in rows {
            let fields = row.fields
            try Data(row.payload).write(to: payloadFile)
            let payloadDigest = try Self.shell(#"sha256sum < "$1""#, [payloadFile.path])
            #expect(payloadDigest == fields[7], "payload_sha256 of v\(fields[2])")
            let chainDigest = try Self.shell(
                #"printf '%s%s\n%s\n%s\n%s\n%s\n%s\n%s' "$@" | sha256sum"#, fields)
            #expect(chainDigest == row.hash, "hash of v\(fields[2])")
        }
    }

    @Test("The README's recipe (sqlite3 writefile, then sha256sum) gives payload_sha256 and hash",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum")))
    func readmeRecipeWorks() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixture.makeStore(in: directory.url)
        let events = try store.append(Fixture.events(1...2), to: Fixture.stream, expectedVersion: 0)
        let database = store.database.path
        let script = """
            sqlite3 "$1" "SELECT writefile('payload.json', payload) FROM events
              WHERE stream = 'case/CB-2026-0001' AND version = 2" > /dev/null
            sqlite3 "$1" "SELECT writefile('fields.txt', prev_hash || stream || char(10) ||
              version || char(10) || type || char(10) || occurred_at || char(10) || recorded_at ||
              char(10) || actor || char(10) || payload_sha256) FROM events
              WHERE stream = 'case/CB-2026-0001' AND version = 2" > /dev/null
            sha256sum payload.json fields.txt | cut -c1-64 | tr '\\n' ' '
            """
        let digests = try Self.shell(script, [database], in: directory.url, wholeOutput: true)
        #expect(digests == "\(events[1].payloadSHA256) \(events[1].hash) ")
    }

    @Test("A stale or future expected version is a conflict and writes nothing", arguments: [0, 2, 4, 10])
    func expectedVersionConflict(expected: Int) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.append(Fixture.events(1...3), to: Fixture.stream, expectedVersion: 0)
        var projected = false
        #expect(throws: EventLogError.conflict(stream: Fixture.stream, expected: expected, actual: 3)) {
            try store.append(Fixture.events(4...5), to: Fixture.stream, expectedVersion: expected) { _, _ in
                projected = true
            }
        }
        #expect(!projected)
        #expect(try store.eventCount() == 3)
        #expect(!store.database.isInTransaction)
    }

    @Test("The project hook runs inside the append's transaction: it sees the events, others do not yet")
    func projectionSharesTheTransaction() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let observer = try Database(path: store.database.path, mode: .existing)
        // What the hook sees, recorded inside it and checked after the append, outside its closure.
        var versions: [Int] = []
        var inTransaction = false
        var countInside: Int?
        var countOutside: Int?
        try store.append(Fixture.events(1...2), to: Fixture.stream, expectedVersion: 0) { writer, recorded in
            versions = recorded.map(\.version)
            inTransaction = writer.database.isInTransaction
            countInside = try writer.database.scalarInt("SELECT count(*) FROM events")
            countOutside = try observer.scalarInt("SELECT count(*) FROM events")
            try writer.database.run(
                "INSERT INTO staff (id, name, role, added_at) VALUES (?, ?, ?, ?)",
                ["staff-zoë", "Zoë Adams", "teacher", recorded[0].recordedAt])
        }
        #expect(versions == [1, 2])
        #expect(inTransaction)
        #expect(countInside == 2)
        #expect(countOutside == 0)
        #expect(try observer.scalarInt("SELECT count(*) FROM events") == 2)
        #expect(try observer.scalarText("SELECT name FROM staff") == "Zoë Adams")
    }

    @Test("A throw from the project hook rolls back the events together with its own changes")
    func projectionFailureRollsBack() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.append(Fixture.events(1...1), to: Fixture.stream, expectedVersion: 0)
        #expect(throws: ProjectionFailed()) {
            try store.append(Fixture.events(2...3), to: Fixture.stream, expectedVersion: 1) { writer, _ in
                try writer.database.run(
                    "INSERT INTO staff (id, name, role, added_at) VALUES ('s1', 'Sam', 'teacher', 'now')")
                throw ProjectionFailed()
            }
        }
        #expect(try store.eventCount() == 1)
        #expect(try store.database.scalarInt("SELECT count(*) FROM staff") == 0)
        #expect(!store.database.isInTransaction)
        // The stream goes on from where it was.
        try store.append(Fixture.events(2...2), to: Fixture.stream, expectedVersion: 1)
        #expect(try store.version(of: Fixture.stream) == 2)
    }

    @Test("A line feed or an empty value in stream, type or actor is refused", arguments: ["stream", "type", "actor"])
    func unstorableFieldsAreRefused(field: String) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        for value in ["case/CB\n2026", "\n", ""] {
            var stream = Fixture.stream
            var bad = Fixture.event(2)
            switch field {
            case "stream": stream = value
            case "type": bad.type = value
            default: bad.actor = value
            }
            // The bad event comes second: the first must not be written either.
            let error = #expect(throws: EventLogError.self) {
                try store.append([Fixture.event(1), bad], to: stream, expectedVersion: 0)
            }
            guard case .invalidField(let name, _) = error else {
                Issue.record("expected invalidField for \(field), got \(String(describing: error))")
                continue
            }
            #expect(name == field)
        }
        let count = try store.eventCount()
        #expect(count == 0)
    }

    @Test("An occurred_at not in the stored shape, or a payload that is not UTF-8, is refused")
    func badTimesAndPayloadsAreRefused() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        var late = Fixture.event(1)
        late.occurredAt = "2026-11-20T09:00:00Z"
        #expect(throws: EventLogError.invalidField(name: "occurred_at", reason: "is not UTC RFC 3339 with milliseconds")) {
            try store.append([late], to: Fixture.stream, expectedVersion: 0)
        }
        var garbled = Fixture.event(1)
        garbled.payload = [0x7B, 0xC3, 0x28, 0x7D]  // "{", a broken two-byte sequence, "}"
        #expect(throws: EventLogError.invalidField(name: "payload", reason: "is not valid UTF-8")) {
            try store.append([garbled], to: Fixture.stream, expectedVersion: 0)
        }
        let count = try store.eventCount()
        #expect(count == 0)
    }

    @Test("Payloads are accepted exactly when they are UTF-8, wherever a bad or multi-byte sequence falls")
    func payloadUTF8CheckAgreesWithTheStandardLibrary() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        var generator = SplitMix64(seed: 0x0_07F8_2026)
        var payloads: [[UInt8]] = []
        // A bad byte or a good two-, three- or four-byte sequence at every offset of a
        // 20-byte ASCII run (before, across and after the 8-byte words), then random bytes.
        for offset in 0...20 {
            for insert: [UInt8] in [[0xFF], [0xC3], [0xC3, 0xA9], [0xE2, 0x80, 0x94], [0xF0, 0x9F, 0x93, 0xB7], [0xED, 0xA0, 0x80]] {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 20)
                bytes.insert(contentsOf: insert, at: offset)
                payloads.append(bytes)
            }
        }
        for _ in 0..<150 {
            let count = Int.random(in: 0...40, using: &generator)
            payloads.append((0..<count).map { _ in
                Int.random(in: 0..<8, using: &generator) == 0
                    ? UInt8.random(in: 0x80...0xFF, using: &generator) : UInt8.random(in: 0x20..<0x7F, using: &generator)
            })
        }
        var version = 0
        for payload in payloads {
            let valid = String(validating: payload, as: UTF8.self) != nil
            let event = NewEvent(type: "NoteAdded", occurredAt: "2026-11-20T09:00:00.000Z", actor: "staff-1", payload: payload)
            if valid {
                try store.append([event], to: Fixture.stream, expectedVersion: version)
                version += 1
                let stored = try store.database.scalarText(
                    "SELECT hex(CAST(payload AS BLOB)) FROM events WHERE stream = ? AND version = ?", [Fixture.stream, version])
                #expect(stored == payload.map { String(format: "%02X", $0) }.joined(), "\(payload)")
            } else {
                #expect(throws: EventLogError.invalidField(name: "payload", reason: "is not valid UTF-8"), "\(payload)") {
                    try store.append([event], to: Fixture.stream, expectedVersion: version)
                }
            }
        }
        #expect(try store.eventCount() == version)
        #expect(version > 30 && version < payloads.count - 30)
    }

    @Test("An empty payload is stored as empty text, not NULL, with the empty string's digest")
    func emptyPayload() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let event = NewEvent(type: "Marker", occurredAt: "2026-11-20T09:00:00.000Z", actor: "staff-1", payload: [])
        let recorded = try store.append([event, event], to: Fixture.stream, expectedVersion: 0)
        let emptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(recorded.map(\.payloadSHA256) == [emptyDigest, emptyDigest])
        #expect(try store.database.scalarInt("SELECT count(*) FROM events WHERE payload IS NOT NULL AND payload = ''") == 2)
        #expect(try store.events(in: Fixture.stream) == recorded)
        #expect(try store.verifyChains().isIntact)
    }

    @Test("A batch whose versions cross 9 and 99, with fields of every length, returns and stores the SPEC §4 chain")
    func longBatchChain() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        // Field lengths that change from event to event (the rows share one buffer), a
        // multi-byte actor, and payloads from empty to several SHA-256 blocks.
        let events = (1...120).map { number in
            NewEvent(
                type: String(repeating: "T", count: 1 + number % 40), occurredAt: "2026-11-20T09:00:00.000Z",
                actor: "staff-zoë-" + String(repeating: "x", count: number % 7),
                payload: Array(String(repeating: "é", count: (number * 13) % 150).utf8))
        }
        let first = try store.append(Array(events[0..<5]), to: Fixture.stream, expectedVersion: 0)
        let rest = try store.append(Array(events[5...]), to: Fixture.stream, expectedVersion: 5)
        let recorded = first + rest
        #expect(recorded.map(\.version) == Array(1...120))
        #expect(try store.events(in: Fixture.stream) == recorded)
        #expect(recorded.first?.prevHash == HashChain.genesis)
        for (event, new) in zip(recorded, events) {
            #expect(event.hash == HashChain.hash(of: event), "v\(event.version)")
            #expect(event.payloadSHA256 == HashChain.payloadHash(new.payload), "v\(event.version)")
            #expect(event.type == new.type && event.actor == new.actor && event.payload == new.payload)
        }
        for (previous, event) in zip(recorded, recorded.dropFirst()) { #expect(event.prevHash == previous.hash) }
        #expect(try store.verifyChains().isIntact)
    }

    @Test("One transaction appending to several streams stores each event's own fields")
    func severalStreamsInOneTransaction() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let other = "case/CB-2026-0002"
        let recorded = try store.write { writer in
            try writer.append(Fixture.events(1...3), to: Fixture.stream, expectedVersion: 0)
                + writer.append([Fixture.event(4, type: "NoteAdded", actor: "ms-ŋ")], to: other, expectedVersion: 0)
                + writer.append(Fixture.events(5...6), to: Fixture.stream, expectedVersion: 3)
        }
        #expect(recorded.map(\.stream) == [Fixture.stream, Fixture.stream, Fixture.stream, other, Fixture.stream, Fixture.stream])
        #expect(recorded.map(\.version) == [1, 2, 3, 1, 4, 5])
        // Read back with plain SQL: every column as stored.
        var rows: [[String]] = []
        try store.database.forEachRow(
            "SELECT stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash FROM events ORDER BY position"
        ) { row in rows.append((0..<10).map { row.text($0) }) }
        let expected = recorded.map {
            [$0.stream, String($0.version), $0.type, $0.occurredAt, $0.recordedAt, $0.actor, $0.payloadText ?? "?",
             $0.payloadSHA256, $0.prevHash, $0.hash]
        }
        #expect(rows == expected)
        #expect(rows[3][2] == "NoteAdded" && rows[3][5] == "ms-ŋ" && rows[3][8] == HashChain.genesis)
        #expect(rows[4][8] == rows[2][9])
        #expect(try store.verifyChains().isIntact)
        // A statement run after the appends has no parameter left over from them.
        #expect(try store.database.scalarInt("SELECT count(*) FROM events WHERE stream = ?", [other]) == 1)
    }

    @Test("forEachEvent visits every event once, in position order, at any page size",
          arguments: [1, 4, 7, 20, 1000])
    func pagingVisitsEverythingOnce(pageSize: Int) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        // Three streams, interleaved, 20 events in all.
        let streams = ["case/CB-2026-0001", "case/CB-2026-0002", "staff"]
        for round in 0..<7 {
            for stream in streams where !(round == 6 && stream == "staff") {
                try store.append([Fixture.event(round)], to: stream, expectedVersion: round)
            }
        }
        var all: [Int64] = []
        try store.database.forEachRow("SELECT position FROM events ORDER BY position") { all.append(Int64($0.int(0))) }
        #expect(all.count == 20)

        var visited: [RecordedEvent] = []
        try store.forEachEvent(pageSize: pageSize) { visited.append($0) }
        #expect(visited.map(\.position) == all)
        #expect(visited.filter { $0.stream == "staff" }.map(\.version) == Array(1...6))

        var rest: [Int64] = []
        try store.forEachEvent(after: all[6], pageSize: pageSize) { rest.append($0.position) }
        #expect(rest == Array(all[7...]))
    }

    /// Runs a `/bin/sh` script with positional arguments and returns its first output word,
    /// or all its output.
    static func shell(_ script: String, _ arguments: [String], in directory: URL? = nil, wholeOutput: Bool = false)
        throws -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = String(decoding: data, as: UTF8.self)
        return wholeOutput ? text : text.split(separator: " ").first.map(String.init) ?? ""
    }
}
