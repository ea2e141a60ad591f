import EventLog
import Foundation

extension Casebook {
    /// The door for a case event that is not a workflow step (`assign`, `restrict`, holds,
    /// retention dates): under the write lock, the case's state **now** is read and the actor
    /// authorised on it (``visibleState(of:by:asOf:)``: scope, involvement, exclusion,
    /// child-sexual-imagery visibility); the time is checked against the case's opening;
    /// `decide` turns the state into the one event to record (or throws, and nothing is
    /// written); the event is appended at the version read and the read models written in the
    /// same transaction. The role is the caller's to check first, as for a step.
    func appendCaseEvent(
        to reference: CaseReference, by actor: StaffMember, at occurredAt: Date,
        decide: (CaseState) throws -> CaseEvent
    ) throws -> CaseState {
        try Self.translatingErrors {
            try door.pass(by: actor.id) { passage in
                let state = try passage.authorise { try visibleState(of: reference, by: actor) }
                guard occurredAt >= state.openedAt else {
                    throw CasebookError.invalidInput("the step's time is before \(reference) was opened")
                }
                let event = try decide(state)
                let next = state.evolve(event, at: occurredAt, actor: actor.id)
                try passage.append(
                    [event.newEvent(occurredAt: Timestamp.string(from: occurredAt), actor: actor.id)], to: reference.stream,
                    expectedVersion: state.version)
                try Projection.write(next, settings: try settings(), to: passage)
                return next
            }
        }
    }
}
