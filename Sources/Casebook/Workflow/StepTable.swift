import Foundation

/// What a guard reads: the case as it stands, the takedown request a per-request step acts
/// on, the instant the step happens, and the settings (waiting times).
struct GuardInput {
    var state: CaseState
    var takedown: CaseState.Takedown?
    var now: Date
    var settings: Settings = .defaults
}

/// A named rule check: no refusals when the rule holds. Most guards name one ``Rule``;
/// closing's lists every missing step.
struct Guard: Sendable {
    /// What it checks, for readers and failures.
    let name: String
    let check: @Sendable (GuardInput) -> [Refusal]

    init(_ name: String, _ check: @escaping @Sendable (GuardInput) -> Refusal?) {
        self.name = name
        self.check = { input in check(input).map { [$0] } ?? [] }
    }

    init(all name: String, _ check: @escaping @Sendable (GuardInput) -> [Refusal]) {
        self.name = name
        self.check = check
    }
}

/// The guards that apply to one step, and whether it acts on one takedown request at a time.
struct StepGuards: Sendable {
    var guards: [Guard]
    /// Per-request steps are allowed for the requests whose guards pass (``StepAvailability/subjects``).
    var isPerRequest = false
    /// Whether the step needs an open case (every step but reopening).
    var needsOpenCase = true
    /// The step itself, filled in by ``Workflow/guards(for:)``.
    var step: Step = .addEvidence
    /// What the acting role needs for the step (SPEC §5, §11): the role rule `decide`, `show`
    /// and `verify` read alike.
    var permission: Permission = .advanceCase

    /// The refusals for one request (or none) at an instant: empty when allowed.
    func refusals(_ state: CaseState, takedown: CaseState.Takedown?, now: Date, settings: Settings = .defaults) -> [Refusal] {
        let input = GuardInput(state: state, takedown: takedown, now: now, settings: settings)
        if let concern = ConcernTrack.blocksStep(step, state) { return [concern] }
        if needsOpenCase, let closed = ClosingTrack.caseIsOpen.check(input).first { return [closed] }
        if isPerRequest, let takedown, let withdrawn = CorrectionsTrack.withdrawnRequest(takedown) { return [withdrawn] }
        // A per-request step asked about no request (a track that named none) is refused as
        // having none, never allowed and never a trap: its guards read the request they are given.
        if isPerRequest, takedown == nil { return [TakedownTrack.needsRequest(state)] }
        return guards.flatMap { $0.check(input) }
    }
}

extension Workflow {
    /// The step table: which guards apply to each step. ``decide(_:state:context:)`` and
    /// ``availability(of:now:)`` both read it, so `show` says what `decide` enforces.
    static func guards(for step: Step) -> StepGuards { table[step] ?? StepGuards(guards: [], step: step) }

    /// Every step's entry: the built-in tracks' below, then each registered track's own
    /// (``CaseTrack/stepTable``).
    private static let table: [Step: StepGuards] = Dictionary(
        Step.builtIn.map { step in
            var entry = builtIn(step)
            entry.step = step
            return (step, entry)
        } + Tracks.stepTable.map { ($0.key, $0.value) },
        uniquingKeysWith: { first, _ in first })

    private static func builtIn(_ step: Step) -> StepGuards {
        switch step {
        case .addEvidence: return EvidenceTrack.addEvidence
        case .startInvestigation: return InvestigationTrack.start
        case .addNote: return InvestigationTrack.note
        case .identifySource: return InvestigationTrack.source
        case .assessThreat: return InvestigationTrack.assess
        case .referBehaviour: return InvestigationTrack.referBehaviour
        case .referDisciplinary: return InvestigationTrack.referDisciplinary
        case .concludeInvestigation: return InvestigationTrack.conclude
        case .requestTakedown: return TakedownTrack.request
        case .recordHostResponse: return TakedownTrack.response
        case .checkRemoval: return TakedownTrack.check
        case .declareTakedownNotApplicable: return TakedownTrack.notApplicable
        case .escalateToISP: return ISPTrack.escalate
        case .recordISPResponse: return ISPTrack.response
        case .escalateToPOSH: return HelplineTrack.escalatePOSH
        case .escalateToReportHarmfulContent: return HelplineTrack.escalateReportHarmfulContent
        case .recordHelplineResponse: return HelplineTrack.response
        case .recordConsent: return PoliceTrack.consent
        case .referToPolice: return PoliceTrack.refer
        case .notifyPolice: return PoliceTrack.notify
        case .offerSupport: return SupportTrack.offer
        case .recordSupportResponse: return SupportTrack.response
        case .close: return ClosingTrack.close
        case .reopen: return ClosingTrack.reopen
        case .withdraw: return CorrectionsTrack.withdraw
        case .correctClosure: return CorrectionsTrack.correctClosure
        case .changeCategory: return LawfulContentTrack.changeCategory
        case .flagEvidence: return LawfulContentTrack.flagEvidence
        case .recordReferralDecision: return LawfulContentTrack.referralDecision
        case .purgeFiles: return LawfulContentTrack.purge
        case .triage: return ConcernTrack.triage
        default: return StepGuards(guards: [])
        }
    }
}
