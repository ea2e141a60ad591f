import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output that cannot be written — full (`/dev/full`), closed, a broken pipe, a
/// reader that stops early — gives exit 74, never a signal or a crash; a step already
/// recorded says so on stderr, so a script does not record it twice (SPEC §5).
@Suite struct OutputStreamTests {
    /// Runs the binary with standard output going to `output`; standard error is read back.
    static func run(_ arguments: [String], in sandbox: Sandbox, as actor: String?, output: FileHandle, errors: FileHandle? = nil) throws -> CLIResult {
        let errorsPath = sandbox.path(".run-\(UUID().uuidString).err")
        try Data().write(to: URL(fileURLWithPath: errorsPath))
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
        let process = Process()
        process.executableURL = try CasebookBinary.url()
        process.arguments = ["--db", sandbox.database] + (actor.map { ["--as", $0] } ?? []) + arguments
        process.currentDirectoryURL = sandbox.directory
        process.environment = CasebookBinary.environment(home: sandbox.directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors ?? errorHandle
        try process.run()
        process.waitUntilExit()
        try errorHandle.close()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let stderr = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errorsPath)), as: UTF8.self)
        try? FileManager.default.removeItem(atPath: errorsPath)
        return CLIResult(status: status, output: Data(), stderr: stderr)
    }

    static func evidenceAdd(_ sandbox: Sandbox) -> [String] {
        ["evidence", "add", sandbox.reference, "--kind", "web", "--url", "https://forum.parents.example/t/413", "--at", When.at(3)]
    }

    static func evidenceCount(_ sandbox: Sandbox) throws -> Int {
        try sandbox.events().filter { $0.type == "EvidenceCaptured" }.count
    }

    @Test(arguments: [false, true])
    func aStepIntoAFullOutputSaysItWasRecorded(json: Bool) throws {
        let sandbox = try Sandbox(.openCase)
        let before = try Self.evidenceCount(sandbox)
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try Self.run((json ? ["--json"] : []) + Self.evidenceAdd(sandbox), in: sandbox, as: Staff.manager, output: full)
        #expect(result.status == 74, "\(result)")
        #expect(
            result.stderr.hasPrefix(
                "error: recorded as E3 on \(sandbox.reference); its confirmation could not be printed (cannot write to standard output: No space left on device)\n"),
            "\(result)")
        #expect(result.stderr.contains("hint: do not run the command again: it was done"))
        #expect(try Self.evidenceCount(sandbox) == before + 1)
    }

    @Test func aReadIntoAFullOutputIsAnIOErrorThatSaysTheReadWasRecorded() throws {
        let sandbox = try Sandbox(.openCase)
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try Self.run(["show", sandbox.reference], in: sandbox, as: Staff.manager, output: full)
        #expect(result.status == 74, "\(result)")
        #expect(
            result.stderr
                == "error: nothing could be printed (cannot write to standard output: No space left on device), but your reading of \(sandbox.reference) was recorded in the audit trail\n",
            "\(result)")
        let audit = try Self.run(["audit"], in: sandbox, as: Staff.head, output: full)
        #expect(audit.status == 74, "\(audit)")
        #expect(audit.stderr.contains("but your reading of the audit trail was recorded in the audit trail"), "\(audit)")
        // An error to report, with standard error full as well: still 74, no crash.
        let both = try Self.run(["show", "CB-2026-9999"], in: sandbox, as: Staff.manager, output: full, errors: full)
        #expect(both.status == 74, "\(both)")
    }

    /// A pipe whose reader has gone: SIGPIPE is ignored and the write fails with EPIPE.
    @Test func aBrokenPipeIsAnIOErrorNotASignal() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try Self.evidenceCount(sandbox)
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        close(ends[0])
        let writer = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        let result = try Self.run(Self.evidenceAdd(sandbox), in: sandbox, as: Staff.manager, output: writer)
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.hasPrefix("error: recorded as E3 on \(sandbox.reference); its confirmation could not be printed (cannot write to standard output: Broken pipe)"), "\(result)")
        #expect(try Self.evidenceCount(sandbox) == before + 1)
    }

    /// With standard output closed nothing is run: no confirmation could ever be printed.
    @Test func aClosedOutputRecordsNothing() throws {
        let sandbox = try Sandbox(.openCase)
        let before = try sandbox.dump()
        let result = try CasebookBinary.start(
            ["-c", #"exec "$0" "$@" >&-"#, try CasebookBinary.url().path, "--db", sandbox.database, "--as", Staff.manager]
                + Self.evidenceAdd(sandbox),
            in: sandbox.directory, executable: URL(fileURLWithPath: "/bin/sh")
        ).finish()
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.hasPrefix("error: standard output is closed; nothing was done\n"), "\(result)")
        #expect(try sandbox.dump() == before)
    }

    /// `casebook … | head -1` over a document far larger than a pipe holds: the reader
    /// stops after one line, the next write fails, and the export (already recorded) says so.
    @Test func aReaderThatStopsEarlyGivesSeventyFour() throws {
        let sandbox = try Sandbox(.openCase)
        // Fifteen notes of 20,000 characters: a timeline of 300 KB, far more than a pipe holds.
        let note = String(String(repeating: "Long statement from the Head of Year. ", count: 600).prefix(20_000))
        for index in 0..<15 {
            try sandbox.succeed(["investigate", "note", sandbox.reference, note, "--at", When.at(3 + Double(index) / 20)])
        }
        let result = try CasebookBinary.start(
            ["-c", #""$0" "$@" | head -1 >/dev/null; exit "${PIPESTATUS[0]}""#, try CasebookBinary.url().path, "--db", sandbox.database,
             "--as", Staff.safeguarding, "timeline", sandbox.reference],
            in: sandbox.directory, executable: URL(fileURLWithPath: "/bin/bash")
        ).finish()
        #expect(result.status == 74, "\(result)")
        #expect(
            result.stderr.hasPrefix(
                "error: recorded the export of the timeline of \(sandbox.reference) in the audit trail; its confirmation could not be printed (cannot write to standard output: Broken pipe)"),
            "\(result)")
    }

    @Test func aCheckpointIsRecordedAndItsIOErrorNamesTheFileWritten() throws {
        let sandbox = try Sandbox(.openCase)
        let out = sandbox.path("checkpoint.json")
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try Self.run(["checkpoint", "--out", out], in: sandbox, as: Staff.safeguarding, output: full)
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.hasPrefix("error: wrote the checkpoint \(out) and recorded it in the audit trail; its confirmation could not be printed"), "\(result)")
        #expect(FileManager.default.fileExists(atPath: out))
        let audit = try sandbox.succeed(["audit"], as: Staff.head)
        #expect(audit.stdout.contains("took a checkpoint of the log"), "\(audit)")
    }

    @Test func aReadThatFailsAfterItWasRecordedSaysSo() throws {
        let sandbox = try Sandbox(.openCase)
        // A damaged setting: show records the read, then cannot read the waiting times.
        try SQLiteFile(sandbox.database).forge(
            stream: "settings", type: "SettingChanged", actor: Staff.head, payload: #"{"key":"helpline.posh.wait-hours","value":-5,"v":1}"#)
        let result = try sandbox.run(["show", sandbox.reference], as: Staff.manager)
        #expect(result.status == 65, "\(result)")
        #expect(!result.stderr.contains("nothing was written"), "\(result)")
        #expect(result.stderr.contains("note: your reading of \(sandbox.reference) was recorded in the audit trail, though nothing could be shown"), "\(result)")
    }
}
