import Foundation
import Testing
import TestSupport

/// `timeline`, `outcomes`, `audit` and `verify --export` of the built binary (SPEC §6).
@Suite struct ReportCommandTests {
    /// The case's event hashes, in version order, from the database itself.
    static func hashes(of reference: String, in sandbox: Sandbox) throws -> [String] {
        try SQLiteFile(sandbox.database).rows("SELECT hash FROM events WHERE stream = 'case/\(reference)' ORDER BY version")
            .map { String($0[0].dropFirst(5)) }
    }

    /// The audit trail as the headteacher sees it with `--json`.
    static func audit(_ sandbox: Sandbox) throws -> [[String: Any]] {
        try sandbox.succeed(["audit"], as: Staff.head, json: true).jsonArray().compactMap { $0 as? [String: Any] }
    }

    // MARK: Timeline

    @Test(arguments: ["text", "md", "html", "json", "csv"])
    func timelineInEveryFormat(format: String) throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        let hashes = try Self.hashes(of: r, in: sandbox)
        let versions = try sandbox.events().filter { $0.stream == "case/\(r)" }.count
        let path = sandbox.path("chronology.\(format)")
        let result = try sandbox.succeed(
            ["timeline", r, "--format", format, "--out", path, "--recipient", "Northshire Police"], as: Staff.safeguarding)
        let document = try String(contentsOfFile: path, encoding: .utf8)
        #expect(result.stdout == "Wrote the \(format) timeline of \(r) to \(path) (\(document.utf8.count) bytes).\n")

        // Every format: the case, the confidentiality line naming exporter and recipient, every
        // event's hash, the chain head, and the evidence files' SHA-256.
        #expect(document.contains(r))
        #expect(document.contains("CONFIDENTIAL"))
        #expect(document.contains("Imran Khan (dsl.khan)"))
        #expect(document.contains("Northshire Police"))
        for hash in hashes { #expect(document.contains(hash), "\(format): event hash \(hash) missing") }
        for file in ["screenshot-post.png", "removal-check.png"] {
            #expect(document.contains(try Fixtures.sha256(file)), "\(format): \(file)'s SHA-256 missing")
        }
        #expect(hashes.count == versions)

        switch format {
        case "text":
            #expect(document.contains(London.formatWithSeconds(When.date(0))), "the opening, in local time with its zone")
            #expect(document.contains("Chain head: case/\(r) version \(versions), hash \(hashes.last!)"))
            #expect(document.contains("casebook verify --export"))
        case "md":
            #expect(document.hasPrefix("> **CONFIDENTIAL"))
            #expect(document.contains("# Chronology of case \(r)"))
            #expect(document.contains("| Case | \(r) |"))
        case "html":
            #expect(document.hasPrefix("<!DOCTYPE html>"))
            #expect(document.hasSuffix("</html>\n") || document.hasSuffix("</html>"))
            #expect(document.contains("size: A4"))
            // Self-contained: the screenshots are embedded, nothing is fetched.
            for file in ["screenshot-post.png", "removal-check.png"] {
                #expect(document.contains(try Fixtures.data(file).base64EncodedString()), "\(file) is not embedded")
            }
            #expect(document.firstMatch(of: #/(?:src|href)="https?:/#) == nil)
        case "json":
            let json = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
            #expect(json.string("format") == "casebook-timeline")
            #expect(json.string("recipient") == "Northshire Police")
            #expect(json.object("exportedBy")?.string("id") == Staff.safeguarding)
            let events = json.objects("events")
            #expect(events.compactMap { $0.string("hash") } == hashes)
            #expect(events.compactMap { $0.int("version") } == Array(1...versions))
            #expect(events.allSatisfy { $0.string("payloadSHA256")?.count == 64 && $0.string("prevHash")?.count == 64 })
            #expect(WhenUTC.all(in: json))
            #expect(When.isUTC(json["exportedAt"]))
        case "csv":
            let records = try RFC4180.parse(document)
            let header = try #require(records.first)
            #expect(header.first == "record")
            #expect(records.allSatisfy { $0.count == header.count }, "every record has \(header.count) fields")
            let hashColumn = try #require(header.firstIndex(of: "hash"))
            #expect(records.filter { $0.first == "event" }.map { $0[hashColumn] } == hashes)
        default:
            Issue.record("no checks for \(format)")
        }

        // The export is recorded in the audit trail; the case itself is unchanged.
        let entries = try Self.audit(sandbox)
        #expect(entries.count == 1)
        #expect(entries.first?.string("actor") == Staff.safeguarding)
        #expect(When.isUTC(entries.first?["at"]))
        #expect(entries.first?.string("summary")?.contains("timeline of \(r) as \(format) for Northshire Police") == true)
        #expect(try sandbox.events().filter { $0.stream == "case/\(r)" }.count == versions)
    }

    @Test func timelineOnStdoutAndWithJSON() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let text = try sandbox.succeed(["timeline", r], as: Staff.manager)
        #expect(text.stdout.contains("CONFIDENTIAL"))
        #expect(text.stdout.contains("with no recipient named"))
        #expect(text.stdout.contains(try Self.hashes(of: r, in: sandbox).last!))
        // --json with a JSON timeline prints the document itself; with another format, one
        // object carrying it.
        let document = try sandbox.succeed(["timeline", r, "--format", "json"], as: Staff.manager, json: true).jsonObject()
        #expect(document.string("format") == "casebook-timeline")
        let wrapped = try sandbox.succeed(["timeline", r, "--format", "md"], as: Staff.manager, json: true).jsonObject()
        #expect(wrapped.string("format") == "md")
        #expect(wrapped.string("document")?.contains("# Chronology of case \(r)") == true)
        #expect(try Self.audit(sandbox).count == 3)
        // Deadlines are evaluated --as-of a later instant on the same record: T1 was due 26 hours in.
        let late = try sandbox.succeed(["timeline", r, "--format", "json", "--as-of", When.at(300)], as: Staff.manager, json: true).jsonObject()
        #expect(late.string("asOf") == When.at(300))
        #expect(!(late.array("overdue")?.isEmpty ?? true))
    }

    @Test(arguments: [
        (["timeline", "CB-2026-9999"], Staff.safeguarding, Int32(66), "no case CB-2026-9999"),
        (["timeline", "{R}", "--format", "pdf"], Staff.safeguarding, 65, "'pdf' is not a valid --format"),
        (["timeline", "{R}"], Staff.hr, 77, "may read only the disciplinary bundle of a case referred for discipline"),
        (["timeline", "{R}"], Staff.affected, 77, "may not read cases"),
        (["timeline", "{R}", "--recipient", "a\u{7}b"], Staff.safeguarding, 65, "--recipient contains the control character U+0007 (BEL)"),
        (["outcomes"], Staff.manager, 77, "may not read outcomes"),
        (["outcomes", "--since", "2026-06-01", "--until", "2026-05-01"], Staff.hr, 65, "--since must be before --until"),
        (["outcomes", "--format", "html"], Staff.hr, 65, "'html' is not a valid --format"),
        (["outcomes", "--since", "2026-02-30"], Staff.hr, 65, "is not a valid time"),
        (["audit"], Staff.manager, 77, "may not read the audit trail"),
        (["audit"], Staff.safeguarding, 77, "may read the audit trail of one case: give --case CASE"),
        (["audit"], Staff.hr, 77, "may not read the audit trail"),
    ] as [([String], String, Int32, String)])
    func refusedReportsRecordNothing(arguments: [String], actor: String, status: Int32, message: String) throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let result = try sandbox.run(arguments.map { $0 == "{R}" ? sandbox.reference : $0 }, as: actor)
        #expect(result.status == status, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(try sandbox.dump() == before, "a refused export is not recorded")
    }

    /// The file cannot be written: the command fails (74) and, as every failed command,
    /// should record nothing; today the export is recorded in the audit trail first.
    @Test func anExportThatCannotBeWrittenRecordsNothing() throws {
        let sandbox = try Sandbox(.openCase)
        let path = sandbox.path("no-such-folder/chronology.json")
        let result = try sandbox.run(["timeline", sandbox.reference, "--format", "json", "--out", path], as: Staff.safeguarding)
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("cannot write \(path)"))
        #expect(!FileManager.default.fileExists(atPath: path))
        let entries = try Self.audit(sandbox)
        #expect(entries.isEmpty, "a failed export was recorded in the audit trail")
    }

    // MARK: verify --export

    @Test func verifyExportChecksAJSONTimelineWithoutTheDatabase() throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        let path = sandbox.path("chronology.json")
        try sandbox.succeed(["timeline", r, "--format", "json", "--out", path], as: Staff.safeguarding)
        let hashes = try Self.hashes(of: r, in: sandbox)
        // Elsewhere: no database, no --as.
        let elsewhere = try Sandbox(.empty)
        let copy = elsewhere.path("received.json")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let ok = try CasebookBinary.run(["verify", "--export", copy], in: elsewhere.directory)
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stdout.contains("\(hashes.count) events"))
        #expect(ok.stdout.contains(hashes.last!))
        #expect(ok.stdout.hasSuffix("OK: the export is intact.\n"))
        let json = try CasebookBinary.run(["--json", "verify", "--export", copy], in: elsewhere.directory).jsonObject()
        #expect(json.bool("intact") == true)
        #expect(json.int("events") == hashes.count)
        #expect(json.string("case") == r)
        #expect(json.object("chainHead")?.string("hash") == hashes.last)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.directory.path) == ["received.json"])
    }

    /// Ways to alter a JSON export, each of which `verify --export` must catch.
    static let alterations: [(String, @Sendable (inout [String: Any]) -> Void)] = [
        ("a payload byte", { json in
            var events = json.objects("events")
            let index = events.firstIndex { $0.string("type") == "ThreatAssessed" }!
            events[index]["payload"] = (events[index].string("payload") ?? "").replacingOccurrences(of: "street", with: "road")
            json["events"] = events
        }),
        ("the plain-words description", { json in
            var events = json.objects("events")
            let index = events.firstIndex { $0.string("type") == "ThreatAssessed" }!
            events[index]["what"] = "Threat assessed: not threatening"
            json["events"] = events
        }),
        ("the header's school", { json in
            var header = json.object("case") ?? [:]
            header["school"] = "Another School"
            json["case"] = header
        }),
        ("an event left out", { json in
            var events = json.objects("events")
            events.remove(at: 3)
            json["events"] = events
        }),
        ("the last event left out", { json in
            var events = json.objects("events")
            events.removeLast()
            json["events"] = events
        }),
        ("two events swapped", { json in
            var events = json.objects("events")
            events.swapAt(4, 5)
            json["events"] = events
        }),
        ("an occurred time moved", { json in
            var events = json.objects("events")
            events[2]["occurredAt"] = When.at(-48)
            json["events"] = events
        }),
    ]

    @Test(arguments: alterations.indices)
    func verifyExportCatchesAnAlteration(_ index: Int) throws {
        let (name, alter) = Self.alterations[index]
        let sandbox = try Sandbox(.closedCase)
        let path = sandbox.path("chronology.json")
        try sandbox.succeed(["timeline", sandbox.reference, "--format", "json", "--out", path], as: Staff.safeguarding)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        alter(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let result = try sandbox.run(["verify", "--export", path])
        #expect(result.status == 3, "\(name): \(result)")
        #expect(result.stdout.hasSuffix("FAILED: the export has been altered.\n"), "\(name): \(result)")
        let report = try sandbox.run(["verify", "--export", path], json: true).jsonObject()
        #expect(report.bool("intact") == false, "\(name)")
        #expect(!(report.array("breaks")?.isEmpty ?? true) || !(report.array("problems")?.isEmpty ?? true), "\(name)")
    }

    @Test func verifyExportOfSomethingElse() throws {
        let sandbox = try Sandbox(.empty)
        let missing = try sandbox.run(["verify", "--export", sandbox.path("nope.json")])
        #expect(missing.status == 66, "\(missing)")
        // Not an export at all: refused with the reason, never taken as intact.
        let picture = try sandbox.run(["verify", "--export", CasebookBinary.fixture("screenshot-post.png")])
        #expect(picture.status == 65, "\(picture)")
        #expect(picture.stderr.contains("is not a JSON timeline export"), "\(picture)")
        let other = sandbox.path("other.json")
        try Data(#"{"format":"something-else","events":[]}"#.utf8).write(to: URL(fileURLWithPath: other))
        let notTimeline = try sandbox.run(["verify", "--export", other])
        #expect(notTimeline.status == 65, "\(notTimeline)")
        #expect(notTimeline.stderr.contains("is not a JSON timeline export"), "\(notTimeline)")
    }

    // MARK: Outcomes

    @Test func outcomesForHR() throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        let open = try #require(try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Still open", "--at", When.at(1)],
            json: true
        ).jsonObject().string("reference"))

        let text = try sandbox.succeed(["outcomes"], as: Staff.hr).stdout
        #expect(text.contains("CONFIDENTIAL"))
        #expect(text.contains("Morgan Lee (hr.lee)"))
        #expect(text.contains(r))
        #expect(!text.contains(open), "an open case is not an outcome")
        for word in ["Harrowgate Fields Academy", "substantiated", "behaviour-sanction", "threatening", "pupil"] {
            #expect(text.contains(word), "\(word)")
        }

        let json = try sandbox.succeed(["outcomes", "--format", "json"], as: Staff.hr, json: true).jsonObject()
        #expect(json.string("format") == "casebook-outcomes")
        let cases = json.objects("cases")
        #expect(cases.map { $0.string("reference") } == [r])
        let row = try #require(cases.first)
        #expect(row.string("openedAt") == When.at(0))
        #expect(row.string("closedAt") == When.at(18))
        #expect(row.string("finding") == "substantiated")
        #expect(row.string("action") == "behaviour-sanction")
        #expect(row.string("police") == "referred")
        #expect(row.string("sourceKind") == "pupil")
        #expect(row.array("referrals") as? [String] == ["behaviour"])
        #expect(row.array("categories") as? [String] == ["harassment", "threat"])
        #expect(row.string("material") == "all-down")
        let hours = try #require((row["longestHoursToRemoval"] as? NSNumber)?.doubleValue)
        #expect(hours > 0 && hours <= 18)
        #expect(WhenUTC.all(in: json))

        // No evidence content and no free-text notes, in any format.
        for format in ["text", "md", "json", "csv"] {
            let document = try sandbox.succeed(["outcomes", "--format", format], as: Staff.hr).stdout
            for secret in ["chirp.example", "forum.parents.example", "Head of Year 10 recognised the handle.", "Names her home street.",
                           "@hf_truthteller", "Y10-0423", try Fixtures.sha256("screenshot-post.png")] {
                #expect(!document.contains(secret), "\(format) outcomes show \(secret)")
            }
            if format == "csv" {
                // Redirected stdout should be the same RFC 4180 document as --out writes.
                _ = try RFC4180.parse(document)
            }
        }
        let csvPath = sandbox.path("outcomes.csv")
        try sandbox.succeed(["outcomes", "--format", "csv", "--out", csvPath], as: Staff.hr)
        let records = try RFC4180.parse(try String(contentsOfFile: csvPath, encoding: .utf8))
        #expect(records.count >= 2)
        #expect(records.allSatisfy { $0.count == records[0].count })
        #expect(records.contains { $0.contains(r) })

        // The period: closed at hour 18.
        func count(_ arguments: [String]) throws -> Int {
            try sandbox.succeed(["outcomes", "--format", "json"] + arguments, as: Staff.safeguarding, json: true).jsonObject().objects("cases").count
        }
        #expect(try count(["--since", When.at(17), "--until", When.at(19)]) == 1)
        #expect(try count(["--since", When.at(18)]) == 1, "--since is inclusive")
        #expect(try count(["--until", When.at(18)]) == 0, "--until is exclusive")
        #expect(try count(["--since", When.at(19)]) == 0)

        // Every run was recorded in the audit trail.
        let entries = try Self.audit(sandbox)
        #expect(entries.count == 11)
        #expect(entries.allSatisfy { $0.string("summary")?.contains("outcomes") == true })
    }

    // MARK: Audit

    @Test func auditListsEveryExport() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        #expect(try sandbox.succeed(["audit"], as: Staff.head).stdout == "Nothing has been read or exported.\n")
        // Reading the trail is recorded in it: the second reading sees the first.
        let first = try Self.audit(sandbox)
        #expect(first.map { $0.string("type") } == ["AuditRead"])
        #expect(first.map { $0.string("actor") } == ["head"])
        try sandbox.succeed(["timeline", r, "--format", "csv", "--recipient", "Local authority designated officer"], as: Staff.safeguarding)
        try sandbox.succeed(["timeline", r, "--format", "html", "--out", sandbox.path("c.html")], as: Staff.manager)
        try sandbox.succeed(["outcomes"], as: Staff.hr)
        let table = try sandbox.succeed(["audit"], as: Staff.head).stdout
        #expect(table.hasPrefix("WHEN"))
        #expect(table.contains("Imran Khan (dsl.khan)"))
        #expect(table.contains("exported the timeline of \(r) as csv for Local authority designated officer"))
        #expect(table.contains("Sam Jones (smt.jones)"))
        #expect(table.contains("Morgan Lee (hr.lee)"))
        let entries = try Self.audit(sandbox)
        #expect(entries.compactMap { $0.string("actor") }.sorted() == ["dsl.khan", "head", "head", "head", "hr.lee", "smt.jones"])
        #expect(entries.allSatisfy { When.isUTC($0["at"]) && $0.string("hash")?.count == 64 })
        // The audit stream is hash-chained like every other: verify covers it.
        #expect(try sandbox.events().filter { $0.stream == "audit" }.map(\.version) == Array(1...7))
        #expect(try sandbox.run(["verify"], as: Staff.manager).status == 0)
    }
}
