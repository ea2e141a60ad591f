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
        /// POSH's wait after the platform report is over and the request is unresolved:
        /// a helpline escalation is possible and not taken (SPEC §10).
        case helpline
        /// A helpline escalation without a response after `helpline.response-days` (SPEC §10).
        case helplineResponse = "helpline-response"
        /// A concern not yet triaged one working day after it was reported (SPEC §11).
        case triage
        /// A staff source on a case that concerns a child, not referred to the LADO one
        /// working day after the source was identified (KCSIE Part 4).
        case ladoReferral = "lado-referral"
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
    public var nextAction: String {
        switch kind {
        case .takedown: return "escalate \(subject) to the internet service provider (000 §13.6)"
        case .requestTakedown: return "ask the host to remove the material of \(subject) (000 §13.5)"
        case .investigateUrgent: return "start the investigation now: a child is mentioned (001 §8.6)"
        case .tellPolice: return "tell the force that consent was withdrawn (000 §13.7)"
        case .helpline: return "escalate \(subject) to a helpline: POSH, or Report Harmful Content with the platform's reply (SPEC §10)"
        case .helplineResponse: return "ask the helpline about \(subject) and record its response (SPEC §10)"
        case .triage: return "triage the concern: accept it as a case or decline it (000 §12.1, SPEC §11)"
        case .ladoReferral: return "refer the allegation against a member of staff to the LADO (KCSIE Part 4)"
        }
    }

    /// The step that takes the next action, for a front end to render.
    public var step: StepReference { kind.step(subject: subject) }
}

extension Deadline.Kind {
    /// The step that takes the next action of a deadline of this kind about `subject`.
    public func step(subject: String) -> StepReference {
        switch self {
        case .takedown: return .step(.escalateToISP, subject: subject)
        case .requestTakedown: return .step(.requestTakedown, subject: subject)
        case .investigateUrgent: return .step(.startInvestigation)
        case .tellPolice: return .step(.notifyPolice)
        case .helpline: return .step(.escalateToPOSH, subject: subject)
        case .helplineResponse: return .step(.recordHelplineResponse, subject: subject)
        case .triage: return .step(.triage, choice: "accept|decline")
        case .ladoReferral: return .step(.referToLADO)
        }
    }
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
        if case .some(.some(let due)) = LADOTrack.due(state) {
            deadlines.append(
                Deadline(
                    reference: state.reference, kind: .ladoReferral, subject: state.reference.description, due: due,
                    startedBy: state.source?.version))
        }
        if let since = state.policeToBeToldSince {
            deadlines.append(
                Deadline(
                    reference: state.reference, kind: .tellPolice, subject: state.reference.description, due: since,
                    startedBy: state.consentRecord?.version))
        }
        return deadlines
    }
}
