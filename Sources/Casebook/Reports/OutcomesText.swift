extension Outcomes {
    /// The report as plain text for a terminal: the confidentiality line, the summary, and
    /// an aligned table.
    public func text() -> String {
        var table = TextTable(headers: Self.columns)
        table.rows = rows.map { cells($0).map { Timeline.plain(TextTable.oneLine($0)) } }
        return [Timeline.plain(confidentialityNotice), "", "Outcomes: " + summaryLine, "", table.rendered()]
            .joined(separator: "\n")
    }
}
