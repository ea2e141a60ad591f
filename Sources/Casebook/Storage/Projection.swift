import EventLog
import Foundation

/// The read models of schema.sql, written from a case's state (or a staff event) inside
/// the append transaction. A projection is a function of the state, so a rebuild from the
/// events gives the same rows.
enum Projection {
    /// The read-model tables, emptied and refilled by a rebuild.
    static let tables = ["staff", "cases", "takedowns", "deadlines", "sources", "closures", "case_access"]

    /// Writes every row derived from one case's state, replacing the old ones.
    static func write(_ state: CaseState, settings: Settings, to source: some RowSource) throws {
        let database = source.connection
        let reference = state.reference.description
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
        let police = policeWord(state.policeReferral)
        // The school by its name now (a renamed school keeps its cases, SchoolNames).
        let school = try SchoolRows.names(in: database).current(state.opened.school)
        try database.run(
            """
            INSERT OR REPLACE INTO cases (reference, year, number, school, affected, status, is_urgent, categories,
                summary, opened_at, closed_at, investigation, finding, source_kind, source_ref, threat, referrals,
                police, action, outcome, removed_at, evidence_count, version, updated_at, is_restricted, reported_by, triage, owner)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                reference, state.reference.year, state.reference.number, school, state.opened.affected,
                state.status.rawValue, state.isUrgent, state.opened.categories.map(\.rawValue).joined(separator: ","),
                state.opened.summary, Timestamp.string(from: state.openedAt), state.closure.map { Timestamp.string(from: $0.at) },
                investigation, finding, state.source?.kind.rawValue, state.source?.ref,
                state.isThreatening.map { $0 ? "threatening" : "not-threatening" }, referrals.joined(separator: ","),
                police, state.closure?.action.rawValue, state.closure?.outcome,
                state.firstRemovalAt.map(Timestamp.string(from:)), state.evidence.count, state.version,
                Timestamp.string(from: state.updatedAt), state.involvesChildSexualImagery, state.opened.reportedBy,
                state.triage?.status, state.owner,
            ])
        try database.run("DELETE FROM takedowns WHERE case_ref = ?", [reference])
        for takedown in state.liveTakedowns {
            try database.run(
                """
                INSERT INTO takedowns (case_ref, id, host, evidence, method, sent_by, requested_at, deadline_at, response,
                    check_result, isp, isp_response, is_resolved, removed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    reference, takedown.request.id, takedown.request.host, takedown.request.evidence.joined(separator: ","),
                    takedown.request.method.rawValue, takedown.request.sentBy.rawValue,
                    Timestamp.string(from: takedown.requestedAt), Timestamp.string(from: takedown.deadline),
                    takedown.response?.rawValue, takedown.check?.rawValue, takedown.isp, takedown.ispResponse?.rawValue,
                    takedown.isResolved, takedown.removalConfirmedAt.map(Timestamp.string(from:)),
                ])
        }
        try writeDeadlines(state, settings: settings, to: database)
        try writeClosures(state, to: database)
        try database.run("DELETE FROM sources WHERE case_ref = ?", [reference])
        if let ref = state.source?.ref {
            try database.run("INSERT INTO sources (ref, case_ref) VALUES (?, ?)", [SourceReference.normalized(ref), reference])
        }
        try CaseAccess.project(state, to: database)
    }

    /// A case's deadlines, which read the settings' waiting times (written again when a setting changes).
    static func writeDeadlines(_ state: CaseState, settings: Settings, to source: some RowSource) throws {
        let database = source.connection
        let reference = state.reference.description
        try database.run("DELETE FROM deadlines WHERE case_ref = ?", [reference])
        for deadline in Deadline.of(state, settings: settings) {
            try database.run(
                "INSERT INTO deadlines (case_ref, kind, subject, due_at) VALUES (?, ?, ?, ?)",
                [reference, deadline.kind.rawValue, deadline.subject, Timestamp.string(from: deadline.due)])
        }
    }

    /// `not-referred`, `referred`, or `referred-override`.
    static func policeWord(_ referral: CaseState.PoliceReferral?) -> String {
        referral.map {
            $0.overrideReason != nil ? "referred-override" : $0.unlawfulConduct != nil ? "referred-unlawful-conduct" : "referred"
        } ?? "not-referred"
    }

    /// One row per closure in the case's history (the outcomes report reads these).
    private static func writeClosures(_ state: CaseState, to source: some RowSource) throws {
        let database = source.connection
        let reference = state.reference.description
        try database.run("DELETE FROM closures WHERE case_ref = ?", [reference])
        for (index, record) in state.closures.enumerated() {
            try database.run(
                """
                INSERT INTO closures (case_ref, number, closed_at, reopened_at, finding, source_kind, threat, referrals,
                    police, action, outcome, removed_at, takedowns, staff)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    reference, index + 1, Timestamp.string(from: record.closure.at), record.reopenedAt.map(Timestamp.string(from:)),
                    record.finding?.rawValue, record.sourceKind?.rawValue,
                    record.isThreatening.map { $0 ? "threatening" : "not-threatening" }, record.referrals.joined(separator: ","),
                    policeWord(record.policeReferral), record.closure.action.rawValue, record.closure.outcome,
                    record.removal.allDownAt.map(Timestamp.string(from:)), record.removal.jsonValue.serialized(),
                    record.staffInvolved.joined(separator: ","),
                ])
        }
    }

    /// Reads a closure's `takedowns` column back (``Removal/jsonValue``); nothing to remove
    /// when it is not that form (a read model written before it: `casebook rebuild`). Only
    /// that old form is taken for "nothing to remove"; `verify` compares every read-model
    /// row with one rebuilt from the events, so a damaged column is reported there.
    static func removal(_ text: String) -> Removal {
        (try? JSONValue.parse(text)).flatMap(Removal.init(json:)) ?? Removal(requests: [], status: .nothingToRemove)
    }

    /// Writes a staff directory event.
    static func write(_ event: StaffEvent, at date: String, to source: some RowSource) throws {
        let database = source.connection
        switch event {
        case .added(let member):
            try database.run(
                "INSERT OR REPLACE INTO staff (id, name, role, added_at, login, school, left_at, email) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                [
                    member.id, member.name, member.role.rawValue, date, member.login,
                    try SchoolRows.names(in: database).current(member.scope).school, member.email,
                ])
        case .loginChanged(let id, let login): try database.run("UPDATE staff SET login = ? WHERE id = ?", [login, id])
        case .roleChanged(let id, let role): try database.run("UPDATE staff SET role = ? WHERE id = ?", [role.rawValue, id])
        case .scopeChanged(let id, let scope):
            try database.run("UPDATE staff SET school = ? WHERE id = ?", [try SchoolRows.names(in: database).current(scope).school, id])
        case .left(let id): try database.run("UPDATE staff SET left_at = ? WHERE id = ?", [date, id])
        case .identityModeSet, .aliasAdded: break
        case .emailSet(let id, let email): try database.run("UPDATE staff SET email = ? WHERE id = ?", [email, id])
        case .alertsSet(let id, let on): try database.run("UPDATE staff SET alerts_off = ? WHERE id = ?", [on ? 0 : 1, id])
        }
    }
}

/// Source references (account handles) compared across cases (001 §8.5).
public enum SourceReference {
    /// Lowercased and trimmed, so `@Handle` and `@handle ` are the same source.
    public static func normalized(_ ref: String) -> String {
        ref.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
