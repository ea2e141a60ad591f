import EventLog
import Foundation
import Testing

@testable import Casebook

// The helpline route of SPEC §10, beyond the host and the ISP of 000 §13.5–§13.6, end to
// end through the `Casebook` service on a real database file with an injected clock (and
// `--at` times: nothing sleeps). After each: `verify` is intact and `rebuild` leaves every
// read model byte-identical.

private typealias C = Commands

@Suite("Helpline escalation end to end")
struct HelplinePolicyTests {
    let london: LocalTime
    init() throws { london = try LocalTime(identifier: "Europe/London") }

    /// A case with a takedown request T1 to the host, made at the returned instant.
    private func requested(_ fixture: ServiceFixture, platformReference: String? = nil) throws -> (CaseReference, Date) {
        let reference = try fixture.openCase()
        try fixture.run(C.social("https://chirp.example.com/status/41"), on: reference)
        try fixture.run(C.start, on: reference)
        try fixture.run(C.source(.parent, ref: "@anon"), on: reference)
        try fixture.run(C.notThreatening, on: reference)
        fixture.clock.advance(by: 600)
        let requestedAt = fixture.clock.now
        try fixture.run(
            .requestTakedown(evidence: ["E1"], host: nil, method: .form, sentBy: .school, platformReference: platformReference),
            on: reference)
        return (reference, requestedAt)
    }

    /// The host refuses; the school goes to POSH, which has it removed; the case closes,
    /// and the removal counts in the outcomes as a removal.
    @Test func hostRefusesPOSHRemovesAndTheCaseCloses() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        let (reference, requestedAt) = try requested(fixture, platformReference: "Chirp report 88213")
        fixture.clock.advance(by: 3 * 3600)
        let reply = screenshotBytes + Array("we found no violation".utf8)
        let replyFile = try Casebook.fileInfo(name: "chirp-reply.png", bytes: reply)
        try fixture.run(.recordHostResponse(request: "T1", .refused, file: replyFile), on: reference, files: [reply])
        #expect(try casebook.store.hasBlob(replyFile.sha256))

        // Refused three hours after the report: POSH may be asked at once, well before 48 hours.
        var state = try fixture.run(C.helpline(.posh, reference: "POSH-2211"), on: reference)
        let escalation = try #require(state.takedown("T1")?.helpline)
        #expect(escalation.helpline == .posh)
        #expect(escalation.reference == "POSH-2211")
        #expect(escalation.at == requestedAt.addingTimeInterval(3 * 3600))
        // Once asked, the same request goes to no second helpline.
        #expect(refusals { try fixture.run(C.helpline(.reportHarmfulContent), on: reference) }.map(\.rule) == ["helpline-escalation-once"])

        // Unanswered after helpline.response-days (14): overdue, with the step to record it.
        let responseDue = escalation.at.addingTimeInterval(14 * 86_400)
        let late = try casebook.cases.overdue(asOf: responseDue, by: Staff.dsl).filter { $0.deadline.kind == .helplineResponse }
        #expect(late.map(\.deadline.subject) == ["T1"])
        #expect(late.first?.deadline.step == .step(.recordHelplineResponse, subject: "T1"))
        #expect(try casebook.cases.overdue(asOf: responseDue.addingTimeInterval(-1), by: Staff.dsl).allSatisfy { $0.deadline.kind != .helplineResponse })

        fixture.clock.advance(by: 2 * 86_400)
        let removedAt = fixture.clock.now
        state = try fixture.run(C.helplineResponse(.removed), on: reference)
        #expect(state.takedown("T1")?.isResolved == true)
        #expect(state.takedown("T1")?.removalConfirmedAt == removedAt)
        #expect(state.firstRemovalAt == removedAt)
        #expect(try casebook.cases.overdue(asOf: removedAt.addingTimeInterval(30 * 86_400), by: Staff.dsl).isEmpty)

        // Nothing else stands in the way: the helpline's answer resolves T1 for closing.
        try fixture.run(.concludeInvestigation(.substantiated, summary: "posted by a parent"), on: reference)
        try fixture.run(C.support, on: reference)
        let closed = try fixture.run(.close(outcome: "removed through POSH", action: .advice), on: reference)
        #expect(closed.status == .closed)
        #expect(closed.closures.last?.removal.allDownAt == removedAt)
        #expect(closed.closures.last?.removal.requests.first?.resolvedAt == removedAt)
        #expect(closed.closures.last?.removal.requests.first?.resolution == .removedViaHelpline)
        #expect(try fixture.caseRow(reference)["removed_at"] == .some(Timestamp.string(from: removedAt)))

        // Every timeline format carries the platform's reference, its reply and the helpline.
        for format in TimelineFormat.allCases {
            let document = try casebook.reports.timeline(reference, format: format, recipient: nil, by: Staff.head, localTime: london)
            #expect(document.contains("Chirp report 88213"), "\(format)")
            #expect(document.contains(replyFile.sha256), "\(format)")
            #expect(document.contains("POSH-2211"), "\(format)")
        }
        try fixture.expectIntactAndRebuildable()
    }

    /// The platform stays silent: POSH is refused at 47 h 59 min after the report and
    /// allowed at 48 h; `overdue` lists the possible escalation from 48 h.
    @Test func platformSilentPOSHAllowedAt48HoursNotBefore() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        let (reference, requestedAt) = try requested(fixture)
        let at48 = requestedAt.addingTimeInterval(48 * 3600)
        fixture.clock.set(at48)
        let early = refusals {
            try casebook.cases.execute(C.helpline(.posh), on: reference, by: Staff.manager, at: at48.addingTimeInterval(-60))
        }
        #expect(early.map(\.rule) == ["posh-needs-refusal-or-wait"])
        #expect(early.first?.clause == "SPEC §10, 000 §13.5–§13.6")
        #expect(early.first?.unblock.steps.contains(.recordHostResponse) == true)
        // Nothing was written by the refusal.
        #expect(try casebook.cases.state(of: reference).takedown("T1")?.helpline == nil)

        // Overdue: the ISP from 24 h, the helpline from 48 h.
        #expect(try casebook.cases.overdue(asOf: at48.addingTimeInterval(-1), by: Staff.dsl).map(\.deadline.kind) == [.takedown])
        let due = try casebook.cases.overdue(asOf: at48, by: Staff.dsl)
        #expect(due.map(\.deadline.kind) == [.takedown, .helpline])
        #expect(due.last?.deadline.step == .step(.escalateToPOSH, subject: "T1"))

        let state = try casebook.cases.execute(C.helpline(.posh), on: reference, by: Staff.manager, at: at48).state
        #expect(state.takedown("T1")?.helpline?.at == at48)
        #expect(try casebook.cases.overdue(asOf: at48, by: Staff.dsl).map(\.deadline.kind) == [.takedown])
        try fixture.expectIntactAndRebuildable()
    }

    /// Report Harmful Content asks for the platform's reply: refused before it, allowed
    /// once the platform's silence is recorded.
    @Test func reportHarmfulContentRefusedBeforeThePlatformReplied() throws {
        let fixture = try ServiceFixture()
        let (reference, requestedAt) = try requested(fixture)
        fixture.clock.set(requestedAt.addingTimeInterval(30 * 3600))
        let found = refusals { try fixture.run(C.helpline(.reportHarmfulContent), on: reference) }
        #expect(found.map(\.rule) == ["report-harmful-content-needs-platform-reply"])
        #expect(found.first?.unblock == .step(.recordHostResponse, subject: "T1", choice: "refused|no-response"))
        try fixture.run(C.response(.noResponse), on: reference)
        let state = try fixture.run(C.helpline(.reportHarmfulContent, reference: "RHC-77"), on: reference)
        #expect(state.takedown("T1")?.helpline?.helpline == .reportHarmfulContent)
        let answered = try fixture.run(C.helplineResponse(.advice), on: reference)
        #expect(answered.takedown("T1")?.isResolved == true)
        #expect(answered.takedown("T1")?.removalConfirmedAt == nil)  // advice is not a removal
        try fixture.expectIntactAndRebuildable()
    }

    /// The waiting time is a setting, stored as an event: the headteacher changes it, the
    /// workflow and the overdue list read the new value at once.
    @Test func settingsChangeTheWait() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        let (reference, requestedAt) = try requested(fixture)
        fixture.clock.set(requestedAt.addingTimeInterval(30 * 3600))
        #expect(refusals { try fixture.run(C.helpline(.posh), on: reference) }.map(\.rule) == ["posh-needs-refusal-or-wait"])
        #expect(try casebook.cases.overdue(asOf: fixture.clock.now, by: Staff.dsl).map(\.deadline.kind) == [.takedown])

        // Only the headteacher changes settings; bad keys and values are refused; nothing is written.
        #expect(casebookError { try casebook.staff.setSetting("helpline.posh.wait-hours", to: "24", by: Staff.manager) }?.isNotPermitted == true)
        #expect(casebookError { try casebook.staff.setSetting("helpline.posh.wait", to: "24", by: Staff.head) }?.isInvalidInput == true)
        #expect(casebookError { try casebook.staff.setSetting("helpline.posh.wait-hours", to: "-1", by: Staff.head) }?.isInvalidInput == true)
        #expect(casebookError { try casebook.staff.setSetting("helpline.posh.wait-hours", to: "2 days", by: Staff.head) }?.isInvalidInput == true)
        #expect(try casebook.store.events(in: SettingsEvent.stream).isEmpty)

        try casebook.staff.setSetting("helpline.posh.wait-hours", to: "24", by: Staff.head)
        #expect(try casebook.settings()[.poshWaitHours] == 24)
        #expect(try casebook.staff.settingChanges(by: Staff.manager).map(\.actor) == [Staff.head.id])
        // The open case's deadlines were written again with the new wait.
        #expect(Set(try casebook.cases.overdue(asOf: fixture.clock.now, by: Staff.dsl).map(\.deadline.kind)) == [.takedown, .helpline])
        let state = try fixture.run(C.helpline(.posh), on: reference)
        #expect(state.takedown("T1")?.helpline != nil)

        try casebook.staff.setSetting("helpline.response-days", to: "2", by: Staff.head)
        let due = try casebook.cases.overdue(asOf: fixture.clock.now.addingTimeInterval(2 * 86_400), by: Staff.dsl)
        #expect(due.map(\.deadline.kind).contains(.helplineResponse))
        try fixture.expectIntactAndRebuildable()
    }
}
