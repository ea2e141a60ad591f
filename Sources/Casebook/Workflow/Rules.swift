import EventLog
import Foundation

/// The workflow rules of SPEC §2, each named, with its policy clause and the step that
/// unblocks it. Every guard returns nil when the rule holds, or the ``Refusal`` saying why
/// not. ``Workflow`` builds both `decide` and `show`'s "allowed now" list from these.
enum Rules {
    static func command(_ state: CaseState, _ words: String) -> String {
        "casebook \(words.replacingOccurrences(of: "CASE", with: state.reference.description))"
    }

    // MARK: The case itself

    /// Steps other than reopening need an open case.
    static func caseIsOpen(_ state: CaseState) -> Refusal? {
        guard state.status == .closed else { return nil }
        return Refusal(
            rule: "case-is-open", clause: "SPEC §2.8", reason: "\(state.reference) is closed",
            unblock: command(state, "reopen CASE --reason TEXT"))
    }

    /// Only a closed case can be reopened.
    static func caseIsClosed(_ state: CaseState) -> Refusal? {
        guard state.status == .open else { return nil }
        return Refusal(
            rule: "reopen-needs-closed-case", clause: "SPEC §2.8", reason: "\(state.reference) is open",
            unblock: "nothing: the case is already open")
    }

    // MARK: Investigation (000 §13.3–§13.4, §14)

    /// The investigation may start only once evidence exists (000 §12.2, §13.3).
    static func evidenceCaptured(_ state: CaseState) -> Refusal? {
        guard state.evidence.isEmpty else { return nil }
        return Refusal(
            rule: "investigation-needs-evidence", clause: "000 §12.2, §13.3", reason: "no evidence has been captured",
            unblock: command(state, "evidence add CASE --kind KIND [--url URL] [--file PATH]"))
    }

    /// The investigation starts once.
    static func investigationNotStarted(_ state: CaseState) -> Refusal? {
        guard state.investigation != .notStarted else { return nil }
        return Refusal(
            rule: "investigation-starts-once", clause: "000 §13.3", reason: "the investigation has already started",
            unblock: "nothing: it is under way")
    }

    /// Investigation steps need a started investigation (000 §13.3).
    static func investigationStarted(_ state: CaseState) -> Refusal? {
        guard state.investigation == .notStarted else { return nil }
        return Refusal(
            rule: "investigation-started", clause: "000 §13.3", reason: "the investigation has not started",
            unblock: command(state, "investigate start CASE"))
    }

    /// The source and the threat assessment are fixed once the investigation concludes.
    static func investigationNotConcluded(_ state: CaseState) -> Refusal? {
        guard case .concluded(let finding, _) = state.investigation else { return nil }
        return Refusal(
            rule: "investigation-not-concluded", clause: "000 §13.3",
            reason: "the investigation is concluded (\(finding.rawValue))",
            unblock: "nothing: the conclusion stands; add a note or reopen the case after closing if new facts emerge")
    }

    /// A behaviour referral needs a pupil source (000 §13.4).
    static func sourceIsPupil(_ state: CaseState) -> Refusal? {
        guard state.source?.kind != .pupil else { return nil }
        return Refusal(
            rule: "behaviour-referral-needs-pupil-source", clause: "000 §13.4",
            reason: "the source is \(state.source.map { "a \($0.kind.rawValue)" } ?? "not identified"), not a pupil",
            unblock: command(state, "investigate source CASE --kind pupil [--ref TEXT]"))
    }

    /// A disciplinary referral needs a staff source (000 §14.1, §14.4).
    static func sourceIsStaff(_ state: CaseState) -> Refusal? {
        guard state.source?.kind != .staff else { return nil }
        return Refusal(
            rule: "disciplinary-referral-needs-staff-source", clause: "000 §14.1, §14.4",
            reason: "the source is \(state.source.map { "a \($0.kind.rawValue)" } ?? "not identified"), not a member of staff",
            unblock: command(state, "investigate source CASE --kind staff [--ref TEXT]"))
    }

    /// Concluding needs the source (000 §13.4).
    static func sourceIdentified(_ state: CaseState) -> Refusal? {
        guard state.source == nil else { return nil }
        return Refusal(
            rule: "conclusion-needs-source", clause: "000 §13.4", reason: "the source of the material is not recorded",
            unblock: command(state, "investigate source CASE --kind pupil|staff|parent|external|unknown"))
    }

    /// Concluding needs the threat assessment (000 §13.7).
    static func threatAssessed(_ state: CaseState) -> Refusal? {
        guard state.isThreatening == nil else { return nil }
        return Refusal(
            rule: "conclusion-needs-threat-assessment", clause: "000 §13.7", reason: "the threat has not been assessed",
            unblock: command(state, "investigate assess CASE --threatening|--not-threatening --rationale TEXT"))
    }

    // MARK: Host takedown (000 §13.5–§13.6)

    /// Takedown requests come after the investigation has started (SPEC §2.4).
    static func takedownAfterInvestigationStart(_ state: CaseState) -> Refusal? {
        guard state.investigation == .notStarted else { return nil }
        return Refusal(
            rule: "takedown-needs-investigation", clause: "000 §13.3, §13.5",
            reason: "the investigation has not started", unblock: command(state, "investigate start CASE"))
    }

    /// A request needs URL evidence to point at (000 §13.5).
    static func urlEvidenceCaptured(_ state: CaseState) -> Refusal? {
        guard !state.evidence.contains(where: \.isURLEvidence) else { return nil }
        return Refusal(
            rule: "takedown-needs-url-evidence", clause: "000 §12.2, §13.5",
            reason: "no web or social evidence with a URL has been captured",
            unblock: command(state, "evidence add CASE --kind web|social --url URL"))
    }

    /// No request once takedown was declared not applicable.
    static func takedownApplicable(_ state: CaseState) -> Refusal? {
        guard let reason = state.takedownNotApplicable else { return nil }
        return Refusal(
            rule: "takedown-declared-not-applicable", clause: "000 §13.5",
            reason: "takedown was declared not applicable (\(reason))", unblock: "nothing: record the reason again in a note if it changed")
    }

    /// Takedown can be declared not applicable only before any request and only once.
    static func noTakedownRequested(_ state: CaseState) -> Refusal? {
        if !state.takedowns.isEmpty {
            return Refusal(
                rule: "not-applicable-without-requests", clause: "000 §13.5",
                reason: "takedown requests exist (\(state.takedowns.map(\.request.id).joined(separator: ", ")))",
                unblock: "nothing: resolve the requests instead")
        }
        return takedownApplicable(state)
    }

    /// The host's response is recorded once per request.
    static func hostResponseMissing(_ state: CaseState, _ takedown: CaseState.Takedown) -> Refusal? {
        guard let response = takedown.response else { return nil }
        return Refusal(
            rule: "host-response-once", clause: "000 §13.5",
            reason: "\(takedown.request.id)'s host response is already recorded (\(response.rawValue))",
            unblock: command(state, "takedown check CASE \(takedown.request.id) --result RESULT"))
    }

    /// A removal check follows the host's response (000 §13.6).
    static func hostResponded(_ state: CaseState, _ takedown: CaseState.Takedown) -> Refusal? {
        guard takedown.response == nil else { return nil }
        return Refusal(
            rule: "check-needs-host-response", clause: "000 §13.6",
            reason: "\(takedown.request.id) has no host response yet",
            unblock: command(state, "takedown response CASE \(takedown.request.id) --result removed|amended|refused|no-response"))
    }

    /// ISP escalation when the host did not cooperate or the deadline passed (000 §13.6).
    static func hostUncooperative(_ state: CaseState, _ takedown: CaseState.Takedown, now: Date) -> Refusal? {
        let id = takedown.request.id
        if takedown.isp != nil {
            return Refusal(
                rule: "isp-escalation-once", clause: "000 §13.6", reason: "\(id) was already escalated to \(takedown.isp!)",
                unblock: command(state, "isp response CASE \(id) --result RESULT"))
        }
        if takedown.check?.confirmsRemoval == true {
            return Refusal(
                rule: "isp-needs-uncooperative-host", clause: "000 §13.6",
                reason: "\(id): a check confirmed the material was \(takedown.check!.rawValue)",
                unblock: "nothing: the request is resolved")
        }
        let refused = takedown.response == .refused || takedown.response == .noResponse
        let stillPresent = takedown.check == .stillPresent
        let deadlinePassed = now >= takedown.deadline
        guard !(refused || stillPresent || deadlinePassed) else { return nil }
        return Refusal(
            rule: "isp-needs-uncooperative-host", clause: "000 §13.6",
            reason: "\(id): the host has not refused or failed to respond, no check found the material still present, and the 24-hour deadline (\(Timestamp.string(from: takedown.deadline))) has not passed",
            unblock: command(state, "takedown response CASE \(id) --result refused|no-response, or takedown check CASE \(id) --result still-present, or wait for the deadline"))
    }

    /// The ISP's response follows an escalation and is recorded once.
    static func escalatedAwaitingISP(_ state: CaseState, _ takedown: CaseState.Takedown) -> Refusal? {
        let id = takedown.request.id
        if takedown.isp == nil {
            return Refusal(
                rule: "isp-response-needs-escalation", clause: "000 §13.6", reason: "\(id) has not been escalated to an ISP",
                unblock: command(state, "isp escalate CASE \(id) --isp NAME"))
        }
        if let response = takedown.ispResponse {
            return Refusal(
                rule: "isp-response-once", clause: "000 §13.6",
                reason: "\(id)'s ISP response is already recorded (\(response.rawValue))", unblock: "nothing: it is resolved")
        }
        return nil
    }

    // MARK: Police (000 §13.7, §14.5)

    /// The police referral needs material assessed as threatening or intimidating.
    static func materialThreatening(_ state: CaseState) -> Refusal? {
        guard state.isThreatening != true else { return nil }
        return Refusal(
            rule: "police-needs-threatening-material", clause: "000 §13.7",
            reason: state.isThreatening == nil
                ? "the threat has not been assessed" : "the threat assessment says the material is not threatening or intimidating",
            unblock: command(state, "investigate assess CASE --threatening --rationale TEXT"))
    }

    /// The police referral needs the affected person's consent, not withdrawn.
    static func consentGiven(_ state: CaseState) -> Refusal? {
        guard state.consent != .given else { return nil }
        let reason: String
        switch state.consent {
        case nil: reason = "the affected person's consent is not recorded"
        case .declined?: reason = "the affected person declined consent"
        case .withdrawn?: reason = "the affected person withdrew consent"
        case .given?: return nil
        }
        return Refusal(
            rule: "police-needs-consent", clause: "000 §13.7", reason: reason,
            unblock: command(state, "police consent CASE --given --by \(state.opened.affected)")
                + ", or a child-protection override by the headteacher or safeguarding lead (--override-reason TEXT)")
    }

    /// One police referral per case.
    static func notReferred(_ state: CaseState) -> Refusal? {
        guard let referral = state.policeReferral else { return nil }
        return Refusal(
            rule: "police-referral-once", clause: "000 §13.7", reason: "the case was already referred to \(referral.force)",
            unblock: "nothing: add a note for later contact with the police")
    }

    /// Consent is the affected person's to give (000 §13.7).
    static func consentByAffected(_ state: CaseState, by person: String) -> Refusal? {
        guard person != state.opened.affected else { return nil }
        return Refusal(
            rule: "consent-by-affected-person", clause: "000 §13.7",
            reason: "consent is \(state.opened.affected)'s to give, not \(person)'s",
            unblock: command(state, "police consent CASE --given|--declined|--withdrawn --by \(state.opened.affected)"))
    }

    // MARK: Support (000 §13.8)

    /// The answer to support follows the offer.
    static func supportOffered(_ state: CaseState) -> Refusal? {
        guard state.supportServices == nil else { return nil }
        return Refusal(
            rule: "support-response-needs-offer", clause: "000 §13.8", reason: "no support has been offered",
            unblock: command(state, "support offer CASE --service NAME"))
    }

    // MARK: Closing (SPEC §2.8)

    /// Every reason the case cannot close yet, listed together.
    static func closeBlockers(_ state: CaseState) -> [Refusal] {
        var refusals: [Refusal] = []
        if case .concluded = state.investigation {} else {
            refusals.append(
                Refusal(
                    rule: "close-needs-concluded-investigation", clause: "000 §13.3",
                    reason: "the investigation is not concluded",
                    unblock: state.investigation == .notStarted
                        ? command(state, "investigate start CASE")
                        : command(state, "investigate conclude CASE --finding F --summary TEXT")))
        }
        for takedown in state.takedowns where !takedown.isResolved {
            let id = takedown.request.id
            refusals.append(
                Refusal(
                    rule: "close-needs-resolved-takedowns", clause: "000 §13.5, §13.6",
                    reason: "\(id) (\(takedown.request.host)) is not resolved: no check has confirmed removal and no ISP response is recorded",
                    unblock: command(state, "takedown check CASE \(id) --result removed|amended, or isp escalate/isp response CASE \(id)")))
        }
        if state.takedownNotApplicable == nil {
            let covered = Set(state.takedowns.flatMap(\.request.evidence))
            for item in state.evidence where item.isURLEvidence && !covered.contains(item.id) {
                refusals.append(
                    Refusal(
                        rule: "close-needs-takedown-for-url-evidence", clause: "000 §13.5",
                        reason: "\(item.id) (\(item.details?.url ?? "URL")) has no takedown request",
                        unblock: command(state, "takedown request CASE --evidence \(item.id) --method M, or takedown not-applicable CASE --reason TEXT")))
            }
        }
        if let refusal = policeSettled(state) { refusals.append(refusal) }
        if state.supportServices == nil {
            refusals.append(
                Refusal(
                    rule: "close-needs-support-offered", clause: "000 §13.8", reason: "no support has been offered",
                    unblock: command(state, "support offer CASE --service NAME")))
        }
        return refusals
    }

    /// The police track is settled: not threatening, consent declined or withdrawn, or referred.
    static func policeSettled(_ state: CaseState) -> Refusal? {
        if state.policeReferral != nil || state.isThreatening != true { return nil }
        if state.consent == .declined || state.consent == .withdrawn { return nil }
        return Refusal(
            rule: "close-needs-police-track-settled", clause: "000 §13.7",
            reason: state.consent == .given
                ? "the material is threatening and consent was given, but no police referral is recorded"
                : "the material is threatening and the affected person's decision on a police referral is not recorded",
            unblock: state.consent == .given
                ? command(state, "police refer CASE --force NAME")
                : command(state, "police consent CASE --given|--declined --by \(state.opened.affected)"))
    }
}
