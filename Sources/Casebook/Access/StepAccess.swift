import Foundation

extension Workflow {
    /// Every step and whether it may be taken now *by `actor`*: the workflow's own answer,
    /// with a step their current role may not take blocked, saying so first (SPEC §8: "allowed
    /// now" follows the actor's current role).
    public static func availability(
        of state: CaseState, now: Date, settings: Settings = .defaults, for actor: StaffMember
    ) -> [StepAvailability] {
        availability(of: state, now: now, settings: settings).map { item in
            let permission = Self.permission(for: item.step)
            guard !actor.role.may(permission) else { return item }
            var blocked = item
            blocked.blockers.insert(
                Refusal(
                    rule: roleRule, clause: "SPEC §5",
                    reason: "\(actor.id) has the \(actor.role.rawValue) role, which may not \(permission.rawValue)",
                    unblock: "ask a member whose role may, or the headteacher to change your role"),
                at: 0)
            return blocked
        }
    }

    /// The rule a step blocked only by the viewer's role carries.
    public static let roleRule = "role-may-not"

    /// The permission a step needs: the step table's role rule (``StepGuards/permission``).
    public static func permission(for step: Step) -> Permission { guards(for: step).permission }

    /// The roles that may take a step, the headteacher last (they may take every step).
    public static func roles(for step: Step) -> [Role] {
        let permission = permission(for: step)
        return Role.allCases.filter { $0 != .headteacher && $0.may(permission) } + [.headteacher]
    }
}
