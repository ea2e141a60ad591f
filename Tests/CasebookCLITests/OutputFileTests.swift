import Casebook
import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The files a command writes (SPEC §5) — `--out` of `timeline` and `outcomes`, `evidence
/// get`, `backup`, `init` — with the real binary on real files: created new, 0600 whatever
/// the umask, never over an existing path, never the database, whole or not at all; and
/// standard output that cannot be written (exit 74, never a signal).
@Suite struct OutputFileTests {
    /// Every command that writes a file, with `--out` aimed at `target` and who may run it.
    static func commands(_ sandbox: Sandbox, target: String) -> [(arguments: [String], actor: String)] {
        [
            (["timeline", sandbox.reference, "--format", "json", "--out", target], Staff.safeguarding),
            (["outcomes", "--out", target], Staff.hr),
            (["backup", "--out", target], Staff.head),
            (["evidence", "get", sandbox.reference, "E1", "--out", target], Staff.manager),
        ]
    }

    /// The database's file and write-ahead log, byte for byte. A read command first
    /// checkpoints the template's log, so that later reads leave the bytes as they are.
    static func settle(_ sandbox: Sandbox) throws -> [Data?] {
        try sandbox.succeed(["list"])
        return databaseBytes(sandbox)
    }

    static func databaseBytes(_ sandbox: Sandbox) -> [Data?] {
        ["", "-wal", "-journal"].map { FileManager.default.contents(atPath: sandbox.database + $0) }
    }

    /// Names in the sandbox's folder other than the runs' own output files.
    static func names(in folder: String) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".run-") })
    }

    // MARK: Refused targets

    enum Target: String, CaseIterable, CustomTestStringConvertible {
        case database, wal, shm, journal, existingFile, symlinkToDatabase, symlinkToFile, danglingSymlink, folder, devNull
        case trailingSlash

        var testDescription: String { rawValue }

        /// Makes the target in the sandbox; returns its path.
        func make(in sandbox: Sandbox) throws -> String {
            switch self {
            case .database: return sandbox.database
            case .wal: return sandbox.database + "-wal"
            case .shm: return sandbox.database + "-shm"
            case .journal: return sandbox.database + "-journal"
            case .existingFile:
                try Data("my notes".utf8).write(to: URL(fileURLWithPath: sandbox.path("notes.txt")))
                return sandbox.path("notes.txt")
            case .symlinkToDatabase:
                try FileManager.default.createSymbolicLink(atPath: sandbox.path("link.sqlite"), withDestinationPath: sandbox.database)
                return sandbox.path("link.sqlite")
            case .symlinkToFile:
                try Data("my notes".utf8).write(to: URL(fileURLWithPath: sandbox.path("notes.txt")))
                try FileManager.default.createSymbolicLink(atPath: sandbox.path("link.txt"), withDestinationPath: "notes.txt")
                return sandbox.path("link.txt")
            case .danglingSymlink:
                try FileManager.default.createSymbolicLink(atPath: sandbox.path("link.txt"), withDestinationPath: "nowhere.txt")
                return sandbox.path("link.txt")
            case .folder:
                try FileManager.default.createDirectory(atPath: sandbox.path("reports"), withIntermediateDirectories: false)
                return sandbox.path("reports")
            case .devNull: return "/dev/null"
            case .trailingSlash: return sandbox.directory.path + "/new-folder/"
            }
        }
    }

    @Test(arguments: Target.allCases)
    func outAimedAtAnExistingPathOrTheDatabaseIsRefused(_ kind: Target) throws {
        let sandbox = try Sandbox(.closedCase)
        let target = try kind.make(in: sandbox)
        let before = try Self.settle(sandbox)
        let names = Self.names(in: sandbox.directory.path)
        let notes = FileManager.default.contents(atPath: sandbox.path("notes.txt"))
        for (arguments, actor) in Self.commands(sandbox, target: target) {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == 73, "\(arguments): \(result)")
            #expect(result.stderr.contains("hint: nothing was written; choose a new name: Casebook never replaces a file"), "\(result)")
            #expect(Self.databaseBytes(sandbox) == before, "\(arguments) changed the database's files")
            #expect(Self.names(in: sandbox.directory.path) == names, "\(arguments) left a file behind")
            #expect(FileManager.default.contents(atPath: sandbox.path("notes.txt")) == notes)
        }
        #expect(try ReportCommandTests.audit(sandbox).isEmpty, "a refused export was recorded")
        #expect(try sandbox.run(["verify"], as: Staff.safeguarding).status == 0)
    }

    @Test func theMessageSaysWhatIsInTheWay() throws {
        let sandbox = try Sandbox(.openCase)
        func message(_ kind: Target) throws -> String {
            let target = try kind.make(in: sandbox)
            return try sandbox.run(["outcomes", "--out", target], as: Staff.hr).stderr
        }
        #expect(try message(.database).hasPrefix("error: \(sandbox.database) is the database\n"))
        #expect(try message(.wal).hasPrefix("error: \(sandbox.database)-wal "))
        #expect(try message(.symlinkToDatabase).hasPrefix("error: \(sandbox.path("link.sqlite")) is a symbolic link to the database\n"))
        #expect(try message(.devNull).hasPrefix("error: /dev/null is a device\n"))
        #expect(try message(.folder).hasPrefix("error: \(sandbox.path("reports")) is a folder\n"))
        #expect(try message(.existingFile).hasPrefix("error: a file already exists at \(sandbox.path("notes.txt"))\n"))
    }

    /// `--db` given through a symbolic link or a path with `..`: the database is still
    /// recognised by its canonical path and its inode.
    @Test func theDatabaseIsRecognisedWhateverItsPathIsCalled() throws {
        let sandbox = try Sandbox(.openCase)
        try FileManager.default.createDirectory(atPath: sandbox.path("sub"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("sub/db-link"), withDestinationPath: sandbox.database)
        let before = try Self.settle(sandbox)
        for (database, target) in [
            (sandbox.path("sub/db-link"), sandbox.path("sub/../casebook.sqlite-wal")),
            (sandbox.path("sub/db-link"), sandbox.path("sub/db-link-journal")),
            (sandbox.path("sub/../casebook.sqlite"), sandbox.database + "-journal"),
            (sandbox.database, sandbox.path("sub/../casebook.sqlite-shm")),
        ] {
            let result = try CasebookBinary.run(
                ["--db", database, "--as", Staff.hr, "outcomes", "--out", target], in: sandbox.directory)
            #expect(result.status == 73, "\(database) → \(target): \(result)")
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        #expect(Self.databaseBytes(sandbox) == before)
    }

    // MARK: Files made

    /// Under umask 000 every file is still 0600 (and `evidence get`'s folder 0700).
    @Test func filesAre0600WhateverTheUmask() throws {
        let sandbox = try Sandbox(.openCase)
        let binary = try CasebookBinary.url().path
        func run(_ arguments: [String]) throws -> CLIResult {
            try CasebookBinary.start(
                ["-c", #"umask 000; exec "$0" "$@""#, binary] + arguments, in: sandbox.directory,
                executable: URL(fileURLWithPath: "/bin/sh")
            ).finish()
        }
        let made = [
            (["--db", sandbox.path("new.sqlite"), "init", "--admin", "head", "--name", "Head"], sandbox.path("new.sqlite")),
            (["--db", sandbox.database, "--as", Staff.safeguarding, "timeline", sandbox.reference, "--out", sandbox.path("t.html"), "--format", "html"], sandbox.path("t.html")),
            (["--db", sandbox.database, "--as", Staff.hr, "outcomes", "--out", sandbox.path("o.csv"), "--format", "csv"], sandbox.path("o.csv")),
            (["--db", sandbox.database, "--as", Staff.head, "backup", "--out", sandbox.path("copy.sqlite")], sandbox.path("copy.sqlite")),
            (["--db", sandbox.database, "--as", Staff.manager, "evidence", "get", sandbox.reference, "E1", "--out", sandbox.path("E1")], sandbox.path("E1/screenshot-post.png")),
        ]
        for (arguments, path) in made {
            let result = try run(arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
            var info = stat()
            #expect(lstat(path, &info) == 0, "\(path) was not made")
            #expect(info.st_mode & 0o777 == 0o600, "\(path): mode \(String(info.st_mode & 0o777, radix: 8))")
            #expect(info.st_mode & S_IFMT == S_IFREG)
        }
        var folder = stat()
        #expect(lstat(sandbox.path("E1"), &folder) == 0 && folder.st_mode & 0o777 == 0o700)
        #expect(Self.names(in: sandbox.directory.path).allSatisfy { !$0.contains(NewFile.temporaryMarker) })
        // The backup is a whole database, which verifies on its own.
        let restored = try CasebookBinary.run(["--db", sandbox.path("copy.sqlite"), "--as", Staff.manager, "verify"], in: sandbox.directory)
        #expect(restored.status == 0, "\(restored)")
    }

    /// A folder that `evidence get` writes into appears whole: it must be new.
    @Test func evidenceGetNeverWritesIntoAnExistingFolder() throws {
        let sandbox = try Sandbox(.openCase)
        let folder = sandbox.path("exports")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let result = try sandbox.run(["evidence", "get", sandbox.reference, "E1", "--out", folder], as: Staff.manager)
        #expect(result.status == 73, "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let made = try sandbox.run(["evidence", "get", sandbox.reference, "E1", "--out", folder + "/E1"], as: Staff.manager)
        #expect(made.status == 0, "\(made)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/E1") == ["screenshot-post.png"])
    }

    /// The export is recorded only once its file is in place; if recording fails, the
    /// file is taken away again, so a failed export leaves neither.
    @Test func anExportWhoseAuditEntryFailsLeavesNoFile() throws {
        let sandbox = try Sandbox(.closedCase)
        try SQLiteFile(sandbox.database).execute(
            """
            CREATE TRIGGER test_refuse_audit BEFORE INSERT ON events WHEN NEW.stream = 'audit'
            BEGIN SELECT RAISE(ABORT, 'the audit stream refuses this'); END;
            """)
        let names = Self.names(in: sandbox.directory.path)
        for (arguments, actor) in [
            (["timeline", sandbox.reference, "--out", sandbox.path("t.txt")], Staff.safeguarding),
            (["outcomes", "--out", sandbox.path("o.txt")], Staff.hr),
            // The police bundle, with its exhibits/… subfolders.
            (["timeline", sandbox.reference, "--bundle", sandbox.path("b"), "--recipient", "DC Rao"], Staff.safeguarding),
        ] {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("the audit stream refuses this"), "\(result)")
            #expect(Self.names(in: sandbox.directory.path) == names, "\(arguments) left its file")
        }
        #expect(try SQLiteFile(sandbox.database).scalar("SELECT count(*) FROM events WHERE stream = 'audit'") == "0")
    }

    // MARK: A full disk

    /// A 2 MB tmpfs, nearly filled, for the target folder (the database stays elsewhere).
    final class SmallDisk {
        let directory: String

        /// Whether tmpfs can be mounted here (root in a container that allows it).
        static let isAvailable: Bool = {
            let probe = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-mount-probe-\(UUID().uuidString)").path
            guard mkdir(probe, 0o700) == 0 else { return false }
            defer { rmdir(probe) }
            guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else {
                print("OutputFileTests: skipping the full-disk tests: cannot mount a tmpfs (\(String(cString: strerror(errno)))); they need root")
                return false
            }
            umount(probe)
            return true
        }()

        /// Mounts it and fills it, leaving about `free` bytes.
        init(leaving free: Int) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-small-disk-\(UUID().uuidString)").path
            try #require(mkdir(directory, 0o700) == 0)
            try #require(mount("tmpfs", directory, "tmpfs", 0, "size=2m") == 0, "mount: \(String(cString: strerror(errno)))")
            var info = statvfs()
            try #require(statvfs(directory, &info) == 0)
            let available = Int(info.f_bavail) * Int(info.f_bsize)
            let filler = [UInt8](repeating: 0x55, count: max(0, available - free))
            try Data(filler).write(to: URL(fileURLWithPath: directory + "/filler"))
        }

        /// What is on it besides the filler.
        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0 != "filler" } }

        deinit {
            umount(directory)
            rmdir(directory)
        }
    }

    @Test(.enabled(if: SmallDisk.isAvailable, "mounting a 2 MB tmpfs needs root"))
    func aFullDiskLeavesNoFileAndNoAuditEntry() throws {
        let sandbox = try Sandbox(.openCase)
        let disk = try SmallDisk(leaving: 12 * 1024)
        // init: the new database needs more than 12 KB.
        let database = disk.directory + "/casebook.sqlite"
        let initialized = try CasebookBinary.run(["--db", database, "init", "--admin", "head", "--name", "Head"], in: sandbox.directory)
        #expect(initialized.status == 74, "\(initialized)")
        #expect(disk.names.isEmpty, "init left \(disk.names)")
        // backup of the sandbox's database onto the small disk.
        let backup = try sandbox.run(["backup", "--out", disk.directory + "/copy.sqlite"], as: Staff.head)
        #expect(backup.status == 74, "\(backup)")
        #expect(disk.names.isEmpty, "backup left \(disk.names)")
        // timeline --out: an HTML export with its images is larger than 12 KB.
        let timeline = try sandbox.run(
            ["timeline", sandbox.reference, "--format", "html", "--out", disk.directory + "/t.html"], as: Staff.safeguarding)
        #expect(timeline.status == 74, "\(timeline)")
        #expect(timeline.stderr.contains("No space left on device"), "\(timeline)")
        #expect(disk.names.isEmpty, "timeline left \(disk.names)")
        #expect(try ReportCommandTests.audit(sandbox).isEmpty, "an export that failed was recorded")
        // evidence get of three files that do not all fit: no folder at all.
        let files = ["screenshot-post.png", "abusive-email.eml", "voicemail.wav"].flatMap { ["--file", CasebookBinary.fixture($0)] }
        try sandbox.succeed(["evidence", "add", sandbox.reference, "--kind", "other", "--at", When.at(60)] + files, as: Staff.manager)
        let got = try sandbox.run(["evidence", "get", sandbox.reference, "E3", "--out", disk.directory + "/E3"], as: Staff.manager)
        #expect(got.status == 74, "\(got)")
        #expect(disk.names.isEmpty, "evidence get left \(disk.names)")
        // With room, the same commands succeed.
        try FileManager.default.removeItem(atPath: disk.directory + "/filler")
        #expect(try sandbox.run(["backup", "--out", disk.directory + "/copy.sqlite"], as: Staff.head).status == 0)
        #expect(try sandbox.run(["evidence", "get", sandbox.reference, "E3", "--out", disk.directory + "/E3"], as: Staff.manager).status == 0)
    }

    // MARK: SIGKILL

    /// A backup killed part-way leaves nothing at `--out` (a temporary file may remain,
    /// under its own name), and does not block the next backup to the same name.
    @Test func aKilledBackupLeavesNothingAtItsTarget() throws {
        let sandbox = try Sandbox(.openCase)
        // 48 MB of filler in a table of its own, so the copy takes a while.
        try SQLiteFile(sandbox.database).execute(
            """
            CREATE TABLE test_filler(data BLOB);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 48)
            INSERT INTO test_filler SELECT randomblob(1000000) FROM n;
            """)
        let target = sandbox.path("backup.sqlite")
        let running = try sandbox.start(["backup", "--out", target], as: Staff.head)
        // Barrier: the temporary file beside the target exists, so the copy has begun.
        var sawTemporary = false
        while running.process.isRunning {
            if Self.names(in: sandbox.directory.path).contains(where: { $0.hasPrefix(".backup.sqlite" + NewFile.temporaryMarker) }) {
                sawTemporary = true
                kill(running.process.processIdentifier, SIGKILL)
                break
            }
            usleep(200)
        }
        let result = try running.finish()
        #expect(sawTemporary, "no temporary file was seen: \(result)")
        // Killed part-way, nothing is at the target; had the copy been placed just before
        // the signal (or finished first, on a machine that stalled this test), it is whole.
        if FileManager.default.fileExists(atPath: target) {
            #expect(try SQLiteFile(target).integrityCheck() == "ok")
            try FileManager.default.removeItem(atPath: target)
        } else {
            #expect(result.status == 128 + SIGKILL, "\(result)")
        }
        let again = try sandbox.run(["backup", "--out", target], as: Staff.head)
        #expect(again.status == 0, "\(again)")
        #expect(try SQLiteFile(target).integrityCheck() == "ok")
        // Every event but the backup's own audit entry, which is appended once the copy is in place.
        #expect(try SQLiteFile(target).scalar("SELECT count(*) + 1 FROM events") == SQLiteFile(sandbox.database).scalar("SELECT count(*) FROM events"))
    }
}
