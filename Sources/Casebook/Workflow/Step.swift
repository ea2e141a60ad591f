/// The steps of a case's workflow, by the command that takes them. `show` lists each as
/// allowed now or blocked, using the same guards that ``Workflow/decide(_:state:context:)``
/// enforces.
public enum Step: String, Sendable, CaseIterable {
    case addEvidence = "evidence add"
    case startInvestigation = "investigate start"
    case addNote = "investigate note"
    case identifySource = "investigate source"
    case assessThreat = "investigate assess"
    case referBehaviour = "refer behaviour"
    case referDisciplinary = "refer disciplinary"
    case concludeInvestigation = "investigate conclude"
    case requestTakedown = "takedown request"
    case recordHostResponse = "takedown response"
    case checkRemoval = "takedown check"
    case declareTakedownNotApplicable = "takedown not-applicable"
    case escalateToISP = "isp escalate"
    case recordISPResponse = "isp response"
    case recordConsent = "police consent"
    case referToPolice = "police refer"
    case offerSupport = "support offer"
    case recordSupportResponse = "support response"
    case close
    case reopen
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
