import Foundation
import Testing

import EventLog

/// Several `eventlog-tool` processes appending to one file at once lose nothing and
/// duplicate nothing: optimistic concurrency turns every race into a conflict and a retry.
@Suite struct ConcurrencyTests {
    static let processCount = 4
    static let eventsPerProcess = 200

    /// Which streams the processes write to.
    enum Layout: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sameStream = "all to one stream"
        case ownStreams = "each to its own stream"
        case mixed = "half to one stream, half to their own"

        var testDescription: String { rawValue }

        /// Whether two processes write to one stream, and so must meet conflicts.
        var isShared: Bool { self != .ownStreams }

        /// The stream process `index` appends to.
        func stream(forProcess index: Int) -> String {
            switch self {
            case .sameStream: "case/CB-2026-0001"
            case .ownStreams: "case/CB-2026-\(String(format: "%04d", index + 10))"
            case .mixed: index.isMultiple(of: 2) ? "case/CB-2026-0001" : "staff-\(index)"
            }
        }
    }

    @Test("Concurrent appending processes: versions 1…n per stream, n as reported, chains intact",
          arguments: Layout.allCases, [1, 7])
    func concurrentAppends(layout: Layout, batch: Int) throws {
        let directory = try TemporaryDirectory()
        let path = try Fixture.makeStore(in: directory.url).database.path
        let runs = try (0..<Self.processCount).map { index in
            let output = directory.url.appendingPathComponent("p\(index).out")
            let errors = directory.url.appendingPathComponent("p\(index).err")
            let arguments = [
                "append", path, "--stream", layout.stream(forProcess: index),
                "--count", "\(Self.eventsPerProcess)", "--batch", "\(batch)",
                // Up to 2 ms between transactions lets the others' busy handlers in.
                "--jitter", "2000",
            ]
            return (process: try EventLogTool.start(arguments, output: output, errors: errors), output: output, errors: errors)
        }
        var reported: [EventReference] = []
        var conflicts = 0
        for run in runs {
            run.process.waitUntilExit()
            let errors = try String(contentsOf: run.errors, encoding: .utf8)
            #expect(run.process.terminationStatus == 0, "\(errors)")
            conflicts += try #require(EventLogTool.retriedConflicts(in: errors), "\(errors)")
            let committed = EventLogTool.committed(in: try String(contentsOf: run.output, encoding: .utf8))
            #expect(committed.count == Self.eventsPerProcess)
            reported += committed
        }
        #expect(Set(reported).count == reported.count, "an event was reported twice")
        // Writers of their own streams never conflict. (Writers of one stream usually race
        // and retry, but whether they do depends on the scheduler, so it is not asserted:
        // a test never depends on winning a race.)
        if !layout.isShared { #expect(conflicts == 0, "\(conflicts) conflicts") }

        let store = try EventStore.open(at: path, schema: Fixture.schema)
        let stored = try Fixture.references(in: store)
        #expect(stored.count == Self.processCount * Self.eventsPerProcess)
        #expect(Set(stored) == Set(reported))
        for (stream, references) in Dictionary(grouping: stored, by: \.stream) {
            #expect(references.map(\.version) == Array(1...references.count), "\(stream)")
        }
        let verifier = try store.verifyChains()
        #expect(verifier.isIntact, "\(verifier.breaks.prefix(5))")
        #expect(verifier.eventCount == stored.count)
    }
}
