import Foundation
import Testing

// Lawful content through the real binary (SPEC §9): no file for child sexual imagery (65,
// quoting the rule), the case hidden from everyone but the safeguarding lead and the
// headteacher, the referral decision before closing, category changes and purges.

@Suite struct LawfulContentCommandTests {
    @Test func everyFileForChildSexualImageryIsRefusedWithTheRule() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let before = try sandbox.dump()
        let flagged = try sandbox.run(
            ["evidence", "add", r, "--kind", "social", "--url", "https://chirp.example/p/77", "--child-sexual-imagery", "--file",
             CasebookBinary.fixture("screenshot-post.png"), "--at", When.at(3)], as: Staff.manager)
        #expect(flagged.status == 65, "\(flagged)")
        for words in ["Protection of Children Act 1978", "never to view, copy, print, share, store or save", "the URL, the platform",
            "who reported seeing it and when", "child-sexual-imagery-no-files"]
        {
            #expect(flagged.stderr.contains(words), "\(flagged.stderr)")
        }
        #expect(try sandbox.dump() == before)

        // The category on the case: every file refused, evidence add and takedown check alike.
        let opened = try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.other, "--summary", "A pupil's image shared in a group chat",
             "--category", "child-sexual-imagery", "--at", When.at(3)], as: Staff.safeguarding, json: true).jsonObject()
        let imagery = try #require(opened.string("reference"))
        let withFile = try sandbox.run(
            ["evidence", "add", imagery, "--kind", "other", "--description", "screenshot", "--file",
             CasebookBinary.fixture("screenshot-post.png"), "--at", When.at(3.1)], as: Staff.head)
        #expect(withFile.status == 65)
        #expect(withFile.stderr.contains("Protection of Children Act 1978"))
        try sandbox.succeed(
            ["evidence", "add", imagery, "--kind", "social", "--url", "https://chirp.example/g/5", "--platform", "Chirp",
             "--description", "Reported by a pupil's parent; not viewed", "--at", When.at(3.2)], as: Staff.head)
        try sandbox.succeed(["investigate", "start", imagery, "--at", When.at(3.3)], as: Staff.head)
        let request = try sandbox.succeed(
            ["takedown", "request", imagery, "--evidence", "E1", "--method", "form", "--at", When.at(3.4)], as: Staff.head)
        #expect(request.stdout.contains("IWF route: child sexual imagery: report it to the Internet Watch Foundation"))
        let check = try sandbox.run(
            ["takedown", "check", imagery, "T1", "--result", "removed", "--file", CasebookBinary.fixture("removal-check.png"),
             "--at", When.at(3.5)], as: Staff.head)
        #expect(check.status == 65)
        #expect(check.stderr.contains("Protection of Children Act 1978"))
        #expect(try sandbox.succeed(["show", imagery], as: Staff.head).stdout.contains("IWF route:"))
        let blobs = try SQLiteFile(sandbox.database).scalar("SELECT count(*) FROM blobs")
        #expect(blobs == "1")  // the template case's one file, nothing more
    }

    @Test func aSeniorManagerCannotSeeSuchACase() throws {
        let sandbox = try Sandbox(.openCase)
        let opened = try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.other, "--summary", "Image of a pupil",
             "--category", "child-sexual-imagery", "--at", When.at(3)], as: Staff.manager, json: true).jsonObject()
        let imagery = try #require(opened.string("reference"))
        let hidden = try sandbox.run(["show", imagery], as: Staff.manager)
        let missing = try sandbox.run(["show", "CB-\(When.year)-0099"], as: Staff.manager)
        #expect(hidden.status == 66)
        #expect(hidden.stderr == missing.stderr.replacingOccurrences(of: "CB-\(When.year)-0099", with: imagery))
        #expect(try sandbox.run(["timeline", imagery], as: Staff.manager).status == 66)
        #expect(try !sandbox.succeed(["list"], as: Staff.manager).stdout.contains(imagery))
        #expect(try sandbox.succeed(["list"], as: Staff.safeguarding).stdout.contains(imagery))
        #expect(try sandbox.succeed(["show", imagery], as: Staff.head).stdout.contains("CHILD SEXUAL IMAGERY"))
        // A case found to involve such imagery later disappears from the manager's view.
        try sandbox.succeed(["category", "add", sandbox.reference, "child-sexual-imagery", "--at", When.at(3.5)], as: Staff.safeguarding)
        #expect(try sandbox.run(["show", sandbox.reference], as: Staff.manager).status == 66)
    }

    @Test func addingTheCategoryPurgesTheFilesAndSaysSo() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let added = try sandbox.succeed(["category", "add", r, "child-sexual-imagery", "--at", When.at(3)], as: Staff.head)
        #expect(added.stdout.contains("Purged the files of E1"))
        #expect(added.stdout.contains("screenshot-post.png"))
        #expect(added.stdout.contains("bytes deleted"))
        let events = try sandbox.events().filter { $0.stream == "case/\(r)" }.suffix(2).map(\.type)
        #expect(events == ["CategoryAdded", "FilesPurged"])
        let get = try sandbox.run(["evidence", "get", r, "E1", "--out", sandbox.path("out")], as: Staff.head)
        #expect(get.status == 66)
        #expect(get.stderr.contains("E1's files were purged"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("out")))
        let verified = try sandbox.succeed(["verify"], as: Staff.head)
        #expect(verified.stdout.contains("purged (recorded; hash and size kept): file \(try Fixtures.sha256("screenshot-post.png"))"))
        #expect(verified.stdout.hasSuffix("OK: nothing was altered.\n"))
        let timeline = try sandbox.succeed(["timeline", r], as: Staff.head)
        #expect(timeline.stdout.contains("File purged on"))
        #expect(timeline.stdout.contains(try Fixtures.sha256("screenshot-post.png")))
        // Removing the category is an event too.
        try sandbox.succeed(["category", "remove", r, "threat", "--at", When.at(3.1)], as: Staff.head)
        #expect(try sandbox.run(["category", "remove", r, "threat", "--at", When.at(3.2)], as: Staff.head).status == 65)
    }

    @Test func closingNeedsTheReferralDecision() throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        try sandbox.succeed(["reopen", r, "--reason", "A pupil's image found in the thread", "--at", When.at(40)], as: Staff.head)
        try sandbox.succeed(["evidence", "flag", r, "E2", "--child-sexual-imagery", "--at", When.at(40.1)], as: Staff.safeguarding)
        let close = ["close", r, "--outcome", "Removed", "--action", "advice", "--at", When.at(40.2)]
        let refused = try sandbox.run(close, as: Staff.head)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("close-needs-referral-decision"))
        #expect(refused.stderr.contains("casebook report ROUTE \(r)"))
        #expect(try sandbox.run(["report", "none", r, "--at", When.at(40.3)], as: Staff.safeguarding).status == 64)
        #expect(try sandbox.run(["report", "iwf", r, "--reference", "IWF-1", "--at", When.at(40.3)], as: Staff.manager).status == 77)
        try sandbox.succeed(["report", "iwf", r, "--reference", "IWF-2026-0042", "--at", When.at(40.3)], as: Staff.safeguarding)
        try sandbox.succeed(["investigate", "conclude", r, "--finding", "substantiated", "--summary", "Same thread.", "--at", When.at(40.25)], as: Staff.head)
        try sandbox.succeed(close, as: Staff.head)
        let timeline = try sandbox.succeed(["timeline", r], as: Staff.head)
        #expect(timeline.stdout.contains("Child sexual imagery referred to iwf"))
    }

    @Test func purgeThenBackupHoldsNoBytes() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let bytes = try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-post.png")))
        let marker = [UInt8](bytes.suffix(64))
        #expect(try sandbox.run(["evidence", "purge", r, "E1", "--reason", "x", "--at", When.at(3)], as: Staff.manager).status == 77)
        let purged = try sandbox.succeed(["evidence", "purge", r, "E1", "--reason", "Erasure request", "--at", When.at(3)], as: Staff.head)
        #expect(purged.stdout.contains("bytes deleted"))
        let backup = sandbox.path("after-purge.sqlite")
        try sandbox.succeed(["backup", "--out", backup], as: Staff.head)
        for path in [sandbox.database, sandbox.database + "-wal", backup] {
            #expect(try !Self.contains(path, marker), "\(path) still holds the purged bytes")
        }
        let report = try sandbox.succeed(["verify"], as: Staff.head, json: true).jsonObject()
        #expect(report.bool("intact") == true)
    }

    static func contains(_ path: String, _ marker: [UInt8]) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path), let first = marker.first else { return false }
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var index = 0
        while index + marker.count <= data.count {
            if data[index] == first, Array(data[index..<index + marker.count]) == marker { return true }
            index += 1
        }
        return false
    }
}

@Suite struct RetentionCommandTests {
    @Test func theScheduleHoldsAndSettings() throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        let text = try sandbox.succeed(["retention"], as: Staff.head)
        #expect(text.stdout.contains(r) && text.stdout.contains("standard") && text.stdout.contains("kept"))
        let later = try sandbox.succeed(["retention", "--as-of", "2040-01-01", "--format", "csv"], as: Staff.head)
        #expect(later.stdout.hasPrefix("CASE,CLASS,CLOSED,REVIEW DATE,STATUS\r\n"))
        #expect(later.stdout.contains("\(r),standard,"))
        #expect(later.stdout.contains(",due"))
        #expect(try sandbox.run(["retention", "--format", "xml"], as: Staff.head).status == 64)
        #expect(try sandbox.run(["hold", r, "--reason", "claim"], as: Staff.manager).status == 77)
        try sandbox.succeed(["hold", r, "--reason", "Employment tribunal claim"], as: Staff.safeguarding)
        #expect(try sandbox.run(["hold", r, "--reason", "again"], as: Staff.head).status == 65)
        let json = try sandbox.succeed(["retention", "--as-of", "2040-01-01", "--format", "json"], as: Staff.head)
        #expect(json.stdout.contains("\"held\":true"))
        try sandbox.succeed(["retention-date", r, "2045-07-31"], as: Staff.hr)
        #expect(try sandbox.run(["retention-date", r, "2045-07-31"], as: Staff.manager).status == 77)
        #expect(try sandbox.run(["retention", "set", "standard", "--years", "0"], as: Staff.head).status == 65)
        #expect(try sandbox.run(["retention", "set", "standard", "--years", "7"], as: Staff.safeguarding).status == 77)
        try sandbox.succeed(["retention", "set", "standard", "--years", "7"], as: Staff.head)
        let applied = try sandbox.succeed(["retention", "apply", "--as-of", When.at(50)], as: Staff.head)
        #expect(applied.stdout.contains("0 cases erased."))
        try sandbox.succeed(["hold", "release", r], as: Staff.head)
        #expect(try sandbox.succeed(["verify"], as: Staff.head).stdout.hasSuffix("OK: nothing was altered.\n"))
        let timeline = try sandbox.succeed(["timeline", r], as: Staff.head)
        #expect(timeline.stdout.contains("Held from erasure") && timeline.stdout.contains("Hold released"))
    }
}

@Suite struct SubjectAccessCommandTests {
    @Test func everyEntryNamingThePersonOthersMarkedDeadlineAudited() throws {
        let sandbox = try Sandbox(.closedCase)
        let out = sandbox.path("sar.json")
        #expect(try sandbox.run(["subject-access", Staff.affected, "--out", out], as: Staff.manager).status == 77)
        let result = try sandbox.succeed(
            ["subject-access", Staff.affected, "--out", out, "--received", "2026-01-31 10:00"], as: Staff.head)
        #expect(result.stdout.contains("review them before release"))
        let export = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any]
        #expect(export?["subject"] as? String == Staff.affected)
        #expect(export?["deadline"] as? String == "2026-02-28T10:00:00.000Z")  // one calendar month, clipped to February
        let entries = export?["entries"] as? [[String: Any]] ?? []
        let roles = Set(entries.flatMap { $0["roles"] as? [String] ?? [] })
        #expect(roles.isSuperset(of: ["affected", "reporter", "consenting"]), "\(roles)")
        #expect(entries.contains { ($0["others"] as? [String] ?? []).contains { $0.hasPrefix(Staff.manager) } })
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let audit = try sandbox.succeed(["audit"], as: Staff.head)
        #expect(audit.stdout.contains("answered the subject access request of \(Staff.affected)"))
        #expect(audit.stdout.contains("due by 2026-02-28"))
        #expect(try sandbox.run(["subject-access", Staff.affected, "--out", out], as: Staff.head).status == 73)
        let html = sandbox.path("sar.html")
        try sandbox.succeed(["subject-access", Staff.affected, "--out", html, "--format", "html"], as: Staff.head)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("REVIEW before release"))
        #expect(try sandbox.succeed(["verify"], as: Staff.head).stdout.hasSuffix("OK: nothing was altered.\n"))
    }
}

@Suite struct LawfulContentBadInputTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var actor: String
        var status: Int32
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let r = "CB-\(When.year)-0001"
    static let rows: [Row] = [
        Row(arguments: ["evidence", "purge", r, "E9", "--reason", "x"], actor: Staff.head, status: 66, message: "has no evidence item 'E9'"),
        Row(arguments: ["evidence", "purge", r, "E2", "--reason", "x"], actor: Staff.head, status: 1, message: "purge-needs-stored-files"),
        Row(arguments: ["evidence", "purge", r, "E1", "--reason", "  "], actor: Staff.head, status: 65, message: "the reason is empty"),
        Row(arguments: ["evidence", "flag", r, "E1"], actor: Staff.head, status: 64, message: "give --child-sexual-imagery"),
        Row(arguments: ["category", "add", r, "nudes"], actor: Staff.head, status: 65, message: "is not a valid category"),
        Row(arguments: ["category", "add", r, "threat"], actor: Staff.head, status: 65, message: "already has the category threat"),
        Row(arguments: ["report", "police", r], actor: Staff.safeguarding, status: 64, message: "--reference"),
        Row(arguments: ["report", "iwf", r, "--reference", "X"], actor: Staff.safeguarding, status: 1, message: "referral-decision-needs-child-sexual-imagery"),
        Row(arguments: ["retention-date", r, "someday"], actor: Staff.hr, status: 65, message: "the date"),
        Row(arguments: ["retention", "set", "forever", "--years", "5"], actor: Staff.head, status: 65, message: "forever"),
        Row(arguments: ["retention", "set", "standard", "--years", "five"], actor: Staff.head, status: 64, message: "--years"),
        Row(arguments: ["retention", "apply", "--as-of", "2099-01-01"], actor: Staff.head, status: 65, message: "in the future"),
        Row(arguments: ["hold", "release", r], actor: Staff.head, status: 65, message: "is not held"),
        Row(arguments: ["subject-access", Staff.affected, "--out", "x.pdf", "--format", "pdf"], actor: Staff.head, status: 64, message: "json or html"),
        Row(arguments: ["subject-access", " ", "--out", "x.json"], actor: Staff.head, status: 65, message: "is empty"),
    ]

    @Test(arguments: rows)
    func refusedWithItsCodeAndNothingChanges(_ row: Row) throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let result = try sandbox.run(row.arguments, as: row.actor)
        #expect(result.status == row.status, "\(result)")
        #expect(result.stderr.contains(row.message), "\(result.stderr)")
        #expect(try sandbox.dump() == before)
    }
}
