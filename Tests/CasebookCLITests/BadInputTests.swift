import CasebookCLI
import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Bad input of every kind gets a clear error and its exit code, and leaves the database
/// exactly as it was (SPEC §7).
@Suite struct BadInputTests {
    /// One bad command line on the template case (``Sandbox/Start/openCase``).
    struct BadInput: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: @Sendable (_ reference: String) -> [String]
        var actor: String? = Staff.manager
        let status: Int32
        /// A distinctive part of the message on stderr.
        let message: String

        var testDescription: String { name }
    }

    /// The files the rows name, made in every sandbox: an empty file, a folder, and a sparse
    /// 65 MiB file (`nope.png` does not exist).
    static func makeFiles(in sandbox: Sandbox) throws {
        try Data().write(to: URL(fileURLWithPath: sandbox.path("empty.png")))
        try FileManager.default.createDirectory(atPath: sandbox.path("folder"), withIntermediateDirectories: false)
        try Data().write(to: URL(fileURLWithPath: sandbox.path("huge.bin")))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sandbox.path("huge.bin")))
        try handle.truncate(atOffset: 65 * 1024 * 1024)
        try handle.close()
    }

    static let unknownCase = "CB-\(When.year)-0099"
    static let future = Timestamp.string(from: Date().addingTimeInterval(2 * 86_400))
    static let skippedHour: String = {
        // 01:30 local on the day the clocks went forward does not exist.
        let switchover = London.lastSpringForward(before: Date())
        return String(London.format(switchover).prefix(10)) + " 01:30"
    }()

    static let rows: [BadInput] = [
        // URLs.
        BadInput(name: "javascript: URL", arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "javascript:alert(1)"] },
                 status: 65, message: "'javascript:alert(1)' is not an http or https URL"),
        BadInput(name: "ftp URL", arguments: { ["evidence", "add", $0, "--kind", "social", "--url", "ftp://x.example/a"] },
                 status: 65, message: "is not an http or https URL (scheme 'ftp')"),
        BadInput(name: "https:// with no host", arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "https://"] },
                 status: 65, message: "'https://' has no host"),
        BadInput(name: "https://? with no host", arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "https://?q=1"] },
                 status: 65, message: "has no host"),
        BadInput(name: "not a URL", arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "not a url"] },
                 status: 65, message: "'not a url' is not a URL"),
        BadInput(name: "evidence with nothing to keep", arguments: { ["evidence", "add", $0, "--kind", "other"] },
                 status: 65, message: "an evidence item needs at least a file, a URL or a description"),
        BadInput(name: "web evidence without a URL", arguments: { ["evidence", "add", $0, "--kind", "web"] },
                 status: 65, message: "web evidence needs the URL"),
        // Times.
        BadInput(name: "30 February", arguments: { ["investigate", "note", $0, "Note", "--at", "2026-02-30 10:00"] },
                 status: 65, message: "--at '2026-02-30 10:00' is not a valid time"),
        BadInput(name: "25:00", arguments: { ["investigate", "note", $0, "Note", "--at", "2026-11-10 25:00"] },
                 status: 65, message: "--at '2026-11-10 25:00' is not a valid time"),
        BadInput(name: "month 13 in RFC 3339", arguments: { ["investigate", "note", $0, "Note", "--at", "2026-13-01T10:00:00Z"] },
                 status: 65, message: "is not a valid time"),
        BadInput(name: "an hour the clocks skipped", arguments: { ["investigate", "note", $0, "Note", "--at", skippedHour] },
                 status: 65, message: "--at '\(skippedHour)' never happens in Europe/London: the clocks go forward at 01:00 GMT (to 02:00 BST)"),
        BadInput(name: "a word for a time", arguments: { ["investigate", "note", $0, "Note", "--at", "yesterday"] },
                 status: 65, message: "--at 'yesterday' is not a valid time"),
        BadInput(name: "a future --at", arguments: { ["investigate", "note", $0, "Note", "--at", future] },
                 status: 65, message: "is in the future"),
        BadInput(name: "a future --captured-at",
                 arguments: { ["evidence", "add", $0, "--kind", "other", "--description", "d", "--captured-at", future] },
                 status: 65, message: "the capture time"),
        BadInput(name: "before the case was opened", arguments: { ["investigate", "note", $0, "Note", "--at", When.at(-5)] },
                 status: 65, message: "is before \(Templates.reference) was opened"),
        BadInput(name: "posted after captured",
                 arguments: {
                     ["evidence", "add", $0, "--kind", "other", "--description", "d", "--posted-at", When.at(3), "--captured-at", When.at(2.5)]
                 },
                 status: 65, message: "the posting time is after the capture time"),
        BadInput(name: "an impossible --as-of", arguments: { _ in ["overdue", "--as-of", "2026-02-30"] },
                 status: 65, message: "--as-of '2026-02-30' is not a valid time"),
        // Things that do not exist.
        BadInput(name: "unknown case", arguments: { _ in ["show", unknownCase] }, status: 66, message: "no case \(unknownCase)"),
        BadInput(name: "unknown case on a step", arguments: { _ in ["investigate", "note", unknownCase, "Note"] },
                 status: 66, message: "no case \(unknownCase)"),
        BadInput(name: "unknown evidence in a request", arguments: { ["takedown", "request", $0, "--evidence", "E9", "--method", "form"] },
                 status: 66, message: "has no evidence item 'E9'"),
        BadInput(name: "unknown evidence to get", arguments: { ["evidence", "get", $0, "E9", "--out", "out"] },
                 status: 66, message: "has no evidence item or takedown request 'E9'"),
        BadInput(name: "unknown takedown request", arguments: { ["takedown", "response", $0, "T9", "--result", "removed"] },
                 status: 66, message: "has no takedown request 'T9' (it has T1)"),
        BadInput(name: "unknown request to escalate", arguments: { ["isp", "escalate", $0, "T9", "--isp", "Example Telecom"] },
                 status: 66, message: "no takedown request 'T9'"),
        BadInput(name: "unknown acting staff id", arguments: { ["show", $0] }, actor: "nobody",
                 status: 66, message: "no member of staff 'nobody'"),
        BadInput(name: "unknown affected person",
                 arguments: { _ in ["open", "--affected", "nobody", "--reported-by", Staff.affected, "--summary", "S"] },
                 status: 66, message: "no member of staff 'nobody'"),
        BadInput(name: "unknown person giving consent", arguments: { ["police", "consent", $0, "--given", "--by", "nobody"] },
                 status: 66, message: "no member of staff 'nobody'"),
        BadInput(name: "unknown version to redact", arguments: { ["redact", $0, "--version", "99", "--reason", "Erasure"] },
                 actor: Staff.head, status: 66, message: "has no event at version 99"),
        // Roles and vocabularies.
        BadInput(name: "a role that does not exist", arguments: { _ in ["staff", "add", "n.new", "--name", "New", "--role", "wizard"] },
                 actor: Staff.head, status: 65, message: "'wizard' is not a valid --role"),
        BadInput(name: "a role that may not do it", arguments: { ["show", $0] }, actor: Staff.hr,
                 status: 77, message: "may not read cases"),
        BadInput(name: "an evidence kind that does not exist", arguments: { ["evidence", "add", $0, "--kind", "photo"] },
                 status: 65, message: "'photo' is not a valid --kind"),
        BadInput(name: "a host response that does not exist", arguments: { ["takedown", "response", $0, "T1", "--result", "gone"] },
                 status: 65, message: "'gone' is not a valid --result"),
        BadInput(name: "a malformed case reference", arguments: { _ in ["show", "CB-26-1"] },
                 status: 65, message: "'CB-26-1' is not a case reference"),
        BadInput(name: "a malformed staff id", arguments: { _ in ["staff", "add", "bad id", "--name", "X", "--role", "hr"] },
                 actor: Staff.head, status: 65, message: "'bad id' is not a valid staff id"),
        BadInput(name: "a malformed --as", arguments: { ["show", $0] }, actor: "bad/id",
                 status: 65, message: "'bad/id' is not a valid --as"),
        BadInput(name: "consent given by someone other than the affected person",
                 arguments: { ["police", "consent", $0, "--given", "--by", Staff.other] },
                 status: 1, message: "consent is t.pennington's to give, not k.marsh's"),
        // Files.
        BadInput(name: "a missing file", arguments: { ["evidence", "add", $0, "--kind", "other", "--file", "nope.png"] },
                 status: 66, message: "no file at nope.png"),
        BadInput(name: "a missing check screenshot", arguments: { ["takedown", "check", $0, "T1", "--result", "removed", "--file", "nope.png"] },
                 status: 66, message: "no file at nope.png"),
        BadInput(name: "a directory given as a file", arguments: { ["evidence", "add", $0, "--kind", "other", "--file", "folder"] },
                 status: 65, message: "folder is a directory, not a file"),
        BadInput(name: "an empty file", arguments: { ["evidence", "add", $0, "--kind", "other", "--file", "empty.png"] },
                 status: 65, message: "empty.png is empty"),
        BadInput(name: "a file over 64 MiB",
                 arguments: { ["evidence", "add", $0, "--kind", "other", "--file", CasebookBinary.fixture("voicemail.wav"), "--file", "huge.bin"] },
                 status: 65, message: "huge.bin is 68157440 bytes; files over 64 MiB are refused"),
        // Text.
        BadInput(name: "an argument of 120,000 characters",
                 arguments: { ["investigate", "note", $0, String(repeating: "x", count: 120_000)] },
                 status: 64, message: "is too long (120000 characters; at most 100000)"),
        BadInput(name: "a note of 50,000 characters",
                 arguments: { ["investigate", "note", $0, String(repeating: "é", count: 50_000)] },
                 status: 65, message: "at most 20000"),
        BadInput(name: "control characters in text",
                 arguments: { _ in ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "a\u{7}b\u{1B}[2J"] },
                 status: 65, message: "the summary contains the control character U+0007 (BEL) at character 2"),
        BadInput(name: "blank text",
                 arguments: { _ in ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "  \n "] },
                 status: 65, message: "the summary is empty"),
        // Options.
        BadInput(name: "an unknown option", arguments: { ["show", $0, "--colour"] },
                 status: 64, message: "Unknown option '--colour'"),
        BadInput(name: "a repeated option", arguments: { ["evidence", "add", $0, "--kind", "other", "--kind", "web"] },
                 status: 64, message: "Option '--kind' given more than once"),
        BadInput(name: "a repeated global option", arguments: { ["--as", Staff.manager, "--as", Staff.head, "show", $0] }, actor: nil,
                 status: 64, message: "Option '--as' given more than once"),
        BadInput(name: "a missing option value", arguments: { ["evidence", "add", $0, "--kind"] },
                 status: 64, message: "Missing value for '--kind <kind>'"),
        BadInput(name: "a value for a flag", arguments: { ["--json=yes", "show", $0] },
                 status: 64, message: "Option '--json' takes no value"),
        BadInput(name: "an unexpected argument", arguments: { ["show", $0, "extra"] },
                 status: 64, message: "Unexpected argument 'extra'"),
        BadInput(name: "two of one-of flags", arguments: { ["police", "consent", $0, "--given", "--declined", "--by", Staff.affected] },
                 status: 64, message: "give exactly one of --given, --declined, --withdrawn"),
    ]

    @Test(arguments: rows)
    func badInputIsRefusedAndChangesNothing(_ row: BadInput) throws {
        let sandbox = try Sandbox(.openCase)
        try Self.makeFiles(in: sandbox)
        let before = try sandbox.dump()
        let arguments = row.arguments(sandbox.reference)
        let result = try sandbox.run(arguments, as: row.actor)
        #expect(result.status == row.status, "\(result)")
        #expect(result.stderr.hasPrefix("error: "), "\(result)")
        #expect(result.stderr.contains(row.message), "\(result)")
        #expect(result.stderr.contains("\nhint: ") || result.stderr.contains("\nUsage: "), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(try sandbox.dump() == before, "the database changed")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("out")))
    }

    // MARK: Text that is not what it seems

    /// A command line with one argument that is not UTF-8.
    struct RawInput: CustomTestStringConvertible, Sendable {
        let place: String
        let arguments: @Sendable (_ reference: String) -> [[UInt8]]
        var testDescription: String { place }
    }

    static let rawInputs: [RawInput] = [
        RawInput(place: "a note") { [Array("investigate".utf8), Array("note".utf8), Array($0.utf8), [0x66, 0xFF, 0xFE, 0x6F]] },
        RawInput(place: "a case reference") { _ in [Array("show".utf8), [0x43, 0x42, 0xC3, 0x28]] },
        RawInput(place: "an option value (a UTF-16 surrogate, as CESU-8)") {
            ["evidence", "add", $0, "--kind", "other", "--description"].map { Array($0.utf8) } + [[0xED, 0xA0, 0x80]]
        },
        RawInput(place: "the database path") { _ in [Array("--db".utf8), [0x2F, 0x74, 0x6D, 0x70, 0x2F, 0xC0, 0xAF], Array("list".utf8)] },
    ]

    /// Arguments that are not UTF-8 reach the binary as raw bytes (through `posix_spawn`,
    /// since Foundation's `Process` cannot pass them).
    @Test(arguments: rawInputs)
    func invalidUTF8IsAUsageErrorAndChangesNothing(_ input: RawInput) throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let globals = ["--db", sandbox.database, "--as", Staff.manager].map { Array($0.utf8) }
        let raw = input.arguments(sandbox.reference)
        // A second --db would be a usage error of its own: give the raw one alone.
        let arguments = raw.first == Array("--db".utf8) ? Array(globals.dropFirst(2)) + raw : globals + raw
        let result = try CasebookBinary.run(rawArguments: arguments, in: sandbox.directory)
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("is not valid UTF-8"), "\(result)")
        #expect(try sandbox.dump() == before)
    }

    /// Linux refuses to start a process with one argument over 128 KiB (MAX_ARG_STRLEN: execve
    /// fails with E2BIG), so a 200,000-character argument never reaches the binary; it is
    /// checked through the library entry point the binary calls, on the same database.
    @Test func anArgumentOf200000CharactersIsRefusedWithoutWriting() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let huge = String(repeating: "A", count: 200_000)
        var errors = ""
        var output = ""
        let status = CLI.run(
            ["--db", sandbox.database, "--as", Staff.manager, "investigate", "note", sandbox.reference, huge],
            environment: ["TZ": "Europe/London"], standardOutput: { output += $0 }, standardError: { errors += $0 })
        #expect(status == 64)
        #expect(errors.contains("is too long (200000 characters; at most 100000)"), "\(errors)")
        #expect(output.isEmpty)
        #expect(try sandbox.dump() == before)
        // The same argument as a process: the kernel refuses it before casebook runs.
        #expect(throws: (any Error).self) {
            _ = try sandbox.run(["investigate", "note", sandbox.reference, huge], as: Staff.manager)
        }
    }

    @Test func sqlAndShellMetacharactersAreStoredVerbatimAndHarmless() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let texts = [
            "'; DROP TABLE events; --",
            "$(rm -rf /) and $(touch pwned-dollar)",
            "`touch pwned-backtick` \"quoted\" \\ back\\slash; echo hi > pwned-redirect | cat",
            "Robert'); DELETE FROM staff WHERE ('1'='1",
        ]
        for (index, text) in texts.enumerated() {
            try sandbox.succeed(["investigate", "note", r, text, "--at", When.at(3 + Double(index))])
        }
        let opened = try sandbox.succeed(
            [
                "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", texts[0],
                "--school", texts[1], "--at", When.at(3),
            ], json: true
        ).jsonObject()
        let second = try #require(opened.string("reference"))
        let shown = try sandbox.succeed(["show", second], json: true).jsonObject()
        #expect(shown.string("summary") == texts[0])
        #expect(shown.string("school") == texts[1])
        #expect(try sandbox.succeed(["show", second]).stdout.contains("Summary:     \(texts[0])"))
        // The notes are stored exactly as typed.
        let payloads = try SQLiteFile(sandbox.database).rows(
            "SELECT payload FROM events WHERE stream = 'case/\(r)' AND type = 'InvestigationNoteAdded' ORDER BY version")
        let stored = try payloads.map { row -> String in
            let json = try JSONSerialization.jsonObject(with: Data(row[0].dropFirst(5).utf8)) as? [String: Any]
            return json?["text"] as? String ?? ""
        }
        #expect(stored == texts)
        // Nothing ran: the tables and staff are all there, no file was made, and the log verifies.
        let file = try SQLiteFile(sandbox.database)
        #expect(try file.scalar("SELECT count(*) FROM staff") == "6")
        #expect(try file.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'events'") == "1")
        let names = try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path)
        #expect(!names.contains { $0.hasPrefix("pwned") }, "\(names)")
        #expect(try sandbox.run(["verify"], as: Staff.manager).status == 0)
        let list = try sandbox.succeed(["list", "--school", texts[1]], json: true).jsonArray()
        #expect(list.count == 1)
    }

    // MARK: Databases that are missing, read-only or damaged

    @Test(arguments: [["show", "CB-2026-0001"], ["list"], ["verify"], ["staff", "list"], ["open", "--affected", "a", "--reported-by", "a", "--summary", "s"]])
    func aMissingDatabaseIsNotFoundAndIsNotCreated(arguments: [String]) throws {
        let sandbox = try Sandbox(.empty)
        let result = try sandbox.run(arguments, as: Staff.head)
        #expect(result.status == 66, "\(result)")
        #expect(result.stderr.contains("error: no database at \(sandbox.database)"), "\(result)")
        #expect(result.stderr.contains("casebook init"), "\(result)")
        let names = try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path)
        #expect(names.isEmpty, "\(names)")
    }

    @Test func aDirectoryAsTheDatabaseIsAnIOError() throws {
        let sandbox = try Sandbox(.empty)
        let folder = sandbox.path("folder.sqlite")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let result = try CasebookBinary.run(["--db", folder, "--as", Staff.head, "list"], in: sandbox.directory)
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.hasPrefix("error: cannot read or write the database"), "\(result)")
        let initialized = try CasebookBinary.run(["--db", folder, "init", "--admin", "head", "--name", "Head"], in: sandbox.directory)
        #expect(initialized.status == 73, "\(initialized)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path) == ["folder.sqlite"])
    }

    @Test(.enabled(if: ExitCodeTests.permissionsAreEnforced, "running as root: chmod 0400 does not stop root writing; ExitCodeTests uses a file-size limit instead"))
    func aReadOnlyDatabaseRefusesWritesWithSeventyFour() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        try #require(chmod(sandbox.database, 0o400) == 0)
        for arguments in [["investigate", "note", sandbox.reference, "A note"], ["support", "offer", sandbox.reference, "--service", "EAP"]] {
            let result = try sandbox.run(arguments, as: Staff.manager)
            #expect(result.status == 74, "\(result)")
            #expect(result.stderr.contains("error: cannot read or write the database"), "\(result)")
        }
        #expect(try sandbox.run(["show", sandbox.reference], as: Staff.manager).status == 0)
        chmod(sandbox.database, 0o600)
        #expect(try sandbox.dump() == before)
    }

    /// Random bytes where the database should be: a clear error, 65 or 74, never an internal
    /// error, and the file is not touched.
    @Test(arguments: [
        ["show", "CB-2026-0001"], ["list"], ["verify"], ["staff", "add", "x.y", "--name", "X", "--role", "hr"], ["rebuild"],
        ["open", "--affected", "a", "--reported-by", "a", "--summary", "s"],
    ])
    func randomBytesAreNotADatabase(arguments: [String]) throws {
        let sandbox = try Sandbox(.empty)
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try bytes.write(to: URL(fileURLWithPath: sandbox.database))
        let result = try sandbox.run(arguments, as: Staff.head)
        #expect(result.status == 65 || result.status == 74, "\(result)")
        #expect(result.stderr.contains("is not a Casebook database, or it is damaged"), "\(result)")
        #expect(!result.stderr.contains("internal error"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.database)) == bytes)
    }

    /// A real database with one damaged page (the events table's root) and a truncated copy:
    /// commands that read events fail with 65 and a message, never 70.
    @Test(arguments: ["damaged page", "truncated"])
    func aDamagedDatabaseGivesAClearError(damage: String) throws {
        let sandbox = try Sandbox(.openCase)
        let url = URL(fileURLWithPath: sandbox.database)
        var bytes = try Data(contentsOf: url)
        let pageSize = Int(try SQLiteFile(sandbox.database).scalar("PRAGMA page_size") ?? "4096") ?? 4096
        let rootPage = Int(try SQLiteFile(sandbox.database).scalar("SELECT rootpage FROM sqlite_master WHERE name = 'events'") ?? "2") ?? 2
        if damage == "truncated" {
            bytes = bytes.prefix(bytes.count / 2)
        } else {
            let start = (rootPage - 1) * pageSize
            bytes.replaceSubrange(start..<start + pageSize, with: Data(repeating: 0xA5, count: pageSize))
        }
        try bytes.write(to: url)
        for arguments in [["show", sandbox.reference], ["verify"], ["investigate", "note", sandbox.reference, "A note"]] {
            let result = try sandbox.run(arguments, as: Staff.manager)
            #expect(result.status == 65, "\(arguments): \(result)")
            #expect(result.stderr.hasPrefix("error: the file is not a Casebook database, or it is damaged"), "\(arguments): \(result)")
        }
        #expect(try Data(contentsOf: url) == bytes)
    }

    /// An empty file where the database should be is not a Casebook database either. Today
    /// the event log treats it as a new database and writes the whole schema into it, although
    /// the command then fails (66, no such member of staff): a failed command wrote something.
    @Test func anEmptyFileIsNotADatabaseAndIsLeftEmpty() throws {
        let sandbox = try Sandbox(.empty)
        try Data().write(to: URL(fileURLWithPath: sandbox.database))
        let result = try sandbox.run(["show", "CB-2026-0001"], as: Staff.head)
        #expect(result.status != 0 && result.status != 70, "\(result)")
        #expect(result.status == 65, "\(result)")
        let size = (try FileManager.default.attributesOfItem(atPath: sandbox.database)[.size] as? NSNumber)?.intValue
        #expect(size == 0, "the empty file was written to")
    }

    // MARK: Stored files

    @Test func anAlteredStoredFileIsNotWrittenOut() throws {
        let sandbox = try Sandbox(.openCase)
        try SQLiteFile(sandbox.database).execute(
            """
            DROP TRIGGER blobs_no_update;
            UPDATE blobs SET data = CAST(substr(data, 1, 100) || x'00' || substr(data, 102) AS BLOB);
            """)
        let out = sandbox.path("export")
        let result = try sandbox.run(["evidence", "get", sandbox.reference, "E1", "--out", out], as: Staff.manager)
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("no longer matches its hash"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: out + "/screenshot-post.png"))
    }

    @Test func aMissingStoredFileIsNotFound() throws {
        let sandbox = try Sandbox(.openCase)
        try SQLiteFile(sandbox.database).execute("DROP TRIGGER blobs_no_delete; DELETE FROM blobs;")
        let out = sandbox.path("export")
        let result = try sandbox.run(["evidence", "get", sandbox.reference, "E1", "--out", out], as: Staff.manager)
        #expect(result.status == 66, "\(result)")
        #expect(result.stderr.contains("no stored file with SHA-256 \(try Fixtures.sha256("screenshot-post.png"))"), "\(result)")
        let verify = try sandbox.run(["verify"], as: Staff.manager)
        #expect(verify.status == 3, "\(verify)")
        #expect(verify.stdout.contains("MISSING FILE case/\(sandbox.reference) v2: screenshot-post.png"), "\(verify)")
    }
}
