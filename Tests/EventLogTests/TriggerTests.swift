import Foundation
import Testing

import EventLog

/// The schema's triggers keep `events` and `blobs` append-only, even against raw SQL.
@Suite struct TriggerTests {
    /// Raw statements on events that the triggers must refuse.
    static let refusedOnEvents = [
        "UPDATE events SET type = 'CaseClosed' WHERE version = 2",
        "UPDATE events SET payload = '{}' WHERE version = 2",
        "UPDATE events SET payload = NULL, actor = 'intruder' WHERE version = 2",
        "UPDATE events SET payload = NULL, payload_sha256 = '' WHERE version = 2",
        "UPDATE events SET payload = NULL, hash = prev_hash WHERE version = 2",
        "UPDATE events SET version = 9 WHERE version = 3",
        "UPDATE events SET position = 99 WHERE version = 3",
        "UPDATE events SET payload = payload WHERE version = 2",
        "DELETE FROM events WHERE version = 3",
        "DELETE FROM events",
        // REPLACE deletes the old row without an UPDATE: the connection's recursive_triggers
        // makes that deletion meet the DELETE trigger.
        "INSERT OR REPLACE INTO events SELECT position, stream, version, 'CaseClosed', occurred_at, recorded_at, "
            + "actor, payload, payload_sha256, prev_hash, hash FROM events WHERE version = 1",
        "REPLACE INTO events SELECT position + 10, stream, version, type, occurred_at, recorded_at, actor, '{}', "
            + "payload_sha256, prev_hash, hash FROM events WHERE version = 2",
    ]

    /// Raw statements on blobs that the triggers must refuse.
    static let refusedOnBlobs = [
        "UPDATE blobs SET data = X'00'",
        "UPDATE blobs SET media_type = 'image/png'",
        "DELETE FROM blobs",
        "INSERT OR REPLACE INTO blobs SELECT sha256, size, media_type, X'00' FROM blobs",
    ]

    /// A store with three events and one blob.
    static func filledStore() throws -> StoreFixture {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.append(Fixture.events(1...3), to: Fixture.stream, expectedVersion: 0)
        _ = try store.write { try $0.storeBlob(Array("screenshot".utf8)) }
        return fixture
    }

    /// What the store's tables hold: every event and blob row, as text, sorted.
    static func snapshot(of store: EventStore) throws -> [String] {
        var rows: [String] = []
        try store.database.forEachRow(
            """
            SELECT quote(position) || stream || version || type || occurred_at || recorded_at || actor
                   || quote(payload) || payload_sha256 || prev_hash || hash FROM events
            UNION ALL SELECT sha256 || size || media_type || quote(data) FROM blobs
            """
        ) { rows.append($0.text(0)) }
        return rows.sorted()
    }

    @Test("Raw UPDATE and DELETE on events fail and change nothing", arguments: refusedOnEvents)
    func eventsAreAppendOnly(sql: String) throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let before = try Self.snapshot(of: store)
        let error = #expect(throws: SQLiteError.self) { try store.database.execute(sql) }
        #expect(error?.isConstraint == true)
        #expect(error?.message.contains("events are append-only") == true)
        #expect(try Self.snapshot(of: store) == before)
    }

    @Test("Raw UPDATE and DELETE on blobs fail and change nothing", arguments: refusedOnBlobs)
    func blobsCannotChange(sql: String) throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let before = try Self.snapshot(of: store)
        let error = #expect(throws: SQLiteError.self) { try store.database.execute(sql) }
        #expect(error?.isConstraint == true)
        #expect(error?.message.contains("stored files cannot be") == true)
        #expect(try Self.snapshot(of: store) == before)
    }

    @Test("An UPDATE setting only payload to NULL succeeds: that is redaction; it cannot be undone")
    func redactionIsTheOneUpdate() throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let before = try store.events(in: Fixture.stream)
        try store.database.execute("UPDATE events SET payload = NULL WHERE version = 2")
        let after = try store.events(in: Fixture.stream)
        #expect(after[1].payload == nil)
        var expected = before
        expected[1].payload = nil
        #expect(after == expected)
        // Putting a payload back is an update like any other.
        #expect(throws: SQLiteError.self) {
            try store.database.execute("UPDATE events SET payload = '{\"item\":\"E2\"}' WHERE version = 2")
        }
    }
}
