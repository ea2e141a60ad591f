/// A command line that cannot be parsed: an unknown option, a missing argument, a value
/// that is not text. The process prints `rendered(commandName:)` on stderr and exits 64.
public struct UsageError: Error, Equatable {
    /// What is wrong, e.g. `Missing value for '--url <url>'`.
    public var message: String
    /// What the user probably meant (e.g. `--force`, or a command word), if anything close.
    public var suggestion: String?
    /// The usage line of the command that was being parsed.
    public var usage: String

    /// Creates a usage error.
    public init(message: String, suggestion: String? = nil, usage: String) {
        self.message = message
        self.suggestion = suggestion
        self.usage = usage
    }

    /// The error as swift-argument-parser prints it, without a final newline:
    ///
    /// ```
    /// error: Unknown option '--forse'
    /// hint: Did you mean '--force'?
    /// Usage: casebook police refer <case> --force <name> [--reference <crn>]
    ///   See 'casebook police refer --help' for more information.
    /// ```
    ///
    /// - Parameter commandName: the command words (e.g. `"police refer"`); empty for an
    ///   error before any command was recognised, which points at `casebook --help`.
    public func rendered(commandName: String) -> String {
        var lines = ["error: \(message)"]
        if let suggestion {
            lines.append("hint: Did you mean '\(suggestion)'?")
        }
        lines.append("Usage: \(usage)")
        let helpCommand = commandName.isEmpty ? "casebook --help" : "casebook \(commandName) --help"
        lines.append("  See '\(helpCommand)' for more information.")
        return lines.joined(separator: "\n")
    }
}
