import Foundation

/// Closing and reopening (SPEC §2.8): a case closes once every track is complete; a closed
/// case can be reopened, and its earlier closures stay closures in its history.
enum ClosingTrack {
    // MARK: The step table's entries

    static let close = StepGuards(guards: [complete])
    static let reopen = StepGuards(guards: [caseIsClosed], needsOpenCase: false)

    // MARK: Guards

    /// Steps other than reopening need an open case (the step table applies it to every step).
    static let caseIsOpen = Guard("case-is-open") { input in
        guard input.state.status == .closed else { return nil }
        return Refusal(.caseIsOpen, reason: "\(input.state.reference) is closed", unblock: .step(.reopen))
    }

    /// Only a closed case can be reopened.
    static let caseIsClosed = Guard("reopen-needs-closed-case") { input in
        guard input.state.status == .open else { return nil }
        return Refusal(.reopenNeedsClosedCase, reason: "\(input.state.reference) is open", unblock: .none("the case is already open"))
    }

    /// Every reason the case cannot close yet, listed together.
    static let complete = Guard(all: "close-needs-every-track-complete") { input in
        let state = input.state
        var refusals: [Refusal] = []
        if case .concluded = state.investigation {} else {
            refusals.append(
                Refusal(
                    .closeNeedsConcludedInvestigation, reason: "the investigation is not concluded",
                    unblock: .step(state.investigation == .notStarted ? .startInvestigation : .concludeInvestigation)))
        }
        for takedown in state.liveTakedowns where !takedown.isResolved {
            let id = takedown.request.id
            // An ISP that refused or stayed silent leaves the material online (SPEC §10).
            let isp = takedown.ispResponse.map { "the ISP answered \($0.rawValue) and no helpline response is recorded" }
            refusals.append(
                Refusal(
                    .closeNeedsResolvedTakedowns,
                    reason: "\(id) is not resolved: no check has confirmed removal and "
                        + (isp ?? "no ISP or helpline response is recorded"),
                    unblock: .anyOf(
                        [.step(.checkRemoval, subject: id, choice: "removed|amended")]
                            + (takedown.ispResponse == nil ? [.step(takedown.isp == nil ? .escalateToISP : .recordISPResponse, subject: id)] : [])
                            + [.step(takedown.helpline == nil ? .escalateToPOSH : .recordHelplineResponse, subject: id)])))
        }
        for item in state.uncoveredURLEvidence {
            refusals.append(
                Refusal(
                    .closeNeedsTakedownForURLEvidence,
                    reason: "\(item.id) has no takedown request and no not-applicable declaration",
                    unblock: .anyOf([.step(.requestTakedown, subject: item.id), .step(.declareTakedownNotApplicable)])))
        }
        if let refusal = policeSettled(state) { refusals.append(refusal) }
        if let refusal = LawfulContentTrack.referralDecided(state) { refusals.append(refusal) }
        refusals += Tracks.all.flatMap { $0.closeRefusals(state) }
        if state.supportServices == nil {
            refusals.append(
                Refusal(.closeNeedsSupportOffered, reason: "no support has been offered", unblock: .step(.offerSupport)))
        }
        return refusals
    }

    /// The police track is settled: not threatening, consent declined or withdrawn, or
    /// referred — and the force told of consent withdrawn after the referral.
    static func policeSettled(_ state: CaseState) -> Refusal? {
        if state.policeToBeToldSince != nil {
            return Refusal(
                .closeNeedsPoliceTrackSettled,
                reason: "consent was withdrawn after the police referral and the force has not been told",
                unblock: .step(.notifyPolice))
        }
        if state.policeReferral != nil || state.isThreatening != true { return nil }
        if state.consent == .declined || state.consent == .withdrawn { return nil }
        return Refusal(
            .closeNeedsPoliceTrackSettled,
            reason: state.consent == .given
                ? "the material is threatening and consent was given, but no police referral is recorded"
                : "the material is threatening and the affected person's decision on a police referral is not recorded",
            unblock: state.consent == .given
                ? .step(.referToPolice)
                : .step(.recordConsent, subject: state.opened.affected, choice: "given|declined"))
    }

    // MARK: Decisions

    static func close(_ outcome: String, _ action: CloseAction) throws -> Workflow.Decision {
        Workflow.Decision(events: [.closed(outcome: try Workflow.text(outcome, "the outcome"), action: action)])
    }

    static func reopen(_ reason: String) throws -> Workflow.Decision {
        Workflow.Decision(events: [.reopened(reason: try Workflow.text(reason, "the reason"))])
    }
}

// MARK: Evolution

extension CaseState {
    /// Closing keeps the outcome facts as they stand, for the report of the period it happened in.
    mutating func close(_ outcome: String, _ action: CloseAction, at date: Date) {
        let closure = Closure(outcome: outcome, action: action, at: date, version: version)
        status = .closed
        self.closure = closure
        var finding: Finding?
        if case .concluded(let concluded, _) = investigation {
            finding = concluded
        } else if case .concluded(let concluded, _)? = previousConclusion {
            // A closure recorded before reopenings opened a new round keeps the last finding.
            finding = concluded
        }
        // One kind per live referral, so the report counts referrals, not closures.
        let kinds = behaviourReferrals.map { _ in "behaviour" } + disciplinaryReferrals.map { _ in "disciplinary" }
        var staff = disciplinaryReferrals
        if source?.kind == .staff, let ref = source?.ref, !staff.contains(ref) { staff.insert(ref, at: 0) }
        closures.append(
            ClosureRecord(
                closure: closure, sourceKind: source?.kind, referrals: kinds, isThreatening: isThreatening,
                policeReferral: policeReferral, finding: finding,
                removal: removal, reopenedAt: nil, correctedFrom: nil, correctionReason: nil, staffInvolved: staff))
    }

    /// Reopening opens a new round of investigation: the source, the assessment and the
    /// conclusion may be recorded again, and closing again needs the new round concluded.
    mutating func reopen(at date: Date) {
        status = .open
        closure = nil
        if case .concluded = investigation {
            previousConclusion = investigation
            investigation = .started
            investigationRound += 1
        }
        if !closures.isEmpty { closures[closures.count - 1].reopenedAt = date }
    }
}
