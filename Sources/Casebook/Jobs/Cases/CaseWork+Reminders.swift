import EventLog
import Foundation

/// A member's day, for `digest` (SPEC §10): what is overdue, what falls due before the end
/// of the local day, urgent open cases, and the open cases they record that cannot close yet.
public struct Digest: Sendable {
    /// A case reported to the member (they record it) that cannot close yet, and why.
    public struct Waiting: Sendable, Equatable {
        /// The case.
        public var reference: CaseReference
        /// Every reason it cannot close, in words with its values (``Message``).
        public var reasons: [Message]
    }

    /// Whose day it is.
    public var member: StaffMember
    /// The instant it was made for.
    public var asOf: Date
    /// Deadlines passed at `asOf`, the oldest first.
    public var overdue: [OverdueItem]
    /// Deadlines after `asOf` and before the end of the local day.
    public var dueToday: [OverdueItem]
    /// Open urgent (`child-mentioned`) cases.
    public var urgent: [CaseSummary]
    /// Open cases reported to the member that cannot close yet.
    public var waiting: [Waiting]

    /// Nothing to say: `digest` prints nothing, so a mailer sends nothing.
    public var isEmpty: Bool { overdue.isEmpty && dueToday.isEmpty && urgent.isEmpty && waiting.isEmpty }
}

extension CaseWork {
    /// Whose reminders: the actor, or (`--for ID`) another member, which only the
    /// headteacher and the safeguarding lead may ask for. The member must be one who reads cases.
    public func reminderMember(_ id: String?, by actor: StaffMember) throws -> StaffMember {
        try actor.require(.readCases)
        guard let id, id.caseInsensitiveCompare(actor.id) != .orderedSame else { return actor }
        guard actor.role == .headteacher || actor.role == .safeguardingLead else {
            throw CasebookError.notPermitted(
                "\(actor.id) has the \(actor.role.rawValue) role: only the headteacher or the safeguarding lead may produce another member's reminders")
        }
        _ = try StaffID.validate(id, field: .option("for"))
        guard let member = try core.member(id) else { throw CasebookError.notFound("no member of staff '\(id)' (given with \(option: "for"))") }
        guard !member.hasLeft else { throw CasebookError.invalidInput("\(member.id) has left; they get no reminders") }
        guard member.role.may(.readCases) else {
            throw CasebookError.invalidInput("\(member.id) has the \(member.role.rawValue) role, which does not read cases: they have no reminders")
        }
        return member
    }

    /// Every deadline of the open cases `member` may see — and, when someone else asks,
    /// that `actor` may see too — the earliest first; `lateness` is measured at `asOf`
    /// (negative while still to come).
    public func openDeadlines(for member: StaffMember, by actor: StaffMember, asOf: Date) throws -> [OverdueItem] {
        try actor.require(.readCases)
        return try Casebook.translatingErrors {
            try CaseRows.openDeadlines(visibleTo: member, and: actor, asOf: asOf, in: core.store)
        }
    }

    /// The member's digest at `asOf`; `endOfDay` is the end of their local day.
    public func digest(for member: StaffMember, by actor: StaffMember, asOf: Date, endOfDay: Date) throws -> Digest {
        try actor.require(.readCases)
        // Per person (SPEC §11): what waits on them, as `tasks` lists it — their own cases'
        // deadlines, and unowned cases' whose step their role may take.
        let deadlines = try tasks(for: member, by: actor, asOf: asOf).map(\.item)
        var urgent: [CaseSummary] = []
        let settings = try core.settings()
        let open = try Casebook.translatingErrors {
            try CaseRows.openCases(visibleTo: member, and: actor, in: core.store)
        }
        var waiting: [Digest.Waiting] = []
        for reference in open {
            let state = try core.state(of: reference)
            if state.isUrgent {
                urgent.append(
                    CaseSummary(
                        reference: reference, school: state.opened.school, affected: state.opened.affected, status: state.status,
                        isUrgent: true, categories: state.opened.categories.map(\.rawValue), openedAt: state.openedAt, closedAt: nil,
                        investigation: state.investigation == .notStarted ? "not-started" : "started", updatedAt: state.updatedAt))
            }
            // Waiting on its owner, or on whoever recorded it while it has none (SPEC §11).
            guard (state.owner ?? state.opened.reportedTo).caseInsensitiveCompare(member.id) == .orderedSame else { continue }
            let close = Workflow.availability(of: .close, in: state, now: asOf, settings: settings)
            if !close.isAllowed { waiting.append(Digest.Waiting(reference: reference, reasons: close.blockers.map(\.reason))) }
        }
        let digest = Digest(
            member: member, asOf: asOf, overdue: deadlines.filter { $0.deadline.isOverdue(at: asOf) },
            dueToday: deadlines.filter { !$0.deadline.isOverdue(at: asOf) && $0.deadline.due <= endOfDay }, urgent: urgent,
            waiting: waiting)
        // What it names of each case (deadlines, next actions, reasons) is the case's content.
        try core.recordReads(
            (digest.overdue + digest.dueToday).map(\.deadline.reference) + digest.urgent.map(\.reference)
                + digest.waiting.map(\.reference), view: .digest, by: actor)
        return digest
    }

    /// The cases both may see (one condition when they are the same member).
}

extension LocalTime {
    /// The last instant of the local day that contains `date` (the next midnight, less a second).
    public func endOfDay(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.startOfDay(for: date)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        return next.addingTimeInterval(-1)
    }
}
