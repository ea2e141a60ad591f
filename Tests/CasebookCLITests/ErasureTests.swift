import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 19 item 7 through the real binary: a distinctive byte string purged or redacted is
/// found in no file of the database's folder afterwards, nor in a later backup, also when
/// another connection was reading during the erasure; a killed backup's temporary copy is
/// removed by the next command.
@Suite struct ErasureTests {
    /// Every file of `folder` (and below) that holds `needle`.
    static func files(in folder: String, holding needle: String) -> [String] {
        let bytes = Data(needle.utf8)
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            let path = folder + "/" + name
            if let data = FileManager.default.contents(atPath: path), data.range(of: bytes) != nil { found.append(name) }
        }
        return found.sorted()
    }

    struct Canaries {
        let file: String
        let description: String
        let note: String
        init() {
            let id = UUID().uuidString
            file = "FILECANARY-\(id)"
            description = "DESCCANARY-\(id)"
            note = "NOTECANARY-\(id)"
        }
        var all: [String] { [file, description, note] }
    }

    /// The open case with an e-mail evidence item whose file and description, and a note,
    /// hold the canaries; returns the evidence id and the note's version.
    static func record(_ sandbox: Sandbox, _ canaries: Canaries) throws -> (evidence: String, note: Int) {
        let mail = sandbox.path("canary.eml")
        let body = "From: a@example.com\r\nSubject: x\r\n\r\n" + String(repeating: canaries.file + "\r\n", count: 40)
        try Data(body.utf8).write(to: URL(fileURLWithPath: mail))
        try sandbox.succeed([
            "evidence", "add", sandbox.reference, "--kind", "email", "--file", mail, "--description", canaries.description,
            "--at", When.at(3),
        ])
        try FileManager.default.removeItem(atPath: mail)
        try sandbox.succeed(["investigate", "note", sandbox.reference, canaries.note, "--at", When.at(3.5)])
        let file = try SQLiteFile(sandbox.database)
        let stream = "case/\(sandbox.reference)"
        let evidence = try file.events(in: stream).filter { $0.type == "EvidenceCaptured" }.count
        return ("E\(evidence)", try file.version(of: "InvestigationNoteAdded", in: stream))
    }

    @Test func purgedAndRedactedContentLeavesEveryFileAndLaterBackups() throws {
        let sandbox = try Sandbox(.openCase)
        let canaries = Canaries()
        let (evidence, note) = try Self.record(sandbox, canaries)
        #expect(!Self.files(in: sandbox.directory.path, holding: canaries.file).isEmpty)
        _ = evidence
        let evidenceVersion = try SQLiteFile(sandbox.database).events(in: "case/\(sandbox.reference)")
            .last { $0.type == "EvidenceCaptured" }?.version ?? 0
        // Redacting the evidence purges its file first, then erases its description, in one command.
        try sandbox.succeed(["redact", sandbox.reference, "--version", "\(evidenceVersion)", "--reason", "Erasure request"], as: Staff.head)
        try sandbox.succeed(["redact", sandbox.reference, "--version", "\(note)", "--reason", "Erasure request"], as: Staff.head)
        // And a purge of another item's file says its bytes are deleted only because they are.
        let purge = try sandbox.succeed(["evidence", "purge", sandbox.reference, "E1", "--reason", "Erasure request"], as: Staff.head)
        #expect(purge.stdout.contains("bytes deleted"), "\(purge)")
        for canary in canaries.all {
            #expect(Self.files(in: sandbox.directory.path, holding: canary) == [], "\(canary)")
        }
        try sandbox.succeed(["backup", "--out", sandbox.path("backup.sqlite")], as: Staff.head)
        for canary in canaries.all {
            #expect(Self.files(in: sandbox.directory.path, holding: canary) == [], "\(canary)")
        }
    }

    @Test func withAReaderOpenTheCommandSaysTheBytesRemainUntilItFinishesAndTheNextCommandRemovesThem() throws {
        let sandbox = try Sandbox(.openCase)
        let canaries = Canaries()
        let (evidence, note) = try Self.record(sandbox, canaries)
        var reader: SQLiteFile? = try SQLiteFile(sandbox.database)
        // A reader in the middle of a snapshot, as a server or a running verify holds one.
        try reader?.execute("BEGIN")
        _ = try reader?.rows("SELECT count(*) FROM events")
        let purge = try sandbox.succeed(["evidence", "purge", sandbox.reference, evidence, "--reason", "Erasure request"], as: Staff.head)
        #expect(!purge.stdout.contains("bytes deleted"), "\(purge)")
        #expect(purge.stdout.contains("copies of the erased content remain in \(sandbox.database)-wal until it finishes"), "\(purge)")
        let redact = try sandbox.succeed(["redact", sandbox.reference, "--version", "\(note)", "--reason", "Erasure"], as: Staff.head)
        #expect(redact.stdout.contains("remain in \(sandbox.database)-wal"), "\(redact)")
        // The reader finishes but keeps its connection (a server), and the next command runs.
        try reader?.execute("COMMIT")
        try sandbox.succeed(["list"])
        for canary in [canaries.file, canaries.note] {
            #expect(Self.files(in: sandbox.directory.path, holding: canary) == [], "\(canary)")
        }
        reader = nil
        try sandbox.succeed(["backup", "--out", sandbox.path("backup.sqlite")], as: Staff.head)
        for canary in [canaries.file, canaries.note] {
            #expect(Self.files(in: sandbox.directory.path, holding: canary) == [], "\(canary)")
        }
    }

    @Test func aKilledBackupsTemporaryCopyIsRemovedByTheNextCommand() throws {
        let sandbox = try Sandbox(.openCase)
        let elsewhere = sandbox.path("backups")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        // What a backup killed part-way leaves: its temporary copy (beside the database, or
        // in the backup's folder with a note beside the database naming it).
        let beside = sandbox.path(".casebook.sqlite.casebook-tmp-0badf00d")
        let away = elsewhere + "/.copy.sqlite.casebook-tmp-12345678"
        for path in [beside, away, away + "-journal"] {
            try FileManager.default.copyItem(atPath: sandbox.database, toPath: path)
        }
        let note = sandbox.path(".casebook.sqlite.casebook-tmp-87654321.where")
        try Data(away.utf8).write(to: URL(fileURLWithPath: note))
        try sandbox.succeed(["list"])
        for path in [beside, away, away + "-journal", note] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path)")
        }
    }

    @Test func aBackupInProgressIsLeftAloneAndItsTemporaryIsPrivate() throws {
        let sandbox = try Sandbox(.openCase)
        // A temporary file whose maker still holds its lock is not abandoned.
        let held = sandbox.path(".casebook.sqlite.casebook-tmp-00c0ffee")
        let descriptor = open(held, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX) == 0)
        try sandbox.succeed(["list"])
        #expect(FileManager.default.fileExists(atPath: held))
    }
}
