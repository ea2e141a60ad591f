import Casebook

/// Aligned plain-text tables for people: a header row, then rows, columns padded to the
/// widest cell (by characters), separated by two spaces.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    var rendered: String {
        // Cells hold values from the database: shown with their control characters escaped,
        // so no value can move the cursor or fake a line.
        let all = ([header] + rows).map { row in row.map { TextField.escaped($0) } }
        // Widths in characters, counted once per cell (tables can have thousands of rows).
        let counts = all.map { row in row.map(\.count) }
        var widths = Array(repeating: 0, count: header.count)
        for row in counts {
            for (column, count) in row.enumerated() where column < widths.count { widths[column] = max(widths[column], count) }
        }
        var out = ""
        out.reserveCapacity(all.count * (widths.reduce(0, +) + 2 * widths.count + 1))
        for (index, row) in all.enumerated() {
            if index > 0 { out += "\n" }
            for (column, cell) in row.enumerated() {
                if column > 0 { out += "  " }
                out += cell
                if column < row.count - 1 {
                    let pad = (column < widths.count ? widths[column] : 0) - counts[index][column]
                    if pad > 0 { out += String(repeating: " ", count: pad) }
                }
            }
        }
        return out
    }
}
