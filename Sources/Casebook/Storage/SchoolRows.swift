import EventLog
import Foundation

/// The school register's renames, read where the read models are written.
enum SchoolRows {
    /// Every former name of a school mapped to its name now, from the `schools` stream's
    /// renames (none in most databases: one indexed look-up).
    static func names(in database: Database) throws -> SchoolNames {
        var events: [SchoolEvent] = []
        try database.forEachRow(
            "SELECT type, payload FROM events WHERE stream = ? AND type = ? ORDER BY version",
            [SchoolEvent.stream, SchoolEvent.renamedType]
        ) { row in
            // An undecodable rename is verify's to report; it renames nothing.
            if let payload = row.optionalText(1), let event = try? SchoolEvent(type: row.text(0), payload: Array(payload.utf8)) {
                events.append(event)
            }
        }
        return SchoolNames(events)
    }

    /// Moves the cases and staff of a renamed school to its new name in the read models.
    static func rename(_ old: String, to new: String, in database: Database) throws {
        try database.run("UPDATE cases SET school = ? WHERE school = ? COLLATE NOCASE", [new, old])
        try database.run("UPDATE staff SET school = ? WHERE school = ? COLLATE NOCASE", [new, old])
    }
}
