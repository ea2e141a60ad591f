import Foundation

/// Something due on an open case, which `overdue` reports once it has passed (SPEC §6).
public struct Deadline: Sendable, Equatable {
    /// What kind of thing is due.
    public enum Kind: String, Sendable, CaseIterable {
        /// A takedown request's 24 hours without confirmed removal: escalate to the ISP (000 §13.6).
        case takedown
        /// URL evidence with no takedown request 24 hours after the report (000 §13.5).
        case requestTakedown = "request-takedown"
        /// An urgent (`child-mentioned`) case not yet investigated (001 §8.6).
        case investigateUrgent = "investigate-urgent"
    }

    /// The case.
    public var reference: CaseReference
    /// The kind.
    public var kind: Kind
    /// What it is about: `T1`, `E2`, or the case reference.
    public var subject: String
    /// When it is due.
    public var due: Date

    /// Whether it is overdue at an instant: from the deadline itself on, the same instant
    /// from which ISP escalation is allowed (``Rules``' `isp-needs-uncooperative-host`).
    public func isOverdue(at instant: Date) -> Bool { instant >= due }

    /// The next action, in plain words for anyone reading a report.
    public var nextAction: String {
        switch kind {
        case .takedown: return "escalate \(subject) to the internet service provider (000 §13.6)"
        case .requestTakedown: return "ask the host to remove the material of \(subject) (000 §13.5)"
        case .investigateUrgent: return "start the investigation now: a child is mentioned (001 §8.6)"
        }
    }

    /// The command that takes the next action.
    public var command: String {
        switch kind {
        case .takedown: return "casebook isp escalate \(reference) \(subject) --isp NAME"
        case .requestTakedown: return "casebook takedown request \(reference) --evidence \(subject) --method M"
        case .investigateUrgent: return "casebook investigate start \(reference)"
        }
    }

    /// Everything due on a case as its state stands (none once it is closed).
    public static func of(_ state: CaseState) -> [Deadline] {
        guard state.status == .open else { return [] }
        var deadlines: [Deadline] = []
        if state.isUrgent, state.investigation == .notStarted {
            deadlines.append(
                Deadline(reference: state.reference, kind: .investigateUrgent, subject: state.reference.description, due: state.openedAt))
        }
        if state.takedownNotApplicable == nil {
            let covered = Set(state.takedowns.flatMap(\.request.evidence))
            for item in state.evidence where item.isURLEvidence && !covered.contains(item.id) {
                deadlines.append(
                    Deadline(
                        reference: state.reference, kind: .requestTakedown, subject: item.id,
                        due: state.openedAt.addingTimeInterval(Workflow.takedownWindow)))
            }
        }
        for takedown in state.takedowns where !takedown.isResolved && takedown.isp == nil {
            deadlines.append(Deadline(reference: state.reference, kind: .takedown, subject: takedown.request.id, due: takedown.deadline))
        }
        return deadlines
    }
}
