/// What a role may do (SPEC §5), in the library so every front end enforces the same table.
/// Each permission names the roles that have it besides the headteacher, who has every one.
/// The set is open: a track declares its own (``CaseTrack/permissions``) beside the
/// built-in ones below, which keep the names and raw values they had as enum cases.
public struct Permission: OpenSet {
    /// What it allows, in words (`add staff`): also its stable id.
    public let rawValue: String
    /// The roles besides the headteacher that have it.
    public let roles: Set<Role>

    init(_ rawValue: String, roles: Set<Role>) {
        self.rawValue = rawValue
        self.roles = roles
    }

    /// Every permission: the built-in ones, then each registered track's (``Tracks/all``).
    public static let allCases: [Permission] = builtIn + Tracks.permissions

    /// `staff add`.
    public static let manageStaff = Permission("add staff", roles: [])
    /// `staff list`.
    public static let viewStaff = Permission("list staff", roles: [.seniorManager, .safeguardingLead])
    /// `open`.
    public static let openCase = Permission("open cases", roles: [.seniorManager, .safeguardingLead])
    /// `evidence add`.
    public static let addEvidence = Permission("add evidence", roles: [.seniorManager, .safeguardingLead])
    /// Every other workflow command.
    public static let advanceCase = Permission("advance cases", roles: [.seniorManager, .safeguardingLead])
    /// Police referral without consent, for child protection.
    public static let overrideConsent = Permission("use the child-protection override", roles: [.safeguardingLead])
    /// Reporting conduct the school considers unlawful to the police (000 §14.5).
    public static let referUnlawfulConduct = Permission("report unlawful conduct to the police", roles: [.seniorManager, .safeguardingLead])
    /// `show`, `list`, `overdue`, `timeline`, `evidence list/get`.
    public static let readCases = Permission("read cases", roles: [.seniorManager, .safeguardingLead])
    /// `verify`.
    public static let verify = Permission("verify the log", roles: [.seniorManager, .safeguardingLead])
    /// `outcomes`.
    public static let readOutcomes = Permission("read outcomes", roles: [.safeguardingLead, .hr])
    /// `redact`.
    public static let redact = Permission("redact events", roles: [])
    /// `audit`.
    public static let readAudit = Permission("read the audit trail", roles: [])
    /// `rebuild`.
    public static let rebuild = Permission("rebuild read models", roles: [])
    /// `backup`.
    public static let backup = Permission("back up the database", roles: [])
    /// `restrict`: exclude a member of staff from a case, or undo it (SPEC §8).
    public static let restrictAccess = Permission("restrict who may see a case", roles: [.safeguardingLead])
    /// `checkpoint`: write a witness of the log head.
    public static let checkpoint = Permission("write checkpoints", roles: [.safeguardingLead])
    /// `category add|remove`.
    public static let classifyCase = Permission("change a case's categories", roles: [.seniorManager, .safeguardingLead])
    /// `report`: the referral decision on child sexual imagery (SPEC §9).
    public static let recordReferralDecision = Permission("record the referral decision on child sexual imagery", roles: [.safeguardingLead])
    /// `evidence purge`: delete stored files' bytes (SPEC §9).
    public static let purgeFiles = Permission("purge stored files", roles: [.safeguardingLead])
    /// `retention-date`: the accused's normal retirement date (HR).
    public static let recordRetentionDate = Permission("record retention dates", roles: [.hr])
    /// `hold`, `hold release`.
    public static let holdCases = Permission("hold cases from erasure", roles: [.safeguardingLead])
    /// `retention set`, `retention apply`.
    public static let applyRetention = Permission("apply the retention schedule", roles: [])
    /// `subject-access`: export everything that names a person (SPEC §9).
    public static let answerSubjectAccess = Permission("answer subject access requests", roles: [])
    /// `settings set`: waiting times the workflow reads (SPEC §10).
    public static let manageSettings = Permission("change settings", roles: [])
    /// `concern report`, `concern mine`: any member of staff (SPEC §11, 000 §12.1).
    public static let reportConcern = Permission("report a concern", roles: [.seniorManager, .safeguardingLead, .hr, .staff])
    /// `triage CASE accept|decline` (SPEC §11).
    public static let triageConcerns = Permission("triage concerns", roles: [.seniorManager, .safeguardingLead])
    /// `assign CASE MEMBER`: name a case's owner (SPEC §11).
    public static let assignCases = Permission("assign cases", roles: [.seniorManager, .safeguardingLead])
    /// The disciplinary bundle of a case referred for discipline (HR, SPEC §11).
    public static let readDisciplinaryBundle = Permission("read the disciplinary bundle", roles: [.hr])
    /// `tasks` for oneself (SPEC §11); another member's list needs ``readCases``.
    public static let readOwnTasks = Permission("read their own task list", roles: [.seniorManager, .safeguardingLead, .hr, .staff])
    /// `alerts send`: email the alerts due (the headteacher's, run from cron).
    public static let sendAlerts = Permission("send alerts", roles: [])

    /// The built-in permissions.
    static let builtIn: [Permission] = [
        .manageStaff, .viewStaff, .openCase, .addEvidence, .advanceCase, .overrideConsent, .referUnlawfulConduct,
        .readCases, .verify, .readOutcomes, .redact, .readAudit, .rebuild, .backup, .restrictAccess, .checkpoint,
        .classifyCase, .recordReferralDecision, .purgeFiles, .recordRetentionDate, .holdCases, .applyRetention,
        .answerSubjectAccess, .manageSettings, .reportConcern, .triageConcerns, .assignCases, .readDisciplinaryBundle,
        .readOwnTasks, .sendAlerts,
    ]
}

extension Role {
    /// Whether this role may do something: the headteacher anything (SPEC §5); a safeguarding
    /// lead every step a senior manager may take, and leading child sexual imagery (SPEC §1, §11).
    public func may(_ permission: Permission) -> Bool {
        self == .headteacher || permission.roles.contains(self)
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
