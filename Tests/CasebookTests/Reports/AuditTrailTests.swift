import EventLog
import Foundation
import Testing

@testable import Casebook

@Suite("Audit trail of exports")
struct AuditTrailTests {
    @Test func everyExportIsRecordedWithWhoWhatForWhomWhenAndFormat() throws {
        let fixture = try ReportFixture()
        for format in TimelineFormat.allCases {
            _ = try fixture.casebook.reports.timeline(
                fixture.complete, format: format, recipient: "DC Rao", by: Staff.dsl, localTime: fixture.localTime)
        }
        _ = try fixture.casebook.reports.timeline(
            fixture.urgent, format: .html, recipient: nil, by: Staff.manager, localTime: fixture.localTime,
            at: utc("2026-03-31T00:00:00Z"))
        _ = try fixture.casebook.reports.outcomes(
            since: utc("2026-01-01T00:00:00Z"), until: utc("2026-04-01T23:00:00Z"), format: .csv, by: Staff.hr,
            localTime: fixture.localTime)

        let trail = try fixture.casebook.reports.auditTrail(by: Staff.head)
        #expect(trail.count == TimelineFormat.allCases.count + 2)
        #expect(trail.map(\.version) == Array(1...trail.count))
        func head(_ reference: CaseReference) throws -> Timeline.ChainHead {
            let last = try #require(fixture.casebook.store.events(in: reference.stream).last)
            return Timeline.ChainHead(stream: last.stream, version: last.version, hash: last.hash)
        }
        for (entry, format) in zip(trail, TimelineFormat.allCases) {
            #expect(entry.event == .timelineExported(case: fixture.complete, format: format, recipient: "DC Rao", chainHead: try head(fixture.complete)))
            #expect(entry.actor == "dsl")
            #expect(entry.actorName == "Dee Lead")
            #expect(entry.occurredAt == ReportFixture.exportTime)
        }
        #expect(trail[5].event == .timelineExported(case: fixture.urgent, format: .html, recipient: nil, chainHead: try head(fixture.urgent)))
        #expect(trail[5].actor == "sm")
        #expect(
            trail[6].event
                == .outcomesExported(since: "2026-01-01T00:00:00.000Z", until: "2026-04-01T23:00:00.000Z", format: .csv))
        #expect(trail[6].actor == "hr1")
        #expect(trail[0].summary == "exported the timeline of \(fixture.complete) as text for DC Rao")

        // The audit stream is hash-chained like any other, and the log still verifies.
        // Reading the trail was recorded in it, after what was read.
        let stored = try fixture.casebook.store.events(in: AuditEvent.stream)
        #expect(stored.dropLast().map(\.hash) == trail.map(\.hash))
        #expect(try AuditEvent(type: stored[stored.count - 1].type, payload: stored[stored.count - 1].payload) == .auditRead(case: nil, since: nil))
        #expect(stored.allSatisfy { $0.recordedAt == "2026-04-02T12:00:00.000Z" })
        try fixture.service.expectIntactAndRebuildable()
    }

    @Test func onlyTheHeadteacherReadsTheTrail() throws {
        let fixture = try ReportFixture()
        for actor in [Staff.dsl, Staff.manager, Staff.hr, Staff.teacher] {
            #expect(casebookError { _ = try fixture.casebook.reports.auditTrail(by: actor) }?.isNotPermitted == true)
        }
    }

    @Test func aRefusedOrFailedExportRecordsNothing() throws {
        let fixture = try ReportFixture()
        let hr = casebookError {
            _ = try fixture.casebook.reports.timeline(
                fixture.complete, format: .json, recipient: nil, by: Staff.hr, localTime: fixture.localTime)
        }
        #expect(hr?.isNotPermitted == true)
        let missing = casebookError {
            _ = try fixture.casebook.reports.timeline(
                CaseReference(year: 2026, number: 99), format: .json, recipient: nil, by: Staff.dsl,
                localTime: fixture.localTime)
        }
        #expect(missing?.isNotFound == true)
        let badRecipient = casebookError {
            _ = try fixture.casebook.reports.timeline(
                fixture.complete, format: .text, recipient: "line one\nline two", by: Staff.dsl,
                localTime: fixture.localTime)
        }
        #expect(badRecipient?.isInvalidInput == true)
        let trail = try fixture.casebook.reports.auditTrail(by: Staff.head)
        #expect(trail.isEmpty)
    }

    @Test func auditEventsRoundTripThroughTheirPayloads() throws {
        let events: [AuditEvent] = [
            .timelineExported(case: CaseReference(year: 2026, number: 7), format: .csv, recipient: "Panel", chainHead: nil),
            .timelineExported(
                case: CaseReference(year: 2026, number: 8), format: .html, recipient: nil,
                chainHead: Timeline.ChainHead(stream: "case/CB-2026-0008", version: 3, hash: String(repeating: "ab", count: 32))),
            .outcomesExported(since: nil, until: "2026-04-01T00:00:00.000Z", format: .md),
        ]
        for event in events {
            let payload = event.payload
            #expect(payload["v"] == .int(1))
            #expect(try AuditEvent(type: event.typeName, payload: payload.serializedBytes()) == event)
        }
        #expect(throws: CaseEvent.PayloadError.self) { try AuditEvent(type: "Other", payload: Array("{}".utf8)) }
    }
}
