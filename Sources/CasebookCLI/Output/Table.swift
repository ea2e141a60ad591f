/// Aligned plain-text tables for people: a header row, then rows, columns padded to the
/// widest cell (by characters), separated by two spaces.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    var rendered: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
