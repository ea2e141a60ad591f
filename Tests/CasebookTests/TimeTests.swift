import EventLog
import Foundation
import Testing

@testable import Casebook

// Time (SPEC §3): deadlines are absolute instants, 24 hours after the request, so across
// the clock changes in Europe/London the local time of a deadline moves by an hour;
// `overdue` evaluates them at any instant; people's input and output is in the local
// zone with GMT/BST.

private typealias C = Commands

@Suite("Time and deadlines")
struct TimeTests {
    let london: LocalTime

    init() throws {
        london = try LocalTime(identifier: "Europe/London")
    }

    // MARK: Deadlines across the clock changes

    struct ClockChange: Sendable, CustomTestStringConvertible {
        var requestLocal: String
        var requestUTC: String
        var requestShown: String
        var dueShown: String
        var dueUTC: String
        var testDescription: String { "\(requestShown) → \(dueShown)" }
    }

    static let clockChanges: [ClockChange] = [
        // Clocks go forward at 01:00 GMT on 29 March 2026.
        ClockChange(
            requestLocal: "2026-03-28 10:00", requestUTC: "2026-03-28T10:00:00Z", requestShown: "2026-03-28 10:00 GMT",
            dueShown: "2026-03-29 11:00 BST", dueUTC: "2026-03-29T10:00:00.000Z"),
        // Clocks go back at 01:00 GMT on 25 October 2026.
        ClockChange(
            requestLocal: "2026-10-24 10:00", requestUTC: "2026-10-24T09:00:00Z", requestShown: "2026-10-24 10:00 BST",
            dueShown: "2026-10-25 09:00 GMT", dueUTC: "2026-10-25T09:00:00.000Z"),
        // No change in between: the same local time the next day.
        ClockChange(
            requestLocal: "2026-11-20 14:05", requestUTC: "2026-11-20T14:05:00Z", requestShown: "2026-11-20 14:05 GMT",
            dueShown: "2026-11-21 14:05 GMT", dueUTC: "2026-11-21T14:05:00.000Z"),
        ClockChange(
            requestLocal: "2026-07-01 23:30", requestUTC: "2026-07-01T22:30:00Z", requestShown: "2026-07-01 23:30 BST",
            dueShown: "2026-07-02 23:30 BST", dueUTC: "2026-07-02T22:30:00.000Z"),
    ]

    @Test(arguments: clockChanges)
    func deadlineAcrossAClockChange(_ change: ClockChange) throws {
        let requested = try london.parse(change.requestLocal)
        #expect(requested == utc(change.requestUTC))
        #expect(london.format(requested) == change.requestShown)

        var pure = try PureCase.open(at: requested)
        try pure.apply(C.web())
        try pure.apply(C.start)
        try pure.apply(C.request())
        let takedown = try #require(pure.state.takedown("T1"))
        #expect(takedown.request.deadline == change.dueUTC)
        #expect(london.format(takedown.deadline) == change.dueShown)
        #expect(takedown.deadline.timeIntervalSince(requested) == 24 * 3600)
    }

    @Test func overdueOneSecondBeforeAndAfterTheDeadlineAcrossMarch() throws {
        let requested = try london.parse("2026-03-28 10:00")
        let fixture = try ServiceFixture(start: requested)
        let reference = try fixture.openCase()
        try fixture.run(C.web(), on: reference)
        try fixture.run(C.start, on: reference)
        try fixture.run(C.request(), on: reference)
        let due = try london.parse("2026-03-29 11:00")
        #expect(london.format(due) == "2026-03-29 11:00 BST")

        let casebook = fixture.casebook
        #expect(try casebook.cases.overdue(asOf: due.addingTimeInterval(-1), by: Staff.manager).isEmpty)
        // Overdue from the deadline itself, the instant ISP escalation becomes allowed.
        #expect(try casebook.cases.overdue(asOf: due, by: Staff.manager).map(\.deadline.subject) == ["T1"])
        let late = try casebook.cases.overdue(asOf: due.addingTimeInterval(1), by: Staff.manager)
        #expect(late.map(\.deadline.kind) == [.takedown])
        #expect(late.first?.deadline.subject == "T1")
        #expect(late.first?.deadline.due == due)
        #expect(late.first?.lateness == 1)
        #expect(late.first?.school == "Hill Primary")

        // The ISP escalation opens at the same instant: refused a second before.
        fixture.clock.set(due.addingTimeInterval(-1))
        let refused = refusals { try fixture.run(C.escalate(), on: reference) }
        #expect(refused.map(\.rule) == ["isp-needs-uncooperative-host"])
        #expect(refused.first?.reason.contains("2026-03-29T10:00:00.000Z") == true)
        fixture.clock.set(due)
        try fixture.run(C.escalate(), on: reference)
        #expect(try casebook.cases.overdue(asOf: due.addingTimeInterval(1), by: Staff.manager).isEmpty)
    }

    @Test func overdueAcrossOctoberAndForEveryKind() throws {
        let reported = try london.parse("2026-10-24 10:00")
        let fixture = try ServiceFixture(start: reported)
        let casebook = fixture.casebook
        // One urgent case (child mentioned) with URL evidence not yet requested.
        let urgent = try fixture.openCase(categories: [.childMentioned])
        try fixture.run(C.web(), on: urgent)
        // One case with a request made an hour later.
        let other = try fixture.openCase()
        try fixture.run(C.web(), on: other)
        try fixture.run(C.start, on: other)
        fixture.clock.advance(by: 3600)
        try fixture.run(C.request(), on: other)

        let investigateDue = reported
        let requestDue = try london.parse("2026-10-25 09:00")
        let takedownDue = try london.parse("2026-10-25 10:00")
        #expect(london.format(requestDue) == "2026-10-25 09:00 GMT")
        #expect(takedownDue.timeIntervalSince(requestDue) == 3600)

        func overdue(_ at: Date) throws -> [String] {
            try casebook.cases.overdue(asOf: at, by: Staff.dsl).map { "\($0.deadline.reference) \($0.deadline.kind.rawValue) \($0.deadline.subject)" }
        }
        #expect(try overdue(investigateDue.addingTimeInterval(-1)).isEmpty)
        #expect(try overdue(investigateDue) == ["CB-2026-0001 investigate-urgent CB-2026-0001"])
        #expect(try overdue(investigateDue.addingTimeInterval(1)) == ["CB-2026-0001 investigate-urgent CB-2026-0001"])
        #expect(try overdue(requestDue.addingTimeInterval(-1)) == ["CB-2026-0001 investigate-urgent CB-2026-0001"])
        #expect(try overdue(requestDue.addingTimeInterval(1)) == [
            "CB-2026-0001 investigate-urgent CB-2026-0001", "CB-2026-0001 request-takedown E1",
        ])
        #expect(try overdue(takedownDue.addingTimeInterval(-1)).count == 2)
        #expect(try overdue(takedownDue.addingTimeInterval(1)) == [
            "CB-2026-0001 investigate-urgent CB-2026-0001", "CB-2026-0001 request-takedown E1", "CB-2026-0002 takedown T1",
        ])
        // Nothing is overdue on a closed case, and only open items are listed.
        fixture.clock.set(takedownDue.addingTimeInterval(7200))
        try fixture.run(C.response(.removed), on: other)
        try fixture.run(C.check(.removed), on: other)
        #expect(try overdue(fixture.clock.now).count == 2)
        try fixture.run(C.start, on: urgent)
        #expect(try overdue(fixture.clock.now) == ["CB-2026-0001 request-takedown E1"])
    }

    // MARK: Parsing and formatting

    static let accepted: [(String, String)] = [
        ("2026-11-20T14:05:00Z", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20T14:05:00z", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20t14:05:00Z", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20T14:05:00.250Z", "2026-11-20T14:05:00.250Z"),
        ("2026-11-20T14:05:00.5Z", "2026-11-20T14:05:00.500Z"),
        ("2026-11-20T15:05:00+01:00", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20T09:05:00-05:00", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20T19:35:00+05:30", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20T14:05:00+00:00", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20 14:05", "2026-11-20T14:05:00.000Z"),
        ("2026-11-20 14:05:09", "2026-11-20T14:05:09.000Z"),
        ("2026-11-20T14:05", "2026-11-20T14:05:00.000Z"),
        ("2026-07-01T14:05:00", "2026-07-01T13:05:00.000Z"),
        ("  2026-11-20 14:05  ", "2026-11-20T14:05:00.000Z"),
        ("2026-07-01 14:05", "2026-07-01T13:05:00.000Z"),
        ("2026-07-01 14:05:30", "2026-07-01T13:05:30.000Z"),
        ("2026-03-29 00:59", "2026-03-29T00:59:00.000Z"),
        ("2026-03-29 02:00", "2026-03-29T01:00:00.000Z"),
        ("2028-02-29 12:00", "2028-02-29T12:00:00.000Z"),
        ("2026-11-20", "2026-11-20T00:00:00.000Z"),
        // The UK form, DD/MM/YYYY with a four-digit year, in the local zone.
        ("20/11/2026 14:05", "2026-11-20T14:05:00.000Z"),
        ("01/07/2026 14:05", "2026-07-01T13:05:00.000Z"),
        ("01/07/2026 14:05:30", "2026-07-01T13:05:30.000Z"),
        ("20/11/2026", "2026-11-20T00:00:00.000Z"),
    ]

    @Test(arguments: accepted)
    func parsesRFC3339AndLocalTimes(_ input: String, _ expected: String) throws {
        let date = try london.parse(input)
        #expect(Timestamp.string(from: date) == expected)
    }

    static let refused: [String] = [
        "2026-02-30 10:00", "2026-02-30T10:00:00Z", "2027-02-29 12:00", "2026-04-31", "2026-13-01 10:00",
        "2026-03-28 25:00", "2026-03-28T25:00:00Z", "2026-03-28 24:00", "2026-03-28 10:60", "2026-03-28 10:00:60",
        "2026-03-28T10:00:00+24:00", "2026-03-28T10:00:00.Z", "2026-03-28T10:00:00ZZ",
        "garbage", "", "tomorrow", "2026-3-28 10:00", "2026-03-28 10", "2026-03-28 1:00", "2026/03/28 10:00",
        "28/03/26 10:00", "31/02/2026 10:00", "28/3/2026 10:00", "28/03/2026T10:00", "2026-03-28 10:00 GMT",
        // The UK form follows the same clock changes.
        "29/03/2026 01:30", "2026-03-28T10:00:00 Z",
        // Clocks go forward at 01:00: 01:00 to 01:59 do not exist on 29 March 2026.
        "2026-03-29 01:30", "2026-03-29 01:00", "2026-03-29 01:59:59",
    ]

    @Test(arguments: refused)
    func refusesBadTimes(_ input: String) throws {
        let error = casebookError { _ = try london.parse(input, field: "--at") }
        #expect(error?.isInvalidInput == true)
        #expect(error?.description.contains("--at") == true)
    }

    @Test func aLocalTimeThatHappensTwiceIsRefusedUnlessAnOffsetIsGiven() throws {
        // 01:30 on 25 October 2026 happens twice (BST, then GMT): refused, saying so and how to choose.
        let error = casebookError { _ = try london.parse("2026-10-25 01:30", field: "--at") }
        #expect(
            error?.description
                == "--at '2026-10-25 01:30' happens twice in Europe/London: the clocks go back on 25 October 2026, so the clock reads 01:30 first in BST and again in GMT (01:30 BST and 01:30 GMT); give the offset to say which: 2026-10-25T01:30:00+01:00 for BST, or 2026-10-25T01:30:00+00:00 for GMT")
        #expect(try london.parse("2026-10-25T01:30:00+01:00") == utc("2026-10-25T00:30:00Z"))
        #expect(try london.parse("2026-10-25T01:30:00+00:00") == utc("2026-10-25T01:30:00Z"))
        // Either side of the repeated hour is one instant.
        #expect(try london.parse("2026-10-25 00:59") == utc("2026-10-24T23:59:00Z"))
        #expect(try london.parse("2026-10-25 02:00") == utc("2026-10-25T02:00:00Z"))
        #expect(casebookError { _ = try london.parse("2026-10-25 01:00:00") }?.description.contains("happens twice") == true)
        #expect(casebookError { _ = try london.parse("2026-10-25 01:59:59") }?.description.contains("happens twice") == true)
    }

    @Test func aLocalTimeThatNeverHappensIsExplained() throws {
        let error = casebookError { _ = try london.parse("2026-03-29 01:30", field: "--at") }
        #expect(
            error?.description
                == "--at '2026-03-29 01:30' never happens in Europe/London: the clocks go forward at 01:00 GMT (to 02:00 BST), so 01:30 does not exist on 29 March 2026; give a time before 01:00 or from 02:00, or RFC 3339 with an offset")
        #expect(try london.parse("2026-03-29 00:59") == utc("2026-03-29T00:59:00Z"))
        #expect(try london.parse("2026-03-29 02:00") == utc("2026-03-29T01:00:00Z"))
        #expect(casebookError { _ = try london.parse("2026-03-29 01:00") }?.description.contains("never happens") == true)
    }

    @Test(arguments: [
        ("America/New_York", "2025-11-02 01:30", "happens twice in America/New_York"),
        ("America/New_York", "2025-03-09 02:30", "the clocks go forward at 02:00"),
        ("Australia/Lord_Howe", "2025-04-06 01:45", "or 2025-04-06T01:45:00+10:30"),
        ("Europe/Paris", "2026-03-29 02:15", "the clocks go forward at 02:00 CET (to 03:00 CEST)"),
    ])
    func otherZonesChangesAreNamedToo(zone: String, input: String, message: String) throws {
        let local = try LocalTime(identifier: zone)
        let error = casebookError { _ = try local.parse(input, field: "--at") }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func zonesCoexistInOneProcess() throws {
        // Each value keeps its own zone: nothing process-wide (such as TZ) is changed.
        let paris = try LocalTime(identifier: "Europe/Paris")
        let london = try LocalTime(identifier: "Europe/London")
        let summer = utc("2026-07-01T13:05:00Z")
        #expect(paris.format(summer) == "2026-07-01 15:05 CEST")
        #expect(london.format(summer) == "2026-07-01 14:05 BST")
        #expect(paris.format(utc("2026-11-20T14:05:00Z")) == "2026-11-20 15:05 CET")
    }

    @Test func formatShowsTheZoneAbbreviation() {
        #expect(london.format(utc("2026-11-20T14:05:09Z")) == "2026-11-20 14:05 GMT")
        #expect(london.formatWithSeconds(utc("2026-11-20T14:05:09Z")) == "2026-11-20 14:05:09 GMT")
        #expect(london.format(utc("2026-07-01T13:05:00Z")) == "2026-07-01 14:05 BST")
        #expect(london.formatWithSeconds(utc("2026-07-01T13:05:09Z")) == "2026-07-01 14:05:09 BST")
        #expect(london.formatDate(utc("2026-07-01T23:30:00Z")) == "2026-07-02")
        // Either side of each change.
        #expect(london.format(utc("2026-03-29T00:59:00Z")) == "2026-03-29 00:59 GMT")
        #expect(london.format(utc("2026-03-29T01:00:00Z")) == "2026-03-29 02:00 BST")
        #expect(london.format(utc("2026-10-25T00:59:00Z")) == "2026-10-25 01:59 BST")
        #expect(london.format(utc("2026-10-25T01:00:00Z")) == "2026-10-25 01:00 GMT")
        #expect(london.abbreviation(at: utc("2026-01-01T00:00:00Z")) == "GMT")
        #expect(london.abbreviation(at: utc("2026-06-01T00:00:00Z")) == "BST")
    }

    @Test func formatAndParseRoundTripEveryQuarterHourAcrossBothChanges() throws {
        for start in [utc("2026-03-28T12:00:00Z"), utc("2026-10-24T12:00:00Z")] {
            for step in 0..<(4 * 24) {
                let instant = start.addingTimeInterval(Double(step) * 900)
                let shown = london.formatWithSeconds(instant)
                // The shown local time without its abbreviation parses back, except in the
                // repeated autumn hour where the local reading is ambiguous and refused.
                let local = String(shown.dropLast(4))
                if shown.hasPrefix("2026-10-25 01:") {
                    #expect(casebookError { _ = try london.parse(local) }?.description.contains("happens twice") == true, "\(shown)")
                } else {
                    #expect(try london.parse(local) == instant, "\(shown)")
                }
            }
        }
    }

    @Test func unknownZoneIsRefused() {
        #expect(casebookError { _ = try LocalTime(identifier: "Mars/Olympus_Mons") }?.isInvalidInput == true)
    }
}
