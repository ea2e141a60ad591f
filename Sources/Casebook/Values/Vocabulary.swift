/// The closed vocabularies of a case (SPEC §2). Each raw value is the word used on the
/// command line, in payloads and in reports.

/// What the material is about. `child-mentioned` makes a case urgent (001 §8.6);
/// `child-sexual-imagery` means no file is ever kept and only the safeguarding lead and the
/// headteacher see the case (SPEC §9).
public enum Category: String, Codable, Sendable, CaseIterable, Comparable {
    case harassment, imageMisuse = "image-misuse", inaccurateContent = "inaccurate-content", threat
    case childMentioned = "child-mentioned", impersonation, other
    case childSexualImagery = "child-sexual-imagery"

    public static func < (a: Category, b: Category) -> Bool { a.rawValue < b.rawValue }
}

/// The kind of an evidence item (000 §12.2).
public enum EvidenceKind: String, Codable, Sendable, CaseIterable {
    case web, social, email, textMessage = "text-message", voicemail, other

    /// Web and social evidence must carry the URL of the material, and can be taken down.
    public var needsURL: Bool {
        switch self {
        case .web, .social: return true
        case .email, .textMessage, .voicemail, .other: return false
        }
    }
}

/// Who was found to have posted the material (000 §13.4, §14).
public enum SourceKind: String, Codable, Sendable, CaseIterable {
    case pupil, staff, parent, external, unknown
}

/// The investigation's finding.
public enum Finding: String, Codable, Sendable, CaseIterable {
    case substantiated, unsubstantiated, inconclusive
}

/// How a takedown request was made (000 §13.5).
public enum TakedownMethod: String, Codable, Sendable, CaseIterable {
    case form, email, letter, phone
}

/// Who sent a takedown request: the school, or the complainant with the school's support
/// where the site insists (000 §13.5, second sentence).
public enum RequestSender: String, Codable, Sendable, CaseIterable {
    case school, complainant
}

/// The host's answer to a takedown request.
public enum HostResponse: String, Codable, Sendable, CaseIterable {
    case removed, amended, refused, noResponse = "no-response"
}

/// What a removal check found (000 §13.6).
public enum CheckResult: String, Codable, Sendable, CaseIterable {
    case removed, amended, stillPresent = "still-present"

    /// Whether the check confirms the material is gone or amended.
    public var confirmsRemoval: Bool { self != .stillPresent }
}

/// The ISP's answer to an escalation (000 §13.6).
public enum ISPResponse: String, Codable, Sendable, CaseIterable {
    case blocked, siteClosed = "site-closed", refused, noResponse = "no-response"

    /// Whether the answer took the material off line (blocked or closed the site). A refusal
    /// or silence leaves the material online: the request stays open for a helpline (SPEC §10).
    public var removesAccess: Bool { self == .blocked || self == .siteClosed }
}

/// The affected person's decision on a police referral (000 §13.7).
public enum ConsentDecision: String, Codable, Sendable, CaseIterable {
    case given, declined, withdrawn
}

/// The affected person's answer to the support offered (000 §13.8).
public enum SupportResponse: String, Codable, Sendable, CaseIterable {
    case accepted, declined
}

/// The action taken when a case closes.
public enum CloseAction: String, Codable, Sendable, CaseIterable {
    case none, advice, behaviourSanction = "behaviour-sanction", warning, finalWarning = "final-warning"
    case dismissal, policeAction = "police-action", other
}

/// A staff member's role, which decides what they may do (SPEC §5).
public enum Role: String, Codable, Sendable, CaseIterable {
    case headteacher, seniorManager = "senior-manager", safeguardingLead = "safeguarding-lead", hr, staff
}

extension RawRepresentable where RawValue == String, Self: CaseIterable {
    /// The accepted words, for error messages: `pupil, staff, parent`.
    public static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where the safeguarding lead referred child sexual imagery, or that they decided not to
/// (SPEC §9, UKCIS *Sharing nudes and semi-nudes*).
public enum ReferralRoute: String, Codable, Sendable, CaseIterable {
    /// The police.
    case police
    /// The Internet Watch Foundation.
    case iwf
    /// Childline's Report Remove (a young person's own image).
    case reportRemove = "report-remove"
    /// CEOP (the National Crime Agency's child protection command).
    case ceop
    /// A decision not to refer, with its reason.
    case none
}
