import EventLog
import Foundation

/// The `cases`, `deadlines` and `sources` read models' queries, as SQL.
enum CaseRows {
    /// The cases a filter keeps that `actor` may see, newest first; at most `limit` (the newest).
    static func summaries(_ filter: CaseWork.CaseFilter, limit: Int?, visibleTo actor: StaffMember, in source: some RowSource) throws -> [CaseSummary] {
        let database = source.connection
        let (whereClause, values) = listConditions(filter, by: actor)
        var rows: [CaseSummary] = []
        try database.forEachRow(
            """
            SELECT c.reference, c.school, c.affected, c.status, c.is_urgent, c.categories, c.opened_at, c.closed_at,
                c.investigation, c.updated_at, (SELECT s.name FROM staff s WHERE s.id = c.affected)
            FROM cases c \(whereClause) ORDER BY c.year DESC, c.number DESC\(limit.map { " LIMIT \(max(0, $0))" } ?? "")
            """, values
        ) { row in
            guard let reference = CaseReference(row.text(0)) else { return }
            rows.append(
                CaseSummary(
                    reference: reference, school: row.text(1), affected: row.text(2), affectedName: row.optionalText(10),
                    status: CaseState.Status(rawValue: row.text(3)) ?? .open, isUrgent: row.int(4) != 0,
                    categories: row.text(5).split(separator: ",").map(String.init),
                    openedAt: Timestamp.date(from: row.text(6)) ?? .distantPast,
                    closedAt: row.optionalText(7).flatMap(Timestamp.date(from:)), investigation: row.text(8),
                    updatedAt: Timestamp.date(from: row.text(9)) ?? .distantPast))
        }
        return rows
    }

    /// How many cases a filter keeps that `actor` may see.
    static func count(_ filter: CaseWork.CaseFilter, visibleTo actor: StaffMember, in source: some RowSource) throws -> Int {
        let database = source.connection
        let (whereClause, values) = listConditions(filter, by: actor)
        return try database.scalarInt("SELECT count(*) FROM cases c \(whereClause)", values) ?? 0
    }

    /// The schools with cases `actor` may see.
    static func schools(visibleTo actor: StaffMember, in source: some RowSource) throws -> [String] {
        let database = source.connection
        let visible = CaseAccess.visibleCases(to: actor)
        var schools: [String] = []
        try database.forEachRow("SELECT DISTINCT c.school FROM cases c WHERE \(visible.sql) ORDER BY c.school", visible.values) {
            schools.append($0.text(0))
        }
        return schools
    }

    static func listConditions(_ filter: CaseWork.CaseFilter, by actor: StaffMember) -> (String, [any SQLBindable]) {
        var conditions: [String] = []
        var values: [any SQLBindable] = []
        if let status = filter.status {
            conditions.append("c.status = ?")
            values.append(status.rawValue)
        }
        if let school = filter.school {
            conditions.append("c.school = ? COLLATE NOCASE")
            values.append(school.trimmingCharacters(in: .whitespaces))
        }
        if let affected = filter.affected {
            conditions.append("c.affected = ? COLLATE NOCASE")
            values.append(affected.trimmingCharacters(in: .whitespaces))
        }
        if let actor = filter.actedOnBy {
            // Any event of the case's stream by them (opening it included).
            conditions.append("EXISTS (SELECT 1 FROM events e WHERE e.stream = 'case/' || c.reference AND e.actor = ? COLLATE NOCASE)")
            values.append(actor)
        }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let escaped = search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            let pattern = "%" + escaped + "%"
            conditions.append(
                """
                (c.reference LIKE ? ESCAPE '\\' OR c.summary LIKE ? ESCAPE '\\' OR ifnull(c.source_ref, '') LIKE ? ESCAPE '\\'
                    OR EXISTS (SELECT 1 FROM takedowns t WHERE t.case_ref = c.reference AND t.host LIKE ? ESCAPE '\\')
                    OR EXISTS (SELECT 1 FROM events e WHERE e.stream = 'case/' || c.reference AND e.type = 'EvidenceCaptured'
                        AND CAST(e.payload AS TEXT) LIKE ? ESCAPE '\\'))
                """)
            values += [pattern, pattern, pattern, pattern, pattern]
        }
        let visible = CaseAccess.visibleCases(to: actor)
        conditions.append(visible.sql)
        values += visible.values
        return ("WHERE " + conditions.joined(separator: " AND "), values)
    }

    /// What is past due at `asOf` on open cases `actor` may see, the latest first. (Only an
    /// open case has deadlines — ``Deadline/of(_:settings:)`` — so `c.status = 'open'`
    /// leaves nothing out; it lets the count read the open cases' index.) The deadlines are read
    /// first (CROSS JOIN), newest first off `deadlines_by_due`, so a limit stops early.
    static func overdue(asOf: Date, limit: Int?, visibleTo actor: StaffMember, in source: some RowSource) throws -> [OverdueItem] {
        let database = source.connection
        var items: [OverdueItem] = []
        let visible = CaseAccess.visibleCases(to: actor)
        let newest = limit.map { "ORDER BY d.due_at DESC, d.case_ref DESC, d.subject DESC LIMIT \(max(0, $0))" } ?? ""
        try database.forEachRow(
            """
            SELECT * FROM (
                SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school
                FROM deadlines d CROSS JOIN cases c ON c.reference = d.case_ref
                WHERE d.due_at <= ? AND c.status = 'open' AND \(visible.sql) \(newest)
            ) ORDER BY due_at, case_ref, subject
            """, [Timestamp.string(from: asOf)] + visible.values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { items.append(item) }
        }
        return items
    }

    /// How many things are overdue at `asOf` on cases `actor` may see: the open cases'
    /// entries of `cases_by_status`, each with its deadlines' keys — no case's row is read.
    static func overdueCount(asOf: Date, visibleTo actor: StaffMember, in source: some RowSource) throws -> Int {
        let database = source.connection
        let visible = CaseAccess.visibleCases(to: actor)
        return try database.scalarInt(
            """
            SELECT count(*) FROM cases c CROSS JOIN deadlines d ON d.case_ref = c.reference
            WHERE d.due_at <= ? AND c.status = 'open' AND \(visible.sql)
            """,
            [Timestamp.string(from: asOf)] + visible.values) ?? 0
    }
}

extension OverdueItem {
    /// The item a `deadlines` row (case_ref, kind, subject, due_at, school) gives at `asOf`;
    /// nil for a row this version cannot read.
    init?(row: Statement, asOf: Date) {
        guard let reference = CaseReference(row.text(0)), let kind = Deadline.Kind(rawValue: row.text(1)),
            let due = Timestamp.date(from: row.text(3))
        else { return nil }
        self.init(
            deadline: Deadline(reference: reference, kind: kind, subject: row.text(2), due: due), school: row.text(4),
            lateness: asOf.timeIntervalSince(due))
    }
}
