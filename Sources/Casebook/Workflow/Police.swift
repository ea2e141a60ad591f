import Foundation

/// The police track (SPEC §2.6, 000 §13.7, §14.5): the affected person's consent, the
/// referral (or the child-protection override), and telling the force when consent is
/// withdrawn after the referral.
enum PoliceTrack {
    // MARK: The step table's entries

    static let consent = StepGuards(guards: [])
    static let refer = StepGuards(guards: [notReferred, materialThreatening, consentGiven])
    static let notify = StepGuards(guards: [forceToBeTold])

    // MARK: Guards

    /// The police referral with consent needs material assessed as threatening or
    /// intimidating (000 §13.7). The hint never invites re-recording the assessment: an
    /// assessment still to make is made on its merits, and conduct the school considers
    /// unlawful has its own route (000 §14.5).
    static let materialThreatening = Guard("police-needs-threatening-material") { input in
        let state = input.state
        guard state.isThreatening != true else { return nil }
        let unlawful = StepReference.step(.referToPolice, choice: unlawfulChoice)
        return Refusal(
            .policeNeedsThreateningMaterial,
            reason: state.isThreatening == nil
                ? "the threat has not been assessed" : "the threat assessment says the material is not threatening or intimidating",
            unblock: state.isThreatening == nil ? .anyOf([.step(.assessThreat), unlawful]) : unlawful)
    }

    /// The choice that names the unlawful-conduct route of ``StepReference/step(_:subject:choice:)``.
    static let unlawfulChoice = "unlawful"

    /// The police referral needs the affected person's consent, not withdrawn (the
    /// child-protection override waives it).
    static let consentGiven = Guard("police-needs-consent") { input in
        let state = input.state
        // Child sexual imagery: the child-protection override applies of itself (SPEC §9).
        if state.involvesChildSexualImagery { return nil }
        let reason: Message
        switch state.consent {
        case .given?: return nil
        case nil: reason = "the affected person's consent is not recorded"
        case .declined?: reason = "the affected person declined consent"
        case .withdrawn?: reason = "the affected person withdrew consent"
        }
        // Ask for the person's decision when it is not recorded; never suggest recording a
        // decision they did not make. The override and the unlawful-conduct route remain.
        // Consent matters only to threatening material: otherwise the unlawful-conduct route alone.
        let unlawful = StepReference.step(.referToPolice, choice: unlawfulChoice)
        guard state.isThreatening == true else { return Refusal(.policeNeedsConsent, reason: reason, unblock: unlawful) }
        let ask: [StepReference] = state.consent == nil
            ? [.step(.recordConsent, subject: state.opened.affected, choice: "given|declined")] : []
        return Refusal(
            .policeNeedsConsent, reason: reason,
            unblock: .anyOf(ask + [.step(.referToPolice, choice: "override"), unlawful]))
    }

    /// One police referral per case.
    static let notReferred = Guard("police-referral-once") { input in
        guard let referral = input.state.policeReferral else { return nil }
        return Refusal(
            .policeReferralOnce, reason: "the case was already referred to \(referral.force)",
            unblock: .none("add a note for later contact with the police"))
    }

    /// Telling the force follows consent withdrawn after the referral.
    static let forceToBeTold = Guard("police-notice-needs-withdrawn-consent") { input in
        guard input.state.policeToBeToldSince == nil else { return nil }
        return Refusal(
            .policeNoticeNeedsWithdrawnConsent,
            reason: "there is nothing to tell the force: consent has not been withdrawn since the referral",
            unblock: .none("nothing is due"))
    }

    /// Consent is the affected person's to give (000 §13.7).
    static func consentByAffected(_ state: CaseState, by person: String) -> Refusal? {
        guard person != state.opened.affected else { return nil }
        return Refusal(
            .consentByAffectedPerson, reason: "consent is \(state.opened.affected)'s to give, not \(person)'s",
            unblock: .step(.recordConsent, subject: state.opened.affected))
    }

    /// Consent can be withdrawn only once it was given (000 §13.7): withdrawing what was
    /// never given would set a "tell the police" task for a referral consent never allowed.
    static func withdrawalFollowsConsent(_ decision: ConsentDecision, _ state: CaseState) -> Refusal? {
        guard decision == .withdrawn, state.consent != .given else { return nil }
        return Refusal(
            .consentWithdrawalNeedsConsentGiven,
            reason: state.consent == nil
                ? "consent was never given, so it cannot be withdrawn" : "consent is \(state.consent?.rawValue ?? ""), not given, so it cannot be withdrawn",
            unblock: state.consent == nil
                ? .step(.recordConsent, subject: state.opened.affected, choice: "given|declined")
                : .none("the affected person's decision stands"))
    }

    // MARK: Decisions

    static func consent(
        _ decision: ConsentDecision, by person: String, _ state: CaseState, _ context: DecisionContext
    ) throws -> Workflow.Decision {
        let member = try Workflow.existingStaff(person, role: "person giving consent", context)
        return Workflow.Decision(
            events: [.consentRecorded(decision: decision, by: member.id)],
            refusals: [consentByAffected(state, by: member.id), withdrawalFollowsConsent(decision, state)].compactMap { $0 })
    }

    static func refer(
        force: String, reference: String?, overrideReason: String?, _ state: CaseState, _ context: DecisionContext
    ) throws -> Workflow.Decision {
        let force = try Workflow.text(force, "the police force")
        let reference = try Workflow.optionalText(reference, "the crime reference")
        var overrideReason = try Workflow.optionalText(overrideReason, "the override reason")
        // Child sexual imagery: the child-protection override applies without being asked for (SPEC §9).
        if overrideReason == nil, state.involvesChildSexualImagery {
            try context.actor.require(.overrideConsent)
            overrideReason = LawfulContentTrack.imageryOverrideReason
        }
        return Workflow.Decision(
            events: [.policeReferred(force: force, reference: reference, overrideReason: overrideReason)],
            waived: overrideReason == nil ? [] : [Rule.policeNeedsConsent.rawValue])
    }

    /// Conduct the school considers unlawful is reported to the police (000 §14.5): the
    /// school's decision, with its reasons; neither threatening material nor consent is asked.
    static func referUnlawful(force: String, reference: String?, reason: String) throws -> Workflow.Decision {
        let force = try Workflow.text(force, "the police force")
        let reference = try Workflow.optionalText(reference, "the crime reference")
        let reason = try Workflow.text(reason, "the reason the conduct is considered unlawful")
        return Workflow.Decision(
            events: [.policeReferredUnlawful(force: force, reference: reference, reason: reason)],
            waived: [Rule.policeNeedsThreateningMaterial.rawValue, Rule.policeNeedsConsent.rawValue])
    }
}

// MARK: Evolution

extension CaseState {
    mutating func recordConsent(_ decision: ConsentDecision, at date: Date) {
        consentRecord = Consent(decision: decision, version: version)
        // A referral made on the school's own ground (unlawful conduct) did not rest on consent.
        if decision == .withdrawn, let referral = policeReferral, referral.unlawfulConduct == nil, policeToBeToldSince == nil {
            policeToBeToldSince = date
        }
    }
}
