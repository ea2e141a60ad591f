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
/// rule-coverage test proves each is triggered by some scenario. The set is open: a track
/// declares its own rules (``CaseTrack/rules``) beside the built-in ones below, which keep
/// the names and raw values they had as enum cases. Equal when their ids are.
public struct Rule: OpenSet {
    /// The stable id, e.g. `police-needs-consent`.
    public let rawValue: String
    /// Where the rule comes from.
    public let clause: String

    init(_ rawValue: String, clause: String) {
        self.rawValue = rawValue
        self.clause = clause
    }

    /// Every rule: the built-in ones, then each registered track's (``Tracks/all``).
    public static let allCases: [Rule] = builtIn + Tracks.rules

    // The case itself (Closing.swift)
    public static let caseIsOpen = Rule("case-is-open", clause: "SPEC §2.8")
    public static let reopenNeedsClosedCase = Rule("reopen-needs-closed-case", clause: "SPEC §2.8")
    // Investigation (Investigation.swift)
    public static let investigationNeedsEvidence = Rule("investigation-needs-evidence", clause: "000 §12.2, §13.3")
    public static let investigationStartsOnce = Rule("investigation-starts-once", clause: "000 §13.3")
    public static let investigationStarted = Rule("investigation-started", clause: "000 §13.3")
    public static let investigationNotConcluded = Rule("investigation-not-concluded", clause: "000 §13.3")
    public static let behaviourReferralNeedsPupilSource = Rule("behaviour-referral-needs-pupil-source", clause: "000 §13.4")
    public static let disciplinaryReferralNeedsStaffSource = Rule("disciplinary-referral-needs-staff-source", clause: "000 §14.1, §14.4")
    public static let sourceChangeNeedsReferralWithdrawn = Rule("source-change-needs-referral-withdrawn", clause: "000 §13.4, §14.1")
    public static let conclusionNeedsSource = Rule("conclusion-needs-source", clause: "000 §13.4")
    public static let conclusionNeedsThreatAssessment = Rule("conclusion-needs-threat-assessment", clause: "000 §13.7")
    // Host takedown (Takedown.swift)
    public static let takedownNeedsInvestigation = Rule("takedown-needs-investigation", clause: "000 §13.3, §13.5")
    public static let takedownNeedsURLEvidence = Rule("takedown-needs-url-evidence", clause: "000 §12.2, §13.5")
    public static let takedownDeclaredNotApplicable = Rule("takedown-declared-not-applicable", clause: "000 §13.5")
    public static let notApplicableWithoutRequests = Rule("not-applicable-without-requests", clause: "000 §13.5")
    public static let needsTakedownRequest = Rule("needs-takedown-request", clause: "000 §13.5")
    public static let hostResponseOnce = Rule("host-response-once", clause: "000 §13.5")
    public static let noResponseNeedsDeadlinePassed = Rule("no-response-needs-deadline-passed", clause: "000 §13.5")
    // ISP (ISP.swift)
    public static let ispEscalationOnce = Rule("isp-escalation-once", clause: "000 §13.6")
    public static let ispNeedsUncooperativeHost = Rule("isp-needs-uncooperative-host", clause: "000 §13.6")
    public static let ispResponseNeedsEscalation = Rule("isp-response-needs-escalation", clause: "000 §13.6")
    public static let ispResponseOnce = Rule("isp-response-once", clause: "000 §13.6")
    // Helplines (Helpline.swift)
    public static let helplineEscalationOnce = Rule("helpline-escalation-once", clause: "SPEC §10, 000 §13.5–§13.6")
    public static let helplineNeedsUnresolvedRequest = Rule("helpline-needs-unresolved-request", clause: "SPEC §10, 000 §13.5–§13.6")
    public static let poshNeedsRefusalOrWait = Rule("posh-needs-refusal-or-wait", clause: "SPEC §10, 000 §13.5–§13.6")
    public static let reportHarmfulContentNeedsPlatformReply = Rule("report-harmful-content-needs-platform-reply", clause: "SPEC §10, 000 §13.5–§13.6")
    public static let helplineResponseNeedsEscalation = Rule("helpline-response-needs-escalation", clause: "SPEC §10, 000 §13.5–§13.6")
    public static let helplineResponseOnce = Rule("helpline-response-once", clause: "SPEC §10, 000 §13.5–§13.6")
    // Police (Police.swift)
    public static let policeNeedsThreateningMaterial = Rule("police-needs-threatening-material", clause: "000 §13.7")
    public static let policeNeedsConsent = Rule("police-needs-consent", clause: "000 §13.7")
    public static let policeReferralOnce = Rule("police-referral-once", clause: "000 §13.7")
    public static let consentByAffectedPerson = Rule("consent-by-affected-person", clause: "000 §13.7")
    public static let policeNoticeNeedsWithdrawnConsent = Rule("police-notice-needs-withdrawn-consent", clause: "000 §13.7")
    public static let consentWithdrawalNeedsConsentGiven = Rule("consent-withdrawal-needs-consent-given", clause: "000 §13.7")
    // Support (Support.swift)
    public static let supportResponseNeedsOffer = Rule("support-response-needs-offer", clause: "000 §13.8")
    // Closing (Closing.swift)
    public static let closeNeedsConcludedInvestigation = Rule("close-needs-concluded-investigation", clause: "000 §13.3")
    public static let closeNeedsResolvedTakedowns = Rule("close-needs-resolved-takedowns", clause: "000 §13.5, §13.6")
    public static let closeNeedsTakedownForURLEvidence = Rule("close-needs-takedown-for-url-evidence", clause: "000 §13.5")
    public static let closeNeedsPoliceTrackSettled = Rule("close-needs-police-track-settled", clause: "000 §13.7")
    public static let closeNeedsSupportOffered = Rule("close-needs-support-offered", clause: "000 §13.8")
    // Corrections (Corrections.swift)
    public static let entryWithdrawn = Rule("entry-withdrawn", clause: "SPEC §2.9")
    public static let closureCorrectionNeedsClosure = Rule("closure-correction-needs-closure", clause: "SPEC §2.9")
    // Redaction (Jobs/Retention/RetentionWork+Erasure.swift)
    public static let redactEvidenceAndNotesOnly = Rule("redact-evidence-and-notes-only", clause: "SPEC §4 (UK GDPR erasure)")
    // Lawful content (LawfulContent.swift)
    public static let childSexualImageryNoFiles = Rule("child-sexual-imagery-no-files", clause: "Protection of Children Act 1978; UKCIS 2024; SPEC §9")
    public static let referralDecisionNeedsChildSexualImagery = Rule("referral-decision-needs-child-sexual-imagery", clause: "UKCIS 2024; SPEC §9")
    public static let closeNeedsReferralDecision = Rule("close-needs-referral-decision", clause: "UKCIS 2024; SPEC §9")
    public static let purgeNeedsStoredFiles = Rule("purge-needs-stored-files", clause: "SPEC §9")
    // Concerns (Concerns.swift)
    public static let concernAwaitingTriage = Rule("concern-awaiting-triage", clause: "000 §12.1; SPEC §11")
    public static let concernDeclined = Rule("concern-declined", clause: "000 §12.1; SPEC §11")
    public static let triageNeedsUntriagedConcern = Rule("triage-needs-untriaged-concern", clause: "000 §12.1; SPEC §11")

    /// The rules of the built-in tracks.
    static let builtIn: [Rule] = [
        .caseIsOpen, .reopenNeedsClosedCase, .investigationNeedsEvidence, .investigationStartsOnce,
        .investigationStarted, .investigationNotConcluded, .behaviourReferralNeedsPupilSource,
        .disciplinaryReferralNeedsStaffSource, .sourceChangeNeedsReferralWithdrawn, .conclusionNeedsSource,
        .conclusionNeedsThreatAssessment, .takedownNeedsInvestigation, .takedownNeedsURLEvidence,
        .takedownDeclaredNotApplicable, .notApplicableWithoutRequests, .needsTakedownRequest, .hostResponseOnce,
        .noResponseNeedsDeadlinePassed, .ispEscalationOnce, .ispNeedsUncooperativeHost, .ispResponseNeedsEscalation,
        .ispResponseOnce, .helplineEscalationOnce, .helplineNeedsUnresolvedRequest, .poshNeedsRefusalOrWait,
        .reportHarmfulContentNeedsPlatformReply, .helplineResponseNeedsEscalation, .helplineResponseOnce,
        .policeNeedsThreateningMaterial, .policeNeedsConsent, .policeReferralOnce, .consentByAffectedPerson,
        .policeNoticeNeedsWithdrawnConsent, .consentWithdrawalNeedsConsentGiven, .supportResponseNeedsOffer,
        .closeNeedsConcludedInvestigation, .closeNeedsResolvedTakedowns, .closeNeedsTakedownForURLEvidence,
        .closeNeedsPoliceTrackSettled, .closeNeedsSupportOffered, .entryWithdrawn, .closureCorrectionNeedsClosure,
        .redactEvidenceAndNotesOnly, .childSexualImageryNoFiles, .referralDecisionNeedsChildSexualImagery,
        .closeNeedsReferralDecision, .purgeNeedsStoredFiles, .concernAwaitingTriage, .concernDeclined,
        .triageNeedsUntriagedConcern,
    ]
}
