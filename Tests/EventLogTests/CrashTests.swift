import Foundation
import Testing

import EventLog

/// A writer killed with SIGKILL at a random moment, again and again on one file, never
/// leaves a damaged database or loses an event it reported committed.
@Suite struct CrashTests {
    static let rounds = 25
    static let streams = ["case/CB-2026-0001", "case/CB-2026-0002", "staff"]

    @Test("SIGKILL after 0–300 ms: integrity_check passes, chains verify, every reported event is there",
          .timeLimit(.minutes(2)))
    func killedWriterLosesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = try Fixture.makeStore(in: directory.url).database.path
        var reported: Set<EventReference> = []
        for round in 1...Self.rounds {
            let output = directory.url.appendingPathComponent("round\(round).out")
            let errors = directory.url.appendingPathComponent("round\(round).err")
            let batch = Int.random(in: 1...8)
            let writer = try EventLogTool.start(
                ["append", path, "--stream", Self.streams[round % Self.streams.count], "--count", "1000000",
                 "--batch", "\(batch)"],
                output: output, errors: errors)
            let delay = UInt32.random(in: 0...300_000)
            usleep(delay)
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
            let context: Comment = "round \(round), batch \(batch), killed after \(delay / 1000) ms"
            #expect(writer.terminationReason == .uncaughtSignal, context)
            #expect(writer.terminationStatus == SIGKILL, context)
            #expect(try String(contentsOf: errors, encoding: .utf8) == "", context)
            let committed = EventLogTool.committed(in: try String(contentsOf: output, encoding: .utf8))
            reported.formUnion(committed)

            let database = try Database(path: path, mode: .existing)
            #expect(try database.scalarText("PRAGMA integrity_check") == "ok", context)
            let store = try EventStore.open(at: path, schema: Fixture.schema)
            let verifier = try store.verifyChains()
            #expect(verifier.isIntact, "\(context): \(verifier.breaks.prefix(3))")
            let stored = Set(try Fixture.references(in: store))
            #expect(reported.isSubset(of: stored), "\(context): \(reported.subtracting(stored).prefix(5)) lost")
        }
        #expect(!reported.isEmpty, "no round reported a commit before it was killed")
    }
}
