import EventLog
import Foundation

/// One thing waiting on a member (SPEC §11): a deadline on a case they own, or on an
/// unowned case whose step their role may take (an untriaged concern for those who triage).
public struct TaskItem: Sendable, Equatable {
    /// What is due, on which case, and how late at the moment asked (negative while to come).
    public var item: OverdueItem
    /// The case's owner, if it has one.
    public var owner: String?
}

extension CaseWork {
    /// Names the owner of a case (`assign`; senior manager, safeguarding lead, headteacher).
    /// The owner must be a current member who may act on it: a role that advances cases, in
    /// its scope, allowed to see child sexual imagery when the case involves it, and not
    /// involved in it (77 otherwise, nothing written). Re-assigning replaces the owner.
    @discardableResult
    public func assign(_ reference: CaseReference, to id: String, by actor: StaffMember, at date: Date? = nil) throws -> CaseState {
        try actor.require(.assignCases)
        let occurredAt = date ?? core.now
        try Workflow.checkNotFuture(occurredAt, now: core.now, field: "the step's time")
        _ = try StaffID.validate(id, field: "the owner")
        return try core.appendCaseEvent(to: reference, by: actor, at: occurredAt) { state in
            guard state.status == .open else {
                throw CasebookError.refused([
                    Refusal(.caseIsOpen, reason: "\(reference) is closed: a closed case has no owner to name", unblock: .step(.reopen))
                ])
            }
            guard let owner = try core.member(id) else { throw CasebookError.notFound("no member of staff '\(id)' in the staff directory") }
            guard !owner.hasLeft else { throw CasebookError.invalidInput("\(owner.id) has left (staff leave): a leaver cannot own a case") }
            guard owner.role.may(.advanceCase) else {
                throw CasebookError.notPermitted(
                    "\(owner.id) has the \(owner.role.rawValue) role, which may not advance cases: they cannot own \(reference)")
            }
            do {
                try CaseAccess.check(state, by: owner)
            } catch {
                // Out of scope, not cleared for child sexual imagery, or involved: never the owner.
                let why = state.involvement(of: owner.id).map { "is \($0 == .excluded ? "excluded from" : "involved in") it" }
                    ?? "cannot see it (outside their school, or a case only the safeguarding lead and the headteacher see)"
                throw CasebookError.notPermitted("\(owner.id) cannot own \(reference): they \(why)")
            }
            if let current = state.owner, current.caseInsensitiveCompare(owner.id) == .orderedSame {
                throw CasebookError.invalidInput("\(owner.id) already owns \(reference)")
            }
            return CaseEvent.assigned(staff: owner.id)
        }
    }

    /// Whose task list: the actor's own (any member), or another member's, which needs a
    /// role that reads cases; only cases both may see are listed.
    public func taskMember(_ id: String?, by actor: StaffMember) throws -> StaffMember {
        try actor.require(.readOwnTasks)
        guard let id, id.caseInsensitiveCompare(actor.id) != .orderedSame else { return actor }
        try actor.require(.readCases)
        _ = try StaffID.validate(id, field: "the member whose tasks")
        guard let member = try core.member(id) else { throw CasebookError.notFound("no member of staff '\(id)' (whose tasks were asked for)") }
        return member
    }

    /// Everything waiting on `member` across the open cases they (and the actor) may see,
    /// soonest first: the deadlines of cases they own, and of unowned cases whose next step
    /// their role may take (untriaged concerns for those who triage).
    public func tasks(for member: StaffMember, by actor: StaffMember, asOf: Date) throws -> [TaskItem] {
        try tasks(for: member, by: actor, asOf: asOf, limit: nil).tasks
    }

    /// The soonest `limit` of ``tasks(for:by:asOf:)`` (all when nil), and how many there
    /// are in all. The filter runs in the query, which reads the deadlines in order and
    /// stops at the limit; the total is counted off the indexes.
    public func tasks(
        for member: StaffMember, by actor: StaffMember, asOf: Date, limit: Int?
    ) throws -> (tasks: [TaskItem], total: Int) {
        try actor.require(.readOwnTasks)
        guard !member.hasLeft, member.role.may(.advanceCase) || member.role.may(.triageConcerns) else { return ([], 0) }
        // The kinds whose step the member's role may take (a kind's step is fixed).
        let kinds = Deadline.Kind.allCases.filter { kind in
            kind.step("").steps.contains { member.role.may(Workflow.permission(for: $0)) }
        }
        // The page and the total from one snapshot.
        return try Casebook.translatingErrors { try core.store.reading {
            let rows = try CaseRows.tasks(for: member, kinds: kinds, by: actor, asOf: asOf, limit: limit, in: core.store)
            let tasks = rows.map { TaskItem(item: $0.item, owner: $0.owner) }
            // Fewer than the limit: that is all of them.
            guard let limit, tasks.count >= limit else { return (tasks, tasks.count) }
            return (tasks, try CaseRows.taskCount(for: member, kinds: kinds, by: actor, in: core.store))
        } }
    }
}
