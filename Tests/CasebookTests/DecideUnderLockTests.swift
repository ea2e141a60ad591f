import EventLog
import Foundation
import Testing

@testable import Casebook

/// A step is decided on the state read under the write lock: two connections taking steps
/// on one case one after the other never conflict, and only a caller that names the version
/// it decided on (and is out of date) gets a conflict.
@Suite struct DecideUnderLockTests {
    private static let email = CaseCommand.addEvidence(EvidenceDraft(kind: .email, description: "An email"))

    @Test func aSecondConnectionDecidesOnTheStateTheFirstLeft() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let other = try Casebook.open(at: fixture.path, clock: fixture.clock.reading)
        // Both connections hold the same stale idea of the case; neither conflicts.
        let seen = try fixture.casebook.cases.state(of: reference)
        try other.cases.execute(Self.email, on: reference, by: Staff.manager)
        let (events, state) = try fixture.casebook.cases.execute(Self.email, on: reference, by: Staff.manager)
        guard case .evidenceCaptured(let item) = events.first else {
            Issue.record("expected evidence, got \(events)")
            return
        }
        #expect(item.id == "E2")
        #expect(state.version == seen.version + 2)
        try fixture.expectIntactAndRebuildable()
    }

    @Test func aStaleExpectedVersionIsAConflictAndWritesNothing() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let seen = try fixture.casebook.cases.state(of: reference)
        try fixture.casebook.cases.execute(Self.email, on: reference, by: Staff.manager, expectedVersion: seen.version)
        let before = try fixture.casebook.store.eventCount()
        let error = casebookError {
            try fixture.casebook.cases.execute(Self.email, on: reference, by: Staff.manager, expectedVersion: seen.version)
        }
        guard case .conflict(let message) = error else {
            Issue.record("expected a conflict, got \(String(describing: error))")
            return
        }
        #expect(message.contains("\(reference) is at version \(seen.version + 1), not \(seen.version)"))
        #expect(try fixture.casebook.store.eventCount() == before)
        #expect(try fixture.casebook.cases.state(of: reference).evidence.count == 1)
    }

    @Test func staffIdsAreUniqueWhateverTheirCase() throws {
        let fixture = try ServiceFixture()
        let before = try fixture.casebook.store.eventCount()
        for id in ["SM", "Sm", "T.JONES"] {
            let error = casebookError {
                try fixture.casebook.staff.addStaff(StaffMember(id: id, name: "Someone Else", role: .headteacher), by: Staff.head)
            }
            guard case .invalidInput(let message) = error else {
                Issue.record("expected invalid input for \(id), got \(String(describing: error))")
                continue
            }
            #expect(message.contains("'\(id.lowercased())' already exists"), "\(message)")
            #expect(message.contains("whatever their case"), "\(message)")
        }
        let exact = casebookError {
            try fixture.casebook.staff.addStaff(StaffMember(id: "sm", name: "Sam Again", role: .staff), by: Staff.head)
        }
        #expect(exact == .invalidInput("a member of staff 'sm' already exists"))
        #expect(try fixture.casebook.store.eventCount() == before)
        // Lookups find the one member whatever the case given (issue 18 item 8).
        #expect(try fixture.casebook.member("SM") == Staff.manager)
        #expect(try fixture.casebook.member("sm") == Staff.manager)
    }
}
