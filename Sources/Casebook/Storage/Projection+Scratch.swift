import EventLog

extension Projection {
    /// Empties every read model's table.
    static func clear(_ database: Database) throws {
        for table in tables { try database.execute("DELETE FROM \(table)") }
    }

    /// Opens the savepoint inside which the read models are rebuilt as they stood at an
    /// earlier moment (`--as-of`); ``discardScratch(_:)`` rolls it back.
    static func beginScratch(_ database: Database) throws {
        try database.execute("SAVEPOINT casebook_as_of")
    }

    /// Rolls back and releases the savepoint ``beginScratch(_:)`` opened, changing nothing.
    static func discardScratch(_ database: Database) {
        try? database.execute("ROLLBACK TO casebook_as_of")
        try? database.execute("RELEASE casebook_as_of")
    }
}
