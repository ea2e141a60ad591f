extension Outcomes {
    /// The columns of the CSV export.
    static let csvColumns = [
        "record", "note", "reference", "school", "opened", "closed", "reopened", "categories", "source", "referrals", "threat",
        "police", "finding", "action", "material", "hours_request_to_removal", "hours_visible", "visible_from", "removed_within_24h", "outcome",
    ]

    /// The report as RFC 4180 CSV, every record with the same columns (``csvColumns``).
    /// The first column says what a record is: `notice` (the confidentiality line in
    /// `note`), `summary` (the counts in `note`) or `case` (one per closed case). Cells a
    /// spreadsheet would run as a formula are neutralised with a leading `'`.
    public func csv() -> String {
        let blanks = Array(repeating: "", count: Self.csvColumns.count - 2)
        var records: [[String]] = [Self.csvColumns, ["notice", confidentialityNotice] + blanks, ["summary", summaryLine] + blanks]
        for row in rows { records.append(["case", ""] + cells(row)) }
        return CSVWriter.document(records)
    }
}
