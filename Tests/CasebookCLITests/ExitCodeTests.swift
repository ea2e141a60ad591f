import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every exit code of SPEC §5, each produced by a real situation with the built binary.
@Suite struct ExitCodeTests {
    /// A command line and what it must give on the template case (``Sandbox/Start/openCase``).
    struct Situation: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: @Sendable (String) -> [String]
        var actor: String? = Staff.manager
        let status: Int32
        let messages: [String]

        var testDescription: String { "\(status): \(name)" }
    }

    static let situations: [Situation] = [
        Situation(name: "a senior manager lists cases", arguments: { _ in ["list"] }, status: 0, messages: []),
        Situation(
            name: "starting the investigation twice",
            arguments: { ["investigate", "start", $0, "--at", When.at(3)] }, status: 1,
            messages: ["error: the step is not allowed now (1 rule blocks it):", "hint: "]),
        Situation(
            name: "police referral without consent", arguments: { ["police", "refer", $0, "--force", "Northshire Police"] },
            status: 1, messages: ["error: the step is not allowed now", "000 §13.7", "police consent"]),
        Situation(
            name: "an unknown option close to a known one", arguments: { ["police", "refer", $0, "--forse", "Northshire Police"] },
            status: 64,
            messages: ["error: Unknown option '--forse'", "hint: Did you mean '--force'?", "Usage: casebook police refer <case>",
                       "See 'casebook police refer --help' for more information."]),
        Situation(
            name: "a mistyped command", arguments: { ["evidnce", "list", $0] }, status: 64,
            messages: ["error: Unknown command 'evidnce'", "hint: Did you mean 'evidence'?", "See 'casebook --help'"]),
        Situation(
            name: "a mistyped subcommand", arguments: { ["evidence", "lsit", $0] }, status: 64,
            messages: ["error: Unknown command 'evidence lsit'", "hint: Did you mean 'evidence list'?"]),
        Situation(
            name: "a missing required option", arguments: { ["close", $0, "--outcome", "Done."] }, status: 64,
            messages: ["error: Missing expected argument '--action <action>'"]),
        Situation(
            name: "no acting member of staff", arguments: { ["show", $0] }, actor: nil, status: 64,
            messages: ["error: say who is acting with --as STAFF-ID (or set CASEBOOK_USER)"]),
        Situation(
            name: "a URL that is not http", arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "ftp://x.example/a"] },
            status: 65, messages: ["error: the URL 'ftp://x.example/a' is not an http or https URL", "hint: nothing was written"]),
        Situation(
            name: "an impossible date", arguments: { ["investigate", "note", $0, "Note", "--at", "2026-02-30 10:00"] },
            status: 65, messages: ["error: --at '2026-02-30 10:00' is not a valid time"]),
        Situation(
            name: "an unknown role", arguments: { _ in ["staff", "add", "new.one", "--name", "New", "--role", "caretaker"] },
            actor: Staff.head, status: 65, messages: ["'caretaker' is not a valid --role"]),
        Situation(
            name: "an unknown case", arguments: { _ in ["show", "CB-\(When.year)-0042"] }, status: 66,
            messages: ["error: no case CB-\(When.year)-0042"]),
        Situation(
            name: "an unknown member of staff acting", arguments: { ["show", $0] }, actor: "nobody", status: 66,
            messages: ["error: no member of staff 'nobody'"]),
        Situation(
            name: "HR reading a case", arguments: { ["show", $0] }, actor: Staff.hr, status: 77,
            messages: ["error: hr.lee has the hr role, which may not read cases", "hint: ask the headteacher"]),
        Situation(
            name: "a senior manager using the child-protection override",
            arguments: { ["police", "refer", $0, "--force", "Northshire Police", "--override-reason", "A pupil is at risk."] },
            status: 77, messages: ["smt.jones has the senior-manager role, which may not use the child-protection override"]),
        Situation(
            name: "a senior manager adding staff", arguments: { _ in ["staff", "add", "x.y", "--name", "X", "--role", "hr"] },
            status: 77, messages: ["may not add staff"]),
        Situation(
            name: "HR advancing a case", arguments: { ["investigate", "note", $0, "A note"] },
            actor: Staff.hr, status: 77, messages: ["hr.lee has the hr role, which may not advance cases"]),
        Situation(
            name: "a member of staff reading the list", arguments: { _ in ["list"] }, actor: Staff.affected, status: 77,
            messages: ["t.pennington", "which may not read cases"]),
        Situation(
            name: "a senior manager rebuilding", arguments: { _ in ["rebuild"] }, status: 77, messages: ["may not rebuild"]),
    ]

    @Test(arguments: situations)
    func situationGivesItsExitCode(_ situation: Situation) throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let result = try sandbox.run(situation.arguments(sandbox.reference), as: situation.actor)
        #expect(result.status == situation.status, "\(result)")
        for message in situation.messages { #expect(result.stderr.contains(message), "\(result)") }
        if situation.status != 0 {
            #expect(result.stderr.hasPrefix("error: "), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(try sandbox.dump() == before, "a refused or failed command writes nothing")
            // With --json, stdout carries one JSON object describing the error too.
            let json = try sandbox.run(situation.arguments(sandbox.reference), as: situation.actor, json: true)
            #expect(json.status == situation.status)
            let error = try json.jsonObject().object("error")
            #expect(error?.int("exitCode") == Int(situation.status))
            #expect(error?.string("message")?.hasPrefix("error: ") == true)
        }
    }

    @Test func closingTooEarlyListsEveryMissingRule() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let before = try sandbox.dump()
        let result = try sandbox.run(["close", r, "--outcome", "Done.", "--action", "none", "--at", When.at(3)], as: Staff.manager)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: the step is not allowed now (5 rules block it):\n"), "\(result)")
        for line in [
            "  - the investigation is not concluded [close-needs-concluded-investigation, 000 §13.3]",
            "  - T1 is not resolved: no check has confirmed removal and no ISP or helpline response is recorded [close-needs-resolved-takedowns, 000 §13.5, §13.6]",
            "  - E2 has no takedown request and no not-applicable declaration [close-needs-takedown-for-url-evidence, 000 §13.5]",
            "[close-needs-police-track-settled, 000 §13.7]",
            "  - no support has been offered [close-needs-support-offered, 000 §13.8]",
            "hint: casebook investigate conclude \(r)",
            "casebook support offer \(r) --service NAME",
        ] {
            #expect(result.stderr.contains(line), "missing: \(line)\n\(result)")
        }
        #expect(try sandbox.dump() == before)

        let json = try sandbox.run(["close", r, "--outcome", "Done.", "--action", "none"], as: Staff.manager, json: true)
        #expect(json.status == 1)
        let error = try #require(try json.jsonObject().object("error"))
        #expect(error.int("exitCode") == 1)
        let refusals = error.objects("refusals")
        #expect(refusals.compactMap { $0.string("rule") } == [
            "close-needs-concluded-investigation", "close-needs-resolved-takedowns", "close-needs-takedown-for-url-evidence",
            "close-needs-police-track-settled", "close-needs-support-offered",
        ])
        #expect(refusals.allSatisfy { $0.string("clause")?.isEmpty == false && $0.string("unblock")?.isEmpty == false })
    }

    @Test func verifyExitsThreeWhenAnEventPayloadIsAltered() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let file = try SQLiteFile(sandbox.database)
        // What someone with the file and the sqlite3 shell could do: drop the guard, change a byte.
        try file.execute(
            """
            DROP TRIGGER events_no_update;
            UPDATE events SET payload = replace(payload, 'Names her', 'Names his')
            WHERE stream = 'case/\(r)' AND type = 'ThreatAssessed';
            """)
        #expect(try file.scalar("SELECT count(*) FROM events WHERE payload LIKE '%Names his%'") == "1")
        let version = try #require(try file.scalar("SELECT version FROM events WHERE stream = 'case/\(r)' AND type = 'ThreatAssessed'"))
        let result = try sandbox.run(["verify"], as: Staff.safeguarding)
        #expect(result.status == 3, "\(result)")
        #expect(result.stdout.contains("BREAK case/\(r) v\(version)"), "\(result)")
        #expect(result.stdout.hasSuffix("FAILED: the log has been altered or damaged.\n"))
        let json = try sandbox.run(["verify"], as: Staff.safeguarding, json: true)
        #expect(json.status == 3)
        let report = try json.jsonObject()
        #expect(report.bool("intact") == false)
        #expect(report.objects("breaks").contains { $0.string("stream") == "case/\(r)" && $0.int("version") == Int(version) })
    }

    @Test func verifyExitsThreeWhenAStoredFileIsAltered() throws {
        let sandbox = try Sandbox(.openCase)
        let file = try SQLiteFile(sandbox.database)
        try file.execute(
            """
            DROP TRIGGER blobs_no_update;
            UPDATE blobs SET data = CAST(substr(data, 1, 100) || x'00' || substr(data, 102) AS BLOB);
            """)
        let result = try sandbox.run(["verify"], as: Staff.safeguarding)
        #expect(result.status == 3, "\(result)")
        #expect(result.stdout.contains("BREAK"), "\(result)")
        #expect(result.stdout.contains("FAILED"))
    }

    @Test func verifyExitsThreeWhenAReadModelIsAltered() throws {
        let sandbox = try Sandbox(.openCase)
        try SQLiteFile(sandbox.database).execute("UPDATE takedowns SET host = 'elsewhere.example'")
        let result = try sandbox.run(["verify"], as: Staff.safeguarding)
        #expect(result.status == 3, "\(result)")
        #expect(result.stdout.contains("READ MODEL takedowns"), "\(result)")
        // A rebuild repairs the read models from the events.
        #expect(try sandbox.run(["rebuild"], as: Staff.head).status == 0)
        #expect(try sandbox.run(["verify"], as: Staff.safeguarding).status == 0)
    }

    @Test func initOverAnExistingFileExitsSeventyThreeAndLeavesItAlone() throws {
        let sandbox = try Sandbox(.openCase)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.database))
        let result = try sandbox.run(["init", "--admin", "new.head", "--name", "Someone Else"])
        #expect(result.status == 73, "\(result)")
        #expect(result.stderr.contains("error: a file already exists at \(sandbox.database)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.database)) == bytes)
        // Any file, not only a database.
        let other = sandbox.path("notes.txt")
        try Data("my notes".utf8).write(to: URL(fileURLWithPath: other))
        let overText = try CasebookBinary.run(["--db", other, "init", "--admin", "head", "--name", "Head"], in: sandbox.directory)
        #expect(overText.status == 73, "\(overText)")
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "my notes")
    }

    /// An I/O error that even root meets: the process may not write files longer than 40 KiB
    /// (`ulimit -f`, with SIGXFSZ ignored so the write fails with EFBIG instead of killing
    /// it), and the evidence file needs more room than that in the write-ahead log.
    @Test func aWriteThatFailsExitsSeventyFourAndWritesNothing() throws {
        let sandbox = try Sandbox(.openCase)
        let big = sandbox.path("large-recording.bin")
        var bytes = [UInt8](repeating: 0, count: 400_000)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        try Data(bytes).write(to: URL(fileURLWithPath: big))
        let before = try sandbox.dump()
        // dash counts `ulimit -f` in 512-byte blocks, bash in KiB: 40 or 80 KiB, both over the
        // 32 KiB shared-memory index and far under the 400 KB file.
        let script = #"trap '' XFSZ; ulimit -f 80 || exit 99; exec "$0" "$@""#
        let arguments = ["--db", sandbox.database, "--as", Staff.manager, "evidence", "add", sandbox.reference, "--kind", "other", "--file", big]
        let result = try CasebookBinary.start(
            ["-c", script, try CasebookBinary.url().path] + arguments, in: sandbox.directory,
            executable: URL(fileURLWithPath: "/bin/sh")
        ).finish()
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("error: cannot read or write the database"), "\(result)")
        #expect(try sandbox.dump() == before)
        #expect(try sandbox.run(["verify"], as: Staff.manager).status == 0)
    }

    /// Whether this process cannot write to a file it made read-only (root can); the
    /// read-only database test in ``BadInputTests`` needs it.
    static let permissionsAreEnforced: Bool = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-permission-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data("x".utf8)) else { return false }
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o400)
        let descriptor = open(path, O_WRONLY)
        if descriptor >= 0 { close(descriptor) }
        return descriptor < 0
    }()

    /// Concurrent commands on one case queue for the write lock instead of conflicting (see
    /// ConcurrencyTests), so 75 is left for a writer that cannot get the lock at all: here
    /// another connection holds it for longer than the busy timeout (10 s). The lock is held
    /// until the command has finished, so the outcome does not depend on timing.
    @Test func aWriterThatCannotGetTheLockExitsSeventyFive() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let before = try sandbox.dump()
        let holder = try SQLiteFile(sandbox.database)
        try holder.execute("BEGIN IMMEDIATE")
        let result = try sandbox.run(["evidence", "add", r, "--kind", "other", "--description", "blocked"], as: Staff.manager)
        try holder.execute("ROLLBACK")
        #expect(result.status == 75, "\(result)")
        #expect(result.stderr.contains("the database is busy with another writer; run the command again"), "\(result)")
        #expect(result.stderr.contains("hint: another process changed the case; nothing was written"), "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(try sandbox.dump() == before)
        #expect(try sandbox.run(["verify"], as: Staff.manager).status == 0)
    }
}
