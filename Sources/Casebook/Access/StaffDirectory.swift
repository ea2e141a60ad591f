import EventLog

/// Where a member of staff sees and acts (SPEC §8): one school's cases, or every school's.
public enum StaffScope: Sendable, Hashable, Codable {
    /// Every school of the trust.
    case trustWide
    /// One school, by name as cases give it (compared without regard to ASCII case).
    case school(String)

    /// Trust-wide for nil, else the school.
    public init(school: String?) {
        self = school.map { .school($0) } ?? .trustWide
    }

    /// The school, or nil for trust-wide.
    public var school: String? {
        switch self {
        case .trustWide: return nil
        case .school(let school): return school
        }
    }

    /// Whether a case of `school` is in this scope. Schools compare without regard to ASCII
    /// case, as SQLite's `NOCASE` does, so the read-model queries and this agree.
    public func includes(school: String) -> Bool {
        switch self {
        case .trustWide: return true
        case .school(let own): return Self.sameSchool(own, school)
        }
    }

    /// Two school names are the same school: equal but for ASCII letter case (`NOCASE`).
    public static func sameSchool(_ a: String, _ b: String) -> Bool {
        func folded(_ text: String) -> [UInt8] { text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 } }
        return folded(a) == folded(b)
    }

    /// `trust-wide` or the school's name, for people.
    public var label: String { school ?? "trust-wide" }
}

/// How the acting member is established (SPEC §8).
public enum IdentityMode: String, Sendable, CaseIterable {
    /// By the operating system: the login running the command (or connecting to the server)
    /// is mapped to a member; `--as` may only confirm it.
    case verified
    /// By `--as` alone, trusted as given: for demonstrations and tests.
    case claimed

    /// The sentence every `show` header and every export carries in claimed mode.
    public static let claimedNotice = "Identities in this record are claimed, not verified."
}

/// The staff directory as a pure value, replayed from the `staff` stream: members by id with
/// their name, role, login, scope and whether they have left, and the identity mode.
///
/// The same fold writes the `staff` read model (``Projection``), so a rebuild gives the same
/// rows, and a check of the log can ask what any member could do after any staff event.
public struct StaffDirectory: Sendable, Equatable {
    /// Every member ever added, by id (leavers included).
    public private(set) var members: [String: StaffMember] = [:]
    /// How identities are established; ``IdentityMode/claimed`` until an `IdentityModeSet` says otherwise.
    public private(set) var identityMode: IdentityMode = .claimed
    /// Whether an `IdentityModeSet` has been folded in (only the first counts).
    private var hasIdentityMode = false
    /// The number of events folded in.
    public private(set) var version = 0
    /// The other names each member is known by in free text (`staff alias`), by id, in the order declared.
    public private(set) var aliases: [String: [String]] = [:]

    /// An empty directory.
    public init() {}

    /// The directory after every event of the `staff` stream, oldest first.
    public static func replay(_ events: [RecordedEvent]) throws -> StaffDirectory {
        var directory = StaffDirectory()
        for event in events { directory.apply(try StaffEvent(stored: event)) }
        return directory
    }

    /// Folds one event in. Never fails: an event in the log has happened. An event about an
    /// unknown member (which ``Casebook`` never writes) changes nothing.
    public mutating func apply(_ event: StaffEvent) {
        version += 1
        switch event {
        case .added(let member): members[member.id] = member
        case .loginChanged(let id, let login): members[id]?.login = login
        case .roleChanged(let id, let role): members[id]?.role = role
        case .scopeChanged(let id, let scope): members[id]?.scope = scope
        case .left(let id): members[id]?.hasLeft = true
        case .identityModeSet(let mode):
            // Set once, by `init`: a later one (never written by Casebook) is not honoured.
            if !hasIdentityMode {
                identityMode = mode
                hasIdentityMode = true
            }
        case .emailSet(let id, let email): members[id]?.email = email
        case .alertsSet(let id, let on): members[id]?.alertsOff = !on
        case .aliasAdded(let id, let alias): if members[id] != nil { aliases[id, default: []].append(alias) }
        }
    }

    /// A member by id, leavers included.
    public func member(_ id: String) -> StaffMember? { members[id] }

    /// The current (not left) member mapped to an operating-system login.
    public func member(login: String) -> StaffMember? {
        members.values.first { $0.login == login && !$0.hasLeft }
    }

    /// Whether any current member is scoped to one school.
    public var hasSchoolScopedMembers: Bool { members.values.contains { !$0.hasLeft && $0.scope != .trustWide } }
}

/// Operating-system login names as Casebook accepts them: what `useradd` and a directory
/// (SSSD: `name@domain`) give, with no spaces or separators that could confuse a log line.
public enum LoginName {
    /// The login, or an invalid-input error saying what is allowed.
    public static func validate(_ text: String, field: Message = "login") throws -> String {
        let allowed = text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "._-@$".utf8.contains(byte)
        }
        guard !text.isEmpty, text.utf8.count <= 128, allowed, text.first != "-" else {
            throw CasebookError.invalidInput(
                "'\(text.prefix(60))' is not a valid \(field): use the operating-system login name (letters, digits, '.', '_', '-', '@', '$'; at most 128)")
        }
        return text
    }
}
