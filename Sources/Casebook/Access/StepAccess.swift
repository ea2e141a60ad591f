import Foundation

extension Workflow {
    /// Every step and whether it may be taken now *by `actor`*: the workflow's own answer,
    /// with a step their current role may not take blocked, saying so first (SPEC §8: "allowed
    /// now" follows the actor's current role).
    public static func availability(
        of state: CaseState, now: Date, settings: Settings = .defaults, for actor: StaffMember
    ) -> [StepAvailability] {
        availability(of: state, now: now, settings: settings).map { item in
            let permission: Permission = item.step == .addEvidence ? .addEvidence : .advanceCase
            guard !actor.role.may(permission) else { return item }
            var blocked = item
            blocked.blockers.insert(
                Refusal(
                    rule: "role-may-not", clause: "SPEC §5",
                    reason: "\(actor.id) has the \(actor.role.rawValue) role, which may not \(permission.rawValue)",
                    unblock: "ask a member whose role may, or the headteacher to change your role"),
                at: 0)
            return blocked
        }
    }
}
