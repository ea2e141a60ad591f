import Foundation

/// The LADO track (KCSIE Part 4; SPEC §11): when a member of staff is the source and the
/// material concerns a child (`child-mentioned`, `child-sexual-imagery`), the safeguarding
/// lead refers the allegation to the local authority designated officer within one working
/// day of the source being identified; the LADO's advice and outcome follow, and the case
/// cannot close while the referral has no outcome. A ``CaseTrack``: this folder is the whole
/// track in the library (its events in `LADO+Events.swift`), registered in ``Tracks/all``.
enum LADOTrack: CaseTrack {
    /// The key of its state in ``CaseState/tracks``.
    static let key = "lado"

    // MARK: The step table's entries

    static let stepTable = [
        StepGuards(guards: [staffSource, referralOnce], step: .referToLADO, permission: .referToLADO),
        StepGuards(guards: [referred(.ladoAdviceNeedsReferral)], step: .recordLADOAdvice, permission: .referToLADO),
        StepGuards(guards: [referred(.ladoOutcomeNeedsReferral), outcomeOnce], step: .recordLADOOutcome, permission: .referToLADO),
    ]

    static let rules: [Rule] = [
        .ladoNeedsStaffSource, .ladoReferralOnce, .ladoAdviceNeedsReferral, .ladoOutcomeNeedsReferral, .ladoOutcomeOnce,
        .closeNeedsLADOOutcome,
    ]
    static let permissions: [Permission] = [.referToLADO]
    static let deadlineKinds: [Deadline.Kind] = [.ladoReferral]

    // MARK: Guards

    /// A LADO referral is about a member of staff: the source must be one.
    static let staffSource = Guard("lado-needs-staff-source") { input in
        guard input.state.source?.kind != .staff else { return nil }
        return Refusal(
            .ladoNeedsStaffSource,
            reason: "the source is \(input.state.source.map { "a \($0.kind.rawValue)" } ?? "not identified"): a LADO referral is about an allegation against a member of staff",
            unblock: .step(.identifySource, choice: SourceKind.staff.rawValue))
    }

    static let referralOnce = Guard("lado-referral-once") { input in
        guard input.state.lado != nil else { return nil }
        return Refusal(.ladoReferralOnce, reason: "the case has already been referred to the LADO", unblock: .step(.recordLADOAdvice))
    }

    static func referred(_ rule: Rule) -> Guard {
        Guard(rule.rawValue) { input in
            guard input.state.lado == nil else { return nil }
            return Refusal(rule, reason: "the case has not been referred to the LADO", unblock: .step(.referToLADO))
        }
    }

    static let outcomeOnce = Guard("lado-outcome-once") { input in
        guard let result = input.state.lado?.result else { return nil }
        return Refusal(.ladoOutcomeOnce, reason: "the LADO's outcome is already recorded: \(result.rawValue)", unblock: .none("an outcome is recorded once"))
    }

    // MARK: Hooks

    /// Closing needs the LADO referral when it is required, and its outcome once made.
    static func closeRefusals(_ state: CaseState) -> [Refusal] {
        if let lado = state.lado {
            guard lado.result == nil else { return [] }
            return [Refusal(.closeNeedsLADOOutcome, reason: "the LADO referral has no outcome recorded", unblock: .step(.recordLADOOutcome))]
        }
        guard state.needsLADOReferral else { return [] }
        return [
            Refusal(
                .closeNeedsLADOOutcome,
                reason: "a member of staff is the source and the material concerns a child: the LADO referral is not made",
                unblock: .step(.referToLADO))
        ]
    }

    /// The referral, due one working day after the source was identified.
    static func deadlines(_ state: CaseState, settings: Settings) -> [Deadline] {
        guard case .some(.some(let due)) = due(state) else { return [] }
        return [
            Deadline(
                reference: state.reference, kind: .ladoReferral, subject: state.reference.description, due: due,
                startedBy: state.source?.version)
        ]
    }

    /// A clock counted in working days must be countable (SPEC §11: an error, not a guess).
    static func checkClocks(_ state: CaseState) throws {
        guard case .some(.none) = due(state), let source = state.source else { return }
        _ = try WorkingDays.requireOneWorkingDay(after: source.identifiedAt ?? state.openedAt, for: "the LADO referral")
    }

    /// The LADO's clock: one working day from the source being identified (nil when not required).
    static func due(_ state: CaseState) -> Date?? {
        guard state.needsLADOReferral, state.lado == nil, let source = state.source else { return nil }
        return .some(WorkingDays.oneWorkingDay(after: source.identifiedAt ?? state.openedAt))
    }

    // MARK: Forms

    /// The LADO referral and what the LADO said (KCSIE Part 4).
    static let forms: [StepForm] = [
        StepForm(
            .referToLADO,
            purpose: "Refer an allegation against a member of staff to the LADO (KCSIE Part 4): due one working day after a staff source is identified on a case that concerns a child.",
            clause: "KCSIE Part 4",
            inputs: [StepInput("reason", .longText, required: true, help: "Why: what the member of staff is alleged to have done.")],
            make: { values in .referToLADO(reason: try values.required("reason")) }),
        StepForm(
            .recordLADOAdvice, purpose: "Record the LADO's advice on a referral.",
            inputs: [StepInput("text", .longText, required: true, help: "The advice, in your words.")],
            make: { values in .recordLADOAdvice(text: try values.required("text")) }),
        StepForm(
            .recordLADOOutcome, purpose: "Record the LADO's outcome; the case cannot close without it once referred.",
            inputs: [StepInput("result", StepInput.values(of: LADOResult.self), required: true, help: "One of: \(LADOResult.choices).")],
            choice: "result",
            make: { values in .recordLADOOutcome(try values.word("result", as: LADOResult.self)) }),
    ]
}

// MARK: Vocabulary

extension Step {
    public static let referToLADO = Step("referToLADO")
    public static let recordLADOAdvice = Step("recordLADOAdvice")
    public static let recordLADOOutcome = Step("recordLADOOutcome")
}

extension Rule {
    public static let ladoNeedsStaffSource = Rule("lado-needs-staff-source", clause: "KCSIE Part 4; SPEC §11")
    public static let ladoReferralOnce = Rule("lado-referral-once", clause: "KCSIE Part 4; SPEC §11")
    public static let ladoAdviceNeedsReferral = Rule("lado-advice-needs-referral", clause: "KCSIE Part 4; SPEC §11")
    public static let ladoOutcomeNeedsReferral = Rule("lado-outcome-needs-referral", clause: "KCSIE Part 4; SPEC §11")
    public static let ladoOutcomeOnce = Rule("lado-outcome-once", clause: "KCSIE Part 4; SPEC §11")
    public static let closeNeedsLADOOutcome = Rule("close-needs-lado-outcome", clause: "KCSIE Part 4; SPEC §11")
}

extension Permission {
    /// `refer lado`, `lado advice|outcome` (KCSIE Part 4): the safeguarding lead's.
    public static let referToLADO = Permission("refer to the LADO", roles: [.safeguardingLead])
}

extension Deadline.Kind {
    /// A staff source on a case that concerns a child, not referred to the LADO one
    /// working day after the source was identified (KCSIE Part 4).
    public static let ladoReferral = Deadline.Kind(
        "lado-referral", nextAction: { _ in "refer the allegation against a member of staff to the LADO (KCSIE Part 4)" },
        step: { _ in .step(.referToLADO) })
}

/// What the LADO decided about the allegation (KCSIE Part 4 outcome definitions).
public enum LADOResult: String, Codable, Sendable, CaseIterable {
    case substantiated, unsubstantiated, unfounded, `false`, malicious
}

// MARK: State

extension CaseState {
    /// The LADO referral and what followed it.
    public struct LADOReferral: Sendable, Equatable, TrackState {
        /// Why it was referred.
        public var reason: String
        /// When.
        public var at: Date
        /// The LADO's advice, in order.
        public var advice: [String] = []
        /// The LADO's outcome, once recorded.
        public var result: LADOResult?
    }

    /// The LADO referral (KCSIE Part 4), once made.
    public internal(set) var lado: LADOReferral? {
        get { tracks[LADOTrack.key] as? LADOReferral }
        set { tracks[LADOTrack.key] = newValue }
    }

    /// A member of staff is the source and the material concerns a child (KCSIE Part 4).
    public var needsLADOReferral: Bool {
        source?.kind == .staff
            && (opened.categories.contains(.childMentioned) || opened.categories.contains(.childSexualImagery) || involvesChildSexualImagery)
    }
}
