/// The description of one `casebook` command: its words, what it does, the arguments and
/// options it takes, and examples.
///
/// A spec drives three things: `parse(_:as:)`, the one-line `usage`, and the `helpText`
/// printed by `casebook COMMAND --help`.
///
/// ```swift
/// let spec = CommandSpec(
///     name: "evidence add",
///     summary: "Capture a piece of evidence for a case.",
///     positionals: [PositionalSpec(name: "case", help: "The case reference.")],
///     options: [
///         OptionSpec(name: "kind", short: "k", valueName: "kind", isRequired: true, help: "…"),
///         OptionSpec(name: "file", valueName: "path", isRepeatable: true, help: "…"),
///     ],
///     examples: ["casebook evidence add CB-2026-0001 --kind screenshot --file shot.png"]
/// )
/// ```
public struct CommandSpec: Sendable {
    /// The command words after `casebook`, separated by one space (e.g. `"takedown request"`).
    public var name: String
    /// One sentence saying what the command does.
    public var summary: String
    /// The positional arguments, in order. Optional ones follow required ones; only the
    /// last may be variadic.
    public var positionals: [PositionalSpec]
    /// The options, in the order usage and help list them.
    public var options: [OptionSpec]
    /// Complete command lines shown under "Examples:" in the help.
    public var examples: [String]
    /// Further paragraphs for the help, after the summary.
    public var discussion: String?

    /// Creates the description of a command.
    public init(
        name: String,
        summary: String,
        positionals: [PositionalSpec] = [],
        options: [OptionSpec] = [],
        examples: [String] = [],
        discussion: String? = nil
    ) {
        self.name = name
        self.summary = summary
        self.positionals = positionals
        self.options = options
        self.examples = examples
        self.discussion = discussion
    }

    /// The option whose long name is `name` (without dashes), if any.
    func option(named name: some StringProtocol) -> OptionSpec? {
        options.first { $0.name == name }
    }

    /// The option whose short name is `short`, if any.
    func option(short: Character) -> OptionSpec? {
        options.first { $0.short == short }
    }
}

/// One option of a command: `--name <value>` (or `-s <value>`), or a flag `--name`.
public struct OptionSpec: Sendable {
    /// The long name without dashes (e.g. `"url"` for `--url`).
    public var name: String
    /// The one-character short name (e.g. `"k"` for `-k`), if the option has one.
    public var short: Character?
    /// The placeholder for the value (e.g. `"url"` gives `--url <url>`); `nil` makes the
    /// option a flag that takes no value.
    public var valueName: String?
    /// Whether the option may be given more than once; its values are then kept in order.
    public var isRepeatable: Bool
    /// Whether the command refuses to run without this option.
    public var isRequired: Bool
    /// One sentence for the help.
    public var help: String
    /// What the value names on the caller's machine: in server mode (SPEC §8) the client
    /// reads an input file itself and sends its bytes, and writes an output file itself.
    public var file: FileUse

    /// Whether an option's value is a path the command reads or writes.
    public enum FileUse: Sendable {
        case none
        /// A file the command reads (`evidence add --file`).
        case input
        /// A new file or folder the command writes (`timeline --out`).
        case output
    }

    /// Creates an option; without a `valueName` it is a flag.
    public init(
        name: String,
        short: Character? = nil,
        valueName: String? = nil,
        isRepeatable: Bool = false,
        isRequired: Bool = false,
        help: String,
        file: FileUse = .none
    ) {
        self.name = name
        self.short = short
        self.valueName = valueName
        self.isRepeatable = isRepeatable
        self.isRequired = isRequired
        self.help = help
        self.file = file
    }

    /// Whether the option is a flag (takes no value).
    public var isFlag: Bool { valueName == nil }

    /// The long form as typed, e.g. `--url`.
    public var longForm: String { "--" + name }

    /// The option with its value placeholder, e.g. `--url <url>` or `--force`.
    public var synopsis: String {
        guard let valueName else { return longForm }
        return "\(longForm) <\(valueName)>"
    }
}

/// One positional argument of a command, e.g. the `<case>` of `casebook show <case>`.
public struct PositionalSpec: Sendable {
    /// The placeholder name without angle brackets (e.g. `"case"`).
    public var name: String
    /// One sentence for the help.
    public var help: String
    /// Whether the argument may be left out. Optional arguments follow required ones.
    public var isOptional: Bool
    /// Whether the argument takes every remaining positional (at least one unless optional).
    /// Only the last positional may be variadic.
    public var isVariadic: Bool

    /// Creates a positional argument, required and single unless told otherwise.
    public init(name: String, help: String, isOptional: Bool = false, isVariadic: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = isOptional
        self.isVariadic = isVariadic
    }

    /// The placeholder as messages show it, e.g. `<case>`.
    public var placeholder: String { "<\(name)>" }

    /// The argument as usage shows it: `<case>`, `[<case>]`, `<text>...` or `[<text>...]`.
    public var synopsis: String {
        let single = isVariadic ? placeholder + "..." : placeholder
        return isOptional ? "[\(single)]" : single
    }
}
