/// Plain-text tables with aligned columns, for a terminal.
struct TextTable {
    /// The column titles.
    var headers: [String]
    /// The rows, each with one cell per column.
    var rows: [[String]] = []

    /// The table: a header line, a rule, then one line per row; columns are padded to the
    /// widest cell (counted in characters) and separated by two spaces. Trailing spaces are
    /// trimmed.
    func rendered() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { text += "  " }
                text += cell
                if index < cells.count - 1 { text += String(repeating: " ", count: max(0, widths[index] - cell.count)) }
            }
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        for row in rows { lines.append(line(row)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text on one line: line breaks and other control characters become spaces, so a cell
    /// cannot break the table's alignment.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
