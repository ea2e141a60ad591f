import EventLog

extension Projection {
    /// Empties every read model's table.
    static func clear(_ source: some RowSource) throws {
        let database = source.connection
        for table in tables { try database.execute("DELETE FROM \(table)") }
    }

    /// Makes the private (`temp`) read models, rebuilt as they stood at an earlier moment,
    /// answer who may see each case as the stored (`main`) ones say it is now: each case's
    /// school and child-sexual-imagery marking, and every involvement and exclusion.
    static func applyCurrentAccess(_ source: some RowSource) throws {
        let database = source.connection
        try database.execute(
            """
            UPDATE temp.cases SET
                school = (SELECT m.school FROM main.cases m WHERE m.reference = temp.cases.reference),
                is_restricted = (SELECT m.is_restricted FROM main.cases m WHERE m.reference = temp.cases.reference)
            WHERE reference IN (SELECT reference FROM main.cases);
            DELETE FROM temp.case_access;
            INSERT INTO temp.case_access SELECT * FROM main.case_access;
            """)
    }
}
