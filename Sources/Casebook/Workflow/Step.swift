import Foundation

/// The steps of a case's workflow. `show` lists each as allowed now or blocked, using the
/// step table (``Workflow/guards(for:)``) that ``Workflow/decide(_:state:context:)`` enforces.
///
/// Raw values are stable identifiers for JSON and code, not command-line words: each front
/// end names the steps in its own words.
public enum Step: String, Sendable, CaseIterable {
    case addEvidence
    case startInvestigation
    case addNote
    case identifySource
    case assessThreat
    case referBehaviour
    case referDisciplinary
    case concludeInvestigation
    case requestTakedown
    case recordHostResponse
    case checkRemoval
    case declareTakedownNotApplicable
    case escalateToISP
    case recordISPResponse
    case escalateToPOSH
    case escalateToReportHarmfulContent
    case recordHelplineResponse
    case recordConsent
    case referToPolice
    case notifyPolice
    case offerSupport
    case recordSupportResponse
    case close
    case reopen
    case withdraw
    case correctClosure
    case changeCategory
    case flagEvidence
    case recordReferralDecision
    case purgeFiles
    /// Accept or decline a concern (SPEC §11).
    case triage
    case referToLADO
    case recordLADOAdvice
    case recordLADOOutcome
}

/// A step and whether it may be taken now.
public struct StepAvailability: Sendable, Equatable {
    /// The step.
    public var step: Step
    /// For per-request steps, the requests it applies to now (e.g. `["T1"]`).
    public var subjects: [String]
    /// Empty when allowed now; otherwise every rule that blocks it.
    public var blockers: [Refusal]

    /// Whether the step may be taken now.
    public var isAllowed: Bool { blockers.isEmpty }
}

/// What would unblock a refusal, or what is due: a reference to a step that a front end
/// renders in its own words (the command line as `casebook takedown request CB-2026-0001
/// --evidence E3 --method M`; a web page as a form).
public indirect enum StepReference: Sendable, Equatable {
    /// Take `step` on the case. `subject` names what it acts on (`E3`, `T1`, the affected
    /// person's staff id for consent, the item to withdraw); `choice` the answer that would
    /// unblock (`pupil`, `given|declined`, `refused`), alternatives separated by `|`.
    case step(Step, subject: String? = nil, choice: String? = nil)
    /// Any one of these.
    case anyOf([StepReference])
    /// Time must pass: the step becomes possible at this instant.
    case wait(until: Date)
    /// Nothing unblocks it; why.
    case none(String)

    /// The steps referred to, in order.
    public var steps: [Step] {
        switch self {
        case .step(let step, _, _): return [step]
        case .anyOf(let references): return references.flatMap(\.steps)
        case .wait, .none: return []
        }
    }
}
