/// The formats the HR outcomes report can be exported in (SPEC §6).
public enum OutcomesFormat: String, Codable, Sendable, CaseIterable {
    /// Plain text with aligned columns, for a terminal.
    case text
    /// A Markdown document with a table.
    case md
    /// One JSON object.
    case json
    /// RFC 4180 comma-separated values, safe to open in a spreadsheet.
    case csv
}
