/// The characters a stored text may hold, and how a stored text is shown on a terminal.
///
/// Control characters are refused in every field: C0 (U+0000–U+001F), DEL (U+007F) and C1
/// (U+0080–U+009F). Only the free-text fields that hold paragraphs (``multilineFields``)
/// accept a line feed and a tab; no field accepts a carriage return, which would let a
/// value overwrite a line on a terminal. A value read back from the database may still
/// hold anything (the file can be edited), so ``escaped(_:keepingLines:)`` is applied to
/// every value printed for people.
public enum TextField {
    /// The fields (named as the domain names them, e.g. "the summary") that hold paragraphs of free text
    /// and so accept line feeds and tabs: a note, summaries, rationales, reasons,
    /// descriptions and outcomes.
    public static let multilineFields: Set<String> = [
        "the note", "the summary", "the rationale", "the reason", "the override reason", "the description", "the outcome",
    ]

    /// Whether the field named accepts line feeds and tabs.
    public static func allowsNewlines(_ field: String) -> Bool { multilineFields.contains(field) }

    /// Whether a scalar is a control character: C0, DEL or C1.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The first character of `text` that the field may not hold, with its place (counted
    /// in characters from 1), or nil when every character is allowed.
    public static func forbiddenCharacter(in text: String, allowsNewlines: Bool) -> (scalar: Unicode.Scalar, position: Int)? {
        var position = 0
        for scalar in text.unicodeScalars {
            position += 1
            guard isControl(scalar) else { continue }
            if allowsNewlines && (scalar == "\n" || scalar == "\t") { continue }
            return (scalar, position)
        }
        return nil
    }

    /// Throws ``CasebookError/invalidInput(_:)`` naming the field, the character and its
    /// place when `text` holds a character the field may not hold.
    public static func validate(_ text: String, field: Message, allowsNewlines: Bool) throws {
        guard let (scalar, position) = forbiddenCharacter(in: text, allowsNewlines: allowsNewlines) else { return }
        let allowed = allowsNewlines ? "; only line feeds and tabs are allowed" : "; it must be one line of text"
        throw CasebookError.invalidInput(
            "\(field) contains the control character \(name(of: scalar)) at character \(position)\(allowed)")
    }

    /// `U+001B (ESC)`: a control character as a message names it.
    public static func name(of scalar: Unicode.Scalar) -> String {
        let names: [UInt32: String] = [
            0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0A: "LF", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR",
            0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL", 0x9B: "CSI",
        ]
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return names[scalar.value].map { "\(code) (\($0))" } ?? code
    }

    /// `text` made safe to print on a terminal: every control character (and the
    /// bidirectional overrides U+202A–U+202E and U+2066–U+2069, which reorder what follows
    /// them) is shown as `\u{1B}`, so a stored value can neither move the cursor nor fake a
    /// line. With `keepingLines`, line feeds, tabs and a carriage return directly before a
    /// line feed (CSV's line end) are kept: for whole documents whose lines are their own.
    public static func escaped(_ text: String, keepingLines: Bool = false) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            isControl(scalar) || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if keepingLines {
                if scalar == "\n" || scalar == "\t" || (scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n") {
                    out.append(scalar)
                    continue
                }
            }
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
        }
        return String(out)
    }
}
