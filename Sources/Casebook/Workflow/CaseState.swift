import Foundation

/// A case as its events have made it: the value the workflow rules read.
///
/// Built only by ``CaseState/evolve(_:with:at:)``; never stored, always derived.
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

    /// One evidence item as captured.
    public struct EvidenceItem: Sendable, Equatable {
        /// `E1`, …
        public var id: String
        /// The captured details; nil when the event was redacted.
        public var details: CaseEvent.Evidence?
        /// Who captured it.
        public var capturedBy: String

        /// Whether it points at material on a host, which a takedown request must cover.
        public var isURLEvidence: Bool { details?.kind.needsURL ?? false }
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

        /// Resolved: a check confirmed removal or amendment, or the ISP answered (SPEC §2.8).
        public var isResolved: Bool { (check?.confirmsRemoval ?? false) || ispResponse != nil }
    }

    /// The reference.
    public var reference: CaseReference
    /// The details as reported.
    public var opened: CaseEvent.Opened
    /// When the case was opened (the report).
    public var openedAt: Date
    /// Open or closed.
    public var status: Status = .open
    /// Evidence items in capture order.
    public var evidence: [EvidenceItem] = []
    /// The investigation.
    public var investigation: Investigation = .notStarted
    /// Investigation notes.
    public var notes: [String] = []
    /// The identified source.
    public var source: Source?
    /// The threat assessment: nil until assessed.
    public var isThreatening: Bool?
    /// The rationale of the threat assessment.
    public var threatRationale: String?
    /// Behaviour referrals (pupil references).
    public var behaviourReferrals: [String] = []
    /// Disciplinary referrals (staff ids).
    public var disciplinaryReferrals: [String] = []
    /// Takedown requests in order.
    public var takedowns: [Takedown] = []
    /// Why takedown does not apply, when declared.
    public var takedownNotApplicable: String?
    /// The affected person's latest decision on a police referral.
    public var consent: ConsentDecision?
    /// The police referral, once made.
    public var policeReferral: PoliceReferral?
    /// Services signposted, once support was offered.
    public var supportServices: [String]?
    /// The answer to the support offered.
    public var supportResponse: SupportResponse?
    /// The outcome and action when closed.
    public var closure: Closure?
    /// Staff excluded from the case with `restrict` (SPEC §8), in order.
    public var excluded: [String] = []
    /// The stream version this state reflects.
    public var version: Int = 0
    /// The occurred_at of the latest event.
    public var updatedAt: Date

    /// Whether `child-mentioned` makes this case urgent (001 §8.6).
    public var isUrgent: Bool { opened.categories.contains(.childMentioned) }

    /// The first confirmed removal or amendment of any request.
    public var firstRemovalAt: Date? { takedowns.compactMap(\.removalConfirmedAt).min() }

    /// Finds an evidence item by id (case-insensitive: `e1` is `E1`).
    public func evidenceItem(_ id: String) -> EvidenceItem? {
        evidence.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    /// Finds a takedown request by id (case-insensitive).
    public func takedown(_ id: String) -> Takedown? {
        takedowns.first { $0.request.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    /// The source of the material (000 §13.4).
    public struct Source: Sendable, Equatable {
        /// Pupil, staff, parent, external, unknown.
        public var kind: SourceKind
        /// An optional reference, such as an account handle.
        public var ref: String?
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
    }

    /// How a case was closed.
    public struct Closure: Sendable, Equatable {
        /// The outcome summary.
        public var outcome: String
        /// The action taken.
        public var action: CloseAction
        /// When it closed.
        public var at: Date
    }
}
