/// The usage line and the `--help` text of a command, both derived from its spec.
extension CommandSpec {
    /// The one-line synopsis: the command words, the positionals, then the options in spec
    /// order; optional options in brackets and repeatable ones followed by `...`.
    ///
    /// `casebook evidence add <case> --kind <kind> [--url <url>] [--file <path>]...`
    public var usage: String {
        var parts = ["casebook"]
        if !name.isEmpty { parts.append(name) }
        parts += positionals.map(\.synopsis)
        for option in options {
            var part = option.isRequired ? option.synopsis : "[\(option.synopsis)]"
            if option.isRepeatable { part += "..." }
            parts.append(part)
        }
        return parts.joined(separator: " ")
    }

    /// The text `casebook COMMAND --help` prints on stdout (without a final newline): the
    /// usage, the summary and discussion, the arguments, the command's options, the global
    /// options, and the examples, with names and descriptions aligned in two columns.
    public var helpText: String {
        let argumentRows = positionals.map { HelpLayout.Row(label: $0.placeholder, help: $0.help) }
        let optionRows = (options + [OptionSpec.help]).map(HelpLayout.Row.init(option:))
        let globalRows = GlobalOptions.specs.map(HelpLayout.Row.init(option:))
        let labelWidth = HelpLayout.labelWidth(for: argumentRows + optionRows + globalRows)

        var sections = ["Usage: \(usage)", summary]
        if let discussion, !discussion.isEmpty { sections.append(discussion) }
        if !argumentRows.isEmpty {
            sections.append(HelpLayout.section("Arguments:", rows: argumentRows, labelWidth: labelWidth))
        }
        sections.append(HelpLayout.section("Options:", rows: optionRows, labelWidth: labelWidth))
        sections.append(HelpLayout.section("Global options:", rows: globalRows, labelWidth: labelWidth))
        if !examples.isEmpty {
            sections.append((["Examples:"] + examples.map { "  " + $0 }).joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n")
    }
}

extension OptionSpec {
    /// The `-h, --help` flag every command accepts; listed in help, never in a spec.
    static let help = OptionSpec(name: "help", short: "h", help: "Show help for this command.")
}
