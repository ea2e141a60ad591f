import Foundation

/// Something due on an open case, which `overdue` reports once it has passed (SPEC §6).
public struct Deadline: Sendable, Equatable {
    /// What kind of thing is due.
    public enum Kind: String, Sendable, CaseIterable {
        /// A takedown request's 24 hours without confirmed removal: escalate to the ISP (000 §13.6).
        case takedown
        /// URL evidence with no takedown request 24 hours after it was added (000 §13.5).
        case requestTakedown = "request-takedown"
        /// An urgent (`child-mentioned`) case not yet investigated (001 §8.6).
        case investigateUrgent = "investigate-urgent"
        /// Consent withdrawn after the police referral: tell the force (000 §13.7).
        case tellPolice = "tell-police"
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
    /// from which ISP escalation is allowed (`isp-needs-uncooperative-host`).
    public func isOverdue(at instant: Date) -> Bool { instant >= due }

    /// The next action, in plain words for anyone reading a report.
    public var nextAction: String {
        switch kind {
        case .takedown: return "escalate \(subject) to the internet service provider (000 §13.6)"
        case .requestTakedown: return "ask the host to remove the material of \(subject) (000 §13.5)"
        case .investigateUrgent: return "start the investigation now: a child is mentioned (001 §8.6)"
        case .tellPolice: return "tell the force that consent was withdrawn (000 §13.7)"
        }
    }

    /// The step that takes the next action, for a front end to render.
    public var step: StepReference {
        switch kind {
        case .takedown: return .step(.escalateToISP, subject: subject)
        case .requestTakedown: return .step(.requestTakedown, subject: subject)
        case .investigateUrgent: return .step(.startInvestigation)
        case .tellPolice: return .step(.notifyPolice)
        }
    }

    /// Everything due on a case as its state stands (none once it is closed). Deadlines
    /// run from when their entry was added: URL evidence added after a reopening is due 24
    /// hours after it was added, not after the original report.
    public static func of(_ state: CaseState) -> [Deadline] {
        guard state.status == .open else { return [] }
        var deadlines: [Deadline] = []
        if state.isUrgent, state.investigation == .notStarted {
            deadlines.append(
                Deadline(reference: state.reference, kind: .investigateUrgent, subject: state.reference.description, due: state.openedAt))
        }
        for item in state.uncoveredURLEvidence {
            deadlines.append(
                Deadline(
                    reference: state.reference, kind: .requestTakedown, subject: item.id,
                    due: item.addedAt.addingTimeInterval(Workflow.takedownWindow)))
        }
        for takedown in state.liveTakedowns where !takedown.isResolved && takedown.isp == nil {
            // Material back after a confirmed removal (often after a reopening) is due from
            // when it came back, not from the original request's 24 hours.
            let due = max(takedown.deadline, takedown.reappearedAt ?? takedown.deadline)
            deadlines.append(Deadline(reference: state.reference, kind: .takedown, subject: takedown.request.id, due: due))
        }
        if let since = state.policeToBeToldSince {
            deadlines.append(Deadline(reference: state.reference, kind: .tellPolice, subject: state.reference.description, due: since))
        }
        return deadlines
    }
}
