import EventLog
import Foundation
import Testing

@testable import Casebook

// The team (SPEC §11) through the library: working days, concerns and their rules.

@Suite struct WorkingDayTests {
    @Test func oneWorkingDaySkipsABankHolidayWeekend() throws {
        // Friday 27 August 2027 10:00 BST; Monday 30 August is the summer bank holiday.
        let due = try #require(WorkingDays.oneWorkingDay(after: utc("2027-08-27T09:00:00Z")))
        #expect(due == utc("2027-08-31T09:00:00Z"))
        // Christmas 2027 falls at a weekend: the substitute days 27 and 28 December are holidays.
        #expect(WorkingDays.oneWorkingDay(after: utc("2027-12-24T10:00:00Z")) == utc("2027-12-29T10:00:00Z"))
        // An ordinary weekday is due the next day; Saturday's report is due on Monday.
        #expect(WorkingDays.oneWorkingDay(after: utc("2026-11-24T10:00:00Z")) == utc("2026-11-25T10:00:00Z"))
        #expect(WorkingDays.oneWorkingDay(after: utc("2026-11-21T10:00:00Z")) == utc("2026-11-23T10:00:00Z"))
        // Across the clock change: the same London wall-clock time (Friday 23 October 2026 10:00 BST → Monday 10:00 GMT).
        #expect(WorkingDays.oneWorkingDay(after: utc("2026-10-23T09:00:00Z")) == utc("2026-10-26T10:00:00Z"))
    }

    @Test func aDatePastTheTableIsAnErrorNotAGuess() throws {
        #expect(WorkingDays.oneWorkingDay(after: utc("2028-12-29T10:00:00Z")) == nil)
        #expect(WorkingDays.isWorkingDay(utc("2029-01-02T10:00:00Z")) == nil)
        let error = casebookError { _ = try WorkingDays.requireOneWorkingDay(after: utc("2028-12-29T10:00:00Z"), for: "a test") }
        #expect(error?.isInvalidInput == true)
        #expect(error?.description.contains("2024-01-01 to 2028-12-31") == true)
        // A concern reported then is refused, and nothing is written.
        let fixture = try ServiceFixture(start: utc("2028-12-29T10:00:00Z"))
        let events = try fixture.casebook.eventCount()
        let refused = casebookError { try fixture.casebook.cases.reportConcern(ConcernDraft(summary: "posts"), by: Staff.teacher) }
        #expect(refused?.isInvalidInput == true)
        #expect(try fixture.casebook.eventCount() == events)
    }

    @Test func theTableNamesItsSourceAndEveryYear() {
        #expect(WorkingDays.source.contains("gov.uk"))
        for year in 2024...2028 { #expect(WorkingDays.bankHolidays.filter { $0.hasPrefix("\(year)-") }.count == 8) }
    }
}

/// The concern rules, triggered through the service (for the rule-coverage test).
enum TeamRuleCases {
    static func triggered() throws -> Set<String> {
        let fixture = try ServiceFixture()
        var rules: Set<String> = []
        let concern = try fixture.casebook.cases.reportConcern(ConcernDraft(summary: "posts about me"), by: Staff.teacher).reference
        rules.formUnion(refusals { try fixture.run(.startInvestigation, on: concern) }.map(\.rule))
        let declined = try fixture.casebook.cases.reportConcern(ConcernDraft(summary: "a rumour"), by: Staff.colleague).reference
        try fixture.run(.triage(accept: false, reason: "not online abuse"), on: declined)
        rules.formUnion(refusals { try fixture.run(.reopen(reason: "x"), on: declined) }.map(\.rule))
        let opened = try fixture.openCase()
        rules.formUnion(refusals { try fixture.run(.triage(accept: true, reason: nil), on: opened) }.map(\.rule))
        return rules
    }
}

@Suite struct ConcernTests {
    @Test func theConcernRulesAreTriggered() throws {
        #expect(try TeamRuleCases.triggered() == ["concern-awaiting-triage", "concern-declined", "triage-needs-untriaged-concern"])
    }

    @Test func aConcernAboutAColleagueIsInTheirSchoolAndAcceptedWithItsEvidence() throws {
        let fixture = try ServiceFixture()
        let bytes = Array("a saved message".utf8)
        let file = try Casebook.fileInfo(name: "message.txt", bytes: bytes)
        let state = try fixture.casebook.cases.reportConcern(
            ConcernDraft(summary: "A parent's messages to Mr Jones", about: Staff.teacher.id, files: [file]), by: Staff.colleague,
            files: [bytes])
        #expect(state.opened.affected == Staff.teacher.id && state.opened.reportedBy == Staff.colleague.id)
        #expect(state.triage == .awaiting)
        #expect(Deadline.of(state).map(\.kind) == [.triage])
        let accepted = try fixture.run(.triage(accept: true, reason: nil), on: state.reference, by: Staff.dsl)
        #expect(accepted.evidence.first?.details?.files == [file])
        #expect(accepted.evidence.first?.details?.kind == .other)
        #expect(try fixture.casebook.cases.myConcerns(by: Staff.colleague).map(\.status) == ["being handled"])
        #expect(try fixture.casebook.cases.myConcerns(by: Staff.teacher).isEmpty)
        // Staff may not triage.
        let other = try fixture.casebook.cases.reportConcern(ConcernDraft(summary: "more"), by: Staff.teacher)
        #expect(casebookError { try fixture.run(.triage(accept: true, reason: nil), on: other.reference, by: Staff.colleague) }?.isNotPermitted == true)
    }
}

@Suite struct LADOTests {
    /// A child-mentioned case with evidence and the investigation started, at the fixture's clock.
    func urgentCase(_ fixture: ServiceFixture) throws -> CaseReference {
        let reference = try fixture.openCase(categories: [.childMentioned], by: Staff.dsl)
        try fixture.run(C.email, on: reference, by: Staff.dsl)
        try fixture.run(C.start, on: reference, by: Staff.dsl)
        return reference
    }

    @Test func theOneWorkingDayClockSkipsTheAugustBankHolidayWeekend() throws {
        // Friday 27 August 2027, 10:00 BST.
        let fixture = try ServiceFixture(start: utc("2027-08-27T09:00:00Z"))
        let reference = try urgentCase(fixture)
        let state = try fixture.run(C.source(.staff, ref: Staff.colleague.id), on: reference, by: Staff.dsl)
        let lado = Deadline.of(state).filter { $0.kind == .ladoReferral }
        // Monday 30 August is the summer bank holiday: due Tuesday 31 August, 10:00 BST.
        #expect(lado.map(\.due) == [utc("2027-08-31T09:00:00Z")])
        #expect(lado.first?.step == .step(.referToLADO))
        // A senior manager may not refer to the LADO; the safeguarding lead does.
        #expect(casebookError { try fixture.run(.referToLADO(reason: "r"), on: reference, by: Staff.manager) }?.isNotPermitted == true)
        let referred = try fixture.run(.referToLADO(reason: "Posts by a colleague naming a pupil"), on: reference, by: Staff.dsl)
        #expect(Deadline.of(referred).filter { $0.kind == .ladoReferral }.isEmpty)
        try fixture.run(.recordLADOAdvice(text: "Strategy meeting on Thursday"), on: reference, by: Staff.dsl)
        let done = try fixture.run(.recordLADOOutcome(.substantiated), on: reference, by: Staff.head)
        #expect(done.lado?.advice == ["Strategy meeting on Thursday"] && done.lado?.result == .substantiated)
        try fixture.expectIntactAndRebuildable()
    }

    @Test func aSourcePastTheBankHolidayTableIsAnError() throws {
        let fixture = try ServiceFixture(start: utc("2028-12-29T10:00:00Z"))
        let reference = try urgentCase(fixture)
        let before = try fixture.casebook.eventCount()
        let error = casebookError { try fixture.run(C.source(.staff, ref: Staff.colleague.id), on: reference, by: Staff.dsl) }
        #expect(error?.isInvalidInput == true)
        #expect(error?.description.contains("the LADO referral") == true)
        #expect(try fixture.casebook.eventCount() == before)
        // A source who is not staff needs no LADO clock.
        try fixture.run(C.source(.pupil), on: reference, by: Staff.dsl)
    }
}

private typealias C = Commands
