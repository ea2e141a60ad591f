import Casebook
import EventLog
import Foundation
import Testing

/// Evidence file names are plain names when stored, and are checked again before
/// `evidence get` writes them: a database edited by hand cannot make it write elsewhere.
@Suite struct StoredFileNameTests {
    /// Appends, through the event log itself (so the chain is valid), an E3 whose one file
    /// — the stored screenshot — is named `name`: what a person with the file could forge.
    static func forgeEvidence(named name: String, in sandbox: Sandbox) throws {
        let store = try EventStore.open(at: sandbox.database, schema: Casebook.schema)
        let stream = "case/\(sandbox.reference)"
        let events = try store.events(in: stream)
        let original = try #require(events.first { $0.type == "EvidenceCaptured" })
        var text = String(decoding: try #require(original.payload), as: UTF8.self)
        text = text.replacingOccurrences(of: #""screenshot-post.png""#, with: String(decoding: JSONValue.string(name).serializedBytes(), as: UTF8.self))
        text = text.replacingOccurrences(of: #""E1""#, with: #""E3""#)
        try store.append(
            [NewEvent(type: "EvidenceCaptured", occurredAt: When.at(5), actor: Staff.manager, payload: Array(text.utf8))],
            to: stream, expectedVersion: events.count)
    }

    @Test(arguments: ["../../../x.txt", "..", "sub/x.txt", #"..\x.txt"#, "x\u{1B}[2J.txt", "x\u{9B}1m.txt", ""])
    func evidenceGetRefusesAForgedNameBeforeWritingAnything(name: String) throws {
        let sandbox = try Sandbox(.openCase)
        try Self.forgeEvidence(named: name, in: sandbox)
        try FileManager.default.createDirectory(atPath: sandbox.path("a/b/c"), withIntermediateDirectories: true)
        let out = sandbox.path("a/b/c/E3")
        let result = try sandbox.run(["evidence", "get", sandbox.reference, "E3", "--out", out], as: Staff.manager)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("error: \(sandbox.reference) E3: the stored file name '"), "\(result)")
        #expect(result.stderr.contains("Run 'casebook verify'"), "\(result)")
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\u{9B}"), "the message printed a control character")
        // Nothing anywhere: not the folder, not x.txt above it.
        for folder in ["a", "a/b", "a/b/c"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: sandbox.path(folder))
            #expect(names == (folder == "a/b/c" ? [] : [folder == "a" ? "b" : "c"]), "\(folder): \(names)")
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("x.txt")))
        // E1, stored properly, still comes out.
        #expect(try sandbox.run(["evidence", "get", sandbox.reference, "E1", "--out", sandbox.path("E1")], as: Staff.manager).status == 0)
    }

    /// A file whose own name is not a plain name is refused when it is added.
    @Test(arguments: [#"back\slash.png"#, "esc\u{1B}[31m.png", "bell\u{07}.png", "del\u{7F}.png", "c1\u{85}.png"])
    func evidenceAddRefusesAFileWhoseNameIsNotPlain(name: String) throws {
        let sandbox = try Sandbox(.openCase)
        let path = sandbox.path(name)
        try #require(FileManager.default.createFile(atPath: path, contents: try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-post.png")))))
        let before = try sandbox.dump()
        let result = try sandbox.run(["evidence", "add", sandbox.reference, "--kind", "other", "--file", path], as: Staff.manager)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("error: the file name '"), "\(result)")
        #expect(result.stderr.contains("rename the file"), "\(result)")
        #expect(try sandbox.dump() == before)
    }

    /// Two different files of one name in one item both come out, the second as `NAME (2)`.
    @Test func twoFilesOfOneNameAreBothWritten() throws {
        let sandbox = try Sandbox(.openCase)
        for folder in ["one", "two"] {
            try FileManager.default.createDirectory(atPath: sandbox.path(folder), withIntermediateDirectories: false)
        }
        try FileManager.default.copyItem(atPath: CasebookBinary.fixture("screenshot-post.png"), toPath: sandbox.path("one/shot.png"))
        try FileManager.default.copyItem(atPath: CasebookBinary.fixture("removal-check.png"), toPath: sandbox.path("two/shot.png"))
        try sandbox.succeed([
            "evidence", "add", sandbox.reference, "--kind", "other", "--file", sandbox.path("one/shot.png"), "--file",
            sandbox.path("two/shot.png"), "--at", When.at(3),
        ])
        try sandbox.succeed(["evidence", "get", sandbox.reference, "E3", "--out", sandbox.path("E3")])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("E3"))) == ["shot.png", "shot (2).png"])
        #expect(FileManager.default.contents(atPath: sandbox.path("E3/shot (2).png")) == FileManager.default.contents(atPath: sandbox.path("two/shot.png")))
    }
}
