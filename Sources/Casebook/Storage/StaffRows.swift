import EventLog
import Foundation

/// The staff read model's rows as members.
enum StaffRows {
    /// The columns ``member(_:)`` reads, in order.
    static let columns = "id, name, role, login, school, left_at, email, alerts_off"

    /// A row of `SELECT \(columns) FROM staff` as a member; nil for a role this version does not know.
    static func member(_ row: Statement) -> StaffMember? {
        guard let role = Role(rawValue: row.text(2)) else { return nil }
        return StaffMember(
            id: row.text(0), name: row.text(1), role: role, login: row.optionalText(3),
            scope: StaffScope(school: row.optionalText(4)), hasLeft: row.optionalText(5) != nil, email: row.optionalText(6),
            alertsOff: row.int(7) != 0)
    }

    /// The member with this exact id, or nil.
    static func member(id: String, in source: some RowSource) throws -> StaffMember? {
        let database = source.connection
        var found: StaffMember?
        // Ids are unique whatever their ASCII letter case; an exact match is preferred.
        try database.forEachRow("SELECT \(columns) FROM staff WHERE id = ? COLLATE NOCASE", [id]) { row in
            let member = member(row)
            if found == nil || member?.id == id { found = member }
        }
        return found
    }

    /// The current member mapped to an operating-system login, or nil.
    static func member(login: String, in source: some RowSource) throws -> StaffMember? {
        let database = source.connection
        var found: StaffMember?
        try database.forEachRow(
            "SELECT \(columns) FROM staff WHERE login = ? AND left_at IS NULL", [login]
        ) { found = member($0) }
        return found
    }

    /// Every member this version knows, by id.
    static func all(in source: some RowSource) throws -> [StaffMember] {
        let database = source.connection
        var members: [StaffMember] = []
        try database.forEachRow("SELECT \(columns) FROM staff ORDER BY id") { row in
            if let member = member(row) { members.append(member) }
        }
        return members
    }

    /// The raw mode of the staff stream's first `IdentityModeSet` (the one `init` writes), or
    /// nil. The mode is set once: a later one is a break for verify and never honoured.
    static func identityMode(in source: some RowSource) throws -> String? {
        let database = source.connection
        return try database.scalarText(
            "SELECT json_extract(payload, '$.mode') FROM events WHERE stream = ? AND type = ? ORDER BY version LIMIT 1",
            [StaffEvent.stream, StaffEvent.Kind.identityModeSet.rawValue])
    }

    /// Whether any current member is scoped to one school.
    static func hasSchoolScopedMembers(in source: some RowSource) throws -> Bool {
        let database = source.connection
        return try database.scalarInt("SELECT count(*) FROM staff WHERE school IS NOT NULL AND left_at IS NULL") ?? 0 > 0
    }

    /// How many current trust-wide headteachers there are.
    static func trustHeadteacherCount(in source: some RowSource) throws -> Int {
        let database = source.connection
        return try database.scalarInt(
            "SELECT count(*) FROM staff WHERE role = 'headteacher' AND school IS NULL AND left_at IS NULL") ?? 0
    }

    /// Every member's name, by id.
    static func names(in source: some RowSource) throws -> [String: String] {
        let database = source.connection
        var names: [String: String] = [:]
        try database.forEachRow("SELECT id, name FROM staff") { names[$0.text(0)] = $0.text(1) }
        return names
    }
}
