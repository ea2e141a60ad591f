import EventLog
import Foundation
import Testing
import TestSupport

// The police bundle (issue 23): `timeline CASE --bundle DIR --recipient TEXT` through the
// real binary, checked with the tools a recipient has (sha256sum, a PDF printer, pdftotext).

@Suite struct PoliceBundleTests {
    /// Runs a program in a folder; its status and standard output.
    static func tool(_ path: String, _ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        try ToolRun.run(path, arguments, in: folder)
    }

    /// Every file of a folder, by relative path.
    static func files(in folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(path), isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted()
    }

    /// `sha256sum -c SHA256SUMS` passes, and fails once any byte of any file changes.
    static func checkSums(_ folder: String) throws {
        let checked = try tool("/usr/bin/sha256sum", ["-c", "--strict", "SHA256SUMS"], in: folder)
        #expect(checked.status == 0, "\(checked.output)")
        let listed = try String(contentsOfFile: folder + "/SHA256SUMS", encoding: .utf8).split(separator: "\n").map { $0.dropFirst(66) }
        #expect(Set(listed.map(String.init)) == Set(files(in: folder)).subtracting(["SHA256SUMS"]))
        for path in files(in: folder) where path != "SHA256SUMS" {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(path)
            let original = try Data(contentsOf: url)
            var changed = original
            changed[changed.count / 2] ^= 0x01
            try changed.write(to: url)
            let broken = try tool("/usr/bin/sha256sum", ["-c", "--quiet", "SHA256SUMS"], in: folder)
            #expect(broken.status != 0, "\(path): one byte changed, and sha256sum -c still passes")
            try original.write(to: url)
        }
    }

    /// Prints the chronology to PDF with headless Chromium and reads it back with pdftotext:
    /// "CB-… · page N of M" on every page.
    static func checkPrinted(_ folder: String, reference: String, in sandbox: Sandbox) throws {
        let pdf = sandbox.path("bundle-\(UUID().uuidString).pdf")
        let printed = try tool(
            "/usr/bin/chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--print-to-pdf=\(pdf)", "file://\(folder)/chronology.html"],
            in: sandbox.directory.path)
        try #require(printed.status == 0 && FileManager.default.fileExists(atPath: pdf))
        let text = try tool("/usr/bin/pdftotext", ["-layout", pdf, "-"], in: sandbox.directory.path).output
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: true).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pages.count > 2)
        for (index, page) in pages.enumerated() {
            #expect(page.contains("\(reference) · page \(index + 1) of \(pages.count)"), "page \(index + 1)")
        }
    }

    @Test func theDemoCaseBundleChecksWithCoreutilsAndPrintsPageNOfM() throws {
        let sandbox = try Sandbox(.empty)
        let demo = try sandbox.run(["demo"], json: true)
        try #require(demo.status == 0, "\(demo)")
        let reference = try #require(try demo.jsonObject().string("case"))
        let made = try sandbox.run(
            ["timeline", reference, "--bundle", "bundle", "--recipient", "DC Rao, Northshire Police"], as: "dsl.khan", json: true)
        try #require(made.status == 0, "\(made)")
        let folder = sandbox.path("bundle")
        let listed = Self.files(in: folder)
        #expect(listed.contains("chronology.html") && listed.contains("timeline.json") && listed.contains("SHA256SUMS"))
        for label in ["SJ/1", "SJ/2", "SJ/3", "SJ/4"] {
            #expect(listed.contains { $0.hasPrefix("exhibits/" + label.replacingOccurrences(of: "/", with: "-") + "/") }, "\(label)")
        }
        #expect(listed.contains("exhibits/SJ-3/abusive-email.eml.txt"))
        let email = try String(contentsOfFile: folder + "/exhibits/SJ-3/abusive-email.eml.txt", encoding: .utf8)
        #expect(email.contains("Subject:") && email.contains("From:"))
        // Written 0700 and 0600, as evidence get writes.
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/exhibits/SJ-1")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        try Self.checkSums(folder)

        // The document: labels in the exhibit list and the continuity table, the statement, the hashes explained.
        let html = try String(contentsOfFile: folder + "/chronology.html", encoding: .utf8)
        let continuity = try #require(html.components(separatedBy: "Continuity of each exhibit").last)
        for label in ["SJ/1", "SJ/2", "SJ/3", "SJ/4"] {
            #expect(html.components(separatedBy: label).count > 2, "\(label)")
            #expect(continuity.contains(label), "\(label)")
        }
        for words in ["Producer's statement", "Signed", "DC Rao, Northshire Police", "sha256sum -c SHA256SUMS",
            "casebook verify --export timeline.json", "Who viewed or received this case", "counter(pages)", "Threat assessment",
            "Crime reference", "NP-26-118822"]
        {
            #expect(html.contains(words), "\(words)")
        }
        #expect(try sandbox.run(["verify", "--export", folder + "/timeline.json"]).status == 0)

        // Recorded once, with the bundle's hash.
        let sums = try Data(contentsOf: URL(fileURLWithPath: folder + "/SHA256SUMS"))
        let hash = Hex.encode(SHA256.hash([UInt8](sums)))
        #expect(try made.jsonObject().string("sha256") == hash)
        let audit = try sandbox.run(["audit", "--case", reference], as: "dsl.khan", json: true).jsonArray()
        let bundles = audit.compactMap { $0 as? [String: Any] }.filter { $0.string("type") == "BundleExported" }
        #expect(bundles.count == 1)
        let payload = try #require(bundles.first?["payload"] as? [String: Any])
        #expect(payload.string("sha256") == hash)
        #expect(payload.array("exhibits") as? [String] == ["SJ/1", "SJ/2", "SJ/3", "SJ/4"])
        #expect(try sandbox.run(["verify"], as: "dsl.khan").status == 0)

        // Never over anything.
        let again = try sandbox.run(["timeline", reference, "--bundle", "bundle", "--recipient", "DC Rao"], as: "dsl.khan")
        #expect(again.status == 73, "\(again)")

        // Printed by headless Chromium: "page N of M" and the reference on every page.
        try Self.checkPrinted(folder, reference: reference, in: sandbox)
    }

    @Test func aMessyCaseBundleHoldsNothingPurgedOrOfChildSexualImagery() throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        try sandbox.succeed(["reopen", r, "--reason", "More posts", "--at", When.at(40)], as: Staff.head)
        try sandbox.succeed(["evidence", "flag", r, "E2", "--child-sexual-imagery", "--at", When.at(40.1)], as: Staff.safeguarding)
        try sandbox.succeed(
            ["evidence", "add", r, "--kind", "email", "--file", CasebookBinary.fixture("abusive-email.eml"), "--at", When.at(40.2)],
            as: Staff.safeguarding)
        try sandbox.succeed(
            ["evidence", "add", r, "--kind", "other", "--file", CasebookBinary.fixture("screenshot-comment.jpg"), "--at", When.at(40.3)],
            as: Staff.safeguarding)
        try sandbox.succeed(["evidence", "purge", r, "E1", "--reason", "Erasure request", "--at", When.at(40.4)], as: Staff.head)
        let list = try sandbox.succeed(["evidence", "list", r], as: Staff.safeguarding).stdout
        #expect(list.contains("EXHIBIT") && list.contains("IK/1") && list.contains("IK/2"), "\(list)")

        // Who may: the safeguarding lead and the headteacher; not the senior manager or HR.
        let arguments = ["timeline", r, "--bundle", "b", "--recipient", "DC Rao"]
        #expect(try sandbox.run(arguments, as: Staff.manager).status == 77)
        #expect(try sandbox.run(arguments, as: Staff.hr).status == 77)
        #expect(try sandbox.run(["timeline", "CB-2000-0099", "--bundle", "b", "--recipient", "DC Rao"], as: Staff.head).status == 66)
        #expect(try sandbox.run(["timeline", r, "--bundle", "b"], as: Staff.head).status == 64)
        #expect(try sandbox.run(["timeline", r, "--bundle", "b", "--recipient", "x", "--omit", "E9"], as: Staff.head).status == 65)
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("b")))

        let made = try sandbox.run(arguments + ["--omit", "E4"], as: Staff.head, json: true)
        try #require(made.status == 0, "\(made)")
        let folder = sandbox.path("b")
        let listed = Self.files(in: folder)
        // E3 (IK/1) only: E1 purged, E2 child sexual imagery, E4 (IK/2) left out.
        #expect(listed.filter { $0.hasPrefix("exhibits/") }.allSatisfy { $0.hasPrefix("exhibits/IK-1/") }, "\(listed)")
        #expect(listed.contains("exhibits/IK-1/abusive-email.eml"))
        // With an entry left out, the JSON export (which would hold it) is not in the bundle.
        #expect(!listed.contains("timeline.json"))
        try Self.checkSums(folder)
        let purgedBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-post.png"))).suffix(64))
        let omittedBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-comment.jpg"))).suffix(64))
        for path in listed {
            #expect(try !LawfulContentCommandTests.contains(folder + "/" + path, purgedBytes), "\(path)")
            #expect(try !LawfulContentCommandTests.contains(folder + "/" + path, omittedBytes), "\(path)")
        }
        let html = try String(contentsOfFile: folder + "/chronology.html", encoding: .utf8)
        // Not even as an embedded image.
        for fixture in ["screenshot-post.png", "screenshot-comment.jpg"] {
            let start = try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture(fixture))).prefix(48)
            #expect(!html.contains(start.base64EncodedString()), "\(fixture)")
        }
        #expect(html.contains("child sexual imagery: no file is ever kept"))
        #expect(html.contains("files purged on"))
        #expect(html.contains("Left out of this bundle for this recipient: E4"))
        let audit = try sandbox.run(["audit", "--case", r], as: Staff.head, json: true).jsonArray()
        let payload = try #require(
            audit.compactMap { $0 as? [String: Any] }.first { $0.string("type") == "BundleExported" }?["payload"] as? [String: Any])
        #expect(payload.array("omitted") as? [String] == ["E4"])
        #expect(payload.array("exhibits") as? [String] == ["IK/1"])
        try Self.checkPrinted(folder, reference: r, in: sandbox)
    }
}
