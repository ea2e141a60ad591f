import Foundation

/// Corrections (SPEC §2.9): an entry made in error is withdrawn, with a reason, by a role
/// that may take the step that made it. The entry stays in the record marked withdrawn;
/// state, rules, deadlines and reports ignore it from then on.
///
/// Entries are named: `E1`… evidence, `N1`… notes (by order), `R1`… referrals (behaviour
/// and disciplinary together, by order), `T1`… takedown requests, and `source`,
/// `assessment`, `consent`, `not-applicable` for the current source, threat assessment,
/// consent decision and the latest live not-applicable declaration.
public enum CorrectionsTrack {
    /// An entry that can be withdrawn.
    public enum Item: Sendable, Equatable {
        case evidence(String), note(String), referral(String), takedown(String)
        case source, assessment, consent, notApplicable

        /// Reads `E2`, `n1`, `R1`, `T3`, `source`, `assessment`, `consent`, `not-applicable`.
        public init?(_ text: String) {
            let word = text.trimmingCharacters(in: .whitespaces)
            switch word.lowercased() {
            case "source": self = .source
            case "assessment": self = .assessment
            case "consent": self = .consent
            case "not-applicable": self = .notApplicable
            default:
                let upper = word.uppercased()
                guard let letter = upper.first, upper.count > 1, let number = Int(upper.dropFirst()), number > 0,
                    upper.dropFirst().allSatisfy(\.isASCII)
                else { return nil }
                let id = "\(letter)\(number)"
                switch letter {
                case "E": self = .evidence(id)
                case "N": self = .note(id)
                case "R": self = .referral(id)
                case "T": self = .takedown(id)
                default: return nil
                }
            }
        }

        /// The canonical name, as stored in the withdrawal event.
        public var name: String {
            switch self {
            case .evidence(let id), .note(let id), .referral(let id), .takedown(let id): return id
            case .source: return "source"
            case .assessment: return "assessment"
            case .consent: return "consent"
            case .notApplicable: return "not-applicable"
            }
        }

        /// The step that made the entry: who may withdraw it is who may take that step.
        public var step: Step {
            switch self {
            case .evidence: return .addEvidence
            case .note: return .addNote
            case .referral: return .referBehaviour
            case .takedown: return .requestTakedown
            case .source: return .identifySource
            case .assessment: return .assessThreat
            case .consent: return .recordConsent
            case .notApplicable: return .declareTakedownNotApplicable
            }
        }
    }

    // MARK: The step table's entries

    /// Withdrawing needs an open case; the entry's own rules are checked per entry.
    static let withdraw = StepGuards(guards: [])

    /// Correcting a closure's outcome needs a closure; the case may be closed or reopened.
    static let correctClosure = StepGuards(guards: [hasClosure], needsOpenCase: false)

    // MARK: Guards

    /// A closure's outcome can be corrected once the case has been closed.
    static let hasClosure = Guard("closure-correction-needs-closure") { input in
        guard input.state.closures.isEmpty else { return nil }
        return Refusal(
            .closureCorrectionNeedsClosure, reason: "\(input.state.reference) has never been closed", unblock: .step(.close))
    }

    /// An entry is withdrawn once; a withdrawn entry takes no further steps.
    static func withdrawnEntry(_ name: String, _ withdrawal: CaseState.Withdrawal?) -> Refusal? {
        guard let withdrawal else { return nil }
        return Refusal(
            .entryWithdrawn, reason: "\(name) was withdrawn as entered in error (\(withdrawal.reason))",
            unblock: .none("record it again if it was right after all"))
    }

    static func withdrawnRequest(_ takedown: CaseState.Takedown) -> Refusal? {
        withdrawnEntry(takedown.request.id, takedown.withdrawal)
    }

    /// The entries that can be withdrawn now, by name.
    static func liveItems(_ state: CaseState) -> [String] {
        var names = state.liveEvidence.map(\.id) + state.liveNotes.map(\.id)
        names += state.referrals.filter { $0.withdrawal == nil }.map(\.id) + state.liveTakedowns.map(\.request.id)
        if state.source != nil { names.append(Item.source.name) }
        if state.assessment != nil { names.append(Item.assessment.name) }
        if state.consentRecord != nil { names.append(Item.consent.name) }
        if !state.liveNotApplicable.isEmpty { names.append(Item.notApplicable.name) }
        return names
    }

    // MARK: Decisions

    static func withdraw(_ text: String, reason: String, _ state: CaseState) throws -> Workflow.Decision {
        guard let item = Item(text) else {
            throw CasebookError.invalidInput(
                "'\(text)' names no entry: give E1, N1, R1, T1 (evidence, note, referral, takedown request), source, assessment, consent or not-applicable")
        }
        let reason = try Workflow.text(reason, "the reason")
        let missing = CasebookError.notFound(
            "\(state.reference) has no \(item.name)" + (liveItems(state).isEmpty ? "" : " (it has \(liveItems(state).joined(separator: ", ")))"))
        var refusals: [Refusal] = []
        let input = GuardInput(state: state, now: state.updatedAt)
        switch item {
        case .evidence(let id):
            guard let entry = state.evidenceItem(id) else { throw missing }
            refusals += [withdrawnEntry(id, entry.withdrawal)].compactMap { $0 }
        case .note(let id):
            guard let entry = state.notes.first(where: { $0.id == id }) else { throw missing }
            refusals += [withdrawnEntry(id, entry.withdrawal)].compactMap { $0 }
        case .referral(let id):
            guard let entry = state.referrals.first(where: { $0.id == id }) else { throw missing }
            refusals += [withdrawnEntry(id, entry.withdrawal)].compactMap { $0 }
        case .takedown(let id):
            guard let entry = state.takedown(id) else { throw missing }
            refusals += [withdrawnEntry(id, entry.withdrawal)].compactMap { $0 }
        case .source:
            guard state.source != nil else { throw missing }
            refusals += InvestigationTrack.notConcluded.check(input) + [InvestigationTrack.sourceChange(state, to: nil)].compactMap { $0 }
        case .assessment:
            guard state.assessment != nil else { throw missing }
            refusals += InvestigationTrack.notConcluded.check(input)
        case .consent:
            guard state.consentRecord != nil else { throw missing }
        case .notApplicable:
            guard !state.liveNotApplicable.isEmpty else { throw missing }
        }
        return Workflow.Decision(events: [.withdrawn(item: item.name, reason: reason)], refusals: refusals)
    }

    static func correctClosure(_ outcome: String, _ action: CloseAction, reason: String) throws -> Workflow.Decision {
        Workflow.Decision(
            events: [
                .closureCorrected(
                    outcome: try Workflow.text(outcome, "the outcome"), action: action, reason: try Workflow.text(reason, "the reason"))
            ])
    }

    /// The version of the event that made the live entry `item` names, as the case stands.
    static func version(of item: Item, in state: CaseState) -> Int? {
        switch item {
        case .evidence(let id): return state.evidenceItem(id)?.version
        case .note(let id): return state.notes.first { $0.id == id }?.version
        case .referral(let id): return state.referrals.first { $0.id == id }?.version
        case .takedown(let id): return state.takedown(id)?.version
        case .source: return state.source?.version
        case .assessment: return state.assessment?.version
        case .consent: return state.consentRecord?.version
        case .notApplicable: return state.liveNotApplicable.last?.version
        }
    }
}

// MARK: Evolution

extension CaseState {
    /// The latest closure takes the corrected outcome and action; its date stays, and the
    /// outcome as first recorded is kept beside it.
    mutating func correctClosure(_ outcome: String, _ action: CloseAction, reason: String) {
        guard let last = closures.indices.last else { return }
        let original = closures[last].closure
        if closures[last].correctedFrom == nil { closures[last].correctedFrom = original }
        closures[last].closure = Closure(outcome: outcome, action: action, at: original.at, version: version)
        closures[last].correctionReason = reason
        if status == .closed { closure = closures[last].closure }
    }

    /// Marks the entry withdrawn; the current source, assessment and consent become unrecorded.
    mutating func withdraw(_ name: String, reason: String, at date: Date, actor: String) {
        guard let item = CorrectionsTrack.Item(name) else { return }
        let withdrawal = Withdrawal(by: actor, at: date, reason: reason, version: version)
        switch item {
        case .evidence(let id):
            if let index = evidence.firstIndex(where: { $0.id == id }) { evidence[index].withdrawal = withdrawal }
        case .note(let id):
            if let index = notes.firstIndex(where: { $0.id == id }) { notes[index].withdrawal = withdrawal }
        case .referral(let id):
            if let index = referrals.firstIndex(where: { $0.id == id }) { referrals[index].withdrawal = withdrawal }
        case .takedown(let id):
            updateTakedown(id) { $0.withdrawal = withdrawal }
        case .source: source = nil
        case .assessment: assessment = nil
        case .consent: consentRecord = nil
        case .notApplicable:
            if let index = notApplicable.lastIndex(where: { $0.withdrawal == nil }) { notApplicable[index].withdrawal = withdrawal }
        }
    }
}
