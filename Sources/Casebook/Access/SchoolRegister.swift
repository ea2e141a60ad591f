import EventLog
import Foundation

/// Events of the `schools` stream: the trust's register of schools (issue 21 item 8). Type
/// names are stable (stored and hashed); every payload carries `"v": 1`.
public enum SchoolEvent: Sendable, Equatable, StoredEventDecodable {
    /// A school joined the register (`school add`).
    case added(name: String)

    /// The stream that holds the register.
    public static let stream = "schools"

    /// The stable type name.
    public static let addedType = "SchoolAdded"

    /// The payload.
    var payload: JSONValue {
        switch self {
        case .added(let name): return ["name": .string(name), "v": .int(1)]
        }
    }

    /// Decodes a stored event.
    public init(type: String, payload bytes: [UInt8]?) throws {
        guard type == Self.addedType, let bytes else { throw CaseEvent.PayloadError(type: type, field: "type") }
        guard let name = try JSONValue.parse(bytes)["name"]?.string, !name.isEmpty else {
            throw CaseEvent.PayloadError(type: type, field: "name")
        }
        self = .added(name: name)
    }
}

/// The register is empty until a trust adds its first school: until then schools are free
/// text, as they were. Once it holds one, every school given — to `open`, `staff add`,
/// `staff school` — must be one of it (any letter case; the register's spelling is kept),
/// so a typo can no longer make a third school by accident.
extension Casebook {
    /// The registered schools, in the order they were added.
    public func schoolRegister() throws -> [String] {
        try Self.translatingErrors {
            try store.events(in: SchoolEvent.stream).map { stored in
                switch try SchoolEvent(stored: stored) {
                case .added(let name): return name
                }
            }
        }
    }

    /// Adds a school to the register (a trust-wide headteacher).
    public func addSchool(_ name: String, by actor: StaffMember) throws {
        try actor.requireWholeRecord(.manageStaff)
        let name = try Workflow.text(name, "the school's name")
        guard name.count <= 200, !name.contains("\n") else {
            throw CasebookError.invalidInput("a school's name is one line of at most 200 characters")
        }
        try Self.translatingErrors {
            try door.pass(by: actor.id) { passage in
                // A trust-wide headteacher (checked above); the register is read now.
                let known = try passage.authorise { try schoolRegister() }
                if let existing = known.first(where: { StaffScope.sameSchool($0, name) }) {
                    throw CasebookError.invalidInput("'\(existing)' is already in the register")
                }
                let event = SchoolEvent.added(name: name)
                try passage.append(
                    [NewEvent(type: SchoolEvent.addedType, occurredAt: Timestamp.string(from: now), actor: actor.id,
                              payload: event.payload.serializedBytes())],
                    to: SchoolEvent.stream, expectedVersion: known.count)
            }
        }
    }

    /// The school as the register spells it; the name as given while the register is empty;
    /// ``CasebookError/invalidInput(_:)`` for a school the register does not hold, with the
    /// nearest one named.
    func registeredSchool(_ name: String) throws -> String {
        let given = name.trimmingCharacters(in: .whitespaces)
        let known = try schoolRegister()
        guard !known.isEmpty, !given.isEmpty else { return name }
        if let found = known.first(where: { StaffScope.sameSchool($0, given) }) { return found }
        let near = known.first { $0.range(of: given, options: .caseInsensitive) != nil || given.range(of: $0, options: .caseInsensitive) != nil }
            ?? known.min { Self.distance($0.lowercased(), given.lowercased()) < Self.distance($1.lowercased(), given.lowercased()) }
        throw CasebookError.invalidInput(
            "no school '\(given.prefix(80))' in the trust's register" + (near.map { "; did you mean '\($0)'?" } ?? "")
                + " (a trust-wide headteacher adds a school to the register)")
    }

    /// A scope with its school as the register spells it.
    func registeredScope(_ scope: StaffScope) throws -> StaffScope {
        guard let school = scope.school else { return scope }
        return .school(try registeredSchool(school))
    }

    /// The edit distance of two names, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
