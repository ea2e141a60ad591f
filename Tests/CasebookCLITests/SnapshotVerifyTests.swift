import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `verify` reads one snapshot without the write lock, works on a read-only file and a
/// read-only filesystem; `checkpoint` writes its witness as a new private file; exports are
/// checked against the database they came from.
@Suite struct SnapshotVerifyTests {
    /// Runs a system tool, for mounting.
    @discardableResult
    static func tool(_ path: String, _ arguments: [String]) throws -> Int32 { try OSUsers.tool(path, arguments) }

    /// A copy of the sandbox's database (with whatever `-wal` it has) in a folder of its
    /// own, made read-only: file 0400, folder 0500, and — as root, whom modes do not stop —
    /// seen through a read-only bind mount, or, where root may not mount, owned by and run
    /// as `nobody`. Calls `body` with the path to verify and how to run the binary on it.
    static func readOnlyCopy(
        of sandbox: Sandbox, files: [String] = ["casebook.sqlite"],
        _ body: (String, _ run: ([String]) throws -> CLIResult) throws -> Void
    ) throws {
        let source = sandbox.path("read-only-source")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        for name in files {
            try FileManager.default.copyItem(atPath: sandbox.path(name), toPath: source + "/" + name)
            chmod(source + "/" + name, 0o400)
        }
        chmod(source, 0o500)
        defer { chmod(source, 0o700) }
        let direct: ([String]) throws -> CLIResult = { try CasebookBinary.run($0, in: sandbox.directory) }
        guard geteuid() == 0 else {
            try body(source + "/casebook.sqlite", direct)
            return
        }
        let mountPoint = sandbox.path("read-only")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        if try tool("/usr/bin/mount", ["--bind", source, mountPoint]) == 0 {
            defer { _ = try? tool("/usr/bin/umount", [mountPoint]) }
            try #require(try tool("/usr/bin/mount", ["-o", "remount,bind,ro", mountPoint]) == 0)
            // Proof that nothing can be written there, not even by root.
            #expect(!FileManager.default.createFile(atPath: mountPoint + "/probe", contents: Data()))
            try body(mountPoint + "/casebook.sqlite", direct)
            return
        }
        // No mounting here (no CAP_SYS_ADMIN): the modes, for an account they bind.
        for name in files { chown(source + "/" + name, 65534, 65534) }
        chown(source, 65534, 65534)
        let binary = try CasebookBinary.url().path
        try body(source + "/casebook.sqlite") { arguments in
            try CasebookBinary.start(
                ["--reuid=65534", "--regid=65534", "--clear-groups", binary] + arguments, in: sandbox.directory,
                executable: URL(fileURLWithPath: "/usr/bin/setpriv")
            ).finish()
        }
    }

    @Test func verifyWorksOnAReadOnlyFileInAReadOnlyFolder() throws {
        let sandbox = try Sandbox(.closedCase)
        try Self.readOnlyCopy(of: sandbox) { path, run in
            let result = try run(["--db", path, "--as", Staff.safeguarding, "verify"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("OK: nothing was altered."), "\(result)")
            #expect(!result.stdout.contains("note:"), "\(result)")
            // A command that writes is refused there, as an I/O error or a read-only database.
            let write = try run(["--db", path, "--as", Staff.manager, "reopen", sandbox.reference, "--reason", "x"])
            #expect(write.status != 0, "\(write)")
        }
    }

    @Test func aReadOnlyFolderWithAWriteAheadLogButNoIndexIsVerifiedThroughAPrivateCopyAndSaysSo() throws {
        let sandbox = try Sandbox(.closedCase)
        // A connection that keeps its changes in the -wal file (no checkpoint), still open.
        let writer = try SQLiteFile(sandbox.database)
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        _ = try writer.scalar("SELECT count(*) FROM events")
        try sandbox.succeed(["reopen", sandbox.reference, "--reason", "New posts", "--at", When.at(30)])
        #expect(FileManager.default.fileExists(atPath: sandbox.database + "-wal"))
        try Self.readOnlyCopy(of: sandbox, files: ["casebook.sqlite", "casebook.sqlite-wal"]) { path, run in
            let result = try run(["--db", path, "--as", Staff.safeguarding, "verify"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("note: the folder is read-only, so SQLite cannot read the -wal file beside the database in place: a private copy of both was verified"), "\(result)")
            // The reopening, which is only in the -wal file, was read.
            #expect(result.stdout.contains("Log head: \(try sandbox.events().count) events"), "\(result)")
        }
        _ = writer
    }

    @Test func aPayloadTamperedInsideTheWriteAheadLogOfAReadOnlyCopyIsABreak() throws {
        let sandbox = try Sandbox(.closedCase)
        let writer = try SQLiteFile(sandbox.database)
        try writer.execute("PRAGMA wal_autocheckpoint = 0")
        try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let stream = "case/\(sandbox.reference)"
        let note = try writer.version(of: "InvestigationNoteAdded", in: stream)
        try writer.withoutTriggers {
            try writer.execute(
                "UPDATE events SET payload = replace(payload, 'recognised', 'recognized') WHERE stream = '\(stream)' AND version = \(note)")
        }
        #expect(FileManager.default.fileExists(atPath: sandbox.database + "-wal"))
        try Self.readOnlyCopy(of: sandbox, files: ["casebook.sqlite", "casebook.sqlite-wal"]) { path, run in
            let result = try run(["--db", path, "--as", Staff.safeguarding, "verify"])
            #expect(result.status == 3, "\(result)")
            #expect(result.stdout.contains("BREAK \(stream) v\(note): tampered-payload"), "\(result)")
            #expect(!result.stdout.contains("OK: nothing was altered."), "\(result)")
        }
        _ = writer
    }

    @Test func verifyTakesNoWriteLockSoItRunsWhileAnotherProcessHoldsIt() throws {
        let sandbox = try Sandbox(.closedCase)
        let holder = try SQLiteFile(sandbox.database)
        try holder.execute("BEGIN IMMEDIATE")
        // Were verify to need the write lock, it would wait out the busy timeout and exit 75.
        let result = try sandbox.run(["verify"], as: Staff.safeguarding)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("OK: nothing was altered."))
        try holder.execute("ROLLBACK")
    }

    @Test func aWriterCarriesOnWhileAReaderHoldsItsSnapshot() throws {
        let sandbox = try Sandbox(.openCase)
        let reader = try SQLiteFile(sandbox.database)
        try reader.execute("BEGIN DEFERRED")
        let before = try reader.scalar("SELECT count(*) FROM events")
        try sandbox.succeed(["investigate", "note", sandbox.reference, "Spoke to the head of year.", "--at", When.at(3)])
        // The snapshot is unchanged; the write is there once it ends.
        #expect(try reader.scalar("SELECT count(*) FROM events") == before)
        try reader.execute("COMMIT")
        #expect(try reader.scalar("SELECT count(*) FROM events") == String((Int(before ?? "") ?? 0) + 1))
    }

    // MARK: Checkpoints

    @Test func checkpointWritesAPrivateWitnessOfTheLogHeadAndEveryStream() throws {
        let sandbox = try Sandbox(.closedCase)
        let out = sandbox.path("checkpoint.json")
        let written = try sandbox.succeed(["checkpoint", "--out", out], as: Staff.safeguarding)
        let file = try SQLiteFile(sandbox.database)
        // The checkpoint is recorded in the audit trail after it was taken: it covers the log before that.
        let recorded = try #require(try file.events(in: "audit").last)
        #expect(recorded.type == "CheckpointTaken")
        let names = try file.rows("SELECT DISTINCT stream FROM events WHERE position < \(recorded.position) ORDER BY stream").map {
            $0[0].replacingOccurrences(of: "text:", with: "")
        }
        #expect(names.contains("case/\(sandbox.reference)"))
        #expect(written.stdout.hasPrefix("Wrote a checkpoint of \(try sandbox.events().count - 1) events in \(names.count) streams to \(out)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(json["format"] as? String == "casebook-checkpoint")
        #expect(json["takenBy"] as? String == Staff.safeguarding)
        let streams = try #require(json["streams"] as? [[String: Any]])
        #expect(streams.compactMap { $0["stream"] as? String } == names)
        for stream in streams {
            let name = try #require(stream["stream"] as? String)
            let last = try #require(try file.events(in: name).last { $0.position < recorded.position })
            #expect(stream["version"] as? Int == last.version)
            #expect(stream["hash"] as? String == last.hash)
        }
        // The log head as README defines it: head_n = SHA256(head_(n-1) ‖ hash_n), hex text.
        var head = String(repeating: "0", count: 64)
        for row in try file.rows("SELECT hash FROM events WHERE position < \(recorded.position) ORDER BY position") {
            head = SHA256.hex(Array((head + row[0].replacingOccurrences(of: "text:", with: "")).utf8))
        }
        let logHead = try #require(json["logHead"] as? [String: Any])
        #expect(logHead["hash"] as? String == head)
        #expect(written.stdout.contains("(log head \(head))"))
        head = SHA256.hex(Array((head + recorded.hash).utf8))
        #expect(try sandbox.run(["verify"], as: Staff.head).stdout.contains("Log head: \(try sandbox.events().count) events, SHA-256 \(head)"))
    }

    @Test func checkpointNeverReplacesAFileAndIsForTheHeadteacherAndTheDSL() throws {
        let sandbox = try Sandbox(.staff)
        let before = try sandbox.dump()
        let existing = sandbox.path("existing.json")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        for (out, status) in [(existing, Int32(73)), (sandbox.database, 73), (sandbox.database + "-wal", 73), (sandbox.path("no/such/folder/c.json"), 74)] {
            let result = try sandbox.run(["checkpoint", "--out", out], as: Staff.head)
            #expect(result.status == status, "\(out): \(result)")
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
        for actor in [Staff.manager, Staff.hr] {
            let result = try sandbox.run(["checkpoint", "--out", sandbox.path("c-\(actor).json")], as: actor)
            #expect(result.status == 77, "\(actor): \(result)")
            #expect(!FileManager.default.fileExists(atPath: sandbox.path("c-\(actor).json")))
        }
        #expect(try sandbox.dump() == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func verifyRefusesAFileThatIsNotACheckpoint() throws {
        let sandbox = try Sandbox(.staff)
        let bogus = sandbox.path("bogus.json")
        try Data(#"{"format":"casebook-checkpoint","version":1,"logHead":{"events":1,"hash":"xyz"},"streams":[]}"#.utf8)
            .write(to: URL(fileURLWithPath: bogus))
        let result = try sandbox.run(["verify", "--checkpoint", bogus], as: Staff.head)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("is not a Casebook checkpoint"))
    }

    // MARK: Exports against the database

    @Test func anExportIsCheckedAgainstTheDatabaseThatStillHoldsItsChain() throws {
        let sandbox = try Sandbox(.closedCase)
        let export = sandbox.path("timeline.json")
        try sandbox.succeed(["timeline", sandbox.reference, "--format", "json", "--out", export], as: Staff.safeguarding)
        let file = try SQLiteFile(sandbox.database)
        let stream = "case/\(sandbox.reference)"
        let last = try #require(try file.events(in: stream).last)
        // The export's chain head is in its audit entry.
        let audit = try #require(try file.events(in: "audit").last?.payloadText)
        #expect(audit.contains(#""chainHead":{"hash":"\#(last.hash)","version":\#(last.version)}"#), "\(audit)")

        let intact = try sandbox.run(["verify", "--export", export])
        #expect(intact.status == 0, "\(intact)")
        #expect(intact.stdout.contains("still holds this chain"), "\(intact)")

        // A consistent rewrite of the database after the export.
        let note = try file.version(of: "InvestigationNoteAdded", in: stream)
        try file.withoutTriggers { try file.rewrite(stream: stream, version: note, payload: #"{"text":"Rewritten.","v":1}"#) }
        let diverged = try sandbox.run(["verify", "--export", export])
        #expect(diverged.status == 3, "\(diverged)")
        #expect(diverged.stdout.contains("BREAK \(stream) v\(note): diverged-from-export"), "\(diverged)")
        #expect(diverged.stdout.contains("FAILED: the export is intact, but the database no longer holds the history it shows."))
        let json = try sandbox.run(["verify", "--export", export], json: true).jsonObject()
        #expect((json["breaks"] as? [[String: Any]])?.first?["kind"] as? String == "diverged-from-export")
        // The audit trail's record of the export shows it too, without the file.
        let whole = try sandbox.run(["verify"], as: Staff.safeguarding)
        #expect(whole.status == 3, "\(whole)")
        #expect(whole.stdout.contains("BREAK \(stream) v\(last.version): diverged-from-export: audit v1 records an export"), "\(whole)")

        // Standalone, with no database reachable, the export still verifies on its own.
        let elsewhere = try Sandbox(.empty)
        let alone = try CasebookBinary.run(["verify", "--export", export], in: elsewhere.directory)
        #expect(alone.status == 0, "\(alone)")
        #expect(!alone.stdout.contains("database"), "\(alone)")
    }
}
