/// The name an evidence file is stored under and written back out as (`evidence get`):
/// one plain file name, so that no stored name can reach outside the folder it is written
/// into, hide as a dot-folder trick, or carry terminal control sequences.
///
/// Checked when a file is stored and again before one is written out, since a database
/// edited by hand can hold any name.
public enum FileName {
    /// The longest name, in bytes of UTF-8 (the common file-system limit).
    public static let maximumBytes = 255

    /// Why `name` is not a plain file name, or nil when it is.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name == "." || name == ".." { return "is '\(name)', which names a folder" }
        if name.utf8.count > maximumBytes { return "is \(name.utf8.count) bytes long; at most \(maximumBytes) bytes of UTF-8" }
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x2F: return "contains '/'"
            case 0x5C: return "contains '\\'"
            case 0x00: return "contains a NUL character"
            case 0x01...0x1F, 0x7F, 0x80...0x9F:
                return "contains the control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))"
            default: continue
            }
        }
        return nil
    }

    /// `name` when it is a plain file name; otherwise ``CasebookError/invalidInput(_:)``.
    @discardableResult
    public static func validate(_ name: String) throws -> String {
        if let problem = problem(name) {
            throw CasebookError.invalidInput(
                "the file name '\(printable(name))' \(problem): rename the file to a plain name without '/', '\\' or control characters")
        }
        return name
    }

    /// A name shown in a message: control characters as `\u{…}`, at most 80 characters.
    public static func printable(_ name: String) -> String {
        var shown = ""
        for scalar in name.unicodeScalars.prefix(80) {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return name.unicodeScalars.count > 80 ? shown + "…" : shown
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
