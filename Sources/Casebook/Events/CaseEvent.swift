import Foundation

/// A file attached to an evidence item or a removal check, stored as a blob.
public struct StoredFile: Codable, Sendable, Equatable {
    /// The file's name as given (without its folder).
    public var name: String
    /// SHA-256 of the bytes: the blob's key.
    public var sha256: String
    /// Size in bytes.
    public var size: Int
    /// Media type sniffed from the bytes.
    public var mediaType: String

    /// Creates a stored-file reference.
    public init(name: String, sha256: String, size: Int, mediaType: String) {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
    }
}

/// Everything that can happen to a case: the events of a `case/…` stream.
///
/// Type names (``typeName``) are stable: they are stored and hashed. Every payload carries
/// `"v": 1`; a later shape of an event gets a new version number and the decoder keeps
/// reading the old one.
public enum CaseEvent: Sendable, Equatable {
    /// A case was reported and opened (000 §12).
    case opened(Opened)
    /// An evidence item was captured (000 §12.2).
    case evidenceCaptured(Evidence)
    /// More files for an evidence item captured earlier (`evidence attach`), hashed and
    /// stored like the first.
    case evidenceFilesAttached(evidence: String, files: [StoredFile])
    /// The investigation began (000 §13.3).
    case investigationStarted
    /// A note was added to the investigation.
    case noteAdded(text: String)
    /// The source of the material was identified (000 §13.4).
    case sourceIdentified(kind: SourceKind, ref: String?)
    /// The material was assessed as threatening or intimidating, or not (000 §13.7).
    case threatAssessed(isThreatening: Bool, rationale: String)
    /// A pupil source was referred under the behaviour policy (000 §13.4).
    case behaviourReferral(pupil: String)
    /// A staff source was referred to the disciplinary procedure (000 §14).
    case disciplinaryReferral(staff: String)
    /// The investigation was concluded.
    case investigationConcluded(finding: Finding, summary: String)
    /// The host was asked to remove or amend material (000 §13.5).
    case takedownRequested(TakedownRequest)
    /// The host answered a takedown request; `file` keeps the platform's reply (SPEC §10).
    case hostResponded(request: String, result: HostResponse, file: StoredFile? = nil)
    /// A check of whether the material was removed (000 §13.6).
    case removalChecked(request: String, result: CheckResult, file: StoredFile?)
    /// Takedown does not apply to this case.
    case takedownNotApplicable(reason: String)
    /// A takedown request was escalated to the ISP (000 §13.6).
    case ispEscalated(request: String, isp: String)
    /// The ISP answered.
    case ispResponded(request: String, result: ISPResponse)
    /// A takedown request was escalated to a helpline (SPEC §10).
    case helplineEscalated(request: String, helpline: Helpline, reference: String?)
    /// The helpline answered.
    case helplineResponded(request: String, result: HelplineResult)
    /// The affected person gave, declined or withdrew consent to a police referral (000 §13.7).
    case consentRecorded(decision: ConsentDecision, by: String)
    /// The case was referred to the police (000 §13.7, §14.5).
    case policeReferred(force: String, reference: String?, overrideReason: String?)
    /// The school reported conduct it considers unlawful to the police, with its reasons
    /// (000 §14.5): a route of its own, needing neither threatening material nor consent.
    case policeReferredUnlawful(force: String, reference: String?, reason: String)
    /// The latest closure's outcome and action were corrected, with the reason (SPEC §2.9):
    /// the closure as first recorded stays in the timeline, marked superseded.
    case closureCorrected(outcome: String, action: CloseAction, reason: String)
    /// The force was told that the affected person withdrew consent after the referral.
    case policeNotified
    /// Support was offered, with the services signposted (000 §13.8).
    case supportOffered(services: [String])
    /// The affected person accepted or declined the support.
    case supportResponded(SupportResponse)
    /// The case was closed with an outcome and an action.
    case closed(outcome: String, action: CloseAction)
    /// A closed case was reopened.
    case reopened(reason: String)
    /// An entry (`E2`, `N1`, `R1`, `T1`, `source`, `assessment`, `consent`,
    /// `not-applicable`) was withdrawn as entered in error (SPEC §2.9). It stays in the record.
    case withdrawn(item: String, reason: String)
    /// A member of staff was excluded from the case (`restrict --exclude`, SPEC §8).
    case accessRestricted(staff: String, reason: String)
    /// An exclusion was undone (`restrict --include`).
    case accessRestored(staff: String, reason: String?)
    /// An earlier event's payload was erased (UK GDPR); the chain still verifies.
    case redaction(version: Int, reason: String)
    /// A category was added to the case (`category add`).
    case categoryAdded(Category)
    /// A category was removed from the case (`category remove`).
    case categoryRemoved(Category)
    /// An evidence item was marked as child sexual imagery (`evidence flag`, SPEC §9).
    case evidenceFlagged(item: String)
    /// The safeguarding lead's referral decision on child sexual imagery (SPEC §9).
    case referralDecision(route: ReferralRoute, reference: String?, reason: String?)
    /// Stored files' bytes were deleted; their hashes and sizes stay (SPEC §9).
    case filesPurged(Purge)
    /// HR recorded the accused's normal retirement date, for the retention of a staff-conduct case (SPEC §9).
    case retentionDateRecorded(date: String)
    /// Nothing on the case may be erased until the hold is released (`hold`).
    case held(reason: String)
    /// The hold was released (`hold release`).
    case holdReleased(reason: String?)
    /// The retention period ended: the case's evidence and notes were redacted and its
    /// files purged in the same transaction (`retention apply`).
    case retentionApplied(retentionClass: String, reviewDate: String)
    /// A concern was triaged (SPEC §11): accepted as a case, or declined with the reason.
    case concernTriaged(accepted: Bool, reason: String?)
    /// A member was named the case's owner (`assign`, SPEC §11); a later one replaces them.
    case assigned(staff: String)
    /// An event of a registered track (``CaseTrack``), which codes, applies and narrates it.
    case track(AnyTrackEvent)
    /// An event whose payload was redacted: only its type is known.
    case redacted(type: String)

    /// The case as reported.
    public struct Opened: Codable, Sendable, Equatable {
        /// The case reference.
        public var reference: CaseReference
        /// The school (a trust has several).
        public var school: String
        /// The affected member of staff (a staff id).
        public var affected: String
        /// Who reported it (a staff id).
        public var reportedBy: String
        /// Who it was reported to (the recording senior manager).
        public var reportedTo: String
        /// What happened, in the reporter's words.
        public var summary: String
        /// Categories, sorted.
        public var categories: [Category]
        /// When the material was discovered (UTC text).
        public var discoveredAt: String
        /// Set when a member of staff reported it as a concern (SPEC §11): what they gave.
        public var concern: Concern? = nil

        /// What a member of staff gave with a concern: it becomes evidence E1 once accepted.
        public struct Concern: Codable, Sendable, Equatable {
            /// Where the material is.
            public var url: String?
            /// When they saw it (UTC text).
            public var seenAt: String?
            /// Files they gave, stored as blobs.
            public var files: [StoredFile]

            /// Creates a concern's details.
            public init(url: String?, seenAt: String?, files: [StoredFile]) {
                self.url = url
                self.seenAt = seenAt
                self.files = files
            }
        }

        /// Creates the opening record.
        public init(
            reference: CaseReference, school: String, affected: String, reportedBy: String, reportedTo: String,
            summary: String, categories: [Category], discoveredAt: String, concern: Concern? = nil
        ) {
            self.concern = concern
            self.reference = reference
            self.school = school
            self.affected = affected
            self.reportedBy = reportedBy
            self.reportedTo = reportedTo
            self.summary = summary
            self.categories = categories
            self.discoveredAt = discoveredAt
        }
    }

    /// An evidence item.
    public struct Evidence: Codable, Sendable, Equatable {
        /// `E1`, `E2`, …
        public var id: String
        /// The kind of evidence.
        public var kind: EvidenceKind
        /// The address of the material (web and social).
        public var url: String?
        /// The URL's host, lowercased.
        public var host: String?
        /// When it was captured (UTC text).
        public var capturedAt: String
        /// When it was posted, if known (UTC text).
        public var postedAt: String?
        /// The platform, e.g. a social network's name.
        public var platform: String?
        /// A description.
        public var description: String?
        /// Screenshots, saved emails, voicemail audio.
        public var files: [StoredFile]
        /// Captured as child sexual imagery: never any file (SPEC §9).
        public var isChildSexualImagery: Bool = false
        /// Fetched by Casebook itself (`evidence capture`): what it saw; nil for an item a person added.
        public var capture: CaptureFacts?

        /// Creates an evidence item.
        public init(
            id: String, kind: EvidenceKind, url: String?, host: String?, capturedAt: String, postedAt: String?,
            platform: String?, description: String?, files: [StoredFile], isChildSexualImagery: Bool = false,
            capture: CaptureFacts? = nil
        ) {
            self.isChildSexualImagery = isChildSexualImagery
            self.capture = capture
            self.id = id
            self.kind = kind
            self.url = url
            self.host = host
            self.capturedAt = capturedAt
            self.postedAt = postedAt
            self.platform = platform
            self.description = description
            self.files = files
        }
    }

    /// A purge: the items whose files are purged, every file they held, and the hashes whose
    /// bytes were deleted (a blob another live item still refers to is kept).
    public struct Purge: Codable, Sendable, Equatable {
        /// `E2`, or `T1` for a removal check's screenshot.
        public var items: [String]
        /// The files, with their hashes and sizes.
        public var files: [StoredFile]
        /// The SHA-256 of every blob whose bytes were deleted.
        public var erased: [String]
        /// Why.
        public var reason: String

        /// Creates a purge record.
        public init(items: [String], files: [StoredFile], erased: [String], reason: String) {
            self.items = items
            self.files = files
            self.erased = erased
            self.reason = reason
        }
    }

    /// A takedown request to one host.
    public struct TakedownRequest: Codable, Sendable, Equatable {
        /// `T1`, `T2`, …
        public var id: String
        /// The host asked.
        public var host: String
        /// The evidence items the request covers.
        public var evidence: [String]
        /// How it was made.
        public var method: TakedownMethod
        /// Who sent it.
        public var sentBy: RequestSender
        /// 24 hours after the request (UTC text).
        public var deadline: String
        /// The platform's own reference for the report, which the helplines ask for (SPEC §10).
        public var platformReference: String?

        /// Creates a request record.
        public init(
            id: String, host: String, evidence: [String], method: TakedownMethod, sentBy: RequestSender,
            deadline: String, platformReference: String? = nil
        ) {
            self.platformReference = platformReference
            self.id = id
            self.host = host
            self.evidence = evidence
            self.method = method
            self.sentBy = sentBy
            self.deadline = deadline
        }
    }
}
