import Foundation
import Testing

// Finding and reading (issue 12 item 6; issue 15 item 3), through the real binary.

@Suite("Finding cases (CLI)")
struct FindingTests {
    @Test func listFiltersBySchoolAffectedSearchAndMine() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // Any case of the school's name; a part of it is answered with a did-you-mean.
        let school = try sandbox.succeed(["list", "--school", "harrowgate fields academy"]).stdout
        #expect(school.contains(r), "\(school)")
        let partial = try sandbox.succeed(["list", "--school", "Harrowgate Fields"]).stdout
        #expect(partial == "No cases for the school 'Harrowgate Fields'. Did you mean 'Harrowgate Fields Academy'?\n", "\(partial)")
        // Names beside ids.
        #expect(school.contains("(t.pennington)"), "\(school)")
        #expect(try sandbox.succeed(["list", "--affected", Staff.affected.uppercased()]).stdout.contains(r))
        #expect(try sandbox.succeed(["list", "--affected", Staff.other]).stdout == "No cases.\n")
        // Search: a URL of the evidence, the host, the summary, case-insensitively; % is literal.
        for text in ["FORUM.PARENTS.example/t/412", "chirp.example", "names her STREET", r.lowercased()] {
            #expect(try sandbox.succeed(["list", "--search", text]).stdout.contains(r), "\(text)")
        }
        #expect(try sandbox.succeed(["list", "--search", "%"]).stdout == "No cases.\n")
        // Mine: the cases I opened or took a step on.
        #expect(try sandbox.succeed(["list", "--mine"], as: Staff.manager).stdout.contains(r))
        #expect(try sandbox.succeed(["list", "--mine"], as: Staff.safeguarding).stdout == "No cases.\n")
        try sandbox.succeed(["evidence", "add", r, "--kind", "email", "--description", "A forwarded email"], as: Staff.safeguarding)
        #expect(try sandbox.succeed(["list", "--mine"], as: Staff.safeguarding).stdout.contains(r))
    }

    @Test func listAndOverdueShowTheNewestFiftyWithATotal() throws {
        let sandbox = try Sandbox(.staff)
        for index in 0..<53 {
            try sandbox.succeed([
                "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Post \(index)", "--category",
                "harassment", "--school", "Harrowgate Fields Academy", "--at", When.at(Double(index) / 10),
            ])
        }
        let list = try sandbox.succeed(["list"]).stdout
        let rows = list.split(separator: "\n").filter { $0.hasPrefix("CB-") }
        #expect(rows.count == 50)
        #expect(rows.first?.hasPrefix("CB-\(When.year)-0053") == true, "newest first")
        #expect(list.contains("Showing the newest 50 of 53 cases; 3 more: --all or --limit N"), "\(list)")
        #expect(try sandbox.succeed(["list", "--all"]).stdout.split(separator: "\n").filter { $0.hasPrefix("CB-") }.count == 53)
        let two = try sandbox.succeed(["list", "--limit", "2"]).stdout
        #expect(two.split(separator: "\n").filter { $0.hasPrefix("CB-") }.count == 2)
        #expect(two.contains("51 more"), "\(two)")
        #expect(try sandbox.run(["list", "--limit", "0"], as: Staff.manager).status == 65)
        #expect(try sandbox.run(["list", "--all", "--limit", "3"], as: Staff.manager).status == 64)
        #expect(try sandbox.succeed(["list", "--json", "--all"].filter { $0 != "--json" }, json: true).jsonArray().count == 53)
    }

    @Test func showHasNamesNotesAndEverySupportOffer() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["investigate", "note", r, "Head of Year 10 recognised the handle."])
        try sandbox.succeed(["support", "offer", r, "--service", "Employee assistance programme"])
        try sandbox.succeed(["support", "offer", r, "--service", "Union representative"])
        let show = try sandbox.succeed(["show", r]).stdout
        #expect(show.contains("N1: Head of Year 10 recognised the handle."), "\(show)")
        #expect(show.contains("Employee assistance programme") && show.contains("Union representative"), "\(show)")
        #expect(show.contains("Affected:    ") && show.contains("(t.pennington)"), "\(show)")
    }

    @Test func helpListsAGroupsCommands() throws {
        let sandbox = try Sandbox(.staff)
        for arguments in [["help", "takedown"], ["takedown", "--help"], ["help", "staff"]] {
            let result = try sandbox.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
            #expect(result.stdout.contains("casebook \(arguments.contains("staff") ? "staff add" : "takedown request")"), "\(result)")
        }
        let bare = try sandbox.run(["takedown"])
        #expect(bare.status == 64)
        #expect(bare.stderr.contains("casebook takedown check"), "\(bare)")
    }

    @Test func jsonReportsAreTheReportsOwnJSON() throws {
        let sandbox = try Sandbox(.closedCase)
        let outcomes = try sandbox.succeed(["outcomes"], as: Staff.hr, json: true).jsonObject()
        #expect(outcomes.string("format") == "casebook-outcomes")
        #expect(outcomes["document"] == nil)
        let timeline = try sandbox.succeed(["timeline", sandbox.reference], as: Staff.safeguarding, json: true).jsonObject()
        #expect(timeline["document"] == nil)
        #expect(timeline["events"] != nil || timeline["case"] != nil, "\(timeline.keys)")
    }

    @Test func evidenceListAndRemovalCheckFiles() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let list = try sandbox.succeed(["evidence", "list", r]).stdout
        #expect(list.contains("PLATFORM") && list.contains("Chirp") && list.contains("Post naming her street"), "\(list)")
        try sandbox.succeed(["takedown", "check", r, "T1", "--result", "removed", "--file", CasebookBinary.fixture("removal-check.png")])
        let folder = sandbox.path("T1-checks")
        let got = try sandbox.succeed(["evidence", "get", r, "T1", "--out", folder])
        #expect(got.stdout.contains("removal-check.png"), "\(got)")
        let written = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("removal-check.png"))
        let fixture = try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("removal-check.png")))
        #expect(written == fixture)
        #expect(try sandbox.run(["evidence", "get", r, "T9", "--out", sandbox.path("none")], as: Staff.manager).status == 66)
    }

    @Test func filesAreAttachedToAnExistingEvidenceItemAsAnEvent() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let attached = try sandbox.succeed(["evidence", "attach", r, "E2", "--file", CasebookBinary.fixture("screenshot-comment.jpg")])
        #expect(attached.stdout.contains("1 file added to E2"), "\(attached)")
        #expect(try sandbox.events().last?.type == "EvidenceFilesAttached")
        let folder = sandbox.path("E2")
        try sandbox.succeed(["evidence", "get", r, "E2", "--out", folder])
        let written = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("screenshot-comment.jpg"))
        #expect(written == (try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-comment.jpg")))))
        #expect(try sandbox.run(["verify"], as: Staff.head).status == 0)
        // Not to an item that does not exist, nor to one withdrawn; nothing is written.
        try sandbox.succeed(["withdraw", r, "E2", "--reason", "Wrong forum."], as: Staff.manager)
        let before = try sandbox.dump()
        #expect(try sandbox.run(["evidence", "attach", r, "E7", "--file", CasebookBinary.fixture("screenshot-comment.jpg")], as: Staff.manager).status == 66)
        #expect(try sandbox.run(["evidence", "attach", r, "E2", "--file", CasebookBinary.fixture("screenshot-comment.jpg")], as: Staff.manager).status == 1)
        #expect(try sandbox.run(["evidence", "attach", r, "E1"], as: Staff.manager).status == 64)
        #expect(try sandbox.dump() == before)
    }
}
