/// Escaping for user text placed in a Markdown document or a Markdown table cell.
enum MarkdownText {
    /// The ASCII punctuation that Markdown would read as markup (emphasis, code, links,
    /// raw HTML, entities, tables, headings); each is escaped with a backslash, which
    /// CommonMark turns back into the literal character.
    private static let special: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "&", "#", "~", "!"]

    /// Escapes text for a table cell or paragraph: markup characters are backslashed and
    /// line breaks become `<br>` (a table row must stay on one line).
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { output += "<br>" }
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\r" {
                output += "<br>"
            } else if special.contains(scalar) {
                output += "\\"
                output.unicodeScalars.append(scalar)
            } else if scalar.value < 0x20 {
                output += " "
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
