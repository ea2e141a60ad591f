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
