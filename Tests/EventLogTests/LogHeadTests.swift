import Foundation
import Testing

import EventLog

/// The log head, checkpoints and the generic whole-log checks (schema, names, media types),
/// on a real file.
@Suite struct LogHeadTests {
    static let streams = ["case/CB-2026-0001", "case/CB-2026-0002", "staff"]

    /// Three streams appended in turn, so positions interleave.
    static func filledStore() throws -> StoreFixture {
        let fixture = try StoreFixture()
        for number in 1...4 {
            for stream in streams {
                try fixture.store.append([Fixture.event(number)], to: stream, expectedVersion: number - 1)
            }
        }
        return fixture
    }

    @Test("The log head is SHA-256 over the previous head and each event's hash, as hex text, in position order")
    func logHeadDefinition() throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        var expected = String(repeating: "0", count: 64)
        try store.forEachEvent { expected = SHA256.hex(Array((expected + $0.hash).utf8)) }
        let checkpoint = try store.checkpoint()
        #expect(checkpoint.logHead == LogHead(eventCount: 12, hash: expected))
        #expect(try checkpoint.streams.map(\.stream) == Self.streams)
        #expect(try checkpoint.streams.allSatisfy { $0.version == 4 })
        #expect(try store.logHead(through: nil) == checkpoint.logHead)
        #expect(try store.logHead(through: 0) == .empty)
        #expect(LogHead.empty.hash == HashChain.genesis)
    }

    @Test("A log with more events than its checkpoint still matches it; one changed before it does not")
    func compareWithCheckpoint() throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let checkpoint = try store.checkpoint()
        try store.append([Fixture.event(5)], to: Self.streams[0], expectedVersion: 4)
        try store.append([Fixture.event(1)], to: "audit", expectedVersion: 0)
        #expect(try store.compare(with: checkpoint).isEmpty)

        try Fixture.dropTriggers(store)
        try store.database.execute("DELETE FROM events WHERE stream = 'case/CB-2026-0002' AND version = 4")
        try store.database.execute("DELETE FROM events WHERE stream = 'staff'")
        var rewritten = try #require(store.events(in: Self.streams[0], from: 4).first)
        rewritten.actor = "intruder"
        try store.database.run(
            "UPDATE events SET actor = ?, hash = ? WHERE position = ?", [rewritten.actor, HashChain.hash(of: rewritten), rewritten.position])
        let found = try store.compare(with: checkpoint).map { "\($0.stream) v\($0.version) \($0.kind.rawValue)" }
        #expect(found.contains("case/CB-2026-0001 v4 rewritten-chain"))
        #expect(found.contains("case/CB-2026-0002 v4 shortened-stream"))
        #expect(found.contains("staff v4 deleted-stream"))
        // The events appended after the checkpoint are not breaks.
        #expect(found.count == 3, "\(found)")
    }

    @Test("Events of a checkpoint committed in another order change the log head")
    func reorderedPositions() throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let checkpoint = try store.checkpoint()
        try Fixture.dropTriggers(store)
        try store.database.execute(
            """
            UPDATE events SET position = 100 WHERE position = 1; UPDATE events SET position = 1 WHERE position = 2;
            UPDATE events SET position = 2 WHERE position = 100;
            """)
        let found = try store.compare(with: checkpoint)
        #expect(found.map { "\($0.stream) v\($0.version) \($0.kind.rawValue)" } == ["log v12 log-head-differs"])
    }

    @Test("Events committed among a checkpoint's but not in it are named")
    func insertedBeforeCheckpoint() throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let checkpoint = try store.checkpoint()
        let event = Fixture.event(9)
        let hash = HashChain.hash(
            prevHash: HashChain.genesis, stream: "case/CB-2026-0009", version: 1, type: event.type, occurredAt: event.occurredAt,
            recordedAt: event.occurredAt, actor: event.actor, payloadSHA256: HashChain.payloadHash(event.payload))
        try store.database.run(
            """
            INSERT INTO events (position, stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash)
            VALUES (0, 'case/CB-2026-0009', 1, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [event.type, event.occurredAt, event.occurredAt, event.actor, String(decoding: event.payload, as: UTF8.self),
             HashChain.payloadHash(event.payload), HashChain.genesis, hash])
        let found = try store.compare(with: checkpoint)
        #expect(found.map { "\($0.stream) v\($0.version) \($0.kind.rawValue)" } == ["case/CB-2026-0009 v1 inserted-before-checkpoint"])
    }

    @Test("The schema check names what is missing, added or changed, and the fixed rows")
    func schemaDifferences() throws {
        let fixture = try StoreFixture()
        let database = fixture.store.database
        #expect(try Fixture.schema.differences(in: database).isEmpty)
        try database.execute(
            """
            DROP TRIGGER events_no_delete; CREATE INDEX spy ON events (actor);
            DROP TRIGGER redaction_rules_no_delete; DELETE FROM redaction_rules WHERE type = 'InvestigationNoteAdded';
            """)
        // By object name, then the fixed rows.
        #expect(
            try Fixture.schema.differences(in: database) == [
                "trigger events_no_delete is missing", "trigger redaction_rules_no_delete is missing",
                "index spy is not in the schema", "the fixed rows of table redaction_rules are not the schema's",
            ])
    }

    @Test("verifyLog on a read-only connection: names, media types and the log head, and nothing written")
    func verifyLogReadOnly() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixture.makeStore(in: directory.url)
        try store.append(Fixture.events(1...3), to: Fixture.stream, expectedVersion: 0)
        try store.append(Fixture.events(1...1), to: "junk", expectedVersion: 0)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        let info = try store.write { try $0.storeBlob(png) }
        try Fixture.dropTriggers(store)
        try store.database.run("UPDATE blobs SET media_type = 'text/plain' WHERE sha256 = ?", [info.sha256])
        let path = store.database.path
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let reader = try EventStore.openReadOnly(at: path, schema: Fixture.schema)
        let result = try reader.readSnapshot {
            try reader.verifyLog(schema: Fixture.schema, isStreamName: { $0.hasPrefix("case/") })
        }
        let found = result.chains.breaks.map { "\($0.stream) v\($0.version) \($0.kind.rawValue)" }
        #expect(found.contains("junk v1 bad-stream-name"))
        #expect(found.contains("blobs v0 wrong-media-type"))
        #expect(found.contains("schema v0 altered-schema"))
        #expect(result.checkpoint.logHead.eventCount == 4)
        #expect(try result.checkpoint.streams.map(\.stream) == [Fixture.stream, "junk"])
        #expect(!result.skipsWriteAheadLog)
        #expect(throws: SQLiteError.self) { try reader.database.execute("DELETE FROM blobs") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("A header with a schema version other than the program's is refused by a read-only open too")
    func readOnlyOpenRefusesUnknownVersions() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixture.makeStore(in: directory.url)
        let path = store.database.path
        for version in [-1, 2] {
            try store.database.execute("PRAGMA user_version = \(version)")
            #expect(throws: EventLogError.self) { try EventStore.openReadOnly(at: path, schema: Fixture.schema) }
            #expect(throws: EventLogError.self) { try EventStore.open(at: path, schema: Fixture.schema) }
        }
    }
}
