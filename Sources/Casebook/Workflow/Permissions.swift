/// What a role may do (SPEC §5), in the library so every front end enforces the same table.
public enum Permission: String, Sendable, CaseIterable {
    /// `staff add`.
    case manageStaff = "add staff"
    /// `staff list`.
    case viewStaff = "list staff"
    /// `open`.
    case openCase = "open cases"
    /// `evidence add`.
    case addEvidence = "add evidence"
    /// Every other workflow command.
    case advanceCase = "advance cases"
    /// Police referral without consent, for child protection.
    case overrideConsent = "use the child-protection override"
    /// Reporting conduct the school considers unlawful to the police (000 §14.5).
    case referUnlawfulConduct = "report unlawful conduct to the police"
    /// `show`, `list`, `overdue`, `timeline`, `evidence list/get`.
    case readCases = "read cases"
    /// `verify`.
    case verify = "verify the log"
    /// `outcomes`.
    case readOutcomes = "read outcomes"
    /// `redact`.
    case redact = "redact events"
    /// `audit`.
    case readAudit = "read the audit trail"
    /// `rebuild`.
    case rebuild = "rebuild read models"
    /// `backup`.
    case backup = "back up the database"
    /// `restrict`: exclude a member of staff from a case, or undo it (SPEC §8).
    case restrictAccess = "restrict who may see a case"
    /// `checkpoint`: write a witness of the log head.
    case checkpoint = "write checkpoints"
    /// `category add|remove`.
    case classifyCase = "change a case's categories"
    /// `report`: the referral decision on child sexual imagery (SPEC §9).
    case recordReferralDecision = "record the referral decision on child sexual imagery"
    /// `evidence purge`: delete stored files' bytes (SPEC §9).
    case purgeFiles = "purge stored files"
    /// `retention-date`: the accused's normal retirement date (HR).
    case recordRetentionDate = "record retention dates"
    /// `hold`, `hold release`.
    case holdCases = "hold cases from erasure"
    /// `retention set`, `retention apply`.
    case applyRetention = "apply the retention schedule"
    /// `subject-access`: export everything that names a person (SPEC §9).
    case answerSubjectAccess = "answer subject access requests"
    /// `settings set`: waiting times the workflow reads (SPEC §10).
    case manageSettings = "change settings"
    /// `concern report`, `concern mine`: any member of staff (SPEC §11, 000 §12.1).
    case reportConcern = "report a concern"
    /// `triage CASE accept|decline` (SPEC §11).
    case triageConcerns = "triage concerns"
    /// `assign CASE MEMBER`: name a case's owner (SPEC §11).
    case assignCases = "assign cases"
    /// The disciplinary bundle of a case referred for discipline (HR, SPEC §11).
    case readDisciplinaryBundle = "read the disciplinary bundle"
    /// `tasks` for oneself (SPEC §11); another member's list needs ``readCases``.
    case readOwnTasks = "read their own task list"
    /// `refer lado`, `lado advice|outcome` (KCSIE Part 4): the safeguarding lead's.
    case referToLADO = "refer to the LADO"
    /// `alerts send`: email the alerts due (the headteacher's, run from cron).
    case sendAlerts = "send alerts"
}

extension Role {
    /// Whether this role may do something.
    public func may(_ permission: Permission) -> Bool {
        switch self {
        case .headteacher:
            return true
        case .seniorManager:
            switch permission {
            case .viewStaff, .openCase, .addEvidence, .advanceCase, .readCases, .verify, .classifyCase, .reportConcern, .triageConcerns,
                .assignCases, .readOwnTasks, .referUnlawfulConduct:
                return true
            case .manageStaff, .overrideConsent, .readOutcomes, .redact, .readAudit, .rebuild, .backup, .restrictAccess, .checkpoint,
                .recordReferralDecision, .purgeFiles, .recordRetentionDate, .holdCases, .applyRetention, .answerSubjectAccess,
                .manageSettings, .readDisciplinaryBundle, .referToLADO, .sendAlerts:
                return false
            }
        case .safeguardingLead:
            switch permission {
            // Every step a senior manager may take (SPEC §1, §11), and leading child sexual imagery.
            case .viewStaff, .openCase, .addEvidence, .advanceCase, .overrideConsent, .readCases, .verify, .readOutcomes,
                .restrictAccess, .checkpoint, .classifyCase, .recordReferralDecision, .purgeFiles, .holdCases, .reportConcern,
                .triageConcerns, .assignCases, .readOwnTasks, .referToLADO, .referUnlawfulConduct:
                return true
            case .manageStaff, .redact, .readAudit, .rebuild, .backup, .recordRetentionDate, .applyRetention,
                .answerSubjectAccess, .manageSettings, .readDisciplinaryBundle, .sendAlerts:
                return false
            }
        case .hr:
            switch permission {
            case .readOutcomes, .recordRetentionDate, .readDisciplinaryBundle, .reportConcern, .readOwnTasks: return true
            default: return false
            }
        case .staff:
            return permission == .reportConcern || permission == .readOwnTasks
        }
    }
}

/// A member of staff from the directory.
public struct StaffMember: Sendable, Equatable, Codable {
    /// The staff id.
    public var id: String
    /// Their name.
    public var name: String
    /// Their role.
    public var role: Role
    /// The operating-system login that acts as them (SPEC §8), if mapped.
    public var login: String?
    /// The school whose cases they see and act on, or the whole trust.
    public var scope: StaffScope
    /// Whether they have left (`staff leave`): they can no longer act or be chosen.
    public var hasLeft: Bool
    /// Where alerts go (`staff email`, SPEC §11), if anywhere.
    public var email: String? = nil
    /// Whether they turned alerts off (`alerts off`).
    public var alertsOff = false

    /// Creates a staff member.
    public init(
        id: String, name: String, role: Role, login: String? = nil, scope: StaffScope = .trustWide, hasLeft: Bool = false,
        email: String? = nil, alertsOff: Bool = false
    ) {
        self.email = email
        self.alertsOff = alertsOff
        self.id = id
        self.name = name
        self.role = role
        self.login = login
        self.scope = scope
        self.hasLeft = hasLeft
    }

    /// Throws ``CasebookError/notPermitted(_:)`` unless their role allows it.
    public func require(_ permission: Permission) throws {
        guard role.may(permission) else {
            throw CasebookError.notPermitted(
                "\(id) has the \(role.rawValue) role, which may not \(permission.rawValue)")
        }
    }
}
