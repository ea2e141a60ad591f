import Foundation
import Testing

@testable import CasebookCLI

/// `verify` and `rebuild` show progress on standard error: on a terminal once a run takes
/// more than a second; otherwise only with `--progress` (issue 15).
@Suite struct ProgressTests {
    @Test(arguments: [("verify", Staff.safeguarding), ("rebuild", Staff.head)])
    func progressIsPrintedOnlyWithTheFlagWhenStandardErrorIsNotATerminal(command: String, actor: String) throws {
        let sandbox = try Sandbox(.closedCase)
        let events = try sandbox.events().count
        let quiet = try sandbox.succeed([command], as: actor)
        #expect(quiet.stderr.isEmpty, "\(quiet)")

        let shown = try sandbox.succeed([command, "--progress"], as: actor)
        let lines = shown.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("\(command): ") && $0.contains(" of \(events) events (") }, "\(shown)")
        #expect(lines.last?.hasPrefix("\(command): \(events) of \(events) events (100%) in ") == true, "\(shown)")
        #expect(!shown.stderr.contains("\r"), "no terminal control on a file or pipe")
        // The report on standard output is the same with or without it.
        #expect(shown.stdout == quiet.stdout)

        // With --json, standard output stays one JSON object.
        let json = try sandbox.succeed([command, "--progress"], as: actor, json: true)
        #expect(try json.jsonObject()["events"] as? Int == events)
        #expect(json.stderr.contains("events (100%)"))
    }

    /// A sink that records what was written, and a clock the test moves.
    final class Recorder {
        var written: [String] = []
        var now = 100.0
    }

    @Test func onATerminalAQuickRunShowsNothingAndALongOneALineRewrittenInPlaceThenCleared() {
        let recorder = Recorder()
        let sink = ProgressReport.Sink(write: { recorder.written.append($0) }, isTerminal: true)
        let quick = ProgressReport("verify", sink: sink, forced: false, seconds: { recorder.now })
        recorder.now += 0.5
        quick.update(10, 100)
        quick.finish(100)
        #expect(recorder.written.isEmpty)

        let long = ProgressReport("rebuild", sink: sink, forced: false, seconds: { recorder.now })
        recorder.now += 0.9
        long.update(10, 200)
        #expect(recorder.written.isEmpty)
        recorder.now += 0.2
        long.update(50, 200)
        recorder.now += 0.01
        long.update(60, 200)  // within a tenth of a second of the last: not redrawn
        recorder.now += 0.2
        long.update(100, 200)
        long.finish(200)
        #expect(recorder.written == ["\r\u{1B}[Krebuild: 50 of 200 events (25%)", "\r\u{1B}[Krebuild: 100 of 200 events (50%)", "\r\u{1B}[K"])
    }

    @Test func withTheFlagOnAFileALineAtMostEverySecondAndTheTotal() {
        let recorder = Recorder()
        let sink = ProgressReport.Sink(write: { recorder.written.append($0) }, isTerminal: false)
        let report = ProgressReport("verify", sink: sink, forced: true, seconds: { recorder.now })
        report.update(10, 100)
        recorder.now += 0.5
        report.update(20, 100)
        recorder.now += 0.6
        report.update(30, 100)
        recorder.now += 0.4
        report.finish(100)
        #expect(recorder.written == [
            "verify: 10 of 100 events (10%)\n", "verify: 30 of 100 events (30%)\n", "verify: 100 of 100 events (100%) in 1.5 s\n",
        ])

        let silent = ProgressReport("verify", sink: sink, forced: false, seconds: { recorder.now })
        recorder.written = []
        silent.update(1, 2)
        silent.finish(2)
        #expect(recorder.written.isEmpty)
    }
}
