import EventLog
import Foundation
import Testing

@testable import Casebook

// The read models (SPEC §4): case references, two connections on one file, urgency in the
// deadlines, repeat sources (001 §8.5), and redaction (UK GDPR) keeping verify intact.

private typealias C = Commands

/// Collects results from several threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var references: [CaseReference] = []
    private var errors: [String] = []

    func add(_ reference: CaseReference) {
        lock.lock()
        references.append(reference)
        lock.unlock()
    }

    func fail(_ error: Error) {
        lock.lock()
        errors.append("\(error)")
        lock.unlock()
    }

    var snapshot: (references: [CaseReference], errors: [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (references, errors)
    }
}

@Suite("Read models")
struct ReadModelTests {

    // MARK: References

    @Test func caseReferencesIncreaseWithinTheYear() throws {
        let fixture = try ServiceFixture(start: utc("2026-12-31T22:00:00Z"))
        var references: [CaseReference] = []
        for _ in 0..<3 {
            references.append(try fixture.openCase())
            fixture.clock.advance(by: 60)
        }
        #expect(references.map(\.description) == ["CB-2026-0001", "CB-2026-0002", "CB-2026-0003"])
        // A new year starts at 0001 again (UTC year of the report).
        fixture.clock.set(utc("2027-01-01T00:00:01Z"))
        let next = try fixture.openCase()
        #expect(next.description == "CB-2027-0001")
        #expect(try fixture.openCase().description == "CB-2027-0002")
        let listed = try fixture.casebook.cases.list(by: Staff.manager).map(\.reference.description)
        #expect(listed == ["CB-2027-0002", "CB-2027-0001", "CB-2026-0003", "CB-2026-0002", "CB-2026-0001"])
        try fixture.expectIntactAndRebuildable()
    }

    @Test func referenceTextRoundTrips() {
        #expect(CaseReference(year: 2026, number: 7).description == "CB-2026-0007")
        #expect(CaseReference(year: 2026, number: 12345).description == "CB-2026-12345")
        #expect(CaseReference("cb-2026-0007") == CaseReference(year: 2026, number: 7))
        #expect(CaseReference("CB-2026-12345")?.number == 12345)
        for bad in ["CB-2026-007", "CB-26-0007", "XX-2026-0007", "CB-2026-0000", "CB-2026--001", "CB-2026-00a1", ""] {
            #expect(CaseReference(bad) == nil, "\(bad)")
        }
        #expect(CaseReference(year: 2026, number: 9) < CaseReference(year: 2026, number: 10))
        #expect(CaseReference(year: 2026, number: 10) < CaseReference(year: 2027, number: 1))
    }

    // MARK: Two connections on one file

    @Test func twoConnectionsOpeningAlternatelyNeverCollide() throws {
        let fixture = try ServiceFixture()
        let first = fixture.casebook
        let second = try Casebook.open(at: fixture.path, clock: fixture.clock.reading)
        var references: [CaseReference] = []
        for index in 0..<20 {
            let casebook = index % 2 == 0 ? first : second
            let opened = try casebook.cases.openCase(
                CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "case \(index)"), by: Staff.manager)
            references.append(opened.reference)
            // Each connection sees the other's cases and can advance them.
            let other = index % 2 == 0 ? second : first
            try other.cases.execute(C.email, on: opened.reference, by: Staff.manager)
            fixture.clock.advance(by: 5)
        }
        #expect(references.map(\.number) == Array(1...20))
        #expect(Set(references).count == 20)
        #expect(try first.cases.list(by: Staff.manager).count == 20)
        #expect(try second.cases.state(of: references[0]).evidence.count == 1)
        try fixture.expectIntactAndRebuildable()
    }

    @Test func twoConnectionsOpeningConcurrentlyNeverCollide() throws {
        let fixture = try ServiceFixture()
        let path = fixture.path
        let reading = fixture.clock.reading
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            do {
                let casebook = try Casebook.open(at: path, clock: reading)
                for index in 0..<15 {
                    let opened = try casebook.cases.openCase(
                        CaseDraft(
                            affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "worker \(worker) case \(index)"),
                        by: Staff.manager)
                    collected.add(opened.reference)
                }
            } catch {
                collected.fail(error)
            }
        }
        let (references, errors) = collected.snapshot
        #expect(errors.isEmpty, "\(errors)")
        #expect(references.map(\.number).sorted() == Array(1...30))
        #expect(try fixture.casebook.cases.list(by: Staff.manager).count == 30)
        try fixture.expectIntactAndRebuildable()
    }

    // MARK: Urgency (001 §8.6)

    @Test func childMentionedIsUrgentInTheDeadlines() throws {
        let fixture = try ServiceFixture()
        let ordinary = try fixture.openCase(categories: [.harassment])
        let urgent = try fixture.openCase(categories: [.childMentioned, .harassment])
        func deadlines() throws -> [String] {
            var rows: [String] = []
            try fixture.casebook.store.database.forEachRow(
                "SELECT case_ref, kind, subject, due_at FROM deadlines ORDER BY case_ref, kind, subject"
            ) { row in rows.append((0..<4).map { row.text(Int32($0)) }.joined(separator: " ")) }
            return rows
        }
        let opened = Timestamp.string(from: fixtureStart)
        #expect(try deadlines() == ["\(urgent) investigate-urgent \(urgent) \(opened)"])
        let listed = try fixture.casebook.cases.list(by: Staff.manager)
        #expect(listed.first { $0.reference == urgent }?.isUrgent == true)
        #expect(listed.first { $0.reference == ordinary }?.isUrgent == false)
        #expect(try fixture.caseRow(urgent)["is_urgent"] == "1")

        let overdue = try fixture.casebook.cases.overdue(asOf: fixtureStart.addingTimeInterval(60), by: Staff.dsl)
        #expect(overdue.map(\.deadline.kind) == [.investigateUrgent])
        #expect(overdue.first?.deadline.step == .step(.startInvestigation))

        try fixture.run(C.web(), on: urgent)
        let requestDue = Timestamp.string(from: fixtureStart.addingTimeInterval(86_400))
        #expect(try deadlines() == [
            "\(urgent) investigate-urgent \(urgent) \(opened)", "\(urgent) request-takedown E1 \(requestDue)",
        ])
        try fixture.run(C.start, on: urgent)
        #expect(try deadlines() == ["\(urgent) request-takedown E1 \(requestDue)"])
        try fixture.expectIntactAndRebuildable()
    }

    // MARK: Repeat sources (001 §8.5)

    @Test func sameSourceInTwoCasesIsFound() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        func investigated(_ ref: String?) throws -> CaseReference {
            let reference = try fixture.openCase()
            try fixture.run(C.web(), on: reference)
            try fixture.run(C.start, on: reference)
            try fixture.run(C.source(.external, ref: ref), on: reference)
            return reference
        }
        let first = try investigated("@Troll_Account")
        let second = try investigated("  @troll_ACCOUNT ")
        let third = try investigated("@someone_else")
        let fourth = try investigated(nil)
        let fifth = try investigated("@TROLL_account")

        #expect(try casebook.cases.casesWithSameSource(as: casebook.cases.state(of: first)) == [second, fifth])
        #expect(try casebook.cases.casesWithSameSource(as: casebook.cases.state(of: second)) == [first, fifth])
        #expect(try casebook.cases.casesWithSameSource(as: casebook.cases.state(of: third)).isEmpty)
        #expect(try casebook.cases.casesWithSameSource(as: casebook.cases.state(of: fourth)).isEmpty)
        #expect(try casebook.cases.state(of: second).source?.ref == "@troll_ACCOUNT")

        // The source is re-identified in the fifth case: it no longer repeats.
        try fixture.run(C.source(.pupil, ref: "@another"), on: fifth)
        #expect(try casebook.cases.casesWithSameSource(as: casebook.cases.state(of: first)) == [second])
        var stored: [String] = []
        try casebook.store.database.forEachRow("SELECT ref, case_ref FROM sources ORDER BY case_ref") { row in
            stored.append("\(row.text(0)) \(row.text(1))")
        }
        #expect(stored == [
            "@troll_account \(first)", "@troll_account \(second)", "@someone_else \(third)", "@another \(fifth)",
        ])
        try fixture.expectIntactAndRebuildable()
    }

    // MARK: Redaction (SPEC §4, UK GDPR)

    @Test func redactingEvidenceKeepsVerifyIntact() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        let reference = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "shot.png", bytes: screenshotBytes)
        try fixture.run(
            .addEvidence(EvidenceDraft(kind: .email, description: "an email naming a pupil", files: [file])), on: reference,
            files: [screenshotBytes])  // version 2
        try fixture.run(C.start, on: reference)  // 3
        try fixture.run(.addNote("the pupil's parent phoned"), on: reference)  // 4
        let before = try casebook.cases.events(of: reference)
        #expect(before.map(\.type) == ["CaseOpened", "EvidenceCaptured", "InvestigationStarted", "InvestigationNoteAdded"])

        fixture.clock.advance(by: 3600)
        try casebook.retention.redact(reference, version: 2, reason: "erasure request under UK GDPR", by: Staff.head)
        let after = try casebook.cases.events(of: reference)
        #expect(after.count == 6)
        #expect(after[1].payload == nil)
        #expect(after[1].payloadSHA256 == before[1].payloadSHA256)
        #expect(after[1].hash == before[1].hash)
        // The item's files are purged first (SPEC §9), then the redaction is recorded.
        #expect(
            try CaseEvent(type: after[4].type, payload: after[4].payload)
                == .filesPurged(
                    CaseEvent.Purge(
                        items: ["E1"], files: [file], erased: [file.sha256], reason: "redacted: erasure request under UK GDPR")))
        #expect(try casebook.store.isPurged(file.sha256))
        #expect(after[5].type == "EventRedacted")
        #expect(after[5].actor == Staff.head.id)
        #expect(try CaseEvent(type: after[5].type, payload: after[5].payload) == .redaction(version: 2, reason: "erasure request under UK GDPR"))

        let report = try casebook.maintenance.verify(by: Staff.head)
        #expect(report.isIntact)
        #expect(report.breaks.isEmpty)
        #expect(report.redacted == [EventReference(stream: reference.stream, version: 2)])
        #expect(report.purgedFiles == [file.sha256])

        // The item keeps its place and id; its details are gone; the next one is E2.
        var state = try casebook.cases.state(of: reference)
        #expect(state.evidence.map(\.id) == ["E1"])
        #expect(state.evidence.first?.details == nil)
        state = try fixture.run(C.email, on: reference)
        #expect(state.evidence.map(\.id) == ["E1", "E2"])
        #expect(try fixture.caseRow(reference)["evidence_count"] == "2")

        // Notes can be redacted too.
        try casebook.retention.redact(reference, version: 4, reason: "names a third party", by: Staff.head)
        #expect(try casebook.cases.state(of: reference).notes.map(\.text) == ["[redacted]"])
        let twice = try casebook.maintenance.verify(by: Staff.head)
        #expect(twice.isIntact)
        #expect(Set(twice.redacted) == [
            EventReference(stream: reference.stream, version: 2), EventReference(stream: reference.stream, version: 4),
        ])
        try fixture.expectIntactAndRebuildable()
    }

    @Test func redactionIsRefusedForOtherEventsAndRoles() throws {
        let fixture = try ServiceFixture()
        let casebook = fixture.casebook
        let reference = try fixture.openCase()
        try fixture.run(C.web(), on: reference)  // 2
        try fixture.run(C.start, on: reference)  // 3
        let count = try casebook.store.eventCount()

        for version in [1, 3] {
            let refused = refusals { try casebook.retention.redact(reference, version: version, reason: "erasure", by: Staff.head) }
            #expect(refused.map(\.rule) == ["redact-evidence-and-notes-only"])
            #expect(refused.first?.clause.contains("SPEC §4") == true)
            #expect(refused.first?.unblock == .none("redact an EvidenceCaptured or InvestigationNoteAdded event instead"))
        }
        for member in [Staff.manager, Staff.dsl, Staff.hr, Staff.teacher] {
            #expect(casebookError { try casebook.retention.redact(reference, version: 2, reason: "erasure", by: member) }?.isNotPermitted == true)
        }
        #expect(casebookError { try casebook.retention.redact(reference, version: 9, reason: "erasure", by: Staff.head) }?.isNotFound == true)
        #expect(casebookError { try casebook.retention.redact(reference, version: 2, reason: "  ", by: Staff.head) }?.isInvalidInput == true)
        #expect(try casebook.store.eventCount() == count)

        try casebook.retention.redact(reference, version: 2, reason: "erasure", by: Staff.head)
        #expect(casebookError { try casebook.retention.redact(reference, version: 2, reason: "again", by: Staff.head) }?.isInvalidInput == true)
        #expect(try casebook.store.eventCount() == count + 1)
        let report = try casebook.maintenance.verify(by: Staff.head)
        #expect(report.isIntact)
        #expect(report.redacted.map(\.version) == [2])
    }
}
