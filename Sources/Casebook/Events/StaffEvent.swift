import EventLog

/// Events of the `staff` stream: the directory, and how identities are established (SPEC §8).
///
/// Type names are stable (stored and hashed) and kept in one table, ``Kind``. Every payload
/// carries `"v": 1`; fields added later (`login`, `school` on `StaffAdded`) are optional, so
/// the payloads written before them still decode.
public enum StaffEvent: Sendable, Equatable {
    /// A member of staff was added with a role, a scope and perhaps a login.
    case added(StaffMember)
    /// A member's operating-system login was set (`staff login`).
    case loginChanged(id: String, login: String)
    /// A member's role changed (`staff role`).
    case roleChanged(id: String, role: Role)
    /// A member's scope changed (`staff school`).
    case scopeChanged(id: String, scope: StaffScope)
    /// A member left (`staff leave`): their history stays, they can no longer act or be chosen.
    case left(id: String)
    /// How identities are established in this database; written by `init`, right after the
    /// first headteacher. A database without it (made before SPEC §8) is ``IdentityMode/claimed``.
    case identityModeSet(IdentityMode)
    /// A member's alert address was set or removed (`staff email`, SPEC §11).
    case emailSet(id: String, email: String?)
    /// A member turned alerts on or off (`alerts on|off`): their own setting.
    case alertsSet(id: String, on: Bool)
    /// Another name a member is known by in free text (`staff alias`, issue 21 item 11):
    /// subject access searches for it too.
    case aliasAdded(id: String, alias: String)

    /// The stable type names, in one table.
    public enum Kind: String, Sendable, CaseIterable {
        case added = "StaffAdded"
        case loginChanged = "StaffLoginChanged"
        case roleChanged = "StaffRoleChanged"
        case scopeChanged = "StaffSchoolChanged"
        case left = "StaffLeft"
        case identityModeSet = "IdentityModeSet"
        case emailSet = "StaffEmailSet"
        case alertsSet = "StaffAlertsSet"
        case aliasAdded = "StaffAliasAdded"
    }

    /// The stream that holds the directory.
    public static let stream = "staff"

    /// The event's kind.
    public var kind: Kind {
        switch self {
        case .added: return .added
        case .loginChanged: return .loginChanged
        case .roleChanged: return .roleChanged
        case .scopeChanged: return .scopeChanged
        case .left: return .left
        case .identityModeSet: return .identityModeSet
        case .emailSet: return .emailSet
        case .alertsSet: return .alertsSet
        case .aliasAdded: return .aliasAdded
        }
    }

    /// The stable type name.
    public var typeName: String { kind.rawValue }

    /// The member the event is about; nil for ``identityModeSet(_:)``.
    public var memberID: String? {
        switch self {
        case .added(let member): return member.id
        case .loginChanged(let id, _), .roleChanged(let id, _), .scopeChanged(let id, _), .left(let id), .emailSet(let id, _),
            .alertsSet(let id, _), .aliasAdded(let id, _):
            return id
        case .identityModeSet: return nil
        }
    }

    /// The payload.
    public var payload: JSONValue {
        var fields: [String: JSONValue]
        switch self {
        case .added(let member):
            fields = ["id": .string(member.id), "name": .string(member.name), "role": .string(member.role.rawValue)]
            if let login = member.login { fields["login"] = .string(login) }
            if case .school(let school) = member.scope { fields["school"] = .string(school) }
            if let email = member.email { fields["email"] = .string(email) }
        case .loginChanged(let id, let login): fields = ["id": .string(id), "login": .string(login)]
        case .roleChanged(let id, let role): fields = ["id": .string(id), "role": .string(role.rawValue)]
        case .scopeChanged(let id, let scope): fields = ["id": .string(id), "school": JSONValue(scope.school)]
        case .left(let id): fields = ["id": .string(id)]
        case .identityModeSet(let mode): fields = ["mode": .string(mode.rawValue)]
        case .emailSet(let id, let email): fields = ["id": .string(id), "email": JSONValue(email)]
        case .alertsSet(let id, let on): fields = ["id": .string(id), "on": .bool(on)]
        case .aliasAdded(let id, let alias): fields = ["id": .string(id), "alias": .string(alias)]
        }
        fields["v"] = 1
        return .object(fields)
    }

    /// Decodes a stored staff event.
    public init(type: String, payload: [UInt8]?) throws {
        guard let kind = Kind(rawValue: type), let payload else { throw CaseEvent.PayloadError(type: type, field: "type") }
        let json = try JSONValue.parse(payload)
        func string(_ key: String) throws -> String {
            guard let value = json[key]?.string else { throw CaseEvent.PayloadError(type: type, field: key) }
            return value
        }
        func role() throws -> Role {
            guard let role = json["role"]?.string.flatMap(Role.init(rawValue:)) else {
                throw CaseEvent.PayloadError(type: type, field: "role")
            }
            return role
        }
        switch kind {
        case .added:
            self = .added(
                StaffMember(
                    id: try string("id"), name: try string("name"), role: try role(), login: json["login"]?.string,
                    scope: StaffScope(school: json["school"]?.string), email: json["email"]?.string))
        case .loginChanged: self = .loginChanged(id: try string("id"), login: try string("login"))
        case .roleChanged: self = .roleChanged(id: try string("id"), role: try role())
        case .scopeChanged: self = .scopeChanged(id: try string("id"), scope: StaffScope(school: json["school"]?.string))
        case .left: self = .left(id: try string("id"))
        case .identityModeSet:
            guard let mode = json["mode"]?.string.flatMap(IdentityMode.init(rawValue:)) else {
                throw CaseEvent.PayloadError(type: type, field: "mode")
            }
            self = .identityModeSet(mode)
        case .emailSet: self = .emailSet(id: try string("id"), email: json["email"]?.string)
        case .alertsSet:
            guard let on = json["on"]?.bool else { throw CaseEvent.PayloadError(type: type, field: "on") }
            self = .alertsSet(id: try string("id"), on: on)
        case .aliasAdded: self = .aliasAdded(id: try string("id"), alias: try string("alias"))
        }
    }
}
