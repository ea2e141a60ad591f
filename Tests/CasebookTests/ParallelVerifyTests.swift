import EventLog
import Foundation
import TestSupport
import Testing

@testable import Casebook

private typealias C = Commands

/// `verify` and `rebuild` on a pool of threads (issue 15) find and write exactly what the
/// sequential run does: the same breaks in the same order, the same read models.
@Suite struct ParallelVerifyTests {
    /// Thirty cases of a few steps each, one with a redaction, one with a file.
    static func populated() throws -> ServiceFixture {
        let fixture = try ServiceFixture()
        for number in 0..<30 {
            let reference = try fixture.openCase(summary: "Posts about Mr Jones, report \(number)")
            try fixture.run(C.web("https://social.example.com/post/\(number)"), on: reference)
            if number % 3 == 0 { try fixture.run(C.start, on: reference) }
            if number % 6 == 0 { try fixture.run(C.request(), on: reference) }
            if number == 7 {
                try fixture.casebook.retention.redact(reference, version: 2, reason: "erasure request under UK GDPR", by: Staff.head)
            }
        }
        return fixture
    }

    /// Everything a report says, as text, in its order.
    static func summary(_ report: VerificationReport) throws -> [String] {
        report.breaks.map(\.description) + report.redacted.map { "redacted \($0)" }
            + report.projectionDifferences.map { "read model \($0)" } + report.missingFiles.map { "missing \($0)" }
            + ["events \(report.eventCount)", "streams \(report.streamCount)", "head \(report.logHead.eventCount) \(report.logHead.hash)"]
            + (try report.checkpoint.streams.map(\.description))
    }

    /// One tampering of the file, chosen by `random`, done with the triggers dropped (and
    /// put back, so the schema still matches).
    static func tamper(_ database: Database, _ random: inout SplitMix64) throws {
        let count = try database.scalarInt("SELECT count(*) FROM events") ?? 0
        let position = Int.random(in: 1...count, using: &random)
        let where_ = "WHERE position = \(position)"
        let statements = [
            "UPDATE events SET payload = CAST('{}' AS BLOB) \(where_)",
            "UPDATE events SET actor = 'nobody' \(where_)",
            "UPDATE events SET occurred_at = '2020-01-01T00:00:00.000Z' \(where_)",
            "UPDATE events SET payload = NULL \(where_)",
            "DELETE FROM events \(where_)",
            "UPDATE events SET stream = 'case/CB-2026-99' \(where_)",
            "UPDATE cases SET summary = 'changed' WHERE rowid = \(Int.random(in: 1...30, using: &random))",
        ]
        let statement = statements[Int.random(in: 0..<statements.count, using: &random)]
        var triggers: [(name: String, sql: String)] = []
        try database.forEachRow("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'") { triggers.append(($0.text(0), $0.text(1))) }
        for trigger in triggers { try database.execute("DROP TRIGGER \(trigger.name)") }
        try database.execute(statement)
        for trigger in triggers { try database.execute(trigger.sql) }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func aRandomlyTamperedDatabaseGivesTheSameReportOnOneThreadAndOnMany(seed: UInt64) throws {
        let fixture = try Self.populated()
        var random = SplitMix64(seed: seed)
        for _ in 0..<Int.random(in: 1...4, using: &random) { try Self.tamper(fixture.casebook.store.database, &random) }
        let sequential = try fixture.casebook.maintenance.verify(by: Staff.head, workers: 1, batchSize: 7)
        #expect(!sequential.isIntact, "seed \(seed): the tampering was found")
        for (workers, batchSize) in [(2, 7), (4, 1), (3, 50), (8, 2_000)] {
            let parallel = try fixture.casebook.maintenance.verify(by: Staff.head, workers: workers, batchSize: batchSize)
            #expect(try Self.summary(parallel) == Self.summary(sequential), "seed \(seed), \(workers) workers, batches of \(batchSize)")
        }
    }

    @Test func anIntactDatabaseVerifiesOnManyThreadsAndRebuildsTheSameReadModels() throws {
        let fixture = try Self.populated()
        let sequential = try fixture.casebook.maintenance.verify(by: Staff.head, workers: 1, batchSize: 5)
        #expect(sequential.isIntact, "\(sequential.breaks)")
        let parallel = try fixture.casebook.maintenance.verify(by: Staff.head, workers: 4, batchSize: 5)
        #expect(try Self.summary(parallel) == Self.summary(sequential))
        #expect(parallel.eventCount == (try fixture.casebook.store.eventCount()))

        let stored = try fixture.readModelDump()
        try fixture.casebook.maintenance.rebuild(by: Staff.head, workers: 1, batchSize: 5)
        #expect(try fixture.readModelDump() == stored)
        let events = try fixture.casebook.store.eventCount()
        var seen: [Int] = []
        var totals: Set<Int> = []
        try fixture.casebook.maintenance.rebuild(by: Staff.head, workers: 4, batchSize: 5) { done, total in
            seen.append(done)
            totals.insert(total)
        }
        #expect(totals == [events])
        #expect(try fixture.readModelDump() == stored)
        // Progress is reported in order, batch by batch, up to every event.
        #expect(seen == seen.sorted() && seen.count > 1)
        #expect(seen.last == events)
    }

    /// The pool hands back results in item order and stops cleanly on an error.
    @Test func theOrderedMapKeepsOrderAndReportsTheFirstError() throws {
        var produced = 0
        var consumed: [Int] = []
        try ParallelWork.orderedMap(
            workers: 4, next: { () -> Int? in
                defer { produced += 1 }
                return produced < 1_000 ? produced : nil
            }, transform: { $0 * 2 }, consume: { consumed.append($0) })
        #expect(consumed == (0..<1_000).map { $0 * 2 })

        struct Failure: Error {}
        var next = 0
        var got: [Int] = []
        #expect(throws: Failure.self) {
            try ParallelWork.orderedMap(
                workers: 3, next: { () -> Int? in
                    defer { next += 1 }
                    return next
                },
                transform: { value -> Int in
                    if value == 50 { throw Failure() }
                    return value
                }, consume: { got.append($0) })
        }
        #expect(got == Array(0..<50))
    }
}
