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

extension CaseWork {
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
    ///
    /// A search reads the cases' content (summaries, URLs, hosts, handles): each case it
    /// finds is recorded as read (SPEC §8, who looked).
    public func list(_ filter: CaseFilter, limit: Int?, by actor: StaffMember) throws -> [CaseSummary] {
        try actor.require(.readCases)
        let found = try CaseRows.summaries(try currentSchool(filter), limit: limit, visibleTo: actor, in: core.store)
        if filter.search != nil { try core.recordReads(found.map(\.reference), view: .search, by: actor) }
        return found
    }

    /// How many cases a filter keeps (for "N more").
    public func countCases(_ filter: CaseFilter, by actor: StaffMember) throws -> Int {
        try actor.require(.readCases)
        return try CaseRows.count(try currentSchool(filter), visibleTo: actor, in: core.store)
    }

    /// The filter with a former name of a school given as the school's name now (`school rename`).
    private func currentSchool(_ filter: CaseFilter) throws -> CaseFilter {
        guard let school = filter.school else { return filter }
        var filter = filter
        filter.school = try core.schoolNames().current(school.trimmingCharacters(in: .whitespaces))
        return filter
    }

    /// The schools with cases `actor` may see, for "did you mean".
    public func schools(by actor: StaffMember) throws -> [String] {
        try actor.require(.readCases)
        return try CaseRows.schools(visibleTo: actor, in: core.store)
    }

    /// What is past due at `asOf` on open cases, the latest first (SPEC §6).
    ///
    /// With `limit`, only the `limit` most recently due (read newest first off
    /// `deadlines_by_due`), shown in the same order.
    public func overdue(asOf: Date, limit: Int? = nil, by actor: StaffMember) throws -> [OverdueItem] {
        try actor.require(.readCases)
        return try CaseRows.overdue(asOf: asOf, limit: limit, visibleTo: actor, in: core.store)
    }

    /// How many things are overdue at `asOf` (for "N more").
    public func countOverdue(asOf: Date, by actor: StaffMember) throws -> Int {
        try actor.require(.readCases)
        return try CaseRows.overdueCount(asOf: asOf, visibleTo: actor, in: core.store)
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
            // Who may see each is decided on the case as it is now (the read models).
            return try casesWithSameSource(as: state, visibleTo: actor).filter { reference in
                let then: CaseState
                do {
                    then = try core.state(of: reference, asOf: asOf)
                } catch CasebookError.notFound {
                    return false  // not on record then
                }
                return then.source?.ref.map(SourceReference.normalized) == SourceReference.normalized(ref)
            }
        }
        return try CaseRows.sharingSource(ref, with: state.reference, visibleTo: actor, in: core.store)
    }

    /// A case's state for someone allowed to read cases who may see it (``CaseAccess``),
    /// recorded in the `audit` stream as a read of `view` (SPEC §8, who looked). Pass nil to
    /// record nothing yet, when the read counts only once something is written
    /// (`evidence get` records with ``core.recordExport(_:by:at:)`` once its files are in place).
    ///
    /// With `asOf`, the case as the record stood then (see ``withRecord(asOf:_:)``).
    public func show(
        _ reference: CaseReference, by actor: StaffMember, recording view: AuditEvent.CaseView? = .show, asOf: Date? = nil
    ) throws -> CaseState {
        try actor.require(.readCases)
        let state = try core.visibleState(of: reference, by: actor, asOf: asOf)
        if let view { try core.recordExport(.caseRead(case: reference, view: view, evidence: nil), by: actor) }
        return state
    }
}
