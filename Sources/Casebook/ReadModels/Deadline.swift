import Foundation

/// Something due on an open case, which `overdue` reports once it has passed (SPEC §6).
public struct Deadline: Sendable, Equatable {
    /// What kind of thing is due: its stored id (the `deadlines` read model), the next
    /// action in plain words and the step that takes it, each from the deadline's subject.
    /// The set is open: a track declares its own kinds (``CaseTrack/deadlineKinds``). Equal
    /// when their ids are.
    public struct Kind: OpenSet {
        /// The stored id.
        public let rawValue: String
        let nextAction: @Sendable (_ subject: String) -> String
        let step: @Sendable (_ subject: String) -> StepReference

        init(
            _ rawValue: String, nextAction: @escaping @Sendable (String) -> String,
            step: @escaping @Sendable (String) -> StepReference
        ) {
            self.rawValue = rawValue
            self.nextAction = nextAction
            self.step = step
        }

        /// Every kind: the built-in ones, then each registered track's (``Tracks/all``).
        public static let allCases: [Kind] = builtIn + Tracks.deadlineKinds

        /// A takedown request's 24 hours without confirmed removal: escalate to the ISP (000 §13.6).
        public static let takedown = Kind(
            "takedown", nextAction: { "escalate \($0) to the internet service provider (000 §13.6)" },
            step: { .step(.escalateToISP, subject: $0) })
        /// URL evidence with no takedown request 24 hours after it was added (000 §13.5).
        public static let requestTakedown = Kind(
            "request-takedown", nextAction: { "ask the host to remove the material of \($0) (000 §13.5)" },
            step: { .step(.requestTakedown, subject: $0) })
        /// An urgent (`child-mentioned`) case not yet investigated (001 §8.6).
        public static let investigateUrgent = Kind(
            "investigate-urgent", nextAction: { _ in "start the investigation now: a child is mentioned (001 §8.6)" },
            step: { _ in .step(.startInvestigation) })
        /// Consent withdrawn after the police referral: tell the force (000 §13.7).
        public static let tellPolice = Kind(
            "tell-police", nextAction: { _ in "tell the force that consent was withdrawn (000 §13.7)" },
            step: { _ in .step(.notifyPolice) })
        /// POSH's wait after the platform report is over and the request is unresolved:
        /// a helpline escalation is possible and not taken (SPEC §10).
        public static let helpline = Kind(
            "helpline",
            nextAction: { "escalate \($0) to a helpline: POSH, or Report Harmful Content with the platform's reply (SPEC §10)" },
            step: { .step(.escalateToPOSH, subject: $0) })
        /// A helpline escalation without a response after `helpline.response-days` (SPEC §10).
        public static let helplineResponse = Kind(
            "helpline-response", nextAction: { "ask the helpline about \($0) and record its response (SPEC §10)" },
            step: { .step(.recordHelplineResponse, subject: $0) })
        /// A concern not yet triaged one working day after it was reported (SPEC §11).
        public static let triage = Kind(
            "triage", nextAction: { _ in "triage the concern: accept it as a case or decline it (000 §12.1, SPEC §11)" },
            step: { _ in .step(.triage, choice: "accept|decline") })

        /// The built-in kinds.
        static let builtIn: [Kind] = [.takedown, .requestTakedown, .investigateUrgent, .tellPolice, .helpline, .helplineResponse, .triage]
    }

    /// The case.
    public var reference: CaseReference
    /// The kind.
    public var kind: Kind
    /// What it is about: `T1`, `E2`, or the case reference.
    public var subject: String
    /// When it is due.
    public var due: Date
    /// The version of the event that started its clock (the timeline flags that row); nil
    /// when read back from the `deadlines` read model.
    public var startedBy: Int?

    /// Creates a deadline.
    public init(reference: CaseReference, kind: Kind, subject: String, due: Date, startedBy: Int? = nil) {
        self.reference = reference
        self.kind = kind
        self.subject = subject
        self.due = due
        self.startedBy = startedBy
    }

    /// Whether it is overdue at an instant: from the deadline itself on, the same instant
    /// from which ISP escalation is allowed (`isp-needs-uncooperative-host`).
    public func isOverdue(at instant: Date) -> Bool { instant >= due }

    /// The next action, in plain words for anyone reading a report.
    public var nextAction: String { kind.nextAction(subject) }

    /// The step that takes the next action, for a front end to render.
    public var step: StepReference { kind.step(subject) }
}

extension Deadline {
    /// Everything due on a case as its state stands (none once it is closed). Deadlines
    /// run from when their entry was added: URL evidence added after a reopening is due 24
    /// hours after it was added, not after the original report.
    public static func of(_ state: CaseState, settings: Settings = .defaults) -> [Deadline] {
        guard state.status == .open else { return [] }
        var deadlines: [Deadline] = []
        if state.triage == .awaiting {
            // Nothing else happens to a concern before triage; past the bank-holiday table, no deadline (reporting refuses it).
            guard let due = WorkingDays.oneWorkingDay(after: state.openedAt) else { return [] }
            return [Deadline(reference: state.reference, kind: .triage, subject: state.reference.description, due: due, startedBy: 1)]
        }
        if state.isUrgent, state.investigation == .notStarted {
            deadlines.append(
                Deadline(
                    reference: state.reference, kind: .investigateUrgent, subject: state.reference.description, due: state.openedAt,
                    startedBy: 1))
        }
        for item in state.uncoveredURLEvidence {
            deadlines.append(
                Deadline(
                    reference: state.reference, kind: .requestTakedown, subject: item.id,
                    due: item.addedAt.addingTimeInterval(Workflow.takedownWindow), startedBy: item.version))
        }
        for takedown in state.liveTakedowns where !takedown.isResolved && takedown.isp == nil {
            deadlines.append(
                Deadline(
                    // Material back after a confirmed removal (often after a reopening) is due from
                    // when it came back, not from the original request's 24 hours.
                    reference: state.reference, kind: .takedown, subject: takedown.request.id,
                    due: max(takedown.deadline, takedown.reappearedAt ?? takedown.deadline), startedBy: takedown.version))
        }
        for takedown in state.liveTakedowns where !takedown.isResolved {
            let id = takedown.request.id
            if let escalation = takedown.helpline {
                deadlines.append(
                    Deadline(
                        reference: state.reference, kind: .helplineResponse, subject: id,
                        due: escalation.at.addingTimeInterval(settings.helplineResponseWindow), startedBy: escalation.version))
            } else if takedown.isp == nil || takedown.ispResponse != nil {
                // Not listed while the ISP is being asked: a route beyond the host is being
                // taken. Listed again once the ISP answered without taking the material down.
                // Due when POSH's wait is over, or with the 24 hours once the platform refused
                // or the material was found still there (POSH may be asked at once then).
                let wait = HelplineTrack.poshWaitOver(takedown, settings)
                let uncooperative = takedown.response == .refused || takedown.check == .stillPresent
                deadlines.append(
                    Deadline(
                        reference: state.reference, kind: .helpline, subject: id,
                        due: uncooperative ? min(wait, takedown.deadline) : wait, startedBy: takedown.version))
            }
        }
        deadlines += Tracks.all.flatMap { $0.deadlines(state, settings: settings) }
        if let since = state.policeToBeToldSince {
            deadlines.append(
                Deadline(
                    reference: state.reference, kind: .tellPolice, subject: state.reference.description, due: since,
                    startedBy: state.consentRecord?.version))
        }
        return deadlines
    }
}
