import EventLog
import Foundation

/// Cases (SPEC §4–§6): opening a case, taking its steps, reading it (`show`, `list`,
/// `overdue`), concerns and their triage, the team's assignments and tasks, reminders and
/// the digest. Reached as `casebook.cases`; it holds only the shared core.
public struct CaseWork {
    let core: Casebook
}

extension Casebook {
    /// Cases: open, step, read, concerns, team, reminders.
    public var cases: CaseWork { CaseWork(core: self) }
}

extension CaseWork {
    /// The stored events of a case, oldest first; ``CasebookError/notFound(_:)`` when there is no such case.
    public func events(of reference: CaseReference) throws -> [RecordedEvent] {
        try core.events(of: reference)
    }

    /// A case's current state, replayed from its events.
    public func state(of reference: CaseReference) throws -> CaseState {
        try core.state(of: reference)
    }

    /// A case's stored events as the record stood at `asOf` (all of them when nil).
    public func events(of reference: CaseReference, asOf: Date?) throws -> [RecordedEvent] {
        try core.events(of: reference, asOf: asOf)
    }

    /// A case's state as the record stood at `asOf` (now when nil).
    public func state(of reference: CaseReference, asOf: Date?) throws -> CaseState {
        try core.state(of: reference, asOf: asOf)
    }

    /// Opens a case: allocates the next `CB-YYYY-NNNN` under the write lock, so two
    /// processes opening at once get different references. (An import of one case with no
    /// further steps: one path allocates references and writes opening events.)
    @discardableResult
    public func openCase(_ draft: CaseDraft, by actor: StaffMember, at date: Date? = nil) throws -> CaseState {
        let scripts = [CaseScript(draft: draft, openedAt: date ?? core.now, openedBy: actor)]
        guard let state = try core.maintenance.importCases(scripts, by: actor).first else {
            throw ProgrammerError("importCases returned no state for the one case it opened")
        }
        return state
    }

    /// Takes one step on a case. Files (evidence, check screenshots) are given as bytes and
    /// stored in the same transaction as the event.
    ///
    /// The case's state is read, the step decided and its events appended inside ONE
    /// `BEGIN IMMEDIATE` transaction, so commands on the same case from several processes
    /// queue for the write lock and each decides on the state the one before it left
    /// (E-numbers, takedown numbers and versions follow on). Give `expectedVersion` to act
    /// only on the state you have seen: when the case has moved on since, the step is
    /// refused with ``CasebookError/conflict(_:)`` and nothing is written.
    @discardableResult
    public func execute(
        _ command: CaseCommand, on reference: CaseReference, by actor: StaffMember, at date: Date? = nil,
        files: [[UInt8]] = [], expectedVersion: Int? = nil
    ) throws -> (events: [CaseEvent], state: CaseState) {
        // The role first, as the workflow checks it; then the named staff (no leavers).
        try actor.require(command.permission)
        let command = try core.checkNamedStaff(in: command)
        let result: (events: [CaseEvent], state: CaseState) = try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                let state = try passage.authorise { try core.visibleState(of: reference, by: actor) }
                if let expectedVersion, expectedVersion != state.version {
                    throw CasebookError.conflict(
                        "\(reference) is at version \(state.version), not \(expectedVersion) as expected: it changed since it was read; read it again before deciding")
                }
                let context = try core.decisionContext(actor: actor, at: date)
                let events = try Workflow.decide(command, state: state, context: context)
                let occurred = Timestamp.string(from: context.occurredAt)
                let next = events.reduce(state) { $0.evolve($1, at: context.occurredAt, actor: actor.id) }
                // A clock counted in working days must be countable (SPEC §11: an error, not a guess).
                for track in Tracks.all { try track.checkClocks(next) }
                try core.storeFiles(files, referencedBy: command, on: state, after: next, in: passage)
                try passage.append(
                    events.map { $0.newEvent(occurredAt: occurred, actor: actor.id) }, to: reference.stream,
                    expectedVersion: state.version)
                try core.purgeBlobs(events, firstVersion: state.version + 1, stream: reference.stream, in: passage)
                try Projection.write(next, settings: context.settings, to: passage)
                return (events, next)
            }
        }
        core.reclaimAfterPurge(result.events)
        return result
    }
}
