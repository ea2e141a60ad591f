import EventLog
import Foundation

/// An email alert due to a member (SPEC §11): a concern reported, a case assigned, a
/// deadline 4 hours away or passed. It carries no case content: the reference, the kind
/// of task and the due time only. Alerts are derived from the record as it stands, so
/// the event that causes one is never delayed or lost; each send (or failure) is recorded
/// in the audit stream, and an alert not yet sent is tried again by the next run.
public struct Alert: Sendable, Equatable {
    /// Why the member is alerted.
    public enum Kind: String, Sendable {
        case concernReported = "concern-reported"
        case caseAssigned = "case-assigned"
        case dueSoon = "due-soon"
        case overdue
    }

    /// Stable: the same alert to the same member is sent once.
    public var key: String
    /// Why.
    public var kind: Kind
    /// The case.
    public var reference: CaseReference
    /// The deadline's kind and subject (`takedown T1`), or nil.
    public var task: String?
    /// When it is due, if it has a deadline.
    public var due: Date?
    /// Who is alerted.
    public var member: StaffMember
    /// Where.
    public var address: String
}

extension ReportWork {
    /// How long before a deadline its alert goes.
    public static let alertLead: TimeInterval = 4 * 3600

    /// The alerts due at `now` and not yet sent, oldest reason first (`alerts send`).
    public func pendingAlerts(by actor: StaffMember, now: Date) throws -> [Alert] {
        try actor.require(.sendAlerts)
        return try Casebook.translatingErrors {
            let database = core.store
            let reachable = try StaffRows.all(in: database).filter { !$0.hasLeft && !$0.alertsOff && $0.email != nil }
            var sent: Set<String> = []
            for stored in try core.store.events(in: AuditEvent.stream) where stored.type == "AlertSent" {
                // An entry that cannot be read is damage (65), never an alert taken for unsent.
                if case .alertSent(let key, let staff, _) = try AuditEvent(stored: stored) {
                    sent.insert(key + " " + staff.lowercased())
                }
            }
            var alerts: [Alert] = []
            func add(_ kind: Alert.Kind, _ key: String, _ reference: CaseReference, task: String?, due: Date?, to members: [StaffMember]) {
                for member in members where !sent.contains(key + " " + member.id.lowercased()) {
                    guard let address = member.email else { continue }
                    alerts.append(Alert(key: key, kind: kind, reference: reference, task: task, due: due, member: member, address: address))
                }
            }
            func mayAct(_ member: StaffMember, _ row: CaseRows.AlertCase, needs permission: Permission) throws -> Bool {
                guard member.role.may(permission), member.scope.includes(school: row.school) else { return false }
                guard !row.isRestricted || CaseAccess.seesRestricted(member) else { return false }
                return try CaseAccess.involvements(of: member, in: row.reference, in: database).isEmpty
            }
            for row in try CaseRows.alertCases(in: database) {
                if row.isUntriaged {
                    let triagers = try reachable.filter { try mayAct($0, row, needs: .triageConcerns) }
                    let due = WorkingDays.oneWorkingDay(after: row.openedAt)
                    add(.concernReported, "concern-reported/\(row.reference)", row.reference, task: nil, due: due, to: triagers)
                }
                if let owner = row.owner, let member = reachable.first(where: { $0.id.caseInsensitiveCompare(owner) == .orderedSame }) {
                    add(.caseAssigned, "case-assigned/\(row.reference)/\(owner.lowercased())", row.reference, task: nil, due: nil, to: [member])
                }
            }
            let soon = now.addingTimeInterval(Self.alertLead)
            for (deadline, row) in try CaseRows.alertDeadlines(dueBy: soon, in: database) {
                let kind: Alert.Kind = deadline.due <= now ? .overdue : .dueSoon
                let key = "\(kind.rawValue)/\(deadline.reference)/\(deadline.kind.rawValue)/\(deadline.subject)/\(Timestamp.string(from: deadline.due))"
                var members: [StaffMember]
                if let owner = row.owner {
                    members = reachable.filter { $0.id.caseInsensitiveCompare(owner) == .orderedSame }
                } else {
                    let permissions = deadline.step.steps.map(Workflow.permission(for:))
                    members = try reachable.filter { member in try permissions.contains { try mayAct(member, row, needs: $0) } }
                }
                add(kind, key, deadline.reference, task: "\(deadline.kind.rawValue) \(deadline.subject)", due: deadline.due, to: members)
            }
            return alerts
        }
    }

    /// Records that an alert was handed to the mail system, or why it was not.
    public func recordAlert(_ alert: Alert, failure: String?, by actor: StaffMember) throws {
        try actor.require(.sendAlerts)
        let event: AuditEvent =
            failure.map { .alertFailed(key: alert.key, staff: alert.member.id, reason: String($0.prefix(500))) }
            ?? .alertSent(key: alert.key, staff: alert.member.id, address: alert.address)
        try core.recordExport(event, by: actor)
    }
}
