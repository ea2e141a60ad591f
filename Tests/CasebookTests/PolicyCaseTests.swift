import EventLog
import Foundation
import Testing

@testable import Casebook

// The complete cases of the policies, end to end through the `Casebook` service on a real
// database file, with an injected clock: 000 §12–§14 and 002 §8–§9 (report → record →
// investigate → host within 24 h → ISP → police with consent → counselling → close).
// After each: `verify` is intact and `rebuild` leaves every read model byte-identical.

private typealias C = Commands

@Suite("Policy cases end to end")
struct PolicyCaseTests {

    /// (a) A pupil posts threatening material. The host ignores the request; 24 hours pass;
    /// the ISP is asked and blocks it; the teacher consents and the police are told;
    /// counselling is offered (000 §13.3–§13.8); the case closes.
    @Test func pupilThreatHostIgnoresRequestISPAndPolice() throws {
        let fixture = try ServiceFixture()
        let clock = fixture.clock
        let casebook = fixture.casebook
        let reference = try fixture.openCase(
            categories: [.threat, .harassment], summary: "A video threatening Mr Jones, posted by a pupil")
        #expect(reference.description == "CB-2026-0001")

        // 000 §12.2: a screen print, the time, date and address of the site.
        clock.advance(by: 600)
        let file = try Casebook.fileInfo(name: "video-page.png", bytes: screenshotBytes)
        #expect(file.mediaType == "image/png")
        let draft = EvidenceDraft(
            kind: .social, url: "https://Video.Example.com/v/123", capturedAt: clock.now,
            postedAt: clock.now.addingTimeInterval(-7200), platform: "VideoSite", description: "video and comments",
            files: [file])
        var state = try fixture.run(.addEvidence(draft), on: reference, files: [screenshotBytes])
        #expect(state.evidence.map(\.id) == ["E1"])
        #expect(state.evidence.first?.details?.host == "video.example.com")
        #expect(try casebook.store.hasBlob(file.sha256))

        // 000 §13.3–§13.4: investigation; a pupil is the source.
        clock.advance(by: 1800)
        try fixture.run(C.start, on: reference)
        try fixture.run(C.source(.pupil, ref: "@Year9Pupil"), on: reference)
        try fixture.run(.referBehaviour(pupil: "Pupil A, Year 9"), on: reference)
        try fixture.run(C.threatening, on: reference)

        // 000 §13.5: the host is asked; it does not answer.
        clock.advance(by: 600)
        let requestedAt = clock.now
        state = try fixture.run(C.request(), on: reference)
        #expect(state.takedown("T1")?.deadline == requestedAt.addingTimeInterval(86_400))
        clock.advance(by: 3 * 3600)
        // Silence is not established three hours after asking (000 §13.5).
        #expect(refusals { try fixture.run(C.response(.noResponse), on: reference) }.map(\.rule) == ["no-response-needs-deadline-passed"])

        // 24 hours pass: the request is overdue, and the next action is the ISP.
        clock.set(requestedAt.addingTimeInterval(86_400 + 3600))
        try fixture.run(C.response(.noResponse), on: reference)
        let overdue = try casebook.cases.overdue(asOf: clock.now, by: Staff.dsl)
        #expect(overdue.map(\.deadline.kind) == [.takedown])
        #expect(overdue.first?.deadline.subject == "T1")
        #expect(overdue.first?.lateness == 3600)
        #expect(overdue.first?.deadline.step == .step(.escalateToISP, subject: "T1"))

        // 000 §13.6: escalate to the ISP, which blocks the site.
        state = try fixture.run(C.escalate(), on: reference)
        #expect(state.takedown("T1")?.isp == "Example Broadband")
        #expect(try casebook.cases.overdue(asOf: clock.now, by: Staff.dsl).isEmpty)
        clock.advance(by: 2 * 86_400)
        state = try fixture.run(C.ispResponse("T1", .blocked), on: reference)
        #expect(state.takedown("T1")?.isResolved == true)

        // 000 §13.7: threatening, and the teacher consents: refer to the police.
        #expect(throws: CasebookError.self) { try fixture.run(C.refer, on: reference) }
        try fixture.run(C.consent(.given), on: reference)
        state = try fixture.run(
            .referToPolice(force: "Metropolitan Police", reference: "CRN 01/2345/26", overrideReason: nil), on: reference)
        #expect(state.policeReferral?.reference == "CRN 01/2345/26")

        // 000 §13.8: support and signposting to counselling.
        try fixture.run(C.support, on: reference)
        try fixture.run(.recordSupportResponse(.accepted), on: reference)

        try fixture.run(.concludeInvestigation(.substantiated, summary: "the pupil's account posted the video"), on: reference)
        state = try fixture.run(.close(outcome: "blocked by the ISP; police informed", action: .policeAction), on: reference)
        #expect(state.status == .closed)

        let stored = try casebook.cases.state(of: reference)
        #expect(stored == state)
        #expect(try casebook.cases.events(of: reference).map(\.type) == [
            "CaseOpened", "EvidenceCaptured", "InvestigationStarted", "SourceIdentified", "BehaviourReferralMade",
            "ThreatAssessed", "TakedownRequested", "HostResponded", "ISPEscalated", "ISPResponded", "ConsentRecorded",
            "PoliceReferred", "SupportOffered", "SupportResponded", "InvestigationConcluded", "CaseClosed",
        ])
        let row = try fixture.caseRow(reference)
        #expect(row["status"] == "closed")
        #expect(row["source_kind"] == "pupil")
        #expect(row["source_ref"] == "@Year9Pupil")
        #expect(row["referrals"] == "behaviour")
        #expect(row["threat"] == "threatening")
        #expect(row["police"] == "referred")
        #expect(row["action"] == "police-action")
        #expect(row["finding"] == "substantiated")
        #expect(row["removed_at"] == .some(nil))  // blocked by the ISP, never confirmed removed by a check
        #expect(row["categories"] == "harassment,threat")
        #expect(row["version"] == "16")
        #expect(try casebook.cases.list(status: .closed, by: Staff.manager).map(\.reference) == [reference])
        try fixture.expectIntactAndRebuildable()
    }

    /// (b) A parent's comments; the host removes them within the deadline and a check
    /// confirms it; not threatening; closed with advice (000 §13.5–§13.6, 001 §8.2).
    @Test func parentCommentsRemovedWithinTheDeadline() throws {
        let fixture = try ServiceFixture()
        let clock = fixture.clock
        let reference = try fixture.openCase(categories: [.inaccurateContent], summary: "A parent's comments on a forum")
        try fixture.run(C.social("https://forum.example.org/thread/77#c4"), on: reference)
        try fixture.run(C.start, on: reference)
        try fixture.run(C.source(.parent, ref: "ParentOf9B"), on: reference)
        try fixture.run(C.notThreatening, on: reference)
        let requestedAt = clock.now
        try fixture.run(
            .requestTakedown(evidence: ["E1"], host: nil, method: .email, sentBy: .complainant), on: reference)
        clock.advance(by: 5 * 3600)
        try fixture.run(C.response(.removed), on: reference)
        clock.advance(by: 3600)
        let checkedAt = clock.now
        let checked = try fixture.run(C.check(.removed), on: reference)
        #expect(checked.takedown("T1")?.removalConfirmedAt == checkedAt)
        #expect(checked.firstRemovalAt == checkedAt)
        // Removed in time: nothing is overdue, even after the deadline; no ISP.
        #expect(try fixture.casebook.cases.overdue(asOf: requestedAt.addingTimeInterval(86_401), by: Staff.manager).isEmpty)
        #expect(throws: CasebookError.self) { try fixture.run(C.escalate(), on: reference) }

        #expect(throws: CasebookError.self) { try fixture.run(C.close, on: reference) }
        try fixture.run(.concludeInvestigation(.substantiated, summary: "posted by a parent"), on: reference)
        try fixture.run(.offerSupport(services: ["Employee assistance programme"]), on: reference)
        try fixture.run(.recordSupportResponse(.declined), on: reference)
        let closed = try fixture.run(.close(outcome: "removed; warning letter to the parent", action: .advice), on: reference)
        #expect(closed.status == .closed)
        #expect(closed.takedowns.first?.request.sentBy == .complainant)

        let row = try fixture.caseRow(reference)
        #expect(row["status"] == "closed")
        #expect(row["source_kind"] == "parent")
        #expect(row["threat"] == "not-threatening")
        #expect(row["police"] == "not-referred")
        #expect(row["referrals"] == "")
        #expect(row["removed_at"] == Timestamp.string(from: checkedAt))
        #expect(row["closed_at"] == Timestamp.string(from: clock.now))
        var takedowns: [String] = []
        try fixture.casebook.store.database.forEachRow(
            "SELECT id, host, method, sent_by, response, check_result, is_resolved FROM takedowns"
        ) { row in
            takedowns.append((0..<7).map { row.optionalText(Int32($0)) ?? "NULL" }.joined(separator: " "))
        }
        #expect(takedowns == ["T1 forum.example.org email complainant removed removed 1"])
        try fixture.expectIntactAndRebuildable()
    }

    /// (c) A member of staff is the source: disciplinary referral (000 §14), closed with a
    /// final warning; the HR columns of the `cases` read model say so.
    @Test func staffSourceDisciplinaryReferralFinalWarning() throws {
        let fixture = try ServiceFixture()
        let clock = fixture.clock
        let reference = try fixture.openCase(categories: [.imageMisuse], summary: "A colleague shared an edited photo")
        try fixture.run(C.web("https://photos.example.net/album/5"), on: reference)
        try fixture.run(C.start, on: reference)
        #expect(throws: CasebookError.self) {
            try fixture.run(.referDisciplinary(staff: Staff.colleague.id), on: reference)
        }
        try fixture.run(C.source(.staff, ref: Staff.colleague.id), on: reference)
        try fixture.run(.referDisciplinary(staff: Staff.colleague.id), on: reference)
        try fixture.run(C.notThreatening, on: reference)
        try fixture.run(C.request(), on: reference)
        clock.advance(by: 3600)
        try fixture.run(C.response(.removed), on: reference)
        clock.advance(by: 1800)
        let removedAt = clock.now
        try fixture.run(C.check(.removed), on: reference)
        try fixture.run(C.conclude, on: reference)
        try fixture.run(C.support, on: reference)
        clock.advance(by: 86_400)
        let state = try fixture.run(
            .close(outcome: "disciplinary hearing held", action: .finalWarning), on: reference)
        #expect(state.disciplinaryReferrals == [Staff.colleague.id])

        let row = try fixture.caseRow(reference)
        #expect(row["source_kind"] == "staff")
        #expect(row["source_ref"] == Staff.colleague.id)
        #expect(row["referrals"] == "disciplinary")
        #expect(row["action"] == "final-warning")
        #expect(row["outcome"] == "disciplinary hearing held")
        #expect(row["removed_at"] == Timestamp.string(from: removedAt))
        #expect(row["opened_at"] == Timestamp.string(from: fixtureStart))
        #expect(row["closed_at"] == Timestamp.string(from: clock.now))
        #expect(row["police"] == "not-referred")
        #expect(row["evidence_count"] == "1")
        try fixture.expectIntactAndRebuildable()
    }

    /// (d) Consent declined; the safeguarding lead refers under the child-protection
    /// override (000 §13.7; 001 §8.6 a child mentioned).
    @Test func consentDeclinedThenChildProtectionOverride() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        let reference = try fixture.openCase(
            categories: [.threat, .childMentioned], by: Staff.dsl, summary: "Messages threatening Mr Jones and a named pupil")
        // The safeguarding lead opens the case, captures the evidence and advances it (SPEC §11).
        try fixture.run(.addEvidence(EvidenceDraft(kind: .textMessage, description: "texts to Mr Jones")), on: reference, by: Staff.dsl)
        #expect(casebookError { try fixture.run(C.start, on: reference, by: Staff.hr) }?.isNotPermitted == true)
        try fixture.run(C.start, on: reference, by: Staff.dsl)
        try fixture.run(C.source(.unknown), on: reference)
        try fixture.run(C.threatening, on: reference)
        try fixture.run(C.notApplicable, on: reference)
        try fixture.run(C.consent(.declined), on: reference)

        let refused = refusals { try fixture.run(C.refer, on: reference, by: Staff.head) }
        #expect(refused.map(\.rule) == ["police-needs-consent"])
        #expect(casebookError { try fixture.run(C.override, on: reference, by: Staff.manager) }?.isNotPermitted == true)
        let versionBefore = try casebook.cases.state(of: reference).version

        let state = try fixture.run(C.override, on: reference, by: Staff.dsl)
        #expect(state.version == versionBefore + 1)
        #expect(state.consent == .declined)
        #expect(state.policeReferral?.overrideReason == "a child is named and at risk")
        let referral = try #require(try casebook.cases.events(of: reference).last)
        #expect(referral.type == "PoliceReferred")
        #expect(referral.actor == Staff.dsl.id)
        #expect(referral.payloadText?.contains("a child is named and at risk") == true)

        try fixture.run(.concludeInvestigation(.inconclusive, summary: "sender not traced"), on: reference)
        try fixture.run(C.support, on: reference)
        let closed = try fixture.run(.close(outcome: "referred to the police", action: .policeAction), on: reference)
        #expect(closed.status == .closed)
        let row = try fixture.caseRow(reference)
        #expect(row["police"] == "referred-override")
        #expect(row["is_urgent"] == "1")
        #expect(row["finding"] == "inconclusive")
        try fixture.expectIntactAndRebuildable()
    }

    /// A refused or failed step writes nothing (SPEC §5).
    @Test func refusedStepsWriteNothing() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let before = try fixture.readModelDump()
        let count = try fixture.casebook.store.eventCount()
        #expect(throws: CasebookError.self) { try fixture.run(C.start, on: reference) }
        #expect(throws: CasebookError.self) { try fixture.run(C.close, on: reference) }
        #expect(throws: CasebookError.self) { try fixture.run(C.web("ftp://example.com/x"), on: reference) }
        #expect(throws: CasebookError.self) { try fixture.run(C.web(), on: reference, by: Staff.hr) }
        #expect(throws: CasebookError.self) {
            try fixture.casebook.cases.execute(C.web(), on: reference, by: Staff.manager, at: fixture.clock.now.addingTimeInterval(301))
        }
        #expect(try fixture.casebook.store.eventCount() == count)
        #expect(try fixture.readModelDump() == before)
        #expect(casebookError { try fixture.run(C.web(), on: CaseReference(year: 2026, number: 99)) }?.isNotFound == true)
    }
}
