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

    /// What is past due at `asOf` on open cases `actor` may see, the latest first.
    static func overdue(asOf: Date, limit: Int?, visibleTo actor: StaffMember, in source: some RowSource) throws -> [OverdueItem] {
        let database = source.connection
        var items: [OverdueItem] = []
        let visible = CaseAccess.visibleCases(to: actor)
        let newest = limit.map { "ORDER BY d.due_at DESC, d.case_ref DESC, d.subject DESC LIMIT \(max(0, $0))" } ?? ""
        try database.forEachRow(
            """
            SELECT * FROM (
                SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school
                FROM deadlines d JOIN cases c ON c.reference = d.case_ref
                WHERE d.due_at <= ? AND \(visible.sql) \(newest)
            ) ORDER BY due_at, case_ref, subject
            """, [Timestamp.string(from: asOf)] + visible.values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { items.append(item) }
        }
        return items
    }

    /// How many things are overdue at `asOf` on cases `actor` may see.
    static func overdueCount(asOf: Date, visibleTo actor: StaffMember, in source: some RowSource) throws -> Int {
        let database = source.connection
        let visible = CaseAccess.visibleCases(to: actor)
        return try database.scalarInt(
            "SELECT count(*) FROM deadlines d JOIN cases c ON c.reference = d.case_ref WHERE d.due_at <= ? AND \(visible.sql)",
            [Timestamp.string(from: asOf)] + visible.values) ?? 0
    }

    /// Other cases (than `reference`) whose source has the reference `ref`, those `actor` may see when given.
    static func sharingSource(
        _ ref: String, with reference: CaseReference, visibleTo actor: StaffMember?, in source: some RowSource
    ) throws -> [CaseReference] {
        let database = source.connection
        var references: [CaseReference] = []
        let visible = actor.map { CaseAccess.visibleCases(to: $0) } ?? (sql: "1", values: [])
        try database.forEachRow(
            """
            SELECT s.case_ref FROM sources s JOIN cases c ON c.reference = s.case_ref
            WHERE s.ref = ? AND s.case_ref <> ? AND \(visible.sql) ORDER BY s.case_ref
            """,
            [SourceReference.normalized(ref), reference.description] + visible.values
        ) { row in
            if let reference = CaseReference(row.text(0)) { references.append(reference) }
        }
        return references
    }

    /// Open deadlines on cases both `member` and `actor` may see, soonest first.
    static func openDeadlines(
        visibleTo member: StaffMember, and actor: StaffMember, asOf: Date, in source: some RowSource
    ) throws -> [OverdueItem] {
        let database = source.connection
        var items: [OverdueItem] = []
        let (sql, values) = visibleToBoth(member, actor)
        try database.forEachRow(
            """
            SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school
            FROM deadlines d JOIN cases c ON c.reference = d.case_ref
            WHERE c.status = 'open' AND \(sql) ORDER BY d.due_at, d.case_ref, d.kind, d.subject
            """, values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { items.append(item) }
        }
        return items
    }

    /// The open cases both `member` and `actor` may see, oldest first.
    static func openCases(visibleTo member: StaffMember, and actor: StaffMember, in source: some RowSource) throws -> [CaseReference] {
        let database = source.connection
        var open: [CaseReference] = []
        let (sql, values) = visibleToBoth(member, actor)
        try database.forEachRow(
            "SELECT reference FROM cases c WHERE c.status = 'open' AND \(sql) ORDER BY year, number", values
        ) { row in
            if let reference = CaseReference(row.text(0)) { open.append(reference) }
        }
        return open
    }

    static func visibleToBoth(_ member: StaffMember, _ actor: StaffMember) -> (String, [any SQLBindable]) {
        let own = CaseAccess.visibleCases(to: member)
        guard member.id != actor.id else { return own }
        let other = CaseAccess.visibleCases(to: actor)
        return ("\(own.sql) AND \(other.sql)", own.values + other.values)
    }

    /// The closed cases `actor` may see, oldest first.
    static func closedCases(visibleTo actor: StaffMember, in source: some RowSource) throws -> [CaseReference] {
        let database = source.connection
        let visible = CaseAccess.visibleCases(to: actor)
        var references: [CaseReference] = []
        try database.forEachRow(
            "SELECT c.reference FROM cases AS c WHERE c.status = 'closed' AND \(visible.sql) ORDER BY c.year, c.number", visible.values
        ) { row in
            if let reference = CaseReference(row.text(0)) { references.append(reference) }
        }
        return references
    }

    /// The highest case number used in `year`; 0 for none.
    static func highestNumber(in year: Int, in source: some RowSource) throws -> Int {
        let database = source.connection
        return try database.scalarInt("SELECT max(number) FROM cases WHERE year = ?", [year]) ?? 0
    }

    /// The number of a school's next case in `year` (see ``CaseNumbering``): one past the
    /// highest in the school's block, or the first of a new block.
    static func nextNumber(in year: Int, school: String, in source: some RowSource) throws -> Int {
        let database = source.connection
        let size = CaseNumbering.blockSize
        if let block = try database.scalarInt(
            "SELECT min(number) / ? FROM cases WHERE year = ? AND school = ? COLLATE NOCASE", [size, year, school])
        {
            let highest = try database.scalarInt(
                "SELECT max(number) FROM cases WHERE year = ? AND number >= ? AND number < ?", [year, block * size, (block + 1) * size])
            return try CaseNumbering.next(after: highest ?? block * size, inBlock: block)
        }
        guard let last = try database.scalarInt("SELECT max(number) / ? FROM cases WHERE year = ?", [size, year]) else {
            return 1
        }
        return (last + 1) * size + 1
    }

    /// One row per closure in `since..<until` (timestamps as stored) of the cases `visible` keeps (alias `k`).
    static func closures(
        since sinceText: String, until untilText: String, visible: (sql: String, values: [any SQLBindable]), in source: some RowSource
    ) throws -> [Outcomes.Row] {
        let database = source.connection
        let values: [any SQLBindable] = [sinceText, untilText] + visible.values
        var rows: [Outcomes.Row] = []
        try database.forEachRow(
            """
            SELECT k.reference, k.school, k.opened_at, c.closed_at, k.categories, c.source_kind, c.referrals,
                c.threat, c.police, c.finding, c.action, c.outcome, c.removed_at, c.takedowns, c.reopened_at, c.staff
            FROM closures c JOIN cases k ON k.reference = c.case_ref
            WHERE c.closed_at >= ? AND c.closed_at < ? AND \(visible.sql) ORDER BY c.closed_at, k.year, k.number, c.number
            """, values
        ) { row in
            guard let reference = CaseReference(row.text(0)), let opened = Timestamp.date(from: row.text(2)),
                let closed = Timestamp.date(from: row.text(3))
            else {
                // A damaged read model is said (65), never a case silently left out of the report.
                throw CasebookError.damaged(
                    "the closures read model has a row that cannot be read (case '\(row.text(0).prefix(40))', opened '\(row.text(2).prefix(40))', closed '\(row.text(3).prefix(40))'); rebuild the read models")
            }
            func list(_ index: Int32) -> [String] { row.text(index).split(separator: ",").map(String.init) }
            rows.append(
                Outcomes.Row(
                    reference: reference, school: row.text(1), openedAt: opened, closedAt: closed,
                    categories: list(4), sourceKind: row.optionalText(5), referrals: list(6),
                    threat: row.optionalText(7), police: row.text(8), finding: row.optionalText(9),
                    action: row.optionalText(10), outcome: row.optionalText(11),
                    removal: Projection.removal(row.text(13)),
                    reopenedAt: row.optionalText(14).flatMap(Timestamp.date(from:)), staffInvolved: list(15)))
        }
        return rows
    }

    /// Every open case's reference.
    static func openReferences(in source: some RowSource) throws -> [CaseReference] {
        let database = source.connection
        var open: [CaseReference] = []
        try database.forEachRow("SELECT reference FROM cases WHERE status = 'open'") { row in
            if let reference = CaseReference(row.text(0)) { open.append(reference) }
        }
        return open
    }

    /// Every case's school, by its stream.
    static func schoolsByStream(in source: some RowSource) throws -> [String: String] {
        let database = source.connection
        var schools: [String: String] = [:]
        try database.forEachRow("SELECT reference, school FROM cases") { schools["case/" + $0.text(0)] = $0.text(1) }
        return schools
    }

    /// The case streams other than `reference`'s with an evidence or removal-check event naming `sha256`.
    static func streams(mentioning sha256: String, outside reference: CaseReference, in source: some RowSource) throws -> [String] {
        let database = source.connection
        var streams: [String] = []
        try database.forEachRow(
            """
            SELECT DISTINCT stream FROM events WHERE stream LIKE 'case/%' AND stream != ?
                AND type IN (?, ?) AND instr(payload, ?) > 0
            """, [reference.stream, CaseEventType.evidenceCaptured.rawValue, CaseEventType.removalChecked.rawValue, sha256]
        ) { streams.append($0.text(0)) }
        return streams
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


extension CaseRows {
    /// The concerns a member reported, newest first: reference, when, triage word, case status (SPEC §11).
    static func concerns(reportedBy id: String, in source: some RowSource) throws -> [ConcernStatus] {
        let database = source.connection
        var rows: [ConcernStatus] = []
        try database.forEachRow(
            """
            SELECT reference, opened_at, triage, status FROM cases
            WHERE reported_by = ? COLLATE NOCASE AND triage IS NOT NULL ORDER BY year DESC, number DESC
            """, [id]
        ) { row in
            guard let reference = CaseReference(row.text(0)) else { return }
            rows.append(
                ConcernStatus(
                    reference: reference, reportedAt: Timestamp.date(from: row.text(1)) ?? .distantPast, triage: row.text(2),
                    isClosed: row.text(3) == CaseState.Status.closed.rawValue))
        }
        return rows
    }
}

extension CaseRows {
    /// Open deadlines on open cases both `member` and `actor` may see, with each case's
    /// owner, soonest first (`tasks`, SPEC §11).
    static func deadlinesWithOwners(
        visibleTo member: StaffMember, and actor: StaffMember, asOf: Date, in source: some RowSource
    ) throws -> [(item: OverdueItem, owner: String?)] {
        let database = source.connection
        var items: [(item: OverdueItem, owner: String?)] = []
        let (sql, values) = visibleToBoth(member, actor)
        try database.forEachRow(
            """
            SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school, c.owner
            FROM deadlines d JOIN cases c ON c.reference = d.case_ref
            WHERE c.status = 'open' AND \(sql) ORDER BY d.due_at, d.case_ref, d.kind, d.subject
            """, values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { items.append((item, row.optionalText(5))) }
        }
        return items
    }
}

extension CaseRows {
    /// An open case as `alerts send` reads it.
    struct AlertCase {
        var reference: CaseReference
        var school: String
        var isRestricted: Bool
        var isUntriaged: Bool
        var owner: String?
        var openedAt: Date
    }

    /// Open cases that are untriaged concerns or have an owner.
    static func alertCases(in source: some RowSource) throws -> [AlertCase] {
        let database = source.connection
        var rows: [AlertCase] = []
        try database.forEachRow(
            """
            SELECT reference, school, is_restricted, triage, owner, opened_at FROM cases
            WHERE status = 'open' AND (triage = 'reported' OR owner IS NOT NULL) ORDER BY year, number
            """
        ) { row in
            guard let reference = CaseReference(row.text(0)) else { return }
            rows.append(
                AlertCase(
                    reference: reference, school: row.text(1), isRestricted: row.int(2) != 0, isUntriaged: row.optionalText(3) == "reported",
                    owner: row.optionalText(4), openedAt: Timestamp.date(from: row.text(5)) ?? .distantPast))
        }
        return rows
    }

    /// Deadlines of open cases due by `instant`, soonest first, with their case.
    static func alertDeadlines(dueBy instant: Date, in source: some RowSource) throws -> [(Deadline, AlertCase)] {
        let database = source.connection
        var rows: [(Deadline, AlertCase)] = []
        try database.forEachRow(
            """
            SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school, c.is_restricted, c.owner, c.opened_at
            FROM deadlines d JOIN cases c ON c.reference = d.case_ref
            WHERE c.status = 'open' AND d.due_at <= ? ORDER BY d.due_at, d.case_ref, d.kind, d.subject
            """, [Timestamp.string(from: instant)]
        ) { row in
            guard let reference = CaseReference(row.text(0)), let kind = Deadline.Kind(rawValue: row.text(1)),
                let due = Timestamp.date(from: row.text(3))
            else { return }
            rows.append(
                (
                    Deadline(reference: reference, kind: kind, subject: row.text(2), due: due),
                    AlertCase(
                        reference: reference, school: row.text(4), isRestricted: row.int(5) != 0, isUntriaged: false,
                        owner: row.optionalText(6), openedAt: Timestamp.date(from: row.text(7)) ?? .distantPast)
                ))
        }
        return rows
    }
}
