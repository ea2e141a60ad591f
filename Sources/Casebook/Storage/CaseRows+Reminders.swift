import EventLog
import Foundation

/// The read models' queries behind reminders, the digest, tasks, concerns and alerts.
extension CaseRows {
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
    /// The open deadlines waiting on `member` (`tasks`, SPEC §11) on open cases both
    /// `member` and `actor` may see, with each case's owner, soonest first; at most `limit`
    /// (the soonest). Waiting on them: a deadline of a case they own, or of an unowned case
    /// when its kind is one of `kinds` (those whose step their role may take). Read in the
    /// order of `deadlines_by_due` (due, case, kind, subject), so a limit stops early.
    static func tasks(
        for member: StaffMember, kinds: [Deadline.Kind], by actor: StaffMember, asOf: Date, limit: Int?, in source: some RowSource
    ) throws -> [(item: OverdueItem, owner: String?)] {
        let database = source.connection
        var items: [(item: OverdueItem, owner: String?)] = []
        let (sql, values) = taskConditions(for: member, kinds: kinds, by: actor)
        try database.forEachRow(
            """
            SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school, c.owner
            FROM deadlines d CROSS JOIN cases c ON c.reference = d.case_ref
            WHERE \(sql) ORDER BY d.due_at, d.case_ref, d.kind, d.subject\(limit.map { " LIMIT \(max(0, $0))" } ?? "")
            """, values
        ) { row in
            if let item = OverdueItem(row: row, asOf: asOf) { items.append((item, row.optionalText(5))) }
        }
        return items
    }

    /// How many deadlines ``tasks(for:kinds:by:asOf:limit:in:)`` lists without a limit: read
    /// from the open cases' index entries (`cases_by_status`) and the deadlines' keys, never
    /// a case's row.
    static func taskCount(for member: StaffMember, kinds: [Deadline.Kind], by actor: StaffMember, in source: some RowSource) throws -> Int {
        let (sql, values) = taskConditions(for: member, kinds: kinds, by: actor)
        return try source.connection.scalarInt(
            "SELECT count(*) FROM cases c CROSS JOIN deadlines d ON d.case_ref = c.reference WHERE \(sql)", values) ?? 0
    }

    /// What keeps a deadline (`d`) of a case (`c`) on `member`'s task list: the case is open
    /// and both may see it, the deadline is of a kind this version reads, and the member
    /// owns the case — or nobody does and the kind is one of `kinds`. (`+d.kind`: the kinds
    /// are checked on each deadline read, not probed one by one in the key.)
    static func taskConditions(for member: StaffMember, kinds: [Deadline.Kind], by actor: StaffMember) -> (String, [any SQLBindable]) {
        let (visible, values) = visibleToBoth(member, actor)
        func placeholders(_ kinds: [Deadline.Kind]) -> String { kinds.map { _ in "?" }.joined(separator: ", ") }
        let known = Deadline.Kind.allCases
        let sql = """
            c.status = 'open' AND \(visible) AND +d.kind IN (\(placeholders(known)))
                AND (c.owner = ? COLLATE NOCASE OR (c.owner IS NULL AND +d.kind IN (\(placeholders(kinds)))))
            """
        let bound: [any SQLBindable] = known.map(\.rawValue) + [member.id] + kinds.map(\.rawValue)
        return (sql, values + bound)
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
