/// RFC 4180 comma-separated values that are safe to open in a spreadsheet.
///
/// Lines end with CRLF; a field is quoted when it contains a comma, a quote, CR or LF, with
/// its quotes doubled. A cell that starts with `=`, `+`, `-`, `@`, a tab or CR, which a
/// spreadsheet would run as a formula, is neutralised by a leading single quote `'`.
enum CSVWriter {
    /// The characters that make a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// One field, neutralised and quoted as needed.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, formulaStarts.contains(Character(first)) { text = "'" + text }
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A whole document: one record per row, each ended by CRLF.
    static func document(_ rows: [[String]]) -> String {
        var output = ""
        for row in rows {
            output += row.map(field).joined(separator: ",")
            output += "\r\n"
        }
        return output
    }
}
