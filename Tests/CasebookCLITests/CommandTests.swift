import Casebook
import EventLog
import Foundation
import Testing

/// Every command of the built `casebook` binary, run as a process on a real database, in
/// human form and with `--json`.
@Suite struct CommandTests {
    // MARK: Setup

    @Test func initCreatesAPrivateDatabaseWithItsHeadteacher() throws {
        let sandbox = try Sandbox(.empty)
        let result = try sandbox.run(["init", "--admin", "head", "--name", "Dr Priya Okafor"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Created \(sandbox.database) with head as headteacher."))
        #expect(result.stderr.isEmpty)
        var info = stat()
        try #require(stat(sandbox.database, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
        let staff = try SQLiteFile(sandbox.database).rows("SELECT id, name, role FROM staff")
        #expect(staff == [["text:head", "text:Dr Priya Okafor", "text:headteacher"]])
        #expect(try SQLiteFile(sandbox.database).scalar("PRAGMA user_version") == "\(Casebook.schema.currentVersion)")
    }

    @Test func initWithJSONUsesCASEBOOK_DB() throws {
        let sandbox = try Sandbox(.empty)
        let path = sandbox.path("from-environment.sqlite")
        let result = try CasebookBinary.run(
            ["--json", "init", "--admin", "head", "--name", "Dr Priya Okafor"], in: sandbox.directory,
            environment: ["CASEBOOK_DB": path])
        #expect(result.status == 0, "\(result)")
        let json = try result.jsonObject()
        #expect(json.string("database") == path)
        #expect(json.string("admin") == "head")
        var info = stat()
        try #require(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(!FileManager.default.fileExists(atPath: sandbox.database))
    }

    @Test func initWithoutDbCreatesCasebookSqliteInTheCurrentFolder() throws {
        let sandbox = try Sandbox(.empty)
        let result = try CasebookBinary.run(["init", "--admin", "head", "--name", "Head"], in: sandbox.directory)
        #expect(result.status == 0, "\(result)")
        #expect(FileManager.default.fileExists(atPath: sandbox.path("casebook.sqlite")))
        // CASEBOOK_USER names the actor when --as is not given.
        let list = try CasebookBinary.run(["staff", "list"], in: sandbox.directory, environment: ["CASEBOOK_USER": "head"])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("head"))
    }

    @Test func staffAddAndList() throws {
        let sandbox = try Sandbox(.staff)
        let added = try sandbox.succeed(["staff", "add", "z.obrien", "--name", "Zoë Ó'Brien", "--role", "hr", "--at", When.at(1)], as: Staff.head)
        #expect(added.stdout == "Added z.obrien (Zoë Ó'Brien) as hr, trust-wide, with no login yet.\n")
        let json = try sandbox.succeed(
            ["staff", "add", "p.singh", "--name", "Priya Singh", "--role", "safeguarding-lead"], as: Staff.head, json: true
        ).jsonObject()
        #expect(json.string("id") == "p.singh")
        #expect(json.string("name") == "Priya Singh")
        #expect(json.string("role") == "safeguarding-lead")

        let table = try sandbox.succeed(["staff", "list"], as: Staff.manager).stdout
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("NAME") == true && lines.first?.contains("ROLE") == true)
        #expect(lines.contains { $0.hasPrefix("z.obrien") && $0.contains("Zoë Ó'Brien") && $0.contains(" hr ") && $0.hasSuffix("current") })
        // Aligned columns: every row's NAME starts in the same column as the header's.
        let nameColumn = try #require(lines.first?.range(of: "NAME")).lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let id = line.prefix { $0 != " " }
            #expect(line.dropFirst(id.count).prefix { $0 == " " }.count + id.count == nameColumn, "\(line)")
        }
        let members = try sandbox.succeed(["staff", "list"], as: Staff.head, json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(members.map { $0.string("id") ?? "" } == ["dsl.khan", "head", "hr.lee", "k.marsh", "p.singh", "smt.jones", "t.pennington", "z.obrien"])
        #expect(members.first { $0.string("id") == "smt.jones" }?.string("role") == "senior-manager")
    }

    // MARK: Opening and evidence

    @Test func openPrintsTheReference() throws {
        let sandbox = try Sandbox(.staff)
        let year = When.year
        let human = try sandbox.succeed([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Post naming a pupil and me",
            "--category", "child-mentioned,harassment", "--school", "Harrowgate Fields Academy", "--at", When.at(0),
        ])
        #expect(human.stdout.hasPrefix("Opened CB-\(year)-0001 for t.pennington.\n"))
        #expect(human.stdout.contains("URGENT: a child is mentioned"))
        #expect(human.stdout.contains("Next: casebook evidence add CB-\(year)-0001"))

        let json = try sandbox.succeed(
            [
                "open", "--affected", Staff.affected, "--reported-by", Staff.other, "--summary", "Impersonation account",
                "--category", "impersonation", "--discovered-at", When.at(-2), "--at", When.at(0.5),
            ], as: Staff.safeguarding, json: true
        ).jsonObject()
        // No school given: another school than the first case's, so its own numbers (issue 18, L9).
        #expect(json.string("reference") == "CB-\(year)-100001")
        let opened = try #require(json.object("case"))
        #expect(opened.string("reference") == "CB-\(year)-100001")
        #expect(opened.string("status") == "open")
        #expect(opened.string("affected") == Staff.affected)
        #expect(opened.string("reportedBy") == Staff.other)
        #expect(opened.string("reportedTo") == Staff.safeguarding)
        #expect(opened.bool("urgent") == false)
        #expect(opened.array("categories") as? [String] == ["impersonation"])
        #expect(opened.string("openedAt") == When.at(0.5))
        #expect(opened.string("discoveredAt") == When.at(-2))
        #expect(WhenUTC.all(in: json))
        #expect(opened.int("version") == 1)
    }

    @Test func evidenceAddListAndGetRoundTripTheFixtures() throws {
        let sandbox = try Sandbox(.staff)
        let reference = try openCase(in: sandbox)
        let added = try sandbox.succeed([
            "evidence", "add", reference, "--kind", "social", "--url", "https://chirp.example/hf_truthteller/status/8812",
            "--platform", "Chirp", "--posted-at", When.at(-3), "--captured-at", When.at(0.5),
            "--file", CasebookBinary.fixture("screenshot-post.png"), "--file", CasebookBinary.fixture("screenshot-comment.jpg"),
            "--description", "The post and a reply", "--at", When.at(0.5),
        ])
        #expect(added.stdout.hasPrefix("E1 captured on \(reference): social https://chirp.example/hf_truthteller/status/8812\n"))
        #expect(added.stdout.contains("screenshot-post.png  image/png  11044 bytes  sha256 \(try Fixtures.sha256("screenshot-post.png"))"))
        #expect(added.stdout.contains("screenshot-comment.jpg  image/jpeg  46346 bytes  sha256 \(try Fixtures.sha256("screenshot-comment.jpg"))"))

        let json = try sandbox.succeed(
            [
                "evidence", "add", reference, "--kind", "email", "--file", CasebookBinary.fixture("abusive-email.eml"),
                "--file", CasebookBinary.fixture("voicemail.wav"), "--file", CasebookBinary.fixture("screenshot-post.png"),
                "--at", When.at(0.7),
            ], json: true
        ).jsonObject()
        #expect(json.string("case") == reference)
        #expect(json.int("version") == 3)
        let event = try #require(json.objects("events").first)
        #expect(event.string("type") == "EvidenceCaptured")
        let payload = try #require(event.object("payload"))
        #expect(payload.string("id") == "E2")
        #expect(payload.string("capturedAt") == When.at(0.7))
        let files = payload.objects("files")
        #expect(files.map { $0.string("mediaType") ?? "" } == ["message/rfc822", "audio/wav", "image/png"])
        #expect(files.map { $0.string("sha256") ?? "" } == [
            try Fixtures.sha256("abusive-email.eml"), try Fixtures.sha256("voicemail.wav"), try Fixtures.sha256("screenshot-post.png"),
        ])
        // The screenshot given twice is stored once.
        #expect(try SQLiteFile(sandbox.database).scalar("SELECT count(*) FROM blobs") == "4")

        let table = try sandbox.succeed(["evidence", "list", reference]).stdout
        #expect(table.hasPrefix("ID"))
        #expect(table.contains("E1  SJ/1     social"), "\(table)")
        #expect(table.contains("screenshot-post.png, screenshot-comment.jpg"))
        #expect(table.contains(London.format(When.date(0.5))))
        let items = try sandbox.succeed(["evidence", "list", reference], json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(items.map { $0.string("id") ?? "" } == ["E1", "E2"])
        #expect(items[0].string("kind") == "social")
        #expect(items[0].string("host") == "chirp.example")
        #expect(items[0].string("postedAt") == When.at(-3))
        #expect(items[1].objects("files").count == 3)
        #expect(WhenUTC.all(in: items))

        let out = sandbox.path("export")
        let got = try sandbox.succeed(["evidence", "get", reference, "E2", "--out", out])
        #expect(got.stdout.contains("verified"))
        for name in ["abusive-email.eml", "voicemail.wav", "screenshot-post.png"] {
            let written = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
            #expect(written == (try Fixtures.data(name)), "\(name) differs from the fixture")
        }
        let jsonOut = sandbox.path("export-json")
        let written = try sandbox.succeed(["evidence", "get", reference, "E1", "--out", jsonOut], json: true).jsonArray()
            .compactMap { $0 as? [String: Any] }
        #expect(written.map { $0.string("sha256") ?? "" } == [try Fixtures.sha256("screenshot-post.png"), try Fixtures.sha256("screenshot-comment.jpg")])
        for name in ["screenshot-post.png", "screenshot-comment.jpg"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: jsonOut + "/" + name)) == (try Fixtures.data(name)))
        }
    }

    // MARK: The workflow

    /// One step of the worked case, with what it must print.
    struct Step {
        let arguments: [String]
        let human: [String]
        let type: String
        let status: String
        var actor = Staff.manager
        var check: ([String: Any]) -> Bool = { _ in true }
    }

    /// Every workflow command, from the template case (E1 and E2 captured, investigation
    /// started, threatening, T1 requested from E1's host) to closed and reopened.
    static func workflow(_ r: String) throws -> [Step] {
        [
            Step(arguments: ["investigate", "note", r, "Head of Year 10 recognised the handle.", "--at", When.at(3)],
                 human: ["Note N1 added to \(r) (1 in all)."], type: "InvestigationNoteAdded", status: "open",
                 check: { ($0.object("payload")?.string("text")) == "Head of Year 10 recognised the handle." }),
            Step(arguments: ["investigate", "source", r, "--kind", "pupil", "--ref", "@hf_truthteller", "--at", When.at(4)],
                 human: ["Source of \(r): pupil (@hf_truthteller)."], type: "SourceIdentified", status: "open",
                 check: { $0.object("payload")?.string("kind") == "pupil" }),
            Step(arguments: ["refer", "behaviour", r, "--pupil", "Y10-0423", "--at", When.at(5)],
                 human: ["Behaviour referral R1 recorded on \(r)."], type: "BehaviourReferralMade", status: "open"),
            Step(arguments: ["takedown", "request", r, "--evidence", "E2", "--method", "email", "--by", "complainant", "--at", When.at(6)],
                 human: ["T2 requested from forum.parents.example for E2; deadline \(London.format(When.date(30))) (24 hours)."],
                 type: "TakedownRequested", status: "open",
                 check: {
                     let payload = $0.object("payload")
                     return payload?.string("id") == "T2" && payload?.string("deadline") == When.at(30)
                         && payload?.string("sentBy") == "complainant" && payload?.string("host") == "forum.parents.example"
                 }),
            Step(arguments: ["takedown", "response", r, "T1", "--result", "refused", "--at", When.at(7)],
                 human: ["T1 on \(r): host response refused."], type: "HostResponded", status: "open"),
            Step(arguments: ["takedown", "check", r, "T1", "--result", "still-present", "--file", CasebookBinary.fixture("removal-check.png"), "--at", When.at(8)],
                 human: ["T1 on \(r): check found still-present.", "Next: casebook isp escalate \(r) T1 --isp NAME"],
                 type: "RemovalChecked", status: "open",
                 check: { $0.object("payload")?.object("file")?.string("sha256") == (try? Fixtures.sha256("removal-check.png")) }),
            Step(arguments: ["isp", "escalate", r, "T1", "--isp", "Example Telecom", "--at", When.at(9)],
                 human: ["T1 on \(r) escalated to Example Telecom."], type: "ISPEscalated", status: "open"),
            Step(arguments: ["isp", "response", r, "T1", "--result", "blocked", "--at", When.at(10)],
                 human: ["T1 on \(r): ISP response blocked."], type: "ISPResponded", status: "open"),
            Step(arguments: ["takedown", "response", r, "T2", "--result", "removed", "--at", When.at(11)],
                 human: ["T2 on \(r): host response removed."], type: "HostResponded", status: "open"),
            Step(arguments: ["takedown", "check", r, "T2", "--result", "removed", "--at", When.at(12)],
                 human: ["T2 on \(r): check found removed."], type: "RemovalChecked", status: "open"),
            Step(arguments: ["police", "consent", r, "--given", "--by", Staff.affected, "--at", When.at(13)],
                 human: ["Consent given by t.pennington on \(r)."], type: "ConsentRecorded", status: "open"),
            Step(arguments: ["police", "refer", r, "--force", "Northshire Police", "--reference", "NP-26-118822", "--at", When.at(14)],
                 human: ["\(r) referred to Northshire Police."], type: "PoliceReferred", status: "open"),
            Step(arguments: ["support", "offer", r, "--service", "Employee assistance programme", "--service", "Stress counselling", "--at", When.at(15)],
                 human: ["Support offered on \(r): Employee assistance programme, Stress counselling."], type: "SupportOffered", status: "open"),
            Step(arguments: ["support", "response", r, "--accepted", "--at", When.at(16)],
                 human: ["Support accepted on \(r)."], type: "SupportResponded", status: "open"),
            Step(arguments: ["investigate", "conclude", r, "--finding", "substantiated", "--summary", "A Year 10 pupil admitted posting.", "--at", When.at(17)],
                 human: ["Investigation of \(r) concluded."], type: "InvestigationConcluded", status: "open"),
            Step(arguments: ["close", r, "--outcome", "Removed or blocked; pupil sanctioned.", "--action", "behaviour-sanction", "--at", When.at(18)],
                 human: ["\(r) closed (behaviour-sanction)."], type: "CaseClosed", status: "closed"),
            Step(arguments: ["reopen", r, "--reason", "The post reappeared.", "--at", When.at(19)],
                 human: ["\(r) reopened."], type: "CaseReopened", status: "open"),
        ]
    }

    @Test(arguments: [false, true])
    func everyWorkflowCommandFromReportToClosedAndReopened(json: Bool) throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        var version = try sandbox.events().filter { $0.stream == "case/\(r)" }.count
        for step in try Self.workflow(r) {
            let result = try sandbox.run(step.arguments, as: step.actor, json: json)
            try #require(result.status == 0, "casebook \(step.arguments.joined(separator: " ")): \(result)")
            #expect(result.stderr.isEmpty, "\(result)")
            if json {
                let object = try result.jsonObject()
                #expect(object.string("case") == r)
                #expect(object.string("status") == step.status, "\(step.arguments)")
                let events = object.objects("events")
                #expect(events.first?.string("type") == step.type, "\(step.arguments)")
                #expect(events.first.map(step.check) == true, "\(step.arguments): \(result.stdout)")
                #expect(object.int("version") == version + events.count, "\(step.arguments)")
                version += events.count
            } else {
                for line in step.human { #expect(result.stdout.contains(line), "\(step.arguments): \(result.stdout)") }
                #expect(!result.stdout.hasPrefix("{"))
                version += 1
            }
            // The events recorded are the case's, in order, each by the actor.
            let last = try #require(try sandbox.events().last)
            #expect(last.stream == "case/\(r)" && last.type == step.type && last.version == version, "\(step.arguments)")
        }
        let shown = try sandbox.succeed(["show", r], json: true).jsonObject()
        #expect(shown.string("status") == "open")
        // Reopened: a new round of investigation is under way (issue 21).
        #expect(shown.object("investigation")?.string("status") == "started")
        #expect(shown.object("investigation")?.int("round") == 2)
        #expect(shown.object("investigation")?.array("behaviourReferrals") as? [String] == ["Y10-0423"])
        #expect(shown.objects("takedowns").map { $0.bool("resolved") } == [true, true])
        #expect(shown.objects("takedowns").map { $0.string("isp") ?? "-" } == ["Example Telecom", "-"])
        #expect(shown.object("policeReferral")?.string("force") == "Northshire Police")
        #expect(shown.object("policeReferral")?.isNull("overrideReason") == true)
        #expect(shown.object("support")?.string("response") == "accepted")
        #expect(shown.string("consent") == "given")
        #expect(WhenUTC.all(in: shown))
        let verified = try sandbox.run(["verify"], as: Staff.safeguarding)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test(arguments: [false, true])
    func disciplinaryReferralTakedownNotApplicableAndAnUnthreateningClose(json: Bool) throws {
        let sandbox = try Sandbox(.staff)
        let r = try openCase(in: sandbox)
        let steps: [(arguments: [String], human: String, type: String)] = [
            (["evidence", "add", r, "--kind", "email", "--file", CasebookBinary.fixture("abusive-email.eml"), "--at", When.at(1)],
             "E1 captured on \(r): email", "EvidenceCaptured"),
            (["investigate", "start", r, "--at", When.at(2)], "Investigation of \(r) started.", "InvestigationStarted"),
            (["investigate", "source", r, "--kind", "staff", "--at", When.at(3)], "Source of \(r): staff.", "SourceIdentified"),
            (["refer", "disciplinary", r, "--staff", Staff.other, "--at", When.at(4)], "Disciplinary referral R1 recorded on \(r).",
             "DisciplinaryReferralMade"),
            (["takedown", "not-applicable", r, "--reason", "A private email, never published.", "--at", When.at(5)],
             "Takedown declared not applicable on \(r).", "TakedownNotApplicable"),
            (["investigate", "assess", r, "--not-threatening", "--rationale", "Rude but not threatening.", "--at", When.at(6)],
             "Assessed \(r): not threatening.", "ThreatAssessed"),
            (["investigate", "conclude", r, "--finding", "unsubstantiated", "--summary", "Not enough to act on.", "--at", When.at(7)],
             "Investigation of \(r) concluded.", "InvestigationConcluded"),
            (["support", "offer", r, "--service", "Employee assistance programme", "--at", When.at(8)],
             "Support offered on \(r): Employee assistance programme.", "SupportOffered"),
            (["support", "response", r, "--declined", "--at", When.at(9)], "Support declined on \(r).", "SupportResponded"),
            (["close", r, "--outcome", "Advice given to the member of staff.", "--action", "warning", "--at", When.at(10)],
             "\(r) closed (warning).", "CaseClosed"),
        ]
        for step in steps {
            let result = try sandbox.run(step.arguments, as: Staff.manager, json: json)
            try #require(result.status == 0, "casebook \(step.arguments.joined(separator: " ")): \(result)")
            if json {
                #expect(try result.jsonObject().objects("events").first?.string("type") == step.type)
            } else {
                #expect(result.stdout.hasPrefix(step.human), "\(result.stdout)")
            }
        }
        let shown = try sandbox.succeed(["show", r], json: true).jsonObject()
        #expect(shown.string("status") == "closed")
        #expect(shown.object("closure")?.string("action") == "warning")
        #expect(When.isUTC(shown.object("closure")?["at"]))
        #expect(shown.string("takedownNotApplicable") == "A private email, never published.")
        #expect(shown.object("investigation")?.array("disciplinaryReferrals") as? [String] == [Staff.other])
        #expect(shown.object("investigation")?.bool("threatening") == false)
    }

    @Test(arguments: [Staff.head, Staff.safeguarding])
    func childProtectionOverrideIsShownProminently(actor: String) throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let referred = try sandbox.succeed(
            ["police", "refer", r, "--force", "Northshire Police", "--override-reason", "A pupil is named and at risk.", "--at", When.at(3)],
            as: actor)
        #expect(referred.stdout == "\(r) referred to Northshire Police WITHOUT CONSENT (child-protection override: A pupil is named and at risk.).\n")
        let shown = try sandbox.succeed(["show", r]).stdout
        #expect(shown.contains("CHILD-PROTECTION OVERRIDE, without consent: A pupil is named and at risk."))
        let json = try sandbox.succeed(["show", r], json: true).jsonObject()
        #expect(json.object("policeReferral")?.string("overrideReason") == "A pupil is named and at risk.")
        #expect(json.object("policeReferral")?.string("at") == When.at(3))
    }

    // MARK: Reading

    @Test func showListsTheStateAndWhatIsAllowedOrBlocked() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // The template was typed in today about days ago: as of then, nothing was on record.
        #expect(try sandbox.run(["show", r, "--as-of", When.at(3)], as: Staff.manager).status == 66)
        let text = try sandbox.succeed(["show", r]).stdout
        #expect(text.hasPrefix("\(r)  OPEN\n"))
        #expect(text.contains("School:      Harrowgate Fields Academy"))
        #expect(text.contains("Opened:      \(London.format(When.date(0)))"))
        #expect(text.contains("Evidence:    E1 (SJ/1) social https://chirp.example/hf_truthteller/status/8812; E2 (SJ/2) web https://forum.parents.example/t/412#p9"))
        #expect(text.contains("threat:    threatening or intimidating — Names her home street."))
        #expect(text.contains("T1 chirp.example (E1) by form, sent by school; due \(London.format(When.date(26)))"))
        #expect(text.contains("Allowed now:\n"))
        #expect(text.contains("  casebook investigate note \(r)"))
        #expect(text.contains("Blocked:\n"))
        #expect(text.contains("[close-needs-concluded-investigation, 000 §13.3]"))
        // T1's 24 hours have passed (the template's steps are days old): overdue now, and
        // --as-of a later instant evaluates the deadlines then on the same record.
        #expect(text.contains("OVERDUE:"))
        let late = try sandbox.succeed(["show", r, "--as-of", When.at(300)]).stdout
        #expect(late.contains("OVERDUE:"))

        let json = try sandbox.succeed(["show", r, "--as-of", When.at(300)], json: true).jsonObject()
        #expect(json.string("reference") == r)
        #expect(json.string("openedAt") == When.at(0))
        #expect(json.objects("takedowns").first?.string("deadline") == When.at(26))
        #expect(json.objects("takedowns").first?.string("requestedAt") == When.at(2))
        let allowed = json.objects("allowed").compactMap { $0.string("step") }
        #expect(allowed.contains("investigate note"))
        let blocked = json.objects("blocked")
        let close = try #require(blocked.first { $0.string("step") == "close" })
        #expect(close.objects("because").compactMap { $0.string("rule") }.contains("close-needs-concluded-investigation"))
        #expect(json.objects("overdue").contains { $0.string("subject") == "T1" && $0.string("due") == When.at(26) })
        #expect(WhenUTC.all(in: json))
    }

    @Test func listFiltersByStatusAndSchool() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let second = try openCase(in: sandbox, school: "Northfield Primary", category: "child-mentioned")
        let table = try sandbox.succeed(["list"], as: Staff.safeguarding).stdout
        #expect(table.hasPrefix("CASE"))
        #expect(table.contains("\(second) !  open"))
        #expect(table.contains("\(r)  "))
        #expect(table.hasSuffix("2 cases (! = urgent).\n"))
        let all = try sandbox.succeed(["list"], json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(all.map { $0.string("reference") ?? "" } == [second, r])
        #expect(all.map { $0.bool("urgent") } == [true, false])
        #expect(all.allSatisfy { When.isUTC($0["openedAt"]) && $0.isNull("closedAt") })
        let school = try sandbox.succeed(["list", "--school", "Northfield Primary"], json: true).jsonArray()
        #expect(school.count == 1)
        #expect(try sandbox.succeed(["list", "--open"], json: true).jsonArray().count == 2)
        #expect(try sandbox.succeed(["list", "--closed"], json: true).jsonArray().isEmpty)
        #expect(try sandbox.succeed(["list", "--closed"]).stdout == "No cases.\n")
    }

    @Test func overdueListsLateDeadlinesWithTheNextAction() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        #expect(try sandbox.succeed(["overdue", "--as-of", When.at(3)], as: Staff.safeguarding).stdout
            == "Nothing is overdue as of \(London.format(When.date(3))).\n")
        // --as-of a later instant: the same record, deadlines evaluated then.
        let text = try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: Staff.safeguarding).stdout
        #expect(text.hasPrefix("CASE"))
        #expect(text.contains("T1: the host's 24 hours"))
        #expect(text.contains("isp escalate \(r) T1"))
        #expect(text.contains("E2: no takedown request yet"))
        // POSH may be asked once its 48 hours after the request have passed (SPEC §10).
        #expect(text.contains("T1: a helpline may be asked"))
        #expect(text.contains("3 overdue as of \(London.format(When.date(300)))."))
        let json = try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: Staff.safeguarding, json: true).jsonObject()
        #expect(json.string("asOf") == When.at(300))
        let items = json.objects("items")
        let t1 = try #require(items.first { $0.string("subject") == "T1" })
        #expect(t1.string("case") == r)
        #expect(t1.string("due") == When.at(26))
        #expect(t1.int("lateSeconds") == 274 * 3600)
        #expect(t1.string("school") == "Harrowgate Fields Academy")
        #expect(items.contains { $0.string("subject") == "E2" && $0.string("kind") == "request-takedown" })
        #expect(WhenUTC.all(in: json))
    }

    /// SPEC §3: a request made the day before the clocks go forward is due 24 real hours
    /// later, which reads an hour later on the wall clock.
    @Test func deadlinesAreAbsoluteAcrossTheClockChange() throws {
        let sandbox = try Sandbox(.staff)
        let switchover = London.lastSpringForward(before: Date())
        let saturday10 = switchover.addingTimeInterval(-15 * 3600)  // 10:00 GMT the day before.
        let local = London.format(saturday10).dropLast(4)  // "YYYY-MM-DD 10:00"
        #expect(local.hasSuffix("10:00"))
        let opened = try sandbox.succeed([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Post", "--at", String(local),
        ], json: true).jsonObject()
        let r = try #require(opened.string("reference"))
        try sandbox.succeed(["evidence", "add", r, "--kind", "web", "--url", "https://x.example/p/1", "--at", String(local)])
        try sandbox.succeed(["investigate", "start", r, "--at", String(local)])
        let requested = try sandbox.succeed(["takedown", "request", r, "--evidence", "E1", "--method", "form", "--at", String(local)])
        let sunday11 = London.format(saturday10.addingTimeInterval(86_400))
        #expect(sunday11.hasSuffix("11:00 BST"))
        #expect(requested.stdout.contains("deadline \(sunday11) (24 hours)"), "\(requested.stdout)")
    }

    // MARK: Maintenance

    @Test func verifyRebuildAndBackup() throws {
        let sandbox = try Sandbox(.openCase)
        let count = try sandbox.events().count
        #expect(count == 13)
        let verified = try sandbox.succeed(["verify"], as: Staff.safeguarding)
        #expect(verified.stdout.hasPrefix("Checked \(count) events in 2 streams"))
        #expect(verified.stdout.hasSuffix("OK: nothing was altered.\n"))
        let report = try sandbox.succeed(["verify"], json: true).jsonObject()
        #expect(report.bool("intact") == true)
        #expect(report.int("events") == count)
        #expect(report.int("streams") == 2)
        #expect(report.array("breaks")?.isEmpty == true)

        let before = try sandbox.dump()
        #expect(try sandbox.succeed(["rebuild"], as: Staff.head).stdout == "Rebuilt the read models from \(count) events.\n")
        #expect(try sandbox.succeed(["rebuild"], as: Staff.head, json: true).jsonObject().int("events") == count)
        #expect(try sandbox.dump() == before, "a rebuild gives byte-identical tables")

        let copy = sandbox.path("backup.sqlite")
        let backedUp = try sandbox.succeed(["backup", "--out", copy], as: Staff.head)
        #expect(backedUp.stdout.contains("Backed up to \(copy)"))
        #expect(try SQLiteFile(copy).integrityCheck() == "ok")
        #expect(try SQLiteFile.dump(copy) == before)
        let check = try CasebookBinary.run(["--db", copy, "--as", Staff.manager, "verify"], in: sandbox.directory)
        #expect(check.status == 0, "\(check)")
        let second = sandbox.path("backup2.sqlite")
        #expect(try sandbox.succeed(["backup", "--out", second], as: Staff.head, json: true).jsonObject().string("backup") == second)
        #expect(try SQLiteFile(second).integrityCheck() == "ok")
    }

    @Test func redactErasesAPayloadAndTheChainStillVerifies() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // Version 2 is E1's EvidenceCaptured.
        #expect(try sandbox.events().first { $0.stream == "case/\(r)" && $0.version == 2 }?.type == "EvidenceCaptured")
        let redacted = try sandbox.succeed(
            ["redact", r, "--version", "2", "--reason", "Subject access erasure request 2026-114", "--at", When.at(3)], as: Staff.head)
        #expect(redacted.stdout == "Redacted \(r) version 2; the chain still verifies and reports it as redacted.\n")
        let file = try SQLiteFile(sandbox.database)
        #expect(try file.scalar("SELECT payload FROM events WHERE stream = 'case/\(r)' AND version = 2") == "NULL")
        // Redacting evidence purges its files first (SPEC §9): FilesPurged, then the redaction record.
        #expect(try file.scalar("SELECT type FROM events WHERE stream = 'case/\(r)' AND version = 7") == "text:FilesPurged")
        #expect(try file.scalar("SELECT type FROM events WHERE stream = 'case/\(r)' AND version = 8") == "text:EventRedacted")
        #expect(try file.scalar("SELECT count(*) FROM blobs WHERE data IS NULL") == "1")

        let verified = try sandbox.succeed(["verify"], as: Staff.safeguarding)
        #expect(verified.stdout.contains("redacted (chain intact): case/\(r) v2"))
        #expect(verified.stdout.hasSuffix("OK: nothing was altered.\n"))
        let report = try sandbox.succeed(["verify"], as: Staff.safeguarding, json: true).jsonObject()
        #expect(report.bool("intact") == true)
        #expect(report.objects("redacted").map { "\($0.string("stream") ?? "") v\($0.int("version") ?? 0)" } == ["case/\(r) v2"])

        #expect(try sandbox.succeed(["evidence", "list", r]).stdout.contains("E1  SJ/1     [redacted]"))
        let get = try sandbox.run(["evidence", "get", r, "E1", "--out", sandbox.path("x")], as: Staff.manager)
        #expect(get.status == 66)
        #expect(get.stderr.contains("E1 was redacted"))

        let json = try sandbox.succeed(["redact", r, "--version", "3", "--reason", "Erasure", "--at", When.at(4)], as: Staff.head, json: true)
            .jsonObject()
        #expect(json.string("case") == r)
        #expect(json.int("version") == 3)
    }

    // MARK: Help and the demo

    @Test func helpDescribesEveryCommandWithAnExample() throws {
        let sandbox = try Sandbox(.empty)
        let help = try sandbox.run(["help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Usage: casebook [--db <path> | --server <socket>] [--as <staff-id>] [--json] <command> ..."))
        #expect(help.stdout.contains("Exit codes: 0 ok, 1 refused by the workflow"))
        let commands = try sandbox.run(["help"], json: true).jsonArray().compactMap { ($0 as? [String: Any])?.string("command") }
        for required in [
            "init", "staff add", "staff list", "open", "evidence add", "evidence list", "evidence get", "investigate start",
            "investigate note", "investigate source", "investigate assess", "investigate conclude", "refer behaviour",
            "refer disciplinary", "takedown request", "takedown response", "takedown check", "takedown not-applicable",
            "isp escalate", "isp response", "police consent", "police refer", "support offer", "support response", "close",
            "reopen", "show", "list", "overdue", "timeline", "outcomes", "audit", "verify", "checkpoint", "rebuild", "backup", "redact", "demo",
            "help",
        ] {
            #expect(commands.contains(required), "help does not list \(required)")
        }
        for command in commands {
            #expect(help.stdout.contains("\n\(command)  "), "the help table has no row for \(command)")
            let words = command.split(separator: " ").map(String.init)
            let result = try sandbox.run(words + ["--help"])
            #expect(result.status == 0, "\(command) --help: \(result)")
            #expect(result.stdout.hasPrefix("Usage: casebook \(command)"), "\(command) --help: \(result.stdout)")
            #expect(result.stdout.contains("casebook "), "\(command) --help has no example")
            #expect(result.stdout.lowercased().contains("example"), "\(command) --help has no example")
            #expect(result.stderr.isEmpty)
        }
        let one = try sandbox.run(["help", "takedown", "request"])
        #expect(one.status == 0)
        #expect(one.stdout.hasPrefix("Usage: casebook takedown request"))
        let oneJSON = try sandbox.run(["help", "takedown", "request"], json: true).jsonObject()
        #expect(oneJSON.string("command") == "takedown request")
        #expect(oneJSON.string("help")?.hasPrefix("Usage: casebook takedown request") == true)
        #expect(try sandbox.run(["close", "-h"]).stdout.hasPrefix("Usage: casebook close"))
        // With --json, COMMAND --help is one JSON object too.
        let helpJSON = try sandbox.run(["takedown", "request", "--help"], json: true)
        #expect(helpJSON.status == 0)
        #expect(try helpJSON.jsonObject().string("help") == String(one.stdout.dropLast()))
        // No command at all shows the overview.
        #expect(try sandbox.run([]).stdout == help.stdout)
    }

    @Test func demoRunsAWholeCaseAndLeavesAVerifiableDatabase() throws {
        let sandbox = try Sandbox(.empty)
        let result = try sandbox.run(["demo"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("$ casebook --as smt.jones open "))
        #expect(result.stdout.contains("$ casebook --as smt.jones close "))
        #expect(result.stdout.contains(" closed (behaviour-sanction)."))
        #expect(result.stdout.contains("OK: nothing was altered."))
        // It ends with the case's chronology.
        #expect(result.stdout.contains("Chain head: case/"))
        #expect(result.stdout.contains("CONFIDENTIAL"))
        let verified = try sandbox.run(["verify"], as: "dsl.khan")
        #expect(verified.status == 0, "\(verified)")
        let closed = try sandbox.run(["list", "--closed"], as: "dsl.khan", json: true).jsonArray()
        #expect(closed.count == 1)

        let other = try Sandbox(.empty)
        let demo = try other.run(["demo"], json: true)
        #expect(demo.status == 0, "\(demo)")
        let json = try demo.jsonObject()
        #expect(json.string("database") == other.database, "\(demo)")
        #expect(json.string("case")?.hasPrefix("CB-") == true)
        // The demo needs a fresh database.
        let again = try other.run(["demo"])
        #expect(again.status == 73, "\(again)")
    }

    // MARK: Helpers

    /// Opens a case at the base time and returns its reference.
    func openCase(in sandbox: Sandbox, school: String = "Harrowgate Fields Academy", category: String = "harassment") throws -> String {
        let json = try sandbox.succeed(
            [
                "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Abusive post",
                "--category", category, "--school", school, "--at", When.at(0),
            ], json: true
        ).jsonObject()
        return try #require(json.string("reference"))
    }
}

/// Every time in a JSON value is UTC: each string under a key ending in `At`, `at`, `due`,
/// `deadline` or `asOf` is RFC 3339 with milliseconds and `Z`.
enum WhenUTC {
    static func all(in value: Any) -> Bool {
        switch value {
        case let object as [String: Any]:
            return object.allSatisfy { key, value in
                let isTime = key.hasSuffix("At") || key == "at" || key == "due" || key == "deadline" || key == "asOf"
                if isTime, !(value is NSNull) { return When.isUTC(value) }
                return all(in: value)
            }
        case let array as [Any]: return array.allSatisfy { all(in: $0) }
        default: return true
        }
    }
}
