import Foundation
import Testing

// The messy cases of issue 10 through the real `casebook` binary: `withdraw`, takedown
// not applicable after new evidence, host silence, a case closed twice, and `police
// notified` after consent is withdrawn (SPEC §2.4, §2.5, §2.8, §2.9).

@Suite("Corrections and messy cases (CLI)")
struct CorrectionCommandTests {
    @Test func mistakenDisciplinaryReferralIsWithdrawn() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["investigate", "source", r, "--kind", "staff", "--at", When.at(3)])
        try sandbox.succeed(["refer", "disciplinary", r, "--staff", Staff.affected, "--at", When.at(3.1)])
        let before = try sandbox.dump()
        let blocked = try sandbox.run(["investigate", "source", r, "--kind", "pupil", "--at", When.at(3.2)], as: Staff.manager)
        #expect(blocked.status == 1, "\(blocked)")
        #expect(blocked.stderr.contains("[source-change-needs-referral-withdrawn, 000 §13.4, §14.1]"), "\(blocked)")
        #expect(blocked.stderr.contains("hint: casebook withdraw \(r) R1 --reason TEXT"), "\(blocked)")
        #expect(try sandbox.dump() == before)
        let done = try sandbox.succeed(["withdraw", r, "R1", "--reason", "Referred the affected teacher by mistake.", "--at", When.at(3.3)])
        #expect(done.stdout.contains("R1 on \(r) withdrawn as entered in error"), "\(done)")
        try sandbox.succeed(["investigate", "source", r, "--kind", "pupil", "--at", When.at(3.4)])
        let show = try sandbox.succeed(["show", r])
        #expect(show.stdout.contains("  referrals: —"), "\(show)")
        #expect(show.stdout.contains("Withdrawn:   R1"), "\(show)")
        let timeline = try sandbox.succeed(["timeline", r, "--format", "text"], as: Staff.safeguarding)
        #expect(timeline.stdout.contains("Referred to the disciplinary procedure"), "\(timeline)")
        #expect(timeline.stdout.contains("WITHDRAWN as entered in error by Sam Jones (smt.jones)"), "\(timeline)")
        #expect(timeline.stdout.contains("Referred the affected teacher by mistake."), "\(timeline)")
        // Twice is refused; an unknown entry is not found; a word that names nothing is invalid.
        #expect(try sandbox.run(["withdraw", r, "R1", "--reason", "again"], as: Staff.manager).status == 1)
        #expect(try sandbox.run(["withdraw", r, "R7", "--reason", "x"], as: Staff.manager).status == 66)
        #expect(try sandbox.run(["withdraw", r, "banana", "--reason", "x"], as: Staff.manager).status == 65)
        #expect(try sandbox.run(["withdraw", r, "E1", "--reason", "x"], as: Staff.hr).status == 77)
    }

    @Test func wrongURLIsWithdrawnAndNeedsNoTakedown() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let late = try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: Staff.safeguarding)
        #expect(late.stdout.contains("E2: no takedown request yet"), "\(late)")
        try sandbox.succeed(["withdraw", r, "E2", "--reason", "Another school's forum, not ours.", "--at", When.at(3)], as: Staff.safeguarding)
        let after = try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: Staff.safeguarding)
        #expect(!after.stdout.contains("E2"), "\(after)")
        let show = try sandbox.succeed(["show", r, "--json"].filter { $0 != "--json" }, json: true)
        let state = try show.jsonObject()
        #expect(state.objects("evidence").map { $0.string("id") } == ["E1"])
        #expect(state.array("withdrawn") as? [String] == ["E2"])
        let list = try sandbox.succeed(["evidence", "list", r])
        #expect(list.stdout.contains("E2 (withdrawn)"), "\(list)")
    }

    @Test func notApplicableCoversOnlyTheEvidenceOfItsTime() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["takedown", "not-applicable", r, "--reason", "A closed forum the school cannot reach.", "--at", When.at(3)])
        #expect(try sandbox.succeed(["show", r]).stdout.contains("not applicable for E2"))
        try sandbox.succeed(["evidence", "add", r, "--kind", "web", "--url", "https://mirror.example/p/1", "--at", When.at(4)])
        let close = try sandbox.run(["close", r, "--outcome", "x", "--action", "none", "--at", When.at(5)], as: Staff.manager)
        #expect(close.status == 1)
        #expect(close.stderr.contains("E3 has no takedown request and no not-applicable declaration"), "\(close)")
        #expect(close.stderr.contains("casebook takedown request \(r) --evidence E3 --method METHOD, or casebook takedown not-applicable \(r) --reason TEXT"), "\(close)")
        let json = try sandbox.run(["close", r, "--outcome", "x", "--action", "none", "--at", When.at(5)], as: Staff.manager, json: true)
        let refusal = try #require(try json.jsonObject().object("error")?.objects("refusals").first { $0.string("rule") == "close-needs-takedown-for-url-evidence" })
        #expect(refusal.objects("steps").map { $0.string("step") } == ["requestTakedown", "declareTakedownNotApplicable"])
        #expect(refusal.objects("steps").first?.string("subject") == "E3")
        // E2 is covered by the declaration; E3 can be requested.
        #expect(try sandbox.run(["takedown", "request", r, "--evidence", "E2", "--method", "form"], as: Staff.manager).status == 1)
        try sandbox.succeed(["takedown", "request", r, "--evidence", "E3", "--method", "form", "--at", When.at(6)])
        try sandbox.succeed(["withdraw", r, "not-applicable", "--reason", "The forum is public after all.", "--at", When.at(7)])
        try sandbox.succeed(["takedown", "request", r, "--evidence", "E2", "--method", "email", "--at", When.at(8)])
    }

    @Test func hostSilenceIsEstablishedOnlyAfter24Hours() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference  // T1 was requested at When.at(2)
        let before = try sandbox.dump()
        let early = try sandbox.run(["takedown", "response", r, "T1", "--result", "no-response", "--at", When.at(2.02)], as: Staff.manager)
        #expect(early.status == 1, "\(early)")
        #expect(early.stderr.contains("[no-response-needs-deadline-passed, 000 §13.5]"), "\(early)")
        #expect(early.stderr.contains("hint: wait until \(London.format(When.date(26)))"), "\(early)")
        let escalate = try sandbox.run(["isp", "escalate", r, "T1", "--isp", "Example Telecom", "--at", When.at(2.03)], as: Staff.manager)
        #expect(escalate.status == 1, "\(escalate)")
        #expect(escalate.stderr.contains("casebook takedown response \(r) T1 --result refused, or casebook takedown check \(r) T1 --result still-present"), "\(escalate)")
        #expect(try sandbox.dump() == before)
        // No answer from the host, but the post is still up: a check needs no response.
        try sandbox.succeed(["takedown", "check", r, "T1", "--result", "still-present", "--at", When.at(2.05)])
        try sandbox.succeed(["isp", "escalate", r, "T1", "--isp", "Example Telecom", "--at", When.at(2.1)])
        try sandbox.succeed(["takedown", "response", r, "T1", "--result", "no-response", "--at", When.at(26)])
    }

    @Test func caseClosedTwiceIsInOutcomesOncePerClosure() throws {
        let sandbox = try Sandbox(.closedCase)  // closed at When.at(18)
        let r = sandbox.reference
        try sandbox.succeed(["reopen", r, "--reason", "The post reappeared.", "--at", When.at(40)])
        try sandbox.succeed(["investigate", "conclude", r, "--finding", "substantiated", "--summary", "Same pupil.", "--at", When.at(40.5)])
        try sandbox.succeed(["close", r, "--outcome", "Removed again; final warning.", "--action", "final-warning", "--at", When.at(41)])
        let all = try sandbox.succeed(["outcomes", "--format", "json"], as: Staff.hr)
        let rows = try all.jsonObject().objects("cases")
        #expect(rows.map { $0.string("reference") } == [r, r])
        #expect(rows.map { $0.bool("laterReopened") } == [true, false])
        #expect(rows.map { $0.string("action") } == ["behaviour-sanction", "final-warning"])
        let first = try sandbox.succeed(["outcomes", "--until", When.at(30)], as: Staff.hr)
        // The reopening has a column of its own (issue 21): the date the case was reopened.
        #expect(first.stdout.contains("Reopened"), "\(first)")
        #expect(first.stdout.contains("behaviour-sanction") && !first.stdout.contains("final-warning"), "\(first)")
        let second = try sandbox.succeed(["outcomes", "--since", When.at(30), "--format", "json"], as: Staff.hr)
        #expect(try second.jsonObject().objects("cases").map { $0.string("action") } == ["final-warning"])
    }

    @Test func consentWithdrawnAfterReferralCreatesATask() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["police", "consent", r, "--given", "--by", Staff.affected, "--at", When.at(3)])
        try sandbox.succeed(["police", "refer", r, "--force", "Northshire Police", "--at", When.at(4)])
        #expect(try sandbox.run(["police", "notified", r, "--at", When.at(4.5)], as: Staff.manager).status == 1)
        try sandbox.succeed(["police", "consent", r, "--withdrawn", "--by", Staff.affected, "--at", When.at(5)])
        let show = try sandbox.succeed(["show", r])
        #expect(show.stdout.contains("tell the force that consent was withdrawn"), "\(show)")
        #expect(show.stdout.contains("casebook police notified \(r)"), "\(show)")
        let overdue = try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: Staff.safeguarding)
        #expect(overdue.stdout.contains("tell the police consent was withdrawn"), "\(overdue)")
        let told = try sandbox.succeed(["police", "notified", r, "--at", When.at(6)])
        #expect(told.stdout.contains("Northshire Police told that consent was withdrawn"), "\(told)")
        let after = try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: Staff.safeguarding)
        #expect(!after.stdout.contains("tell-police"), "\(after)")
        let help = try sandbox.succeed(["help", "police", "notified"], as: nil)
        #expect(help.stdout.contains("casebook --as smt.jones police notified CB-2026-0001"), "\(help)")
        #expect(try sandbox.succeed(["help", "withdraw"], as: nil).stdout.contains("not-applicable"))
    }
}
