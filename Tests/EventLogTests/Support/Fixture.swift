import EventLog
import Foundation

/// What the event log tests share: the real schema, a fixed clock and sample events.
enum Fixture {
    /// An application's own SQL for the tests: one read-model table, written by the
    /// project hooks of the append tests.
    static let applicationSQL = "CREATE TABLE staff (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, added_at TEXT NOT NULL);\n"

    /// The event log's own schema (EventLog.sql, compiled in) with redaction rules of the
    /// tests' own, and ``applicationSQL``: version 1.
    static let schema = Schema(
        redactionRules: [
            .init(type: "EvidenceCaptured", recordedBy: "EventRedacted"), .init(type: "InvestigationNoteAdded", recordedBy: "EventRedacted"),
        ],
        migrations: [.init(version: 1, sql: applicationSQL)])

    /// The package's top-level directory, found from this file's place in it.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // EventLogTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The instant the fixed clock always reads.
    static let now = Timestamp.date(from: "2026-11-20T14:05:00.123Z")!

    /// The stream most tests append to.
    static let stream = "case/CB-2026-0001"

    /// Creates a database in `directory` with the real schema and the fixed clock.
    static func makeStore(in directory: URL, name: String = "casebook.sqlite") throws -> EventStore {
        try EventStore.create(at: directory.appendingPathComponent(name).path, schema: schema, clock: { now })
    }

    /// The `number`th sample event: a small JSON payload with non-ASCII text in it.
    static func event(_ number: Int, type: String = "EvidenceCaptured", actor: String = "staff-zoë") -> NewEvent {
        NewEvent(
            type: type, occurredAt: "2026-11-20T09:\(String(format: "%02d", number % 60)):00.000Z", actor: actor,
            payload: Array(#"{"item":"E\#(number)","note":"posted about Mrs Ó'Brien — 3 screenshots"}"#.utf8))
    }

    /// Sample events numbered `numbers`.
    static func events(_ numbers: ClosedRange<Int>) -> [NewEvent] {
        numbers.map { event($0) }
    }

    /// Every `(stream, version)` in the events table, in stream and version order.
    static func references(in store: EventStore) throws -> [EventReference] {
        var references: [EventReference] = []
        try store.database.forEachRow("SELECT stream, version FROM events ORDER BY stream, version") {
            references.append(EventReference(stream: $0.text(0), version: $0.int(1)))
        }
        return references
    }

    /// The event that records the redaction of `version`, as the schema's redaction rules
    /// name it: an `EventRedacted` whose payload's `version` is the erased version.
    static func redaction(of version: Int) -> NewEvent {
        NewEvent(
            type: "EventRedacted", occurredAt: "2026-11-21T08:00:00.000Z", actor: "dsl",
            payload: Array(#"{"version":\#(version),"reason":"erasure","v":1}"#.utf8))
    }

    /// Removes the append-only triggers, as an attacker with the file and the sqlite3 shell could.
    static func dropTriggers(_ store: EventStore) throws {
        try store.database.execute(
            """
            DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;
            DROP TRIGGER blobs_no_update; DROP TRIGGER blobs_no_delete;
            """)
    }
}

/// A new store made by ``Fixture/makeStore(in:name:)`` in a temporary directory of its own,
/// removed with the fixture. Create it at the start of the test function (see
/// ``TemporaryDirectory`` for why a test body must not run inside a closure).
final class StoreFixture {
    // The store is declared first so that it is closed before its directory is removed.
    let store: EventStore
    let directory: TemporaryDirectory

    init() throws {
        let directory = try TemporaryDirectory()
        store = try Fixture.makeStore(in: directory.url)
        self.directory = directory
    }
}
