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

extension Casebook {
    /// Cases, newest first, optionally only open or closed ones, or one school's.
    public func list(status: CaseState.Status? = nil, school: String? = nil, by actor: StaffMember) throws -> [CaseSummary] {
        try actor.require(.readCases)
        var conditions: [String] = []
        var values: [any SQLBindable] = []
        if let status {
            conditions.append("status = ?")
            values.append(status.rawValue)
        }
        if let school {
            conditions.append("school = ?")
            values.append(school)
        }
        let visible = CaseAccess.visibleCases(to: actor)
        conditions.append(visible.sql)
        values += visible.values
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var rows: [CaseSummary] = []
        try store.database.forEachRow(
            """
            SELECT reference, school, affected, status, is_urgent, categories, opened_at, closed_at, investigation, updated_at
            FROM cases c \(whereClause) ORDER BY year DESC, number DESC
            """, values
        ) { row in
            guard let reference = CaseReference(row.text(0)) else { return }
            rows.append(
                CaseSummary(
                    reference: reference, school: row.text(1), affected: row.text(2),
                    status: CaseState.Status(rawValue: row.text(3)) ?? .open, isUrgent: row.int(4) != 0,
                    categories: row.text(5).split(separator: ",").map(String.init),
                    openedAt: Timestamp.date(from: row.text(6)) ?? .distantPast,
                    closedAt: row.optionalText(7).flatMap(Timestamp.date(from:)), investigation: row.text(8),
                    updatedAt: Timestamp.date(from: row.text(9)) ?? .distantPast))
        }
        return rows
    }

    /// What is past due at `asOf` on open cases, the latest first (SPEC §6).
    public func overdue(asOf: Date, by actor: StaffMember) throws -> [OverdueItem] {
        try actor.require(.readCases)
        var items: [OverdueItem] = []
        let visible = CaseAccess.visibleCases(to: actor)
        try store.database.forEachRow(
            """
            SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school
            FROM deadlines d JOIN cases c ON c.reference = d.case_ref
            WHERE d.due_at <= ? AND \(visible.sql) ORDER BY d.due_at, d.case_ref, d.subject
            """, [Timestamp.string(from: asOf)] + visible.values
        ) { row in
            guard let reference = CaseReference(row.text(0)), let kind = Deadline.Kind(rawValue: row.text(1)),
                let due = Timestamp.date(from: row.text(3))
            else { return }
            items.append(
                OverdueItem(
                    deadline: Deadline(reference: reference, kind: kind, subject: row.text(2), due: due),
                    school: row.text(4), lateness: asOf.timeIntervalSince(due)))
        }
        return items
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
