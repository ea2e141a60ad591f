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
        if name.unicodeScalars.contains("/") { return "contains '/'" }
        if name.unicodeScalars.contains("\\") { return "contains '\\'" }
        if let (scalar, _) = TextField.forbiddenCharacter(in: name, allowsNewlines: false) {
            return scalar == "\u{0}" ? "contains a NUL character" : "contains the control character \(TextField.name(of: scalar))"
        }
        if let scalar = name.unicodeScalars.first(where: isBidirectionalControl) {
            return "contains the bidirectional control \(TextField.name(of: scalar)), which makes a name show as another"
        }
        return nil
    }

    /// The invisible characters that reorder the text around them (Unicode's bidirectional
    /// formatting characters): `evil\u{202E}gnp.exe` shows as `evilexe.png`.
    static func isBidirectionalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `name` when it is a plain file name; otherwise ``CasebookError/invalidInput(_:)``.
    @discardableResult
    public static func validate(_ name: String) throws -> String {
        if let problem = problem(name) {
            throw CasebookError.invalidInput(
                "the file name '\(printable(name))' \(problem): rename the file to a plain name without '/', '\\', control or bidirectional characters")
        }
        return name
    }

    /// A name shown in a message: control characters as `\u{…}`, at most 80 characters.
    public static func printable(_ name: String) -> String {
        let shown = TextField.escaped(String(String.UnicodeScalarView(name.unicodeScalars.prefix(80))))
        return name.unicodeScalars.count > 80 ? shown + "…" : shown
    }
}
