import Foundation
import Testing

// The team through the real binary (SPEC §1, §5, §11): the safeguarding lead leads a
// child-sexual-imagery case end to end, HR reads exactly its disciplinary bundle.

@Suite struct TeamCommandTests {
    @Test func theSafeguardingLeadLeadsAChildSexualImageryCaseWithoutTheHeadteacher() throws {
        let sandbox = try Sandbox(.staff)
        let opened = try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.other, "--summary", "An image of a pupil shared in a chat",
             "--category", "child-sexual-imagery", "--school", "Harrowgate Fields Academy", "--at", When.at(0)],
            as: Staff.safeguarding, json: true
        ).jsonObject()
        let r = try #require(opened.string("reference"))
        let show = try sandbox.succeed(["show", r], as: Staff.safeguarding).stdout
        #expect(show.contains("Allowed now:\n  casebook evidence add \(r)\n"), "\(show)")
        #expect(show.contains("  casebook report ROUTE \(r)\nBlocked:"), "\(show)")
        #expect(!show.contains("Others may now:"), "\(show)")
        let steps: [[String]] = [
            ["evidence", "add", r, "--kind", "social", "--url", "https://chirp.example/g/5", "--platform", "Chirp",
             "--description", "Reported by a parent; not viewed", "--at", When.at(0.5)],
            ["investigate", "start", r, "--at", When.at(1)],
            ["investigate", "source", r, "--kind", "pupil", "--ref", "Y9-0042", "--at", When.at(1.5)],
            ["investigate", "assess", r, "--threatening", "--rationale", "Indecent image of a child.", "--at", When.at(2)],
            ["report", "iwf", r, "--reference", "IWF-2026-0042", "--at", When.at(2.5)],
            ["police", "refer", r, "--force", "Northshire Police", "--override-reason", "A child is at risk.", "--at", When.at(3)],
            ["takedown", "not-applicable", r, "--reason", "Reported to the IWF instead.", "--at", When.at(3.5)],
            ["support", "offer", r, "--service", "Employee assistance programme", "--at", When.at(4)],
            ["investigate", "conclude", r, "--finding", "substantiated", "--summary", "A pupil shared it.", "--at", When.at(4.5)],
            ["close", r, "--outcome", "Referred to the IWF and the police.", "--action", "police-action", "--at", When.at(5)],
        ]
        for step in steps { try sandbox.succeed(step, as: Staff.safeguarding) }
        #expect(try sandbox.events().filter { $0.stream == "case/\(r)" }.count == 11)
        // A senior manager still cannot see it.
        #expect(try sandbox.run(["show", r], as: Staff.manager).status == 66)
    }

    @Test func hrReadsExactlyTheDisciplinaryBundle() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // Before a disciplinary referral, HR may read nothing of the case.
        let before = try sandbox.dump()
        let early = try sandbox.run(["timeline", r], as: Staff.hr)
        #expect(early.status == 77, "\(early)")
        #expect(early.stderr.contains("has no disciplinary referral"), "\(early)")
        #expect(try sandbox.dump() == before)
        try sandbox.succeed(["investigate", "note", r, "Ms Pennington is seeing the counsellor weekly.", "--at", When.at(3)])
        try sandbox.succeed(["support", "offer", r, "--service", "Stress counselling", "--at", When.at(3.5)])
        try sandbox.succeed(["investigate", "source", r, "--kind", "staff", "--ref", Staff.other, "--at", When.at(4)])
        try sandbox.succeed(["refer", "disciplinary", r, "--staff", Staff.other, "--at", When.at(5)])
        let auditBefore = try sandbox.events().filter { $0.stream == "audit" }.count
        for format in ["text", "md", "html", "json", "csv"] {
            let bundle = try sandbox.succeed(["timeline", r, "--format", format], as: Staff.hr).stdout
            #expect(bundle.contains("disciplinary bundle"), "\(format): \(bundle)")
            for kept in ["chirp.example", "forum.parents.example", Staff.other, "Names her home street."] {
                #expect(bundle.contains(kept), "\(format) lacks \(kept): \(bundle)")
            }
            for left in ["counsellor weekly", "Stress counselling"] {
                #expect(!bundle.contains(left), "\(format) holds \(left): \(bundle)")
            }
        }
        let json = try sandbox.succeed(["timeline", r, "--format", "json"], as: Staff.hr).jsonObject()
        let types = json.objects("events").compactMap { $0["type"] as? String }
        #expect(
            types == ["CaseOpened", "EvidenceCaptured", "EvidenceCaptured", "ThreatAssessed", "SourceIdentified", "DisciplinaryReferralMade"],
            "\(types)")
        // Each read is recorded like a timeline.
        #expect(try sandbox.events().filter { $0.stream == "audit" }.count == auditBefore + 6)
        // Anything else of the case: 77.
        for arguments in [["show", r], ["evidence", "list", r], ["investigate", "note", r, "x"]] {
            #expect(try sandbox.run(arguments, as: Staff.hr).status == 77, "\(arguments)")
        }
    }
}

// Concerns (SPEC §11): any member of staff reports; triage accepts or declines.
@Suite struct ConcernCommandTests {
    @Test func aMemberOfStaffReportsAndTheSafeguardingLeadTriages() throws {
        let sandbox = try Sandbox(.staff)
        let reported = try sandbox.succeed(
            ["concern", "report", "--summary", "Posts about me on Chirp", "--url", "https://chirp.example/p/1", "--file",
             CasebookBinary.fixture("screenshot-post.png"), "--at", When.at(0)], as: Staff.affected)
        let r = "CB-\(When.year)-0001"
        #expect(reported.stdout.contains("Concern reported: \(r)."), "\(reported)")
        #expect(try sandbox.succeed(["concern", "mine"], as: Staff.affected).stdout.contains("\(r)  "))
        #expect(try sandbox.succeed(["concern", "mine"], as: Staff.affected).stdout.contains("awaiting triage"))
        #expect(try sandbox.succeed(["concern", "mine"], as: Staff.other).stdout == "You have reported no concerns.\n")
        // The reporter sees its status only, like any member who is not part of the case.
        let before = try sandbox.dump()
        #expect(try sandbox.run(["show", r], as: Staff.affected).status == 77)
        #expect(try sandbox.run(["timeline", r], as: Staff.affected).status == 77)
        #expect(try sandbox.run(["triage", r, "accept"], as: Staff.affected).status == 77)
        // Every workflow step waits for triage, naming the rule.
        let early = try sandbox.run(["investigate", "start", r], as: Staff.manager)
        #expect(early.status == 1, "\(early)")
        #expect(early.stderr.contains("concern-awaiting-triage"), "\(early)")
        #expect(early.stderr.contains("casebook triage \(r) accept"), "\(early)")
        #expect(try sandbox.dump() == before)
        let shown = try sandbox.succeed(["show", r], as: Staff.manager).stdout
        #expect(shown.contains("AWAITING TRIAGE"), "\(shown)")
        #expect(shown.contains("  casebook triage \(r)"), "\(shown)")
        // Overdue one working day after it was reported.
        let overdue = try sandbox.succeed(["overdue"], as: Staff.safeguarding).stdout
        #expect(overdue.contains("triage \(r)"), "\(overdue)")
        let accepted = try sandbox.succeed(["triage", r, "accept", "--at", When.at(1)], as: Staff.safeguarding)
        #expect(accepted.stdout.contains("What the reporter gave is evidence E1."), "\(accepted)")
        let items = try sandbox.succeed(["evidence", "list", r], as: Staff.safeguarding).stdout
        #expect(items.contains("https://chirp.example/p/1") && items.contains("screenshot-post.png"), "\(items)")
        try sandbox.succeed(["investigate", "start", r, "--at", When.at(2)], as: Staff.safeguarding)
        #expect(try sandbox.succeed(["concern", "mine"], as: Staff.affected).stdout.contains("being handled"))
        let again = try sandbox.run(["triage", r, "accept"], as: Staff.manager)
        #expect(again.status == 1 && again.stderr.contains("triage-needs-untriaged-concern"), "\(again)")
        #expect(try sandbox.succeed(["verify"], as: Staff.head).stdout.contains("OK"))
    }

    @Test func aDeclinedConcernIsClosedAsNotACase() throws {
        let sandbox = try Sandbox(.staff)
        try sandbox.succeed(
            ["concern", "report", "--about", Staff.affected, "--summary", "A thread about Ms Pennington", "--at", When.at(0)],
            as: Staff.other)
        let r = "CB-\(When.year)-0001"
        let before = try sandbox.dump()
        let noReason = try sandbox.run(["triage", r, "decline"], as: Staff.manager)
        #expect(noReason.status == 65, "\(noReason)")
        #expect(try sandbox.dump() == before)
        try sandbox.succeed(["triage", r, "decline", "--reason", "A timetable disagreement, not online abuse", "--at", When.at(1)])
        #expect(try sandbox.succeed(["concern", "mine"], as: Staff.other).stdout.contains("declined"))
        let reopen = try sandbox.run(["reopen", r, "--reason", "x"], as: Staff.manager)
        #expect(reopen.status == 1 && reopen.stderr.contains("concern-declined"), "\(reopen)")
        let shown = try sandbox.succeed(["show", r], as: Staff.manager).stdout
        #expect(shown.contains("DECLINED at triage") && shown.contains("A timetable disagreement"), "\(shown)")
    }

    @Test func badConcernsAreRefusedAndNothingIsWritten() throws {
        let sandbox = try Sandbox(.staff)
        let before = try sandbox.dump()
        for (arguments, status, words) in [
            (["--url", "ftp://chirp.example/p/1"], Int32(65), "ftp"),
            (["--about", "nobody"], 66, "no member of staff 'nobody'"),
            (["--seen", When.at(24 * 30)], 65, "in the future"),
            (["--file", "missing.png"], 66, "missing.png"),
        ] {
            let result = try sandbox.run(["concern", "report", "--summary", "Posts"] + arguments, as: Staff.affected)
            #expect(result.status == status, "\(arguments): \(result)")
            #expect(result.stderr.contains(words), "\(arguments): \(result)")
        }
        #expect(try sandbox.run(["concern", "report", "--summary", "  "], as: Staff.affected).status == 65)
        #expect(try sandbox.dump() == before)
    }

    @Test func triageOfACaseThatIsNotAConcernIsRefused() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let result = try sandbox.run(["triage", sandbox.reference, "accept"], as: Staff.manager)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("was opened as a case, not reported as a concern [triage-needs-untriaged-concern"), "\(result)")
        #expect(try sandbox.dump() == before)
    }

    @Test func theTriageClockSkipsABankHolidayWeekend() throws {
        let sandbox = try Sandbox(.staff)
        // Friday 28 August 2026, 10:00; Monday 31 August is the summer bank holiday.
        try sandbox.succeed(["concern", "report", "--summary", "Posts about me", "--at", "2026-08-28 10:00"], as: Staff.affected)
        let r = "CB-2026-0001"
        // (Recorded today: --as-of before today would show the record before it was made.)
        let due = try sandbox.succeed(["overdue"]).stdout
        #expect(due.contains("\(r)  concern awaiting triage  2026-09-01 10:00 BST"), "\(due)")
    }
}

// Owners and task lists (SPEC §11).
@Suite struct OwnerAndTaskCommandTests {
    @Test func anOwnerMustBeAbleToActAndNotBeInvolved() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(
            ["staff", "add", "smt.dale", "--name", "Dale Manager", "--role", "senior-manager", "--school", "Dale High", "--at", When.at(-1)],
            as: Staff.head)
        let opened = try sandbox.succeed(
            ["open", "--affected", Staff.manager, "--reported-by", Staff.manager, "--summary", "Posts about Mr Jones",
             "--school", "Harrowgate Fields Academy", "--at", When.at(3)], as: Staff.safeguarding, json: true).jsonObject()
        let aboutManager = try #require(opened.string("reference"))
        let before = try sandbox.dump()
        for (reference, owner, actor, words) in [
            (r, "smt.dale", Staff.manager, "cannot see it"), (aboutManager, Staff.manager, Staff.safeguarding, "involved in it"),
            (r, Staff.hr, Staff.manager, "may not advance cases"), (r, Staff.other, Staff.safeguarding, "may not advance cases"),
        ] {
            let refused = try sandbox.run(["assign", reference, owner], as: actor)
            #expect(refused.status == 77, "\(owner): \(refused)")
            #expect(refused.stderr.contains(words), "\(owner): \(refused)")
        }
        #expect(try sandbox.run(["assign", r, Staff.manager], as: Staff.other).status == 77)
        #expect(try sandbox.run(["assign", r, "nobody"], as: Staff.manager).status == 66)
        #expect(try sandbox.dump() == before)
        // Assigned, then re-assigned; recorded as events.
        #expect(try sandbox.succeed(["assign", r, Staff.safeguarding, "--at", When.at(3)]).stdout == "\(r) is now owned by \(Staff.safeguarding).\n")
        try sandbox.succeed(["assign", r, Staff.manager, "--at", When.at(3.5)], as: Staff.safeguarding)
        #expect(try sandbox.events().filter { $0.type == "CaseAssigned" }.count == 2)
        #expect(try sandbox.succeed(["show", r]).stdout.contains("Owner:       Sam Jones (smt.jones)"))
        #expect(try sandbox.succeed(["verify"], as: Staff.head).stdout.contains("OK"))
    }

    @Test func everyoneSeesWhatWaitsOnThem() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["concern", "report", "--summary", "A forum thread about me", "--at", When.at(5)], as: Staff.other)
        let concern = "CB-\(When.year)-0002"
        // Unowned: the deadlines of the case and the untriaged concern are everyone's who may act, soonest first.
        let lead = try sandbox.succeed(["tasks"], as: Staff.safeguarding, json: true).jsonObject()
        let listed = lead.objects("tasks").map { "\($0["case"] as? String ?? "") \($0["kind"] as? String ?? "")" }
        #expect(listed.contains("\(concern) triage"), "\(listed)")
        #expect(listed.contains("\(r) takedown"), "\(listed)")
        let dues = lead.objects("tasks").compactMap { $0["due"] as? String }
        #expect(dues == dues.sorted(), "\(dues)")
        // --limit: the soonest N, with the total (the browser's home page asks for 100).
        let first = try sandbox.succeed(["tasks", "--limit", "1"], as: Staff.safeguarding, json: true).jsonObject()
        #expect(first.objects("tasks").count == 1 && first["total"] as? Int == listed.count, "\(first)")
        #expect(first.objects("tasks").first?["due"] as? String == dues.first)
        #expect(try sandbox.run(["tasks", "--limit", "0"], as: Staff.safeguarding).status == 65)
        #expect(try sandbox.run(["tasks", "--limit", "1", "--format", "ics"], as: Staff.safeguarding).status == 64)
        // Owned: only the owner's.
        try sandbox.succeed(["assign", r, Staff.manager, "--at", When.at(6)], as: Staff.safeguarding)
        let mine = try sandbox.succeed(["tasks"], as: Staff.manager).stdout
        #expect(mine.contains("\(r)") && mine.contains("smt.jones"), "\(mine)")
        let theirs = try sandbox.succeed(["tasks"], as: Staff.safeguarding).stdout
        #expect(!theirs.contains("\(r) ") && theirs.contains(concern), "\(theirs)")
        #expect(try sandbox.succeed(["tasks", "--for", Staff.manager], as: Staff.safeguarding).stdout == mine)
        // The digest is per person too: the owner's, not everyone's.
        let ownerDigest = try sandbox.succeed(["digest"], as: Staff.manager).stdout
        let leadDigest = try sandbox.succeed(["digest"], as: Staff.safeguarding).stdout
        #expect(ownerDigest.contains("\(r)"), "\(ownerDigest)")
        #expect(!leadDigest.contains("takedown T1") && leadDigest.contains(concern), "\(leadDigest)")
        // A member of staff has no tasks and may not read another's.
        #expect(try sandbox.succeed(["tasks"], as: Staff.other).stdout == "Nothing is waiting on k.marsh.\n")
        #expect(try sandbox.run(["tasks", "--for", Staff.manager], as: Staff.other).status == 77)
        let calendar = try sandbox.succeed(["tasks", "--format", "ics"], as: Staff.manager).stdout
        #expect(calendar.hasPrefix("BEGIN:VCALENDAR\r\n") && calendar.contains("UID:\(r)-takedown-T1@casebook"), "\(calendar)")
    }
}

// The LADO track (KCSIE Part 4) through the binary.
@Suite struct LADOCommandTests {
    @Test func aStaffSourceOnACaseAboutAChildIsReferredToTheLADO() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let before = try sandbox.dump()
        let early = try sandbox.run(["refer", "lado", r, "--reason", "A colleague's posts"], as: Staff.safeguarding)
        #expect(early.status == 1, "\(early)")
        #expect(early.stderr.contains("[lado-needs-staff-source, KCSIE Part 4; SPEC §11]"), "\(early)")
        #expect(early.stderr.contains("casebook investigate source \(r) --kind staff"), "\(early)")
        #expect(try sandbox.dump() == before)
        try sandbox.succeed(["category", "add", r, "child-mentioned", "--at", When.at(3)])
        try sandbox.succeed(["investigate", "source", r, "--kind", "staff", "--ref", Staff.other, "--at", When.at(4)])
        let overdue = try sandbox.succeed(["overdue"], as: Staff.safeguarding).stdout
        #expect(overdue.contains("\(r)  LADO referral due (one working day)") && overdue.contains("casebook refer lado \(r) --reason TEXT"), "\(overdue)")
        #expect(try sandbox.run(["refer", "lado", r, "--reason", "x"], as: Staff.manager).status == 77)
        try sandbox.succeed(["refer", "lado", r, "--reason", "A colleague's posts name a pupil", "--at", When.at(5)], as: Staff.safeguarding)
        #expect(!(try sandbox.succeed(["overdue"], as: Staff.safeguarding).stdout.contains("lado-referral")))
        try sandbox.succeed(["lado", "advice", r, "--text", "Strategy meeting on Thursday", "--at", When.at(6)], as: Staff.safeguarding)
        let close = try sandbox.run(["close", r, "--outcome", "x", "--action", "advice"], as: Staff.manager)
        #expect(close.stderr.contains("the LADO referral has no outcome recorded [close-needs-lado-outcome"), "\(close)")
        #expect(close.stderr.contains("casebook lado outcome \(r) --result substantiated|unsubstantiated|unfounded|false|malicious"), "\(close)")
        let bad = try sandbox.run(["lado", "outcome", r, "--result", "proven"], as: Staff.safeguarding)
        #expect(bad.status == 65, "\(bad)")
        try sandbox.succeed(["lado", "outcome", r, "--result", "substantiated", "--at", When.at(7)], as: Staff.safeguarding)
        let timeline = try sandbox.succeed(["timeline", r], as: Staff.safeguarding).stdout
        for words in ["Referred to the LADO (KCSIE Part 4)", "Strategy meeting on Thursday", "LADO outcome: substantiated"] {
            #expect(timeline.contains(words), "\(timeline)")
        }
        #expect(try sandbox.succeed(["verify"], as: Staff.head).stdout.contains("OK"))
    }
}

// The team's commands through the server: identity from the login, files forwarded.
@Suite struct TeamServerTests {
    @Test func aConcernWithAFileIsReportedTriagedAndAssignedThroughTheSocket() throws {
        let sandbox = try Sandbox(.empty)
        let sockets = try ServerModeTests.socketFolder()
        defer { try? FileManager.default.removeItem(at: sockets) }
        let socket = sockets.appendingPathComponent("s.sock").path
        try sandbox.succeed(["init", "--admin", "head", "--name", "Hannah Head"], as: nil)
        try sandbox.succeed(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff"], as: nil)
        let served = try ServerModeTests.Served(["serve", "--db", sandbox.database, "--socket", socket], socket: socket, in: sandbox.directory)
        try #require(served.isListening, "the server did not start")
        func remote(_ arguments: [String]) throws -> CLIResult {
            try CasebookBinary.run(["--server", socket] + arguments, in: sandbox.directory)
        }
        let reported = try remote(
            ["concern", "report", "--about", "t.pennington", "--summary", "Posts about a colleague", "--url", "https://chirp.example/p/2", "--file",
             CasebookBinary.fixture("screenshot-post.png")])
        #expect(reported.status == 0, "\(reported)")
        let r = "CB-\(ServerModeTests.year)-0001"
        #expect(try remote(["concern", "mine"]).stdout.contains("awaiting triage"))
        #expect(try remote(["tasks"]).stdout.contains("triage \(r)"))
        let accepted = try remote(["triage", r, "accept"])
        #expect(accepted.stdout.contains("What the reporter gave is evidence E1."), "\(accepted)")
        let listed = try remote(["evidence", "list", r])
        #expect(listed.stdout.contains("screenshot-post.png"), "\(listed)")
        // The affected person is involved, and a member of staff: never the owner.
        let refused = try remote(["assign", r, "t.pennington"])
        #expect(refused.status == 77, "\(refused)")
        let assigned = try remote(["assign", r, "head"])
        #expect(assigned.stdout == "\(r) is now owned by head.\n", "\(assigned)")
        // Reporting about oneself makes one involved: the headteacher cannot triage their own concern.
        try #require(try remote(["concern", "report", "--summary", "Posts about me"]).status == 0)
        #expect(try remote(["triage", "CB-\(ServerModeTests.year)-0002", "accept"]).status == 77)
    }
}
