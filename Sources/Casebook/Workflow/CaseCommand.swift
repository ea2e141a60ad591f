import Foundation

/// A request to take one step on an open or closed case. Opening is separate
/// (``Workflow/open(_:reference:context:)``): there is no case yet.
public enum CaseCommand: Sendable, Equatable {
    case addEvidence(EvidenceDraft)
    /// More files for an existing evidence item (`evidence attach`).
    case attachFiles(evidence: String, files: [StoredFile])
    case startInvestigation
    case addNote(String)
    case identifySource(SourceKind, ref: String?)
    case assessThreat(isThreatening: Bool, rationale: String)
    case referBehaviour(pupil: String)
    case referDisciplinary(staff: String)
    case concludeInvestigation(Finding, summary: String)
    case requestTakedown(
        evidence: [String], host: String?, method: TakedownMethod, sentBy: RequestSender, platformReference: String? = nil)
    /// The host's response; `file` keeps the platform's reply.
    case recordHostResponse(request: String, HostResponse, file: StoredFile? = nil)
    case checkRemoval(request: String, CheckResult, file: StoredFile?)
    case declareTakedownNotApplicable(reason: String)
    case escalateToISP(request: String, isp: String)
    case recordISPResponse(request: String, ISPResponse)
    case escalateToHelpline(request: String, Helpline, reference: String?)
    case recordHelplineResponse(request: String, HelplineResult)
    case recordConsent(ConsentDecision, by: String)
    case referToPolice(force: String, reference: String?, overrideReason: String?)
    /// Report conduct the school considers unlawful to the police, with its reasons (000 §14.5).
    case referToPoliceUnlawful(force: String, reference: String?, reason: String)
    case notifyPolice
    case offerSupport(services: [String])
    case recordSupportResponse(SupportResponse)
    case close(outcome: String, action: CloseAction)
    case reopen(reason: String)
    /// Corrects the latest closure's outcome and action, with the reason (SPEC §2.9).
    case correctClosure(outcome: String, action: CloseAction, reason: String)
    /// Withdraws an entry made in error (see ``CorrectionsTrack`` for the names).
    case withdraw(item: String, reason: String)
    /// Adds or removes a category (`category add|remove`); adding `child-sexual-imagery`
    /// purges every file the case holds (``LawfulContentTrack``).
    case changeCategory(Category, add: Bool)
    /// Marks an evidence item as child sexual imagery, purging its files.
    case flagEvidence(item: String)
    /// The safeguarding lead's referral decision on child sexual imagery (`report`).
    case recordReferralDecision(ReferralRoute, reference: String?, reason: String?)
    /// Deletes the bytes of an evidence item's files (`evidence purge`).
    case purgeFiles(item: String, reason: String)
    /// Accepts a concern as a case, or declines it with the reason (SPEC §11).
    case triage(accept: Bool, reason: String?)
    /// A registered track's command (``CaseTrack``): its track decides it.
    case track(AnyTrackCommand)

    /// The step this command takes.
    public var step: Step {
        switch self {
        case .addEvidence, .attachFiles: return .addEvidence
        case .startInvestigation: return .startInvestigation
        case .addNote: return .addNote
        case .identifySource: return .identifySource
        case .assessThreat: return .assessThreat
        case .referBehaviour: return .referBehaviour
        case .referDisciplinary: return .referDisciplinary
        case .concludeInvestigation: return .concludeInvestigation
        case .requestTakedown: return .requestTakedown
        case .recordHostResponse: return .recordHostResponse
        case .checkRemoval: return .checkRemoval
        case .declareTakedownNotApplicable: return .declareTakedownNotApplicable
        case .escalateToISP: return .escalateToISP
        case .recordISPResponse: return .recordISPResponse
        case .escalateToHelpline(_, let helpline, _): return helpline == .posh ? .escalateToPOSH : .escalateToReportHarmfulContent
        case .recordHelplineResponse: return .recordHelplineResponse
        case .recordConsent: return .recordConsent
        case .referToPolice, .referToPoliceUnlawful: return .referToPolice
        case .notifyPolice: return .notifyPolice
        case .offerSupport: return .offerSupport
        case .recordSupportResponse: return .recordSupportResponse
        case .close: return .close
        case .reopen: return .reopen
        case .correctClosure: return .correctClosure
        case .withdraw: return .withdraw
        case .changeCategory: return .changeCategory
        case .flagEvidence: return .flagEvidence
        case .recordReferralDecision: return .recordReferralDecision
        case .purgeFiles: return .purgeFiles
        case .triage: return .triage
        case .track(let command): return command.command.step
        }
    }

    /// The files the command refers to (evidence files, a removal check's screenshot).
    public var files: [StoredFile] {
        switch self {
        case .addEvidence(let draft): return draft.files
        case .attachFiles(_, let files): return files
        case .checkRemoval(_, _, let file?), .recordHostResponse(_, _, let file?): return [file]
        default: return []
        }
    }

    /// What the acting role needs for this command.
    public var permission: Permission {
        switch self {
        case .referToPoliceUnlawful: return .referUnlawfulConduct
        case .referToPolice(_, _, let overrideReason?)
        where !overrideReason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
            return .overrideConsent
        case .withdraw(let item, _):
            // Who may withdraw an entry is who may take the step that made it.
            return CorrectionsTrack.Item(item)?.step == .addEvidence ? .addEvidence : .advanceCase
        case .track(let command): return command.command.permission
        default: return Workflow.permission(for: step)
        }
    }
}

/// An evidence item as the user describes it; its files already hashed (and stored in
/// the same transaction as the event).
public struct EvidenceDraft: Sendable, Equatable {
    /// The kind.
    public var kind: EvidenceKind
    /// The URL, required for web and social.
    public var url: String?
    /// When it was captured; defaults to the moment of the command.
    public var capturedAt: Date?
    /// When it was posted, if known.
    public var postedAt: Date?
    /// The platform.
    public var platform: String?
    /// A description.
    public var description: String?
    /// The files.
    public var files: [StoredFile]
    /// Child sexual imagery (`--child-sexual-imagery`): no file may be given (SPEC §9).
    public var isChildSexualImagery: Bool
    /// What Casebook saw when it fetched the page itself (`evidence capture`).
    public var capture: CaptureFacts?

    /// Creates a draft.
    public init(
        kind: EvidenceKind, url: String? = nil, capturedAt: Date? = nil, postedAt: Date? = nil, platform: String? = nil,
        description: String? = nil, files: [StoredFile] = [], isChildSexualImagery: Bool = false, capture: CaptureFacts? = nil
    ) {
        self.isChildSexualImagery = isChildSexualImagery
        self.capture = capture
        self.kind = kind
        self.url = url
        self.capturedAt = capturedAt
        self.postedAt = postedAt
        self.platform = platform
        self.description = description
        self.files = files
    }
}

/// A new case as reported.
public struct CaseDraft: Sendable, Equatable {
    /// The affected member of staff (staff id).
    public var affected: String
    /// Who reported it (staff id).
    public var reportedBy: String
    /// What happened.
    public var summary: String
    /// Categories.
    public var categories: [Category]
    /// The school.
    public var school: String
    /// When the material was discovered; defaults to the report.
    public var discoveredAt: Date?

    /// Creates a draft.
    public init(
        affected: String, reportedBy: String, summary: String, categories: [Category] = [], school: String = "",
        discoveredAt: Date? = nil
    ) {
        self.affected = affected
        self.reportedBy = reportedBy
        self.summary = summary
        self.categories = categories
        self.school = school
        self.discoveredAt = discoveredAt
    }
}

/// What a decision needs besides the state: the clock, the moment the step happened,
/// who acts, the staff directory and the settings.
public struct DecisionContext {
    /// The clock's reading.
    public var now: Date
    /// When the step happened (`--at`; defaults to now).
    public var occurredAt: Date
    /// Who acts.
    public var actor: StaffMember
    /// Looks up a member of staff: nil when there is none; throws when the directory cannot be read.
    public var staff: (String) throws -> StaffMember?
    /// Whether a stored file (by SHA-256) is still held by an item of a case other than the
    /// one given, so a purge keeps its bytes. The service reads the log; by default, no.
    public var blobHeldElsewhere: (String, CaseReference) throws -> Bool = { _, _ in false }
    /// The settings as they stand (waiting times, SPEC §10).
    public var settings: Settings

    /// Creates a context.
    public init(
        now: Date, occurredAt: Date? = nil, actor: StaffMember, settings: Settings = .defaults,
        staff: @escaping (String) throws -> StaffMember?
    ) {
        self.now = now
        self.occurredAt = occurredAt ?? now
        self.actor = actor
        self.settings = settings
        self.staff = staff
    }
}
