import Foundation

/// The LADO track (KCSIE Part 4; SPEC §11): when a member of staff is the source and the
/// material concerns a child (`child-mentioned`, `child-sexual-imagery`), the safeguarding
/// lead refers the allegation to the local authority designated officer within one working
/// day of the source being identified; the LADO's advice and outcome follow, and the case
/// cannot close while the referral has no outcome.
enum LADOTrack {
    // MARK: The step table's entries

    static let refer = StepGuards(guards: [staffSource, referralOnce], permission: .referToLADO)
    static let advice = StepGuards(guards: [referred(.ladoAdviceNeedsReferral)], permission: .referToLADO)
    static let outcome = StepGuards(guards: [referred(.ladoOutcomeNeedsReferral), outcomeOnce], permission: .referToLADO)

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

    /// Closing needs the LADO referral when it is required, and its outcome once made.
    static func closeRefusal(_ state: CaseState) -> Refusal? {
        if let lado = state.lado {
            guard lado.result == nil else { return nil }
            return Refusal(
                .closeNeedsLADOOutcome, reason: "the LADO referral has no outcome recorded", unblock: .step(.recordLADOOutcome))
        }
        guard state.needsLADOReferral else { return nil }
        return Refusal(
            .closeNeedsLADOOutcome,
            reason: "a member of staff is the source and the material concerns a child: the LADO referral is not made",
            unblock: .step(.referToLADO))
    }

    // MARK: Decisions

    static func refer(_ reason: String) throws -> Workflow.Decision {
        Workflow.Decision(events: [.ladoReferred(reason: try Workflow.text(reason, "the reason"))])
    }

    static func advice(_ text: String) throws -> Workflow.Decision {
        Workflow.Decision(events: [.ladoAdvised(text: try Workflow.text(text, "the advice"))])
    }

    /// The LADO's clock: one working day from the source being identified (nil when not required).
    static func due(_ state: CaseState) -> Date?? {
        guard state.needsLADOReferral, state.lado == nil, let source = state.source else { return nil }
        return .some(WorkingDays.oneWorkingDay(after: source.identifiedAt ?? state.openedAt))
    }
}

/// What the LADO decided about the allegation (KCSIE Part 4 outcome definitions).
public enum LADOResult: String, Codable, Sendable, CaseIterable {
    case substantiated, unsubstantiated, unfounded, `false`, malicious
}

// MARK: State

extension CaseState {
    /// The LADO referral and what followed it.
    public struct LADOReferral: Sendable, Equatable {
        /// Why it was referred.
        public var reason: String
        /// When.
        public var at: Date
        /// The LADO's advice, in order.
        public var advice: [String] = []
        /// The LADO's outcome, once recorded.
        public var result: LADOResult?
    }

    /// A member of staff is the source and the material concerns a child (KCSIE Part 4).
    public var needsLADOReferral: Bool {
        source?.kind == .staff
            && (opened.categories.contains(.childMentioned) || opened.categories.contains(.childSexualImagery) || involvesChildSexualImagery)
    }

    mutating func applyLADO(_ event: CaseEvent, at date: Date) {
        switch event {
        case .ladoReferred(let reason): lado = LADOReferral(reason: reason, at: date)
        case .ladoAdvised(let text): lado?.advice.append(text)
        case .ladoOutcome(let result): lado?.result = result
        default: break
        }
    }
}
