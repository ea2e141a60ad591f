/// The checks every argument's text passes before a command sees it, and how an argument
/// is quoted back in an error message.
enum ArgumentText {
    /// The longest argument accepted, in Unicode scalars.
    static let maximumLength = 100_000
    /// The longest argument quoted in full in an error message.
    static let maximumQuotedLength = 60

    /// Throws unless `value` is valid text of at most `maximumLength` characters.
    ///
    /// Arguments reach Swift already decoded; bytes that were not UTF-8 have become
    /// U+FFFD REPLACEMENT CHARACTER, so any U+FFFD is taken as invalid input.
    ///
    /// - Parameters:
    ///   - label: what the value belongs to, as messages show it: `--summary` or `<case>`.
    ///   - usage: the usage line the error carries.
    static func validate(_ value: String, for label: String, usage: String) throws(UsageError) {
        var length = 0
        var isValid = true
        for scalar in value.unicodeScalars {
            length += 1
            if scalar == "\u{FFFD}" { isValid = false }
        }
        guard isValid else {
            throw UsageError(message: "Argument for '\(label)' is not valid UTF-8", usage: usage)
        }
        guard length <= maximumLength else {
            throw UsageError(
                message: "Argument for '\(label)' is too long (\(length) characters; at most \(maximumLength))",
                usage: usage
            )
        }
    }

    /// `argument` as an error message quotes it: cut short with `…` when very long.
    static func quoted(_ argument: String) -> String {
        guard argument.count > maximumQuotedLength else { return argument }
        return argument.prefix(maximumQuotedLength - 1) + "…"
    }
}
