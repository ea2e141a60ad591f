/// The formats a case's timeline (chronology) can be exported in (SPEC §6).
public enum TimelineFormat: String, Codable, Sendable, CaseIterable {
    /// Plain text with aligned columns, for a terminal.
    case text
    /// A Markdown document with a table.
    case md
    /// One self-contained HTML file that prints on A4, with screenshots embedded.
    case html
    /// One JSON object carrying every field needed to re-verify the hash chain.
    case json
    /// RFC 4180 comma-separated values, safe to open in a spreadsheet.
    case csv
}
