import EventLog
import Foundation

/// The school register's renames, read where the read models are written.
enum SchoolRows {
    /// Every former name of a school mapped to its name now, from the `schools` stream's
    /// renames (none in most databases: one indexed look-up).
    static func names(in source: some RowSource) throws -> SchoolNames {
        let database = source.connection
        var events: [SchoolEvent] = []
        try database.forEachRow(
            "SELECT type, payload, version FROM events WHERE stream = ? AND type = ? ORDER BY version",
            [SchoolEvent.stream, SchoolEvent.renamedType]
        ) { row in
            // An unreadable rename is damage (65, naming where), never a rename skipped.
            do {
                events.append(try SchoolEvent(type: row.text(0), payload: row.optionalText(1).map { Array($0.utf8) }))
            } catch {
                throw CasebookError.damaged("the school register's event \(SchoolEvent.stream) v\(row.int(2)) cannot be read")
            }
        }
        return SchoolNames(events)
    }

    /// Moves the cases and staff of a renamed school to its new name in the read models.
    static func rename(_ old: String, to new: String, in source: some RowSource) throws {
        let database = source.connection
        try database.run("UPDATE cases SET school = ? WHERE school = ? COLLATE NOCASE", [new, old])
        try database.run("UPDATE staff SET school = ? WHERE school = ? COLLATE NOCASE", [new, old])
    }
}
