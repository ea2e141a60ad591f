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
        // The school by its name now (a renamed school keeps its cases, SchoolNames).
        var state = state
        state.opened.school = try SchoolRows.names(in: database).current(state.opened.school)
        try ProjectedRows(state, settings: settings).write(to: database)
    }

    /// A case's deadlines, which read the settings' waiting times (written again when a setting changes).
    static func writeDeadlines(_ state: CaseState, settings: Settings, to source: some RowSource) throws {
        let database = source.connection
        let reference = state.reference.description
        let statements = try Statements(database)
        try statements.deleteDeadlines.execute(binding: [.text(reference)])
        for row in ProjectedRows.deadlines(state, settings: settings) { try statements.insertDeadline.execute(binding: row) }
    }

    /// `not-referred`, `referred`, or `referred-override`.
    static func policeWord(_ referral: CaseState.PoliceReferral?) -> String {
        referral.map {
            $0.overrideReason != nil ? "referred-override" : $0.unlawfulConduct != nil ? "referred-unlawful-conduct" : "referred"
        } ?? "not-referred"
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
