/// Why the workflow refuses a step now: the rule, its policy clause, and the step that
/// would unblock it (SPEC §2: "Every refusal names the rule, the policy clause, and the
/// step that would unblock it").
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule's stable name, e.g. `police-needs-consent` (a ``Rule``'s raw value).
    public var rule: String
    /// Where the rule comes from, e.g. `000 §13.7`.
    public var clause: String
    /// What is missing, in words with its values (instants as instants).
    public var reason: Message
    /// The step that would unblock it, for a front end to render.
    public var unblock: StepReference

    /// A refusal by one of the workflow's rules.
    public init(_ rule: Rule, reason: Message, unblock: StepReference) {
        self.rule = rule.rawValue
        self.clause = rule.clause
        self.reason = reason
        self.unblock = unblock
    }

    /// A refusal by a rule outside the workflow's table, with what to do instead in words
    /// (e.g. redaction's `redact-evidence-and-notes-only`).
    public init(rule: String, clause: String, reason: Message, unblock: String) {
        self.rule = rule
        self.clause = clause
        self.reason = reason
        self.unblock = .none(unblock)
    }

    public var description: String { "\(reason) [\(rule), \(clause)]" }
}

/// Every named rule, with its policy clause. A refusal always names one of these; the
/// rule-coverage test proves each is triggered by some scenario.
public enum Rule: String, Sendable, CaseIterable {
    // The case itself (Closing.swift)
    case caseIsOpen = "case-is-open"
    case reopenNeedsClosedCase = "reopen-needs-closed-case"
    // Investigation (Investigation.swift)
    case investigationNeedsEvidence = "investigation-needs-evidence"
    case investigationStartsOnce = "investigation-starts-once"
    case investigationStarted = "investigation-started"
    case investigationNotConcluded = "investigation-not-concluded"
    case behaviourReferralNeedsPupilSource = "behaviour-referral-needs-pupil-source"
    case disciplinaryReferralNeedsStaffSource = "disciplinary-referral-needs-staff-source"
    case sourceChangeNeedsReferralWithdrawn = "source-change-needs-referral-withdrawn"
    case conclusionNeedsSource = "conclusion-needs-source"
    case conclusionNeedsThreatAssessment = "conclusion-needs-threat-assessment"
    // Host takedown (Takedown.swift)
    case takedownNeedsInvestigation = "takedown-needs-investigation"
    case takedownNeedsURLEvidence = "takedown-needs-url-evidence"
    case takedownDeclaredNotApplicable = "takedown-declared-not-applicable"
    case notApplicableWithoutRequests = "not-applicable-without-requests"
    case needsTakedownRequest = "needs-takedown-request"
    case hostResponseOnce = "host-response-once"
    case noResponseNeedsDeadlinePassed = "no-response-needs-deadline-passed"
    // ISP (ISP.swift)
    case ispEscalationOnce = "isp-escalation-once"
    case ispNeedsUncooperativeHost = "isp-needs-uncooperative-host"
    case ispResponseNeedsEscalation = "isp-response-needs-escalation"
    case ispResponseOnce = "isp-response-once"
    // Helplines (Helpline.swift)
    case helplineEscalationOnce = "helpline-escalation-once"
    case helplineNeedsUnresolvedRequest = "helpline-needs-unresolved-request"
    case poshNeedsRefusalOrWait = "posh-needs-refusal-or-wait"
    case reportHarmfulContentNeedsPlatformReply = "report-harmful-content-needs-platform-reply"
    case helplineResponseNeedsEscalation = "helpline-response-needs-escalation"
    case helplineResponseOnce = "helpline-response-once"
    // Police (Police.swift)
    case policeNeedsThreateningMaterial = "police-needs-threatening-material"
    case policeNeedsConsent = "police-needs-consent"
    case policeReferralOnce = "police-referral-once"
    case consentByAffectedPerson = "consent-by-affected-person"
    case policeNoticeNeedsWithdrawnConsent = "police-notice-needs-withdrawn-consent"
    case consentWithdrawalNeedsConsentGiven = "consent-withdrawal-needs-consent-given"
    // Support (Support.swift)
    case supportResponseNeedsOffer = "support-response-needs-offer"
    // Closing (Closing.swift)
    case closeNeedsConcludedInvestigation = "close-needs-concluded-investigation"
    case closeNeedsResolvedTakedowns = "close-needs-resolved-takedowns"
    case closeNeedsTakedownForURLEvidence = "close-needs-takedown-for-url-evidence"
    case closeNeedsPoliceTrackSettled = "close-needs-police-track-settled"
    case closeNeedsSupportOffered = "close-needs-support-offered"
    // Corrections (Corrections.swift)
    case entryWithdrawn = "entry-withdrawn"
    case closureCorrectionNeedsClosure = "closure-correction-needs-closure"
    // Redaction (Jobs/Retention/RetentionWork+Erasure.swift)
    case redactEvidenceAndNotesOnly = "redact-evidence-and-notes-only"
    // Lawful content (LawfulContent.swift)
    case childSexualImageryNoFiles = "child-sexual-imagery-no-files"
    case referralDecisionNeedsChildSexualImagery = "referral-decision-needs-child-sexual-imagery"
    case closeNeedsReferralDecision = "close-needs-referral-decision"
    case purgeNeedsStoredFiles = "purge-needs-stored-files"
    // Concerns (Concerns.swift)
    case concernAwaitingTriage = "concern-awaiting-triage"
    case concernDeclined = "concern-declined"
    case triageNeedsUntriagedConcern = "triage-needs-untriaged-concern"
    // LADO (LADO.swift)
    case ladoNeedsStaffSource = "lado-needs-staff-source"
    case ladoReferralOnce = "lado-referral-once"
    case ladoAdviceNeedsReferral = "lado-advice-needs-referral"
    case ladoOutcomeNeedsReferral = "lado-outcome-needs-referral"
    case ladoOutcomeOnce = "lado-outcome-once"
    case closeNeedsLADOOutcome = "close-needs-lado-outcome"

    /// Where the rule comes from.
    public var clause: String {
        switch self {
        case .caseIsOpen, .reopenNeedsClosedCase: return "SPEC §2.8"
        case .investigationNeedsEvidence: return "000 §12.2, §13.3"
        case .investigationStartsOnce, .investigationStarted, .investigationNotConcluded: return "000 §13.3"
        case .behaviourReferralNeedsPupilSource, .conclusionNeedsSource: return "000 §13.4"
        case .disciplinaryReferralNeedsStaffSource: return "000 §14.1, §14.4"
        case .sourceChangeNeedsReferralWithdrawn: return "000 §13.4, §14.1"
        case .conclusionNeedsThreatAssessment: return "000 §13.7"
        case .takedownNeedsInvestigation: return "000 §13.3, §13.5"
        case .takedownNeedsURLEvidence: return "000 §12.2, §13.5"
        case .takedownDeclaredNotApplicable, .notApplicableWithoutRequests, .needsTakedownRequest, .hostResponseOnce,
            .noResponseNeedsDeadlinePassed:
            return "000 §13.5"
        case .ispEscalationOnce, .ispNeedsUncooperativeHost, .ispResponseNeedsEscalation, .ispResponseOnce: return "000 §13.6"
        case .helplineEscalationOnce, .helplineNeedsUnresolvedRequest, .poshNeedsRefusalOrWait,
            .reportHarmfulContentNeedsPlatformReply, .helplineResponseNeedsEscalation, .helplineResponseOnce:
            return "SPEC §10, 000 §13.5–§13.6"
        case .policeNeedsThreateningMaterial, .policeNeedsConsent, .policeReferralOnce, .consentByAffectedPerson,
            .policeNoticeNeedsWithdrawnConsent, .consentWithdrawalNeedsConsentGiven:
            return "000 §13.7"
        case .supportResponseNeedsOffer: return "000 §13.8"
        case .closeNeedsConcludedInvestigation: return "000 §13.3"
        case .closeNeedsResolvedTakedowns: return "000 §13.5, §13.6"
        case .closeNeedsTakedownForURLEvidence: return "000 §13.5"
        case .closeNeedsPoliceTrackSettled: return "000 §13.7"
        case .closeNeedsSupportOffered: return "000 §13.8"
        case .entryWithdrawn, .closureCorrectionNeedsClosure: return "SPEC §2.9"
        case .redactEvidenceAndNotesOnly: return "SPEC §4 (UK GDPR erasure)"
        case .childSexualImageryNoFiles: return "Protection of Children Act 1978; UKCIS 2024; SPEC §9"
        case .referralDecisionNeedsChildSexualImagery, .closeNeedsReferralDecision: return "UKCIS 2024; SPEC §9"
        case .purgeNeedsStoredFiles: return "SPEC §9"
        case .concernAwaitingTriage, .concernDeclined, .triageNeedsUntriagedConcern: return "000 §12.1; SPEC §11"
        case .ladoNeedsStaffSource, .ladoReferralOnce, .ladoAdviceNeedsReferral, .ladoOutcomeNeedsReferral, .ladoOutcomeOnce,
            .closeNeedsLADOOutcome:
            return "KCSIE Part 4; SPEC §11"
        }
    }
}
