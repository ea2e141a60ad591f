import EventLog
import Foundation
import Testing

@testable import Casebook

// The messy cases of issue 10, through the `Casebook` service on a real file (SPEC §2.4,
// §2.5, §2.8, §2.9): mistakes withdrawn and kept in the record, not-applicable after a
// reopening, host silence, a case closed twice, consent withdrawn after a referral.

private typealias C = Commands

@Suite("Corrections and messy cases")
struct CorrectionPolicyTests {
    let london: LocalTime

    init() throws { london = try LocalTime(identifier: "Europe/London") }

    /// Every timeline format of the case keeps the withdrawn entry, marked; the file verifies and rebuilds.
    private func expectEveryTimeline(
        _ fixture: ServiceFixture, _ reference: CaseReference, contains texts: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for format in TimelineFormat.allCases {
            let document = try fixture.casebook.reports.timeline(reference, format: format, recipient: nil, by: Staff.dsl, localTime: london)
            for text in texts { #expect(document.contains(text), "\(format.rawValue): \(text)", sourceLocation: sourceLocation) }
        }
        try fixture.expectIntactAndRebuildable(sourceLocation: sourceLocation)
    }

    /// The disciplinary referral of the affected teacher, made in error, is withdrawn; only
    /// then can the source change to a pupil; outcomes show no disciplinary referral; every
    /// timeline keeps the referral, marked withdrawn with who, when and why.
    @Test func mistakenDisciplinaryReferralIsWithdrawn() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        for command in [C.web(), C.start, C.source(.staff, ref: "staff account"), .referDisciplinary(staff: Staff.teacher.id)] {
            fixture.clock.advance(by: 600)
            try fixture.run(command, on: reference)
        }
        fixture.clock.advance(by: 600)
        // The source cannot move away from staff while the referral depends on it.
        let blocked = refusals { try fixture.run(C.source(.pupil), on: reference) }
        #expect(blocked.map(\.rule) == ["source-change-needs-referral-withdrawn"])
        #expect(blocked.first?.unblock == .step(.withdraw, subject: "R1"))
        // HR may not withdraw a referral (a step HR may not take).
        #expect(casebookError { try fixture.run(C.withdraw("R1"), on: reference, by: Staff.hr) }?.isNotPermitted == true)
        let before = try fixture.casebook.cases.state(of: reference)
        var state = try fixture.run(.withdraw(item: "r1", reason: "referred the affected teacher by mistake"), on: reference)
        #expect(state.disciplinaryReferrals.isEmpty)
        #expect(state.referrals.first?.withdrawal?.by == Staff.manager.id)
        #expect(state.version == before.version + 1)
        #expect(refusals { try fixture.run(C.withdraw("R1"), on: reference) }.map(\.rule) == ["entry-withdrawn"])
        for command in [C.source(.pupil, ref: "@year9"), .referBehaviour(pupil: "Pupil B"), C.notThreatening, C.conclude,
            C.request(), C.check(.removed), C.support, C.close]
        {
            fixture.clock.advance(by: 600)
            state = try fixture.run(command, on: reference)
        }
        let outcomes = try fixture.casebook.reports.outcomesReport(since: nil, until: nil, by: Staff.hr, localTime: london)
        #expect(outcomes.rows.map(\.referrals) == [["behaviour"]])
        #expect(outcomes.rows.first?.sourceKind == "pupil")
        try expectEveryTimeline(
            fixture, reference,
            contains: ["WITHDRAWN as entered in error", "referred the affected teacher by mistake", "Referred to the disciplinary procedure"])
    }

    /// A wrong URL is withdrawn: it needs no takedown, no deadline runs for it, the case
    /// closes without it, and the timeline still shows it, marked withdrawn.
    @Test func wrongURLIsWithdrawn() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        try fixture.run(C.web("https://other-school.example/news/1"), on: reference)
        try fixture.run(C.web("https://social.example.com/post/1"), on: reference)
        fixture.clock.advance(by: 25 * 3600)
        #expect(try fixture.casebook.cases.overdue(asOf: fixture.clock.now, by: Staff.dsl).map(\.deadline.subject) == ["E1", "E2"])
        var state = try fixture.run(C.withdraw("E1"), on: reference)
        #expect(state.liveEvidence.map(\.id) == ["E2"])
        #expect(try fixture.casebook.cases.overdue(asOf: fixture.clock.now, by: Staff.dsl).map(\.deadline.subject) == ["E2"])
        // A withdrawn item cannot be asked about.
        try fixture.run(C.start, on: reference)
        #expect(refusals { try fixture.run(C.request(["E1"]), on: reference) }.map(\.rule) == ["entry-withdrawn"])
        for command in [C.request(["E2"]), C.response(.removed), C.check(.removed), C.source(.external), C.notThreatening,
            C.conclude, C.support, C.close]
        {
            state = try fixture.run(command, on: reference)
        }
        #expect(state.status == .closed)
        try expectEveryTimeline(fixture, reference, contains: ["other-school.example", "WITHDRAWN as entered in error"])
    }

    /// Not applicable covers the URL evidence of its time. After a reopening, new URL
    /// evidence needs its own request; its deadline runs from when it was added.
    @Test func notApplicableThenNewURLEvidenceAfterReopening() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        for command in [C.social("https://chat.example/dm/1"), C.start, C.notApplicable, C.source(.unknown), C.notThreatening,
            C.conclude, C.support, C.close]
        {
            fixture.clock.advance(by: 600)
            try fixture.run(command, on: reference)
        }
        // A month later the material reappears in public.
        fixture.clock.advance(by: 30 * 86_400)
        try fixture.run(C.reopen, on: reference)
        fixture.clock.advance(by: 60)
        let addedAt = fixture.clock.now
        var state = try fixture.run(C.web("https://forum.example/t/9"), on: reference)
        #expect(state.uncoveredURLEvidence.map(\.id) == ["E2"])
        let due = Deadline.of(state).first { $0.subject == "E2" }?.due
        #expect(due == addedAt.addingTimeInterval(86_400), "the deadline runs from when E2 was added, not the report")
        #expect(try fixture.casebook.cases.overdue(asOf: addedAt.addingTimeInterval(3600), by: Staff.dsl).isEmpty)
        let close = refusals { try fixture.run(C.close, on: reference) }
        // The reopening opened a new round of investigation, to be concluded too.
        #expect(close.map(\.rule) == ["close-needs-concluded-investigation", "close-needs-takedown-for-url-evidence"])
        try fixture.run(C.conclude, on: reference)
        #expect(close.last?.reason.contains("E2") == true)
        // E1 stays covered by the declaration; E2 can be requested.
        #expect(refusals { try fixture.run(C.request(["E1"]), on: reference) }.map(\.rule) == ["takedown-declared-not-applicable"])
        state = try fixture.run(C.request(["E2"]), on: reference)
        #expect(state.takedowns.map(\.request.evidence) == [["E2"]])
        // Withdrawing the declaration leaves E1 uncovered again.
        state = try fixture.run(.withdraw(item: "not-applicable", reason: "the message was public after all"), on: reference)
        #expect(state.uncoveredURLEvidence.map(\.id) == ["E1"])
        state = try fixture.run(C.notApplicable, on: reference)
        #expect(state.liveNotApplicable.map(\.covers) == [["E1"]])
        try fixture.run(C.check(.removed), on: reference)
        state = try fixture.run(C.close, on: reference)
        #expect(state.status == .closed)
        try fixture.expectIntactAndRebuildable()
    }

    /// Silence is established only after the 24 hours; escalation before then needs a
    /// refusal or a still-present check; a check needs no host response.
    @Test func hostSilence() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        try fixture.run(C.web(), on: reference)
        try fixture.run(C.start, on: reference)
        let requestedAt = fixture.clock.now
        try fixture.run(C.request(), on: reference)
        fixture.clock.advance(by: 60)
        let silence = refusals { try fixture.run(C.response(.noResponse), on: reference) }
        #expect(silence.map(\.rule) == ["no-response-needs-deadline-passed"])
        #expect(silence.first?.reason.contains(Timestamp.string(from: requestedAt.addingTimeInterval(86_400))) == true)
        #expect(silence.first?.unblock.steps == [.recordHostResponse])
        fixture.clock.advance(by: 60)
        #expect(refusals { try fixture.run(C.escalate(), on: reference) }.map(\.rule) == ["isp-needs-uncooperative-host"])
        // The host answered nothing, but the post is still up: a check, then the ISP.
        fixture.clock.advance(by: 60)
        var state = try fixture.run(C.check(.stillPresent), on: reference)
        #expect(state.takedown("T1")?.response == nil)
        state = try fixture.run(C.escalate(), on: reference)
        #expect(state.takedown("T1")?.isp == "Example Broadband")
        // After the 24 hours, silence can be recorded.
        fixture.clock.set(requestedAt.addingTimeInterval(86_400))
        state = try fixture.run(C.response(.noResponse), on: reference)
        #expect(state.takedown("T1")?.response == .noResponse)
    }

    /// A case closed, reopened and closed again appears once per closure, each in its own
    /// period; the first is marked later reopened.
    @Test func caseClosedTwiceIsInEachPeriod() throws {
        let fixture = try ServiceFixture(start: utc("2026-01-05T09:00:00Z"))
        let reference = try fixture.openCase()
        for command in [C.email, C.start, C.source(.parent), C.notThreatening, C.conclude, C.support] {
            try fixture.run(command, on: reference)
        }
        try fixture.run(.close(outcome: "advice given", action: .advice), on: reference)
        fixture.clock.set(utc("2026-02-10T09:00:00Z"))
        try fixture.run(C.reopen, on: reference)
        try fixture.run(C.conclude, on: reference)
        try fixture.run(.close(outcome: "a warning after the post reappeared", action: .warning), on: reference)
        let january = try fixture.casebook.reports.outcomesReport(
            since: utc("2026-01-01T00:00:00Z"), until: utc("2026-02-01T00:00:00Z"), by: Staff.hr, localTime: london)
        #expect(january.rows.map(\.action) == ["advice"])
        #expect(january.rows.first?.reopenedAt == utc("2026-02-10T09:00:00Z"))
        #expect(january.text().contains("2026-02-10"))
        #expect(january.json().contains("\"laterReopened\" : true") || january.json().contains("\"laterReopened\": true"))
        let february = try fixture.casebook.reports.outcomesReport(
            since: utc("2026-02-01T00:00:00Z"), until: utc("2026-03-01T00:00:00Z"), by: Staff.hr, localTime: london)
        #expect(february.rows.map(\.action) == ["warning"])
        #expect(february.rows.first?.reopenedAt == nil)
        let all = try fixture.casebook.reports.outcomesReport(since: nil, until: nil, by: Staff.hr, localTime: london)
        #expect(all.rows.map(\.reference) == [reference, reference])
        // Cases, not closures: one case, closed twice (issue 21).
        #expect(all.summary.closed == 1)
        #expect(all.summary.closures == 2)
        try fixture.expectIntactAndRebuildable()
    }

    /// Consent withdrawn after the referral: recorded, and a task to tell the force shows
    /// in `overdue` and blocks closing until `police notified` is recorded.
    @Test func consentWithdrawnAfterReferral() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        for command in [C.email, C.start, C.source(.external), C.threatening, C.conclude, C.support, C.consent(.given), C.refer] {
            try fixture.run(command, on: reference)
        }
        #expect(refusals { try fixture.run(.notifyPolice, on: reference) }.map(\.rule) == ["police-notice-needs-withdrawn-consent"])
        fixture.clock.advance(by: 3600)
        let withdrawnAt = fixture.clock.now
        var state = try fixture.run(C.consent(.withdrawn), on: reference)
        #expect(state.policeToBeToldSince == withdrawnAt)
        let overdue = try fixture.casebook.cases.overdue(asOf: fixture.clock.now, by: Staff.dsl)
        #expect(overdue.map(\.deadline.kind) == [.tellPolice])
        #expect(overdue.first?.deadline.nextAction.contains("tell the force that consent was withdrawn") == true)
        #expect(Workflow.availability(of: state, now: fixture.clock.now).first { $0.step == .notifyPolice }?.isAllowed == true)
        let close = refusals { try fixture.run(C.close, on: reference) }
        #expect(close.map(\.rule) == ["close-needs-police-track-settled"])
        #expect(close.first?.unblock == .step(.notifyPolice))
        fixture.clock.advance(by: 1800)
        state = try fixture.run(.notifyPolice, on: reference)
        #expect(state.policeToBeToldSince == nil)
        #expect(try fixture.casebook.cases.overdue(asOf: fixture.clock.now, by: Staff.dsl).isEmpty)
        state = try fixture.run(C.close, on: reference)
        #expect(state.status == .closed)
        let text = try fixture.casebook.reports.timeline(reference, format: .text, recipient: nil, by: Staff.dsl, localTime: london)
        #expect(text.contains("told that consent was withdrawn"))
    }

    /// Every entry kind can be withdrawn by name; names that mean nothing are invalid input.
    @Test func everyEntryKindCanBeWithdrawn() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        for command in [C.web(), C.start, .addNote("wrong case"), C.source(.pupil), C.threatening, C.consent(.given),
            C.request(), .referBehaviour(pupil: "Pupil Z")]
        {
            try fixture.run(command, on: reference)
        }
        for item in ["N1", "R1", "T1", "source", "assessment", "consent", "E1"] {
            try fixture.run(C.withdraw(item), on: reference)
        }
        let state = try fixture.casebook.cases.state(of: reference)
        #expect(state.liveNotes.isEmpty && state.referrals.allSatisfy { $0.withdrawal != nil } && state.liveTakedowns.isEmpty)
        #expect(state.source == nil && state.assessment == nil && state.consent == nil && state.liveEvidence.isEmpty)
        // A safeguarding lead may withdraw evidence (she may add it) but nothing else.
        try fixture.run(C.web("https://b.example.com/2"), on: reference, by: Staff.dsl)
        try fixture.run(C.withdraw("E2"), on: reference, by: Staff.dsl)
        #expect(casebookError { try fixture.run(C.withdraw("E9"), on: reference) }?.isNotFound == true)
        #expect(casebookError { try fixture.run(C.withdraw("X1"), on: reference) }?.isInvalidInput == true)
        #expect(casebookError { try fixture.run(C.withdraw("not-applicable"), on: reference) }?.isNotFound == true)
        try fixture.expectIntactAndRebuildable()
    }
}
