import EventLog

extension StaffID {
    /// The stored staff id equal to `id` ignoring ASCII case (ids are ASCII), preferring an
    /// exact match; nil when there is none. Ids are unique whatever their case: `smt` and
    /// `SMT` cannot both be added, and every lookup finds `smt` for `SMT`.
    static func existing(_ id: String, in source: some RowSource) throws -> String? {
        let database = source.connection
        var found: String?
        try database.forEachRow("SELECT id FROM staff WHERE id = ? COLLATE NOCASE", [id]) { row in
            let stored = row.text(0)
            if found == nil || stored == id { found = stored }
        }
        return found
    }
}
