import EventLog
import Foundation
import Testing

/// Issue 18: the holes a school-scoped member of a two-school trust found between the doors,
/// each through the real binary. Harrowgate Fields Academy holds the template case; a second
/// school, Northfield Primary, has its own headteacher and senior manager.
@Suite("One guarded door: scope, involvement and --as-of")
struct DoorTests {
    static let otherSchool = "Northfield Primary"
    /// A headteacher of Northfield Primary only.
    static let otherHead = "head.north"
    /// A senior manager of Northfield Primary only.
    static let otherManager = "smt.north"

    /// The open template case, and the second school's staff.
    func twoSchools() throws -> Sandbox {
        let sandbox = try Sandbox(.openCase)
        for (id, name, role) in [(Self.otherHead, "Nia North", "headteacher"), (Self.otherManager, "Ola North", "senior-manager")] {
            try sandbox.succeed(
                ["staff", "add", id, "--name", name, "--role", role, "--school", Self.otherSchool, "--at", When.at(-20)],
                as: Staff.head)
        }
        return sandbox
    }

    /// The reference of a case that does not exist (the template's year, number 99).
    var missing: String { "CB-\(When.year)-0099" }

    /// `result`'s standard error with `reference` written as the missing case's reference.
    func asIfMissing(_ result: CLIResult, _ reference: String) -> String {
        result.stderr.replacingOccurrences(of: reference, with: missing)
    }

    @Test("L1: redact is scoped and refuses an involved member, revealing nothing of the case's events")
    func redactIsScoped() throws {
        let sandbox = try twoSchools()
        let before = try sandbox.dump()
        let outside = try sandbox.run(["redact", sandbox.reference, "--version", "2", "--reason", "x"], as: Self.otherHead)
        let missing = try sandbox.run(["redact", missing, "--version", "2", "--reason", "x"], as: Self.otherHead)
        #expect(outside.status == 66, "\(outside)")
        #expect(asIfMissing(outside, sandbox.reference) == missing.stderr, "\(outside) vs \(missing)")
        // A version past the end gets the same answer: nothing about how many events it has.
        let pastEnd = try sandbox.run(["redact", sandbox.reference, "--version", "999", "--reason", "x"], as: Self.otherHead)
        #expect(asIfMissing(pastEnd, sandbox.reference) == missing.stderr, "\(pastEnd)")
        #expect(try sandbox.dump() == before)

        // The trust-wide headteacher, affected by a case, may not erase from it.
        let aboutHead = try sandbox.succeed([
            "open", "--affected", Staff.head, "--reported-by", Staff.head, "--summary", "Posts about the head.",
            "--school", "Harrowgate Fields Academy", "--at", When.at(3),
        ]).stdout
        let reference = try #require(aboutHead.firstMatch(of: #/CB-\d{4}-\d{4}/#).map { String($0.output) })
        try sandbox.succeed(["evidence", "add", reference, "--kind", "other", "--description", "A note of a call", "--at", When.at(3.1)])
        let involved = try sandbox.run(["redact", reference, "--version", "2", "--reason", "x"], as: Staff.head)
        #expect(involved.status == 77, "\(involved)")
        #expect(involved.stderr.contains("you are involved in this case"), "\(involved)")
        #expect(try sandbox.events().filter { $0.type == "EventRedacted" }.isEmpty)
    }

    @Test("L2: --as-of decides who may see a case on the case as it is now")
    func asOfUsesCurrentAccess() throws {
        let sandbox = try twoSchools()
        let r = sandbox.reference
        // Sam Jones sees the case, then is excluded from it. `--as-of` an instant between
        // (every event so far was recorded before it, the exclusion after it).
        let before = Timestamp.string(from: Date())
        try sandbox.succeed(["show", r, "--as-of", before])
        #expect(try sandbox.succeed(["list", "--as-of", before], json: true).jsonArray().count == 1)
        #expect(!(try sandbox.succeed(["overdue", "--as-of", before], json: true).jsonObject().objects("items").isEmpty))
        try sandbox.succeed(
            ["restrict", r, "--exclude", Staff.manager, "--reason", "Line manager of the accused."], as: Staff.safeguarding)
        let show = try sandbox.run(["show", r, "--as-of", before], as: Staff.manager)
        #expect(show.status == 77, "\(show)")
        let timeline = try sandbox.run(["timeline", r, "--as-of", before], as: Staff.manager)
        #expect(timeline.status == 77, "\(timeline)")
        let list = try sandbox.succeed(["list", "--as-of", before], json: true).jsonArray()
        #expect(list.isEmpty, "\(list)")
        let overdue = try sandbox.succeed(["overdue", "--as-of", before], json: true).jsonObject().objects("items")
        #expect(overdue.isEmpty, "\(overdue)")
        // The other school's headteacher sees nothing of it at any moment.
        let listed = try sandbox.succeed(["list", "--as-of", before], as: Self.otherHead, json: true).jsonArray()
        #expect(listed.isEmpty, "\(listed)")
        // The safeguarding lead, not excluded, still sees the record as it stood.
        #expect(try sandbox.succeed(["list", "--as-of", before], as: Staff.safeguarding, json: true).jsonArray().count == 1)
        // A list --as-of writes nothing to the stored read models.
        let models = try SQLiteFile(sandbox.database).rows("SELECT reference, school, is_restricted FROM cases")
        #expect(models.count == 1)
    }

    @Test("L5: an out-of-scope case answers --as-of exactly like a missing one")
    func asOfIsNoOracle() throws {
        let sandbox = try twoSchools()
        for arguments in [["show"], ["timeline"]] {
            let early = "2000-01-01T00:00:00.000Z"
            let outside = try sandbox.run(arguments + [sandbox.reference, "--as-of", early], as: Self.otherManager)
            let missing = try sandbox.run(arguments + [missing, "--as-of", early], as: Self.otherManager)
            #expect(outside.status == 66, "\(outside)")
            #expect(missing.status == 66, "\(missing)")
            #expect(asIfMissing(outside, sandbox.reference) == missing.stderr, "\(outside) vs \(missing)")
        }
    }

    @Test("L4, L6, L7, L3: whole-record operations are for trust-wide members only")
    func wholeRecordIsTrustWide() throws {
        let sandbox = try twoSchools()
        let before = try sandbox.dump()
        for arguments in [
            ["backup", "--out", sandbox.path("copy.sqlite")], ["checkpoint", "--out", sandbox.path("head.json")], ["verify"],
            ["subject-access", Staff.affected, "--out", sandbox.path("sar.json")],
        ] {
            let result = try sandbox.run(arguments, as: Self.otherHead)
            #expect(result.status == 77, "\(arguments): \(result)")
            #expect(result.stderr.contains("whole trust"), "\(arguments): \(result)")
            #expect(!result.stderr.contains("CB-"), "\(arguments): \(result)")
        }
        for name in ["copy.sqlite", "head.json", "sar.json"] {
            #expect(!FileManager.default.fileExists(atPath: sandbox.path(name)), "\(name)")
        }
        #expect(try sandbox.dump() == before)
        // The trust-wide headteacher still may.
        try sandbox.succeed(["verify"], as: Staff.head)
        try sandbox.succeed(["backup", "--out", sandbox.path("copy.sqlite")], as: Staff.head)
    }

    @Test("L3: subject access is not answered by a member involved in a case it reaches")
    func subjectAccessByInvolvedMember() throws {
        let sandbox = try twoSchools()
        // The headteacher is the affected person of a case; a request about its reporter reaches it.
        try sandbox.succeed([
            "open", "--affected", Staff.head, "--reported-by", Staff.other, "--summary", "Posts about the head.",
            "--school", "Harrowgate Fields Academy", "--at", When.at(3),
        ])
        let result = try sandbox.run(["subject-access", Staff.other, "--out", sandbox.path("sar.json")], as: Staff.head)
        #expect(result.status == 77, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("sar.json")))
        // A request that reaches none of them is answered.
        try sandbox.succeed(["subject-access", Staff.hr, "--out", sandbox.path("hr.json")], as: Staff.head)
    }

    /// The summaries of the case's audit trail, as the headteacher reads it.
    func auditOf(_ reference: String, in sandbox: Sandbox) throws -> [String] {
        try sandbox.succeed(["audit", "--case", reference], as: Staff.head, json: true).jsonArray().compactMap {
            ($0 as? [String: Any])?["summary"] as? String
        }
    }

    @Test("Reads that showed content are recorded: digest, list --search, backup and subject access in audit --case")
    func everyReadIsRecorded() throws {
        let sandbox = try twoSchools()
        let r = sandbox.reference
        // The digest names T1's host and deadline.
        let digest = try sandbox.succeed(["digest", "--as-of", Timestamp.string(from: Date())]).stdout
        #expect(digest.contains(r), "\(digest)")
        // A search of summaries and URLs.
        let found = try sandbox.succeed(["list", "--search", "hf_truthteller"], json: true).jsonArray()
        #expect(found.count == 1)
        // The same with --as-of: recorded once the snapshot has closed.
        let then = try sandbox.succeed(["list", "--search", "chirp.example", "--as-of", Timestamp.string(from: Date())], json: true)
        #expect(try then.jsonArray().count == 1)
        // A search that finds nothing reads nothing.
        #expect(try sandbox.succeed(["list", "--search", "no-such-text"], json: true).jsonArray().isEmpty)
        try sandbox.succeed(["backup", "--out", sandbox.path("copy.sqlite")], as: Staff.head)
        try sandbox.succeed(["subject-access", Staff.affected, "--out", sandbox.path("sar.json")], as: Staff.head)
        let trail = try auditOf(r, in: sandbox)
        #expect(trail.contains("was shown \(r) in a digest"), "\(trail)")
        #expect(trail.filter { $0 == "found \(r) in a search of the case list" }.count == 2, "\(trail)")
        #expect(trail.contains("backed up the whole database"), "\(trail)")
        #expect(trail.contains { $0.hasPrefix("answered the subject access request of \(Staff.affected)") }, "\(trail)")
        // A subject access request that reached no entry of the case is not in its trail.
        try sandbox.succeed(["subject-access", Staff.hr, "--out", sandbox.path("hr.json")], as: Staff.head)
        #expect(!(try auditOf(r, in: sandbox)).contains { $0.contains("subject access request of \(Staff.hr)") })
    }

    @Test("The refusal to close names the request, not its host")
    func closeRefusalNamesNoHost() throws {
        let sandbox = try Sandbox(.openCase)
        let refused = try sandbox.run(["close", sandbox.reference, "--outcome", "x", "--action", "none"], as: Staff.manager)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("T1 is not resolved"), "\(refused)")
        #expect(!refused.stderr.contains("chirp.example"), "\(refused)")
    }

    @Test("L9: each school numbers its own cases, so a reference says nothing of another school's count")
    func referencesArePerSchool() throws {
        let sandbox = try twoSchools()
        // Harrowgate has CB-YEAR-0001; three more of its cases, then Northfield's first two.
        var harrowgate: [String] = []
        for index in 0..<3 {
            let opened = try sandbox.succeed([
                "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Post \(index)",
                "--school", "Harrowgate Fields Academy", "--at", When.at(3),
            ], json: true).jsonObject()
            harrowgate.append(try #require(opened.string("reference")))
        }
        try sandbox.succeed(["staff", "add", "n.teacher", "--name", "Nia Teacher", "--role", "staff", "--school", Self.otherSchool], as: Staff.head)
        var northfield: [String] = []
        for index in 0..<2 {
            let opened = try sandbox.succeed([
                "open", "--affected", "n.teacher", "--reported-by", "n.teacher", "--summary", "Post \(index)", "--at", When.at(3),
            ], as: Self.otherManager, json: true).jsonObject()
            northfield.append(try #require(opened.string("reference")))
        }
        #expect(harrowgate == ["0002", "0003", "0004"].map { "CB-\(When.year)-\($0)" })
        #expect(northfield == ["100001", "100002"].map { "CB-\(When.year)-\($0)" })
        // Harrowgate's next case follows its own, not the trust's.
        let next = try sandbox.succeed([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "One more",
            "--school", "harrowgate fields academy", "--at", When.at(3),
        ], json: true).jsonObject()
        #expect(next.string("reference") == "CB-\(When.year)-0005")
        try sandbox.succeed(["verify"], as: Staff.head)
    }
}
