import EventLog
import Foundation

/// Every read-model row one case's state gives, as the values to bind: worked out on any
/// thread (`verify` and `rebuild` do it on their workers), then written on the connection's
/// with ``write(to:replacing:)``. A projection is a function of the state, so a rebuild from
/// the events gives the same rows.
struct ProjectedRows: Sendable {
    let reference: String
    let cases: [SQLValue]
    let takedowns: [[SQLValue]]
    let deadlines: [[SQLValue]]
    let closures: [[SQLValue]]
    let sources: [[SQLValue]]
    let access: [[SQLValue]]

    init(_ state: CaseState, settings: Settings) {
        let reference = state.reference.description
        self.reference = reference
        cases = Self.caseRow(state, reference: reference)
        takedowns = Self.takedownRows(state, reference: reference)
        deadlines = Self.deadlines(state, settings: settings)
        closures = Self.closureRows(state, reference: reference)
        sources = state.source?.ref.map { [[.text(SourceReference.normalized($0)), .text(reference)]] } ?? []
        access = state.involvement.map { [.text(reference), .text($0.staff), .text($0.reason.rawValue)] }
    }

    /// The `cases` row.
    private static func caseRow(_ state: CaseState, reference: String) -> [SQLValue] {
        let investigation: String
        var finding: String?
        switch state.investigation {
        case .notStarted: investigation = "not-started"
        case .started: investigation = "started"
        case .concluded(let concluded, _):
            investigation = "concluded"
            finding = concluded.rawValue
        }
        var referrals: [String] = []
        if !state.behaviourReferrals.isEmpty { referrals.append("behaviour") }
        if !state.disciplinaryReferrals.isEmpty { referrals.append("disciplinary") }
        let values: [any SQLBindable] = [
            reference, state.reference.year, state.reference.number, state.opened.school, state.opened.affected,
            state.status.rawValue, state.isUrgent, state.opened.categories.map(\.rawValue).joined(separator: ","),
            state.opened.summary, Timestamp.string(from: state.openedAt), state.closure.map { Timestamp.string(from: $0.at) },
            investigation, finding, state.source?.kind.rawValue, state.source?.ref,
            state.isThreatening.map { $0 ? "threatening" : "not-threatening" }, referrals.joined(separator: ","),
            Projection.policeWord(state.policeReferral), state.closure?.action.rawValue, state.closure?.outcome,
            state.firstRemovalAt.map(Timestamp.string(from:)), state.evidence.count, state.version,
            Timestamp.string(from: state.updatedAt), state.involvesChildSexualImagery, state.opened.reportedBy,
            state.triage?.status, state.owner,
        ]
        return values.map(\.sqlValue)
    }

    /// The `takedowns` rows: one per live request.
    private static func takedownRows(_ state: CaseState, reference: String) -> [[SQLValue]] {
        state.liveTakedowns.map { takedown in
            let values: [any SQLBindable] = [
                reference, takedown.request.id, takedown.request.host, takedown.request.evidence.joined(separator: ","),
                takedown.request.method.rawValue, takedown.request.sentBy.rawValue,
                Timestamp.string(from: takedown.requestedAt), Timestamp.string(from: takedown.deadline),
                takedown.response?.rawValue, takedown.check?.rawValue, takedown.isp, takedown.ispResponse?.rawValue,
                takedown.isResolved, takedown.removalConfirmedAt.map(Timestamp.string(from:)),
            ]
            return values.map(\.sqlValue)
        }
    }

    /// The `closures` rows: one per closure in the case's history (the outcomes report reads these).
    private static func closureRows(_ state: CaseState, reference: String) -> [[SQLValue]] {
        state.closures.enumerated().map { index, record in
            let values: [any SQLBindable] = [
                reference, index + 1, Timestamp.string(from: record.closure.at), record.reopenedAt.map(Timestamp.string(from:)),
                record.finding?.rawValue, record.sourceKind?.rawValue,
                record.isThreatening.map { $0 ? "threatening" : "not-threatening" }, record.referrals.joined(separator: ","),
                Projection.policeWord(record.policeReferral), record.closure.action.rawValue, record.closure.outcome,
                record.removal.allDownAt.map(Timestamp.string(from:)), record.removal.jsonValue.serialized(),
                record.staffInvolved.joined(separator: ","),
            ]
            return values.map(\.sqlValue)
        }
    }

    /// The `deadlines` rows of a case.
    static func deadlines(_ state: CaseState, settings: Settings) -> [[SQLValue]] {
        let reference = state.reference.description
        return Deadline.of(state, settings: settings).map {
            [.text(reference), .text($0.kind.rawValue), .text($0.subject), .text(Timestamp.string(from: $0.due))]
        }
    }

    /// Writes the rows; with `replacing`, the case's old rows go first (a rebuild or
    /// `verify`, which write each case once into emptied tables, need not look for them).
    func write(to database: Database, replacing: Bool = true) throws {
        try write(with: try Projection.Statements(database), replacing: replacing)
    }

    func write(with statements: Projection.Statements, replacing: Bool = true) throws {
        let key: [SQLValue] = [.text(reference)]
        try statements.upsertCase.execute(binding: cases)
        if replacing {
            for delete in [statements.deleteTakedowns, statements.deleteDeadlines, statements.deleteClosures, statements.deleteSources,
                statements.deleteAccess]
            {
                try delete.execute(binding: key)
            }
        }
        for row in takedowns { try statements.insertTakedown.execute(binding: row) }
        for row in deadlines { try statements.insertDeadline.execute(binding: row) }
        for row in closures { try statements.insertClosure.execute(binding: row) }
        for row in sources { try statements.insertSource.execute(binding: row) }
        for row in access { try statements.insertAccess.execute(binding: row) }
    }
}

extension Projection {
    /// Each case table's columns in the order a projected row binds them: the one list the
    /// inserts below and verify's comparison of stored rows (`ReadModelComparison`) are made from.
    static let caseColumns = [
        "reference", "year", "number", "school", "affected", "status", "is_urgent", "categories", "summary", "opened_at",
        "closed_at", "investigation", "finding", "source_kind", "source_ref", "threat", "referrals", "police", "action",
        "outcome", "removed_at", "evidence_count", "version", "updated_at", "is_restricted", "reported_by", "triage", "owner",
    ]
    static let takedownColumns = [
        "case_ref", "id", "host", "evidence", "method", "sent_by", "requested_at", "deadline_at", "response",
        "check_result", "isp", "isp_response", "is_resolved", "removed_at",
    ]
    static let deadlineColumns = ["case_ref", "kind", "subject", "due_at"]
    static let closureColumns = [
        "case_ref", "number", "closed_at", "reopened_at", "finding", "source_kind", "threat", "referrals", "police",
        "action", "outcome", "removed_at", "takedowns", "staff",
    ]
    static let sourceColumns = ["ref", "case_ref"]
    static let accessColumns = ["case_ref", "staff_id", "reason"]

    /// `INSERT … INTO table (columns) VALUES (?, …)`.
    static func insert(_ verb: String, _ table: String, _ columns: [String]) -> String {
        "\(verb) INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }

    /// The read models' statements, prepared once per connection (``Database/cached(_:)``)
    /// and looked up once per writer.
    struct Statements {
        let upsertCase, insertTakedown, insertDeadline, insertClosure, insertSource, insertAccess: Statement
        let deleteTakedowns, deleteDeadlines, deleteClosures, deleteSources, deleteAccess: Statement

        init(_ source: some RowSource) throws {
            let database = source.connection
            upsertCase = try database.cached(Projection.insert("INSERT OR REPLACE", "cases", Projection.caseColumns))
            insertTakedown = try database.cached(Projection.insert("INSERT", "takedowns", Projection.takedownColumns))
            insertDeadline = try database.cached(Projection.insert("INSERT", "deadlines", Projection.deadlineColumns))
            insertClosure = try database.cached(Projection.insert("INSERT", "closures", Projection.closureColumns))
            insertSource = try database.cached(Projection.insert("INSERT", "sources", Projection.sourceColumns))
            insertAccess = try database.cached(Projection.insert("INSERT", "case_access", Projection.accessColumns))
            deleteTakedowns = try database.cached("DELETE FROM takedowns WHERE case_ref = ?")
            deleteDeadlines = try database.cached("DELETE FROM deadlines WHERE case_ref = ?")
            deleteClosures = try database.cached("DELETE FROM closures WHERE case_ref = ?")
            deleteSources = try database.cached("DELETE FROM sources WHERE case_ref = ?")
            deleteAccess = try database.cached("DELETE FROM case_access WHERE case_ref = ?")
        }
    }
}
