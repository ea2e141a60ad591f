extension Outcomes {
    /// The report as a Markdown document: the confidentiality line, the summary, and a
    /// table whose cells are escaped (`|` included).
    public func markdown() -> String {
        let e = MarkdownText.escape
        var lines = ["> **\(e(confidentialityNotice))**", "", "# Outcomes", "", e(summaryLine), ""]
        lines.append("| " + Self.columns.map(e).joined(separator: " | ") + " |")
        lines.append("|" + String(repeating: "---|", count: Self.columns.count))
        for row in rows { lines.append("| " + cells(row).map(e).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }
}
