import EventLog
import Foundation
import Testing
import TestSupport

@testable import Casebook

// `--as-of T` is the record as it stood at T (issue 12 item 2): every read gives what the
// same read gives on a copy of the database built from only the events that had happened
// and been recorded by T — appended into a fresh database with the clock set to each
// event's own recorded time, then rebuilt.

@Suite("As of: the record as it stood")
struct AsOfTests {
    /// The report fixture, plus two entries typed in on 2 April about things that happened
    /// before: a removal check on the urgent case, and the quick case reopened.
    private static func fixtureWithLateEntries() throws -> ReportFixture {
        let fixture = try ReportFixture()
        fixture.service.clock.set(ReportFixture.exportTime)
        try fixture.casebook.cases.execute(
            .checkRemoval(request: "T1", .removed, file: nil), on: fixture.urgent, by: Staff.head, at: utc("2026-03-31T06:00:00Z"))
        try fixture.casebook.cases.execute(
            .reopen(reason: "the review was reposted"), on: fixture.quick, by: Staff.manager, at: utc("2026-04-01T10:00:00Z"))
        return fixture
    }

    /// A fresh database holding only the events on record at `instant`, each appended at its
    /// own recorded time (and every stored file), with its read models rebuilt.
    private static func copy(of casebook: Casebook, at instant: Date, in directory: TemporaryDirectory) throws -> Casebook {
        let limit = Timestamp.string(from: instant)
        var events: [RecordedEvent] = []
        try casebook.store.forEachEvent { if $0.occurredAt <= limit && $0.recordedAt <= limit { events.append($0) } }
        let clock = TestClock(instant)
        let path = directory.url.appendingPathComponent("copy.sqlite").path
        let store = try EventStore.create(at: path, schema: Casebook.schema, clock: clock.reading)
        var blobs: [String] = []
        try casebook.store.database.forEachRow("SELECT sha256 FROM blobs") { blobs.append($0.text(0)) }
        try store.write { writer in
            for sha in blobs { _ = try writer.storeBlob(try casebook.store.blob(sha).data) }
        }
        for event in events {
            clock.set(try #require(Timestamp.date(from: event.recordedAt)))
            try store.write { writer in
                let version = try store.version(of: event.stream)
                let appended = try writer.append(
                    [NewEvent(type: event.type, occurredAt: event.occurredAt, actor: event.actor, payload: event.payload ?? [])],
                    to: event.stream, expectedVersion: version)
                #expect(appended.first?.hash == event.hash, "the copy's chain is the original's")
            }
        }
        // Read at the same moment as the original, so "exported on" agrees.
        clock.set(casebook.now)
        let copy = try Casebook.open(at: path, clock: clock.reading)
        try copy.maintenance.rebuild(by: Staff.head)
        return copy
    }

    @Test(arguments: ["2026-03-31T00:00:00Z", "2026-04-01T12:00:00Z"])
    func everyReadAsOfIsTheReadOnACopyMadeThen(instantText: String) throws {
        let instant = utc(instantText)
        let fixture = try Self.fixtureWithLateEntries()
        let casebook = fixture.casebook
        let directory = try TemporaryDirectory()
        let copy = try Self.copy(of: casebook, at: instant, in: directory)
        let before = try fixture.service.readModelDump()

        // list and overdue, through the read models rebuilt as of the instant.
        let list = try casebook.withRecord(asOf: instant) { try casebook.cases.list(by: Staff.head) }
        #expect(list == (try copy.cases.list(by: Staff.head)))
        #expect(list != (try casebook.cases.list(by: Staff.head)), "the record has changed since")
        let overdue = try casebook.withRecord(asOf: instant) { try casebook.cases.overdue(asOf: instant, by: Staff.head) }
        #expect(overdue == (try copy.cases.overdue(asOf: instant, by: Staff.head)))

        // outcomes.
        let outcomes = try casebook.reports.outcomesReport(since: nil, until: nil, by: Staff.hr, localTime: fixture.localTime, asOf: instant)
        let copied = try copy.reports.outcomesReport(since: nil, until: nil, by: Staff.hr, localTime: fixture.localTime)
        #expect(outcomes.rows == copied.rows)

        // show and timeline, by replaying each case's events on record then.
        for reference in [fixture.complete, fixture.quick, fixture.urgent] {
            let onRecord = list.contains { $0.reference == reference }
            if onRecord {
                #expect(try casebook.cases.show(reference, by: Staff.head, recording: nil, asOf: instant) == copy.cases.show(reference, by: Staff.head, recording: nil))
                for format in [TimelineFormat.text, .json, .csv] {
                    let then = try casebook.reports.timelineExport(
                        reference, format: format, recipient: nil, by: Staff.dsl, localTime: fixture.localTime, at: instant)
                    let copiedTimeline = try copy.reports.timelineExport(
                        reference, format: format, recipient: nil, by: Staff.dsl, localTime: fixture.localTime, at: instant)
                    // The global log position is the only difference: the copy numbers its own log.
                    func withoutPositions(_ text: String) -> String {
                        text.split(separator: "\n").filter { !$0.contains("\"position\":") }.joined(separator: "\n")
                    }
                    #expect(withoutPositions(then.document) == withoutPositions(copiedTimeline.document), "\(reference) \(format)")
                }
            } else {
                let error = casebookError { _ = try casebook.cases.show(reference, by: Staff.head, recording: nil, asOf: instant) }
                #expect(error?.isNotFound == true)
            }
        }
        // Nothing was written: the read models are as they were.
        #expect(try fixture.service.readModelDump() == before)
    }

    @Test func theLateEntriesAreLeftOutUntilTheyWereRecorded() throws {
        let fixture = try Self.fixtureWithLateEntries()
        let casebook = fixture.casebook
        // On 1 April the urgent case's T1 check had not been typed in: still overdue then.
        let instant = utc("2026-04-01T12:00:00Z")
        let urgent = try casebook.cases.show(fixture.urgent, by: Staff.head, recording: nil, asOf: instant)
        #expect(urgent.takedown("T1")?.check == nil)
        #expect(try casebook.cases.show(fixture.urgent, by: Staff.head, recording: nil).takedown("T1")?.check == .removed)
        let quick = try casebook.cases.show(fixture.quick, by: Staff.head, recording: nil, asOf: instant)
        #expect(quick.status == .closed)
        let outcomes = try casebook.reports.outcomesReport(since: nil, until: nil, by: Staff.hr, localTime: fixture.localTime, asOf: instant)
        #expect(outcomes.rows.allSatisfy { $0.reopenedAt == nil })
        #expect(outcomes.confidentialityNotice.contains("As the record stood at"))
    }
}
