/// Escaping for text placed in HTML (element content and quoted attribute values).
enum HTMLText {
    /// Replaces `&`, `<`, `>`, `"` and `'` with character references, so user text can
    /// never open a tag, close an attribute or start an entity.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default:
                // Control characters other than tab and line feed are not allowed in HTML
                // text (nor XML); show them as U+FFFD rather than drop them silently.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" || scalar.value == 0x7F {
                    output += "\u{FFFD}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}
