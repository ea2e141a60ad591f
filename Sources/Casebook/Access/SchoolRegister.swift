import EventLog
import Foundation

/// Events of the `schools` stream: the trust's register of schools (issue 21 item 8). Type
/// names are stable (stored and hashed); every payload carries `"v": 1`.
public enum SchoolEvent: Sendable, Equatable, StoredEventDecodable {
    /// A school joined the register (`school add`).
    case added(name: String)
    /// A registered school took a new name (`school rename`): its cases and staff follow.
    case renamed(from: String, to: String)

    /// The stream that holds the register.
    public static let stream = "schools"

    /// The stable type name.
    public static let addedType = "SchoolAdded"
    /// The stable type name of a rename.
    public static let renamedType = "SchoolRenamed"

    /// The stable type name of this event.
    public var typeName: String {
        switch self {
        case .added: return Self.addedType
        case .renamed: return Self.renamedType
        }
    }

    /// The payload.
    var payload: JSONValue {
        switch self {
        case .added(let name): return ["name": .string(name), "v": .int(1)]
        case .renamed(let from, let to): return ["from": .string(from), "to": .string(to), "v": .int(1)]
        }
    }

    /// Decodes a stored event.
    public init(type: String, payload bytes: [UInt8]?) throws {
        guard type == Self.addedType || type == Self.renamedType, let bytes else {
            throw CaseEvent.PayloadError(type: type, field: "type")
        }
        let json = try JSONValue.parse(bytes)
        func name(_ key: String) throws -> String {
            guard let name = json[key]?.string, !name.isEmpty else { throw CaseEvent.PayloadError(type: type, field: key) }
            return name
        }
        self = type == Self.addedType ? .added(name: try name("name")) : .renamed(from: try name("from"), to: try name("to"))
    }
}

/// Every name a school of the register was known by, mapped to its name now (issue 21
/// item 8): cases and staff record the school as it was called when they were written, and
/// everything that compares or shows a school reads it through this map, so a renamed
/// school keeps its cases, its staff and its block of case numbers. Names compare as
/// ``StaffScope/sameSchool(_:_:)`` does.
public struct SchoolNames: Sendable, Equatable {
    /// The folded former name → the name now.
    private var names: [String: String] = [:]

    /// No renames.
    public init() {}

    /// The renames among the `schools` stream's events, oldest first.
    public init(_ events: [SchoolEvent]) {
        for event in events { apply(event) }
    }

    /// Folds one event in.
    public mutating func apply(_ event: SchoolEvent) {
        guard case .renamed(let from, let to) = event else { return }
        for (key, value) in names where StaffScope.sameSchool(value, from) { names[key] = to }
        names[Self.key(from)] = to
        // Renamed back to a name it had: that name is its own again.
        names[Self.key(to)] = nil
    }

    /// Whether no school was ever renamed.
    public var isEmpty: Bool { names.isEmpty }

    /// The school's name now: `school` itself unless it is a former name.
    public func current(_ school: String) -> String { names[Self.key(school)] ?? school }

    /// The scope with its school's name now.
    public func current(_ scope: StaffScope) -> StaffScope { scope.school.map { .school(current($0)) } ?? scope }

    /// The name now when `school` is a former name, else nil.
    public func renamed(_ school: String) -> String? { names[Self.key(school)] }

    private static func key(_ name: String) -> String {
        String(decoding: name.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

/// The register is empty until a trust adds its first school: until then schools are free
/// text, as they were. Once it holds one, every school given — to `open`, `staff add`,
/// `staff school` — must be one of it (any letter case; the register's spelling is kept),
/// so a typo can no longer make a third school by accident.
extension Casebook {
    /// The `schools` stream's events, oldest first.
    func schoolEvents() throws -> [SchoolEvent] {
        try Self.translatingErrors { try store.events(in: SchoolEvent.stream).map { try SchoolEvent(stored: $0) } }
    }

    /// Every former name of a school mapped to its name now.
    public func schoolNames() throws -> SchoolNames {
        try Self.translatingErrors { try SchoolRows.names(in: store) }
    }

    /// The case's state with its school by the name it has now (the opening records the
    /// name it had then).
    func withCurrentSchool(_ state: CaseState) throws -> CaseState {
        let names = try schoolNames()
        guard !names.isEmpty else { return state }
        var state = state
        state.opened.school = names.current(state.opened.school)
        return state
    }

    /// The school as the register spells it; the name as given while the register is empty;
    /// ``CasebookError/invalidInput(_:)`` for a school the register does not hold, with the
    /// nearest one named.
    func registeredSchool(_ name: String) throws -> String {
        let known = try staff.schoolRegister()
        guard !known.isEmpty, !name.trimmingCharacters(in: .whitespaces).isEmpty else { return name }
        return try registeredSchool(name, in: known, names: try schoolNames())
    }

    /// The school as `known` spells it, or the refusal naming the nearest (or its name now,
    /// for a former name).
    func registeredSchool(_ name: String, in known: [String], names: SchoolNames) throws -> String {
        let given = name.trimmingCharacters(in: .whitespaces)
        if let found = known.first(where: { StaffScope.sameSchool($0, given) }) { return found }
        if let now = names.renamed(given) {
            throw CasebookError.invalidInput("'\(given.prefix(80))' was renamed; did you mean '\(now)'?")
        }
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
