/// Lays out help sections: a title, then rows of a label and a description in two aligned
/// columns, descriptions word-wrapped to 80 columns with a hanging indent.
///
/// Used by `CommandSpec.helpText`, and available for the top-level `casebook help` list of
/// commands so that every help screen looks the same.
enum HelpLayout {
    /// One line of a section: a label (`-k, --kind <kind>`, `<case>`, `evidence add`) and
    /// what it means.
    struct Row: Sendable, Equatable {
        /// The left column.
        var label: String
        /// The right column.
        var help: String

        /// A row with the given columns.
        init(label: String, help: String) {
            self.label = label
            self.help = help
        }

        /// The row for an option: `-k, --kind <kind>`, or `    --url <url>` so that long
        /// names line up whether or not there is a short one.
        init(option: OptionSpec) {
            let prefix = option.short.map { "-\($0), " } ?? "    "
            self.init(label: prefix + option.synopsis, help: option.help)
        }
    }

    /// The width of the whole help text.
    static let lineWidth = 80
    /// Labels longer than this put their description on the next line.
    static let maximumLabelWidth = 28
    /// The indent of a row, and the gap between its columns.
    static let indent = "  "

    /// The width of the left column for these rows, so that several sections align.
    static func labelWidth(for rows: [Row]) -> Int {
        min(rows.map(\.label.count).max() ?? 0, maximumLabelWidth)
    }

    /// The title, then one or more lines per row.
    static func section(_ title: String, rows: [Row], labelWidth: Int) -> String {
        var lines = [title]
        let helpColumn = indent.count + labelWidth + indent.count
        let hangingIndent = String(repeating: " ", count: helpColumn)
        for row in rows {
            let wrapped = wrap(row.help, width: max(lineWidth - helpColumn, 20))
            var first = indent + row.label
            if row.label.count > labelWidth {
                lines.append(first)
                first = hangingIndent
            } else {
                first += String(repeating: " ", count: labelWidth - row.label.count) + indent
            }
            guard let head = wrapped.first else {
                lines.append(first.trimmingTrailingSpaces)
                continue
            }
            lines.append(first + head)
            lines += wrapped.dropFirst().map { hangingIndent + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// Splits `text` at spaces into lines of at most `width` characters (a single longer
    /// word gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    /// The string without the spaces at its end.
    fileprivate var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
