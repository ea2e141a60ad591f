import Foundation

/// The steps of a case's workflow. `show` lists each as allowed now or blocked, using the
/// step table (``Workflow/guards(for:)``) that ``Workflow/decide(_:state:context:)`` enforces.
///
/// Raw values are stable identifiers for JSON and code, not command-line words: each front
/// end names the steps in its own words. The set is open: a track declares its own steps
/// (``CaseTrack/stepTable``) beside the built-in ones below, which keep the names and raw
/// values they had as enum cases.
public struct Step: OpenSet {
    /// The stable identifier.
    public let rawValue: String

    init(_ rawValue: String) { self.rawValue = rawValue }

    /// Every step: the built-in ones, then each registered track's (``Tracks/all``).
    public static let allCases: [Step] = builtIn + Tracks.steps

    public static let addEvidence = Step("addEvidence")
    public static let startInvestigation = Step("startInvestigation")
    public static let addNote = Step("addNote")
    public static let identifySource = Step("identifySource")
    public static let assessThreat = Step("assessThreat")
    public static let referBehaviour = Step("referBehaviour")
    public static let referDisciplinary = Step("referDisciplinary")
    public static let concludeInvestigation = Step("concludeInvestigation")
    public static let requestTakedown = Step("requestTakedown")
    public static let recordHostResponse = Step("recordHostResponse")
    public static let checkRemoval = Step("checkRemoval")
    public static let declareTakedownNotApplicable = Step("declareTakedownNotApplicable")
    public static let escalateToISP = Step("escalateToISP")
    public static let recordISPResponse = Step("recordISPResponse")
    public static let escalateToPOSH = Step("escalateToPOSH")
    public static let escalateToReportHarmfulContent = Step("escalateToReportHarmfulContent")
    public static let recordHelplineResponse = Step("recordHelplineResponse")
    public static let recordConsent = Step("recordConsent")
    public static let referToPolice = Step("referToPolice")
    public static let notifyPolice = Step("notifyPolice")
    public static let offerSupport = Step("offerSupport")
    public static let recordSupportResponse = Step("recordSupportResponse")
    public static let close = Step("close")
    public static let reopen = Step("reopen")
    public static let withdraw = Step("withdraw")
    public static let correctClosure = Step("correctClosure")
    public static let changeCategory = Step("changeCategory")
    public static let flagEvidence = Step("flagEvidence")
    public static let recordReferralDecision = Step("recordReferralDecision")
    public static let purgeFiles = Step("purgeFiles")
    /// Accept or decline a concern (SPEC §11).
    public static let triage = Step("triage")

    /// The steps of the built-in tracks, in the order `show` lists them.
    static let builtIn: [Step] = [
        .addEvidence, .startInvestigation, .addNote, .identifySource, .assessThreat, .referBehaviour,
        .referDisciplinary, .concludeInvestigation, .requestTakedown, .recordHostResponse, .checkRemoval,
        .declareTakedownNotApplicable, .escalateToISP, .recordISPResponse, .escalateToPOSH,
        .escalateToReportHarmfulContent, .recordHelplineResponse, .recordConsent, .referToPolice, .notifyPolice,
        .offerSupport, .recordSupportResponse, .close, .reopen, .withdraw, .correctClosure, .changeCategory,
        .flagEvidence, .recordReferralDecision, .purgeFiles, .triage,
    ]
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
