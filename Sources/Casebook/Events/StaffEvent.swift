import EventLog

/// Events of the `staff` stream: the directory.
public enum StaffEvent: Sendable, Equatable {
    /// A member of staff was added with a role.
    case added(StaffMember)

    /// The stream that holds the directory.
    public static let stream = "staff"

    /// The stable type name.
    public var typeName: String {
        switch self {
        case .added: return "StaffAdded"
        }
    }

    /// The payload.
    public var payload: JSONValue {
        switch self {
        case .added(let member):
            return ["id": .string(member.id), "name": .string(member.name), "role": .string(member.role.rawValue), "v": 1]
        }
    }

    /// Decodes a stored staff event.
    public init(type: String, payload: [UInt8]?) throws {
        guard type == "StaffAdded", let payload else { throw CaseEvent.PayloadError(type: type, field: "type") }
        let json = try JSONValue.parse(payload)
        guard let id = json["id"]?.string, let name = json["name"]?.string,
            let role = json["role"]?.string.flatMap(Role.init(rawValue:))
        else { throw CaseEvent.PayloadError(type: type, field: "id, name or role") }
        self = .added(StaffMember(id: id, name: name, role: role))
    }
}
