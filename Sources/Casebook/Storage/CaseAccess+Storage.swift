import EventLog

/// The `case_access` read model and the visibility filter, as SQL.
extension CaseAccess {
    /// The condition that keeps a query of `cases` (as `alias`) to the cases `actor` may see.
    static func visibleCases(to actor: StaffMember, alias: String = "c") -> (sql: String, values: [any SQLBindable]) {
        // The actor's rows are read once through case_access_by_staff, not probed per case.
        var sql = "\(alias).reference NOT IN (SELECT case_ref FROM case_access WHERE staff_id = ?)"
        var values: [any SQLBindable] = [actor.id.lowercased()]
        if !seesRestricted(actor) { sql += " AND \(alias).is_restricted = 0" }
        if let school = actor.scope.school {
            sql = "\(alias).school = ? COLLATE NOCASE AND " + sql
            values.insert(school, at: 0)
        }
        return (sql, values)
    }

    /// The case's school and whether it is restricted, from the read model; nil for no such case.
    static func scope(of reference: CaseReference, in source: some RowSource) throws -> (school: String, isRestricted: Bool)? {
        let database = source.connection
        var found: (school: String, isRestricted: Bool)?
        try database.forEachRow("SELECT school, is_restricted FROM cases WHERE reference = ?", [reference.description]) { row in
            found = (row.text(0), row.int(1) != 0)
        }
        return found
    }

    /// The reasons recorded in `case_access` that keep `actor` from the case.
    static func involvements(of actor: StaffMember, in reference: CaseReference, in source: some RowSource) throws -> [Involvement] {
        let database = source.connection
        var reasons: [Involvement] = []
        try database.forEachRow(
            "SELECT reason FROM case_access WHERE case_ref = ? AND staff_id = ?", [reference.description, actor.id.lowercased()]
        ) { row in
            if let reason = Involvement(rawValue: row.text(0)) { reasons.append(reason) }
        }
        return reasons
    }

    /// The references of the cases `actor` may not see for an involvement or an exclusion.
    static func casesBarring(_ actor: StaffMember, in source: some RowSource) throws -> [String] {
        let database = source.connection
        var references: [String] = []
        try database.forEachRow("SELECT DISTINCT case_ref FROM case_access WHERE staff_id = ?", [actor.id.lowercased()]) { row in
            references.append(row.text(0))
        }
        return references
    }
}
