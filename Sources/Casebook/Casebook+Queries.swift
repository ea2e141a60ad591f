import EventLog
import Foundation

/// One row of `casebook list`, read from the `cases` read model.
public struct CaseSummary: Sendable, Equatable {
    /// The reference.
    public var reference: CaseReference
    /// The school.
    public var school: String
    /// The affected member of staff.
    public var affected: String
    /// Their name from the staff directory, when known.
    public var affectedName: String? = nil
    /// Open or closed.
    public var status: CaseState.Status
    /// Urgent (child mentioned).
    public var isUrgent: Bool
    /// Categories.
    public var categories: [String]
    /// When it was opened.
    public var openedAt: Date
    /// When it was closed.
    public var closedAt: Date?
    /// not-started, started, concluded.
    public var investigation: String
    /// The latest event's time.
    public var updatedAt: Date
}

/// One row of `casebook overdue`.
public struct OverdueItem: Sendable, Equatable {
    /// What was due.
    public var deadline: Deadline
    /// The case's school.
    public var school: String
    /// How late, in seconds, at the moment asked.
    public var lateness: TimeInterval
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

extension Casebook {
    /// Which cases `list` shows (every one given must hold).
    public struct CaseFilter: Sendable, Equatable {
        /// Only open or closed ones.
        public var status: CaseState.Status?
        /// Only this school's (case-insensitive).
        public var school: String?
        /// Only those affecting this member of staff (case-insensitive id).
        public var affected: String?
        /// Only those this member of staff opened or took any step on.
        public var actedOnBy: String?
        /// Only those whose reference, summary, source handle, evidence URLs or hosts
        /// contain this text (case-insensitive).
        public var search: String?

        /// Creates a filter.
        public init(
            status: CaseState.Status? = nil, school: String? = nil, affected: String? = nil, actedOnBy: String? = nil,
            search: String? = nil
        ) {
            self.status = status
            self.school = school
            self.affected = affected
            self.actedOnBy = actedOnBy
            self.search = search
        }
    }

    /// Cases, newest first, optionally only open or closed ones, or one school's.
    public func list(status: CaseState.Status? = nil, school: String? = nil, by actor: StaffMember) throws -> [CaseSummary] {
        try list(CaseFilter(status: status, school: school), limit: nil, by: actor)
    }

    /// The cases a filter keeps, newest first; at most `limit` of them (the newest) when given.
    /// The newest come off the `cases_by_number` index, so a limit reads only what it shows.
    public func list(_ filter: CaseFilter, limit: Int?, by actor: StaffMember) throws -> [CaseSummary] {
        try actor.require(.readCases)
        let (whereClause, values) = Self.listConditions(filter, by: actor)
        var rows: [CaseSummary] = []
        try store.database.forEachRow(
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

    /// How many cases a filter keeps (for "N more").
    public func countCases(_ filter: CaseFilter, by actor: StaffMember) throws -> Int {
        try actor.require(.readCases)
        let (whereClause, values) = Self.listConditions(filter, by: actor)
        return try store.database.scalarInt("SELECT count(*) FROM cases c \(whereClause)", values) ?? 0
    }

    /// The schools with cases `actor` may see, for "did you mean".
    public func schools(by actor: StaffMember) throws -> [String] {
        try actor.require(.readCases)
        let visible = CaseAccess.visibleCases(to: actor)
        var schools: [String] = []
        try store.database.forEachRow("SELECT DISTINCT c.school FROM cases c WHERE \(visible.sql) ORDER BY c.school", visible.values) {
            schools.append($0.text(0))
        }
        return schools
    }

    private static func listConditions(_ filter: CaseFilter, by actor: StaffMember) -> (String, [any SQLBindable]) {
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

    /// What is past due at `asOf` on open cases, the latest first (SPEC §6).
    ///
    /// With `limit`, only the `limit` most recently due (read newest first off
    /// `deadlines_by_due`), shown in the same order.
    public func overdue(asOf: Date, limit: Int? = nil, by actor: StaffMember) throws -> [OverdueItem] {
        try actor.require(.readCases)
        var items: [OverdueItem] = []
        let visible = CaseAccess.visibleCases(to: actor)
        let newest = limit.map { "ORDER BY d.due_at DESC, d.case_ref DESC, d.subject DESC LIMIT \(max(0, $0))" } ?? ""
        try store.database.forEachRow(
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

    /// How many things are overdue at `asOf` (for "N more").
    public func countOverdue(asOf: Date, by actor: StaffMember) throws -> Int {
        try actor.require(.readCases)
        let visible = CaseAccess.visibleCases(to: actor)
        return try store.database.scalarInt(
            "SELECT count(*) FROM deadlines d JOIN cases c ON c.reference = d.case_ref WHERE d.due_at <= ? AND \(visible.sql)",
            [Timestamp.string(from: asOf)] + visible.values) ?? 0
    }

    /// Other cases whose source has the same reference (e.g. account handle): repeated
    /// comments from one source call for blocking or banning (001 §8.5).
    /// Only the cases `actor` may see are named, when given.
    /// With `asOf`, the cases sharing the source now are replayed as the record stood then
    /// and kept when they shared it then (a case whose source was changed since is not found).
    public func casesWithSameSource(
        as state: CaseState, visibleTo actor: StaffMember? = nil, asOf: Date? = nil
    ) throws -> [CaseReference] {
        guard let ref = state.source?.ref else { return [] }
        if let asOf {
            return try casesWithSameSource(as: state, visibleTo: nil).filter { reference in
                guard let then = try? self.state(of: reference, asOf: asOf),
                    then.source?.ref.map(SourceReference.normalized) == SourceReference.normalized(ref)
                else { return false }
                return actor.map { (try? CaseAccess.check(then, by: $0)) != nil } ?? true
            }
        }
        var references: [CaseReference] = []
        let visible = actor.map { CaseAccess.visibleCases(to: $0) } ?? (sql: "1", values: [])
        try store.database.forEachRow(
            """
            SELECT s.case_ref FROM sources s JOIN cases c ON c.reference = s.case_ref
            WHERE s.ref = ? AND s.case_ref <> ? AND \(visible.sql) ORDER BY s.case_ref
            """,
            [SourceReference.normalized(ref), state.reference.description] + visible.values
        ) { row in
            if let reference = CaseReference(row.text(0)) { references.append(reference) }
        }
        return references
    }

    /// A case's state for someone allowed to read cases who may see it (``CaseAccess``),
    /// recorded in the `audit` stream as a read of `view` (SPEC §8, who looked). Pass nil to
    /// record nothing yet, when the read counts only once something is written
    /// (`evidence get` records with ``recordExport(_:by:at:)`` once its files are in place).
    ///
    /// With `asOf`, the case as the record stood then (see ``withRecord(asOf:_:)``).
    public func show(
        _ reference: CaseReference, by actor: StaffMember, recording view: AuditEvent.CaseView? = .show, asOf: Date? = nil
    ) throws -> CaseState {
        try actor.require(.readCases)
        let state = try visibleState(of: reference, by: actor, asOf: asOf)
        if let view { try recordExport(.caseRead(case: reference, view: view, evidence: nil), by: actor) }
        return state
    }
}
