import EventLog
import Foundation

/// The read models' queries behind sources, retention, numbering, outcomes and purges.
extension CaseRows {
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
