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

    @Test("An UPDATE setting only payload to NULL succeeds once a later event records it: that is redaction; it cannot be undone")
    func redactionIsTheOneUpdate() throws {
        let fixture = try Self.filledStore()
        let store = fixture.store
        let count = try store.version(of: Fixture.stream)
        try store.append([Fixture.redaction(of: 2)], to: Fixture.stream, expectedVersion: count)
        let before = try store.events(in: Fixture.stream)
        try store.database.execute("UPDATE events SET payload = NULL WHERE stream = '\(Fixture.stream)' AND version = 2")
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

    /// Payload erasures the trigger refuses: no record, a record of another version, a
    /// record before the event, a type that cannot be redacted, a record of the wrong type.
    enum UnrecordedErasure: String, CaseIterable, CustomTestStringConvertible {
        case noRecord = "no redaction recorded"
        case recordOfAnotherVersion = "a record naming another version"
        case recordInAnotherStream = "a record in another stream"
        case notRedactable = "a type that cannot be redacted (CaseClosed)"
        case recordOfWrongType = "a record of another type naming the version"
        var testDescription: String { rawValue }
    }

    @Test("Setting a payload to NULL without a recorded redaction of a redactable type is refused", arguments: UnrecordedErasure.allCases)
    func unrecordedErasureIsRefused(_ erasure: UnrecordedErasure) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let type = erasure == .notRedactable ? "CaseClosed" : "EvidenceCaptured"
        try store.append([Fixture.event(1), Fixture.event(2, type: type)], to: Fixture.stream, expectedVersion: 0)
        switch erasure {
        case .noRecord, .notRedactable: break
        case .recordOfAnotherVersion: try store.append([Fixture.redaction(of: 1)], to: Fixture.stream, expectedVersion: 2)
        case .recordInAnotherStream: try store.append([Fixture.redaction(of: 2)], to: "case/CB-2026-0002", expectedVersion: 0)
        case .recordOfWrongType:
            var record = Fixture.redaction(of: 2)
            record.type = "InvestigationNoteAdded"
            try store.append([record], to: Fixture.stream, expectedVersion: 2)
        }
        if erasure == .notRedactable {
            try store.append([Fixture.redaction(of: 2)], to: Fixture.stream, expectedVersion: 2)
        }
        let before = try Self.snapshot(of: store)
        let error = #expect(throws: SQLiteError.self) {
            try store.database.execute("UPDATE events SET payload = NULL WHERE stream = '\(Fixture.stream)' AND version = 2")
        }
        #expect(error?.isConstraint == true)
        #expect(error?.message.contains("only a recorded redaction of a redactable event") == true)
        #expect(try Self.snapshot(of: store) == before)
    }

    @Test("The redaction rules are fixed: rows cannot be added, changed or deleted", arguments: [
        "INSERT INTO redaction_rules (type, recorded_by) VALUES ('CaseClosed', 'EventRedacted')",
        "UPDATE redaction_rules SET type = 'CaseClosed'",
        "DELETE FROM redaction_rules",
    ])
    func redactionRulesAreFixed(sql: String) throws {
        let fixture = try StoreFixture()
        let error = #expect(throws: SQLiteError.self) { try fixture.store.database.execute(sql) }
        #expect(error?.message.contains("the redaction rules are fixed by the schema") == true)
        #expect(try fixture.store.database.scalarInt("SELECT count(*) FROM redaction_rules") == 2)
    }
}
