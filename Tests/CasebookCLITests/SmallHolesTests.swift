import EventLog
import Foundation
import Testing

/// Issue 18 item 8: the small holes found on the way, each through the real binary.
@Suite("Small holes: paths, file names, staff ids, other programs' files, other logins' files")
struct SmallHolesTests {
    @Test("An output path that can name no file is a usage error before anything is recorded, directly and through the server")
    func impossibleOutputPaths() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        for path in ["", String(repeating: "a", count: 5_000), String(repeating: "b", count: 300)] {
            let result = try sandbox.run(["timeline", sandbox.reference, "--out", path], as: Staff.safeguarding)
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("for '--out <file>'"), "\(result)")
        }
        #expect(try sandbox.dump() == before)

        guard let deployment = try ServerModeTests.Deployment(for: "impossibleOutputPaths") else { return }
        try deployment.start()
        let folder = try deployment.accounts.folder(for: deployment.head)
        defer { try? FileManager.default.removeItem(at: folder) }
        for arguments in [
            ["staff", "add", "aff", "--name", "Ada Affected", "--role", "staff"],
            ["open", "--affected", "aff", "--reported-by", "aff", "--summary", "x", "--school", "A"],
        ] {
            let made = try deployment.remote(arguments, as: deployment.head, in: folder)
            try #require(made.status == 0, "\(made)")
        }
        for path in ["", String(repeating: "a", count: 5_000)] {
            let remote = try deployment.remote(["timeline", "CB-\(When.year)-0001", "--out", path], as: deployment.head, in: folder)
            #expect(remote.status == 64, "\(remote)")
        }
        _ = try deployment.stop()
        let exports = try SQLiteFile(deployment.database).rows("SELECT count(*) FROM events WHERE type = 'TimelineExported'")
        #expect(exports.first?.first == "0")
    }

    @Test("A file name with a bidirectional control is refused (65) and nothing is stored")
    func bidirectionalFileName() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let name = "evil\u{202E}gnp.exe"
        let path = sandbox.path(name)
        try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-post.png"))).write(to: URL(fileURLWithPath: path))
        let result = try sandbox.run(["evidence", "add", sandbox.reference, "--kind", "other", "--file", path], as: Staff.manager)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("bidirectional control U+202E"), "\(result)")
        #expect(!result.stderr.contains("\u{202E}"), "the message shows the name escaped")
        #expect(try sandbox.dump() == before)
    }

    @Test("Staff ids are found whatever their letter case, in every option, and recorded as the directory spells them")
    func staffIDsIgnoreCase() throws {
        let sandbox = try Sandbox(.openCase)
        let opened = try sandbox.succeed([
            "open", "--affected", Staff.affected.uppercased(), "--reported-by", Staff.other.uppercased(), "--summary", "Posts.",
            "--school", "Harrowgate Fields Academy", "--at", When.at(3),
        ], json: true).jsonObject()
        let reference = try #require(opened.string("reference"))
        let shown = try sandbox.succeed(["show", reference], json: true).jsonObject()
        #expect(shown.string("affected") == Staff.affected, "\(shown)")
        try sandbox.succeed(
            ["police", "consent", sandbox.reference, "--given", "--by", Staff.affected.uppercased(), "--at", When.at(3)])
        try sandbox.succeed(
            ["restrict", sandbox.reference, "--exclude", Staff.hr.uppercased(), "--reason", "Not needed.", "--at", When.at(3)],
            as: Staff.safeguarding)
        try sandbox.succeed(["digest", "--for", Staff.manager.uppercased()], as: Staff.head)
        try sandbox.succeed(["show", sandbox.reference], as: Staff.manager.uppercased())
        let actors = try SQLiteFile(sandbox.database).rows("SELECT DISTINCT actor FROM events").map { $0[0] }
        #expect(!actors.contains { $0 != $0.lowercased() }, "\(actors)")
        let payloads = try SQLiteFile(sandbox.database).rows("SELECT payload FROM events WHERE stream LIKE 'case/%'").map { $0[0] }
        #expect(!payloads.contains { $0.contains(Staff.affected.uppercased()) || $0.contains(Staff.hr.uppercased()) })
    }

    @Test("Another program's SQLite file is refused (65) and left byte for byte as it was, with no -wal beside it")
    func anotherProgramsDatabase() throws {
        let sandbox = try Sandbox(.empty)
        for (name, sql) in [
            ("notes.sqlite", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x'); PRAGMA user_version = 1;"),
            ("tagged.sqlite", "PRAGMA application_id = 1234; CREATE TABLE events (id INTEGER); PRAGMA user_version = 1;"),
        ] {
            let path = sandbox.path(name)
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            shell.arguments = [path, sql]
            try shell.run()
            shell.waitUntilExit()
            try #require(shell.terminationStatus == 0)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            for arguments in [["list"], ["show", "CB-2026-0001"], ["staff", "list"]] {
                let result = try CasebookBinary.run(["--db", path, "--as", "head"] + arguments, in: sandbox.directory)
                #expect(result.status == 65, "\(name) \(arguments): \(result)")
                #expect(result.stderr.contains("not one of this program's") || result.stderr.contains("another program"), "\(result)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(name) was changed")
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "\(name) was switched to WAL")
        }
        // A Casebook database carries Casebook's application id.
        try CasebookBinary.run(["--db", sandbox.path("own.sqlite"), "init", "--admin", "head", "--name", "H", "--claimed-identities"], in: sandbox.directory)
        #expect(try SQLiteFile(sandbox.path("own.sqlite")).rows("PRAGMA application_id").first?.first == String(0x4342_4B31))
    }

    @Test("A database another login keeps private answers permission denied (77), not 'no database'")
    func anotherLoginsDatabase() throws {
        guard let accounts = try OSUsers.make(1, for: "anotherLoginsDatabase") else { return }
        let sandbox = try Sandbox(.staff)
        chmod(sandbox.directory.path, 0o700)
        let folder = try accounts.folder(for: accounts.users[0])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try accounts.run(["--db", sandbox.database, "list"], as: accounts.users[0], in: folder)
        #expect(result.status == 77, "\(result)")
        #expect(result.stderr.contains("permission denied"), "\(result)")
        #expect(!result.stderr.contains("create one"), "\(result)")
    }
}
