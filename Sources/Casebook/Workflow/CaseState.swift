import Foundation

/// A case as its events have made it: the value the workflow rules read.
///
/// Built only by ``CaseState/evolve(_:at:actor:)``; never stored, always derived. Entries
/// withdrawn as entered in error (SPEC §2.9) stay in their lists, marked with their
/// ``Withdrawal``; the rules, deadlines and reports read only the live ones.
public struct CaseState: Sendable, Equatable {
    /// Whether the case is open or closed.
    public enum Status: String, Sendable, Equatable {
        /// Open: steps may be taken.
        case open
        /// Closed with an outcome; may be reopened.
        case closed
    }

    /// Where the investigation stands (000 §13.3).
    public enum Investigation: Sendable, Equatable {
        /// Not begun.
        case notStarted
        /// Under way.
        case started
        /// Concluded with a finding.
        case concluded(Finding, summary: String)
    }

    /// Who withdrew an entry as entered in error, when and why (SPEC §2.9).
    public struct Withdrawal: Sendable, Equatable {
        /// The member of staff who withdrew it.
        public var by: String
        /// When.
        public var at: Date
        /// Why.
        public var reason: String
        /// The version of the withdrawal event.
        public var version: Int
    }

    /// One evidence item as captured.
    public struct EvidenceItem: Sendable, Equatable {
        /// `E1`, …
        public var id: String
        /// The captured details; nil when the event was redacted.
        public var details: CaseEvent.Evidence?
        /// Who captured it.
        public var capturedBy: String
        /// When it was added to the case (the event's time): its deadlines run from here.
        public var addedAt: Date
        /// The version of the event that added it.
        public var version: Int
        /// Set when it was withdrawn as entered in error.
        public var withdrawal: Withdrawal?
        /// Marked as child sexual imagery after capture (`evidence flag`).
        public var isFlaggedChildSexualImagery = false

        /// Captured or marked as child sexual imagery: no file is ever kept for it (SPEC §9).
        public var isChildSexualImagery: Bool { isFlaggedChildSexualImagery || details?.isChildSexualImagery == true }

        /// Whether it points at material on a host, which a takedown request must cover.
        public var isURLEvidence: Bool { details?.kind.needsURL ?? false }
    }

    /// An investigation note (`N1`, `N2`, … by order).
    public struct Note: Sendable, Equatable {
        /// `N1`, …
        public var id: String
        /// The text; `[redacted]` once erased.
        public var text: String
        /// The version of the event that added it.
        public var version: Int
        /// Set when it was withdrawn as entered in error.
        public var withdrawal: Withdrawal?
    }

    /// A behaviour or disciplinary referral (`R1`, `R2`, … by order, both kinds together).
    public struct Referral: Sendable, Equatable {
        /// Which procedure.
        public enum Kind: Sendable, Equatable {
            /// The behaviour policy, for a pupil (000 §13.4).
            case behaviour(pupil: String)
            /// The disciplinary procedure, for a member of staff (000 §14).
            case disciplinary(staff: String)
        }
        /// `R1`, …
        public var id: String
        /// The procedure and who is referred.
        public var kind: Kind
        /// The version of the event that made it.
        public var version: Int
        /// Set when it was withdrawn as entered in error.
        public var withdrawal: Withdrawal?
    }

    /// A takedown request and what followed it (000 §13.5–§13.6).
    public struct Takedown: Sendable, Equatable {
        /// The request as made.
        public var request: CaseEvent.TakedownRequest
        /// When it was made.
        public var requestedAt: Date
        /// 24 hours after the request.
        public var deadline: Date
        /// The host's answer.
        public var response: HostResponse?
        /// The latest removal check.
        public var check: CheckResult?
        /// When the first check confirming removal was made.
        public var removalConfirmedAt: Date?
        /// The ISP escalated to.
        public var isp: String?
        /// The ISP's answer.
        public var ispResponse: ISPResponse?
        /// The screenshots of removal checks.
        public var checkFiles: [StoredFile] = []
        /// The helpline escalated to (SPEC §10).
        public var helpline: HelplineEscalation?
        /// The helpline's answer.
        public var helplineResult: HelplineResult?
        /// When the helpline's answer was recorded as happening.
        public var helplineRespondedAt: Date?
        /// When the ISP's answer was recorded as happening.
        public var ispRespondedAt: Date?
        /// When the latest removal check was made.
        public var checkedAt: Date?
        /// When a check found the material back after a confirmed removal (the latest
        /// such time): its escalation is due from then, not from the original request.
        public var reappearedAt: Date?
        /// The version of the request event.
        public var version: Int = 0
        /// Set when it was withdrawn as entered in error.
        public var withdrawal: Withdrawal?

        /// Resolved: a check confirmed removal or amendment, the ISP blocked access or closed
        /// the site, or a helpline answered (SPEC §2.8, §10). An ISP refusal or silence does not
        /// resolve a request whose material is still online: the helplines are the next route.
        public var isResolved: Bool {
            (check?.confirmsRemoval ?? false) || (ispResponse?.removesAccess ?? false) || helplineResult != nil
        }
    }

    /// A declaration that takedown does not apply, covering the URL evidence live when it
    /// was made (SPEC §2.4).
    public struct NotApplicable: Sendable, Equatable {
        /// Why.
        public var reason: String
        /// The URL evidence items it covers.
        public var covers: [String]
        /// The version of the declaration.
        public var version: Int
        /// Set when it was withdrawn as entered in error.
        public var withdrawal: Withdrawal?
    }

    /// The reference.
    public var reference: CaseReference
    /// The details as reported.
    public var opened: CaseEvent.Opened
    /// When the case was opened (the report).
    public var openedAt: Date
    /// Open or closed.
    public var status: Status = .open
    /// Evidence items in capture order, withdrawn ones included.
    public var evidence: [EvidenceItem] = []
    /// The investigation (of the current round).
    public var investigation: Investigation = .notStarted
    /// The round of investigation: 1, then one more at each reopening of a concluded
    /// investigation (a reopened case is investigated again, SPEC §2.8).
    public var investigationRound = 1
    /// The conclusion of the round before this one, while the new round has none.
    public var previousConclusion: Investigation?
    /// Investigation notes, withdrawn ones included.
    public var notes: [Note] = []
    /// The identified source (nil once withdrawn).
    public var source: Source?
    /// The threat assessment (nil once withdrawn).
    public var assessment: Assessment?
    /// Referrals in order, withdrawn ones included.
    public var referrals: [Referral] = []
    /// Takedown requests in order, withdrawn ones included.
    public var takedowns: [Takedown] = []
    /// Not-applicable declarations in order, withdrawn ones included.
    public var notApplicable: [NotApplicable] = []
    /// The affected person's latest decision on a police referral (nil once withdrawn as an error).
    public var consentRecord: Consent?
    /// The police referral, once made.
    public var policeReferral: PoliceReferral?
    /// When consent was withdrawn after the police referral: the force must be told (SPEC §2.6).
    public var policeToBeToldSince: Date?
    /// Services signposted, once support was offered (the latest offer).
    public var supportServices: [String]?
    /// Every support offer in order (a second offer does not hide the first).
    public var supportOffers: [SupportOffer] = []

    /// One support offer: the services signposted, when and by whom.
    public struct SupportOffer: Sendable, Equatable {
        /// The services.
        public var services: [String]
        /// When.
        public var at: Date
        /// Who offered it.
        public var by: String
    }
    /// The answer to the support offered.
    public var supportResponse: SupportResponse?
    /// The outcome and action when closed.
    public var closure: Closure?
    /// Every closure in order, each with the outcome facts as they stood (SPEC §2.8).
    public var closures: [ClosureRecord] = []
    /// Staff excluded from the case with `restrict` (SPEC §8), in order.
    public var excluded: [String] = []
    /// Referral decisions on child sexual imagery, in order (SPEC §9).
    public var referralDecisions: [ReferralDecision] = []
    /// Files purged, in order (SPEC §9).
    public var purges: [PurgeRecord] = []
    /// The accused's normal retirement date, recorded by HR (a staff-conduct case's retention).
    public var retentionDate: Date?
    /// Why the case is held from erasure, while it is.
    public var hold: String?
    /// When the retention period was applied (evidence and notes redacted, files purged).
    public var retentionAppliedAt: Date?
    /// Where a reported concern stands (SPEC §11); nil for a case opened as a case.
    public var triage: Triage?
    /// The member who owns the case (`assign`, SPEC §11), once assigned.
    public var owner: String?
    /// The registered tracks' parts of the state (``CaseTrack``), by track.
    public internal(set) var tracks = TrackStates()
    /// The stream version this state reflects.
    public var version: Int = 0
    /// The occurred_at of the latest event.
    public var updatedAt: Date

    /// Whether `child-mentioned` makes this case urgent (001 §8.6).
    public var isUrgent: Bool { opened.categories.contains(.childMentioned) }

    /// Evidence not withdrawn.
    public var liveEvidence: [EvidenceItem] { evidence.filter { $0.withdrawal == nil } }
    /// Takedown requests not withdrawn.
    public var liveTakedowns: [Takedown] { takedowns.filter { $0.withdrawal == nil } }
    /// Not-applicable declarations not withdrawn.
    public var liveNotApplicable: [NotApplicable] { notApplicable.filter { $0.withdrawal == nil } }
    /// Notes not withdrawn.
    public var liveNotes: [Note] { notes.filter { $0.withdrawal == nil } }

    /// The reason of the latest live not-applicable declaration.
    public var takedownNotApplicable: String? { liveNotApplicable.last?.reason }
    /// Whether the material is threatening; nil until assessed.
    public var isThreatening: Bool? { assessment?.isThreatening }
    /// The rationale of the threat assessment.
    public var threatRationale: String? { assessment?.rationale }
    /// The affected person's latest decision.
    public var consent: ConsentDecision? { consentRecord?.decision }
    /// Live behaviour referrals (pupil references).
    public var behaviourReferrals: [String] {
        referrals.compactMap { if $0.withdrawal == nil, case .behaviour(let pupil) = $0.kind { pupil } else { nil } }
    }
    /// Live disciplinary referrals (staff ids).
    public var disciplinaryReferrals: [String] {
        referrals.compactMap { if $0.withdrawal == nil, case .disciplinary(let staff) = $0.kind { staff } else { nil } }
    }

    /// The first confirmed removal or amendment of any live request.
    public var firstRemovalAt: Date? { liveTakedowns.compactMap(\.removalConfirmedAt).min() }

    /// The removal figures, per request and for the case (one computation for every report).
    public var removal: Removal { Removal.of(self) }

    /// Live URL evidence covered by neither a live request nor a live declaration.
    public var uncoveredURLEvidence: [EvidenceItem] {
        let requested = Set(liveTakedowns.flatMap(\.request.evidence))
        let declared = Set(liveNotApplicable.flatMap(\.covers))
        return liveEvidence.filter { $0.isURLEvidence && !requested.contains($0.id) && !declared.contains($0.id) }
    }

    /// Finds an evidence item by id (case-insensitive: `e1` is `E1`).
    public func evidenceItem(_ id: String) -> EvidenceItem? {
        evidence.first { $0.id.isSameIdentifier(id) }
    }

    /// Finds a takedown request by id (case-insensitive).
    public func takedown(_ id: String) -> Takedown? {
        takedowns.first { $0.request.id.isSameIdentifier(id) }
    }

    /// The source of the material (000 §13.4).
    public struct Source: Sendable, Equatable {
        /// Pupil, staff, parent, external, unknown.
        public var kind: SourceKind
        /// An optional reference, such as an account handle.
        public var ref: String?
        /// The version of the event that identified it.
        public var version: Int = 0
        /// When it was identified (a track's clock may run from here).
        public var identifiedAt: Date? = nil
    }

    /// The threat assessment (000 §13.7).
    public struct Assessment: Sendable, Equatable {
        /// Threatening or intimidating, or not.
        public var isThreatening: Bool
        /// Why.
        public var rationale: String
        /// The version of the event that recorded it.
        public var version: Int
    }

    /// The affected person's decision on a police referral (000 §13.7).
    public struct Consent: Sendable, Equatable {
        /// Given, declined or withdrawn.
        public var decision: ConsentDecision
        /// The version of the event that recorded it.
        public var version: Int
    }

    /// A police referral (000 §13.7).
    public struct PoliceReferral: Sendable, Equatable {
        /// The police force.
        public var force: String
        /// The crime reference number.
        public var reference: String?
        /// Why consent was overridden (child protection), when it was.
        public var overrideReason: String?
        /// When it was made.
        public var at: Date
        /// Why the school considers the conduct unlawful, when it reported it on that
        /// ground rather than with consent (000 §14.5).
        public var unlawfulConduct: String? = nil
    }

    /// How a case was closed.
    public struct Closure: Sendable, Equatable {
        /// The outcome summary.
        public var outcome: String
        /// The action taken.
        public var action: CloseAction
        /// When it closed.
        public var at: Date
        /// The version of the event that recorded this outcome (the closure, or its latest correction).
        public var version: Int = 0
    }

    /// One closure in the case's history, with the outcome facts HR reads as they stood
    /// when it closed, and when it was reopened (nil while it stands).
    public struct ClosureRecord: Sendable, Equatable {
        /// The outcome, action and time.
        public var closure: Closure
        /// The kind of source, if identified.
        public var sourceKind: SourceKind?
        /// `behaviour`, `disciplinary`: one per live referral, in order.
        public var referrals: [String]
        /// Threatening or not, once assessed.
        public var isThreatening: Bool?
        /// The police referral, if made.
        public var policeReferral: PoliceReferral?
        /// The finding.
        public var finding: Finding?
        /// The removal figures as they stood (per request and for the case).
        public var removal: Removal
        /// When the case was reopened after this closure.
        public var reopenedAt: Date?
        /// The outcome as first recorded, when it was corrected since (SPEC §2.9).
        public var correctedFrom: Closure?
        /// Why it was corrected (the latest correction).
        public var correctionReason: String?
        /// The staff ids a hearing would look for: the staff source's reference (when the
        /// source is a member of staff) and each member referred for discipline.
        public var staffInvolved: [String] = []
    }
}
