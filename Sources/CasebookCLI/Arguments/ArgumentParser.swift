/// Parses the arguments of one command (the words after the command's name, with the
/// global options already taken out by `splitGlobalOptions(_:)`).
///
/// - `--name value`, `--name=value` and `-n value`; a flag takes no value.
/// - A separate value may begin with a dash (`--summary -x`, `--version -1`) unless it is
///   `--`, a help request, or one of the command's own (or the global) options:
///   `--url --kind k` is a missing value for `--url`; write `--summary=--kind` to mean it.
/// - `--` ends the options: everything after it is positional.
/// - `-` and negative numbers (`-5`) are positionals, not options.
/// - `--help` or `-h` anywhere before `--` requests help, and nothing else is checked.
/// - Every value must be valid UTF-8 and at most 100,000 characters long.
///
/// - Throws: `UsageError` with the swift-argument-parser message for the first problem,
///   and a suggestion when an unknown option is close to a known one.
public func parse(_ arguments: [String], as spec: CommandSpec) throws(UsageError) -> ParsedArguments {
    assert(spec.problems.isEmpty, "Malformed spec for '\(spec.name)': \(spec.problems)")
    let optionsEnd = arguments.firstIndex(of: "--") ?? arguments.endIndex
    if arguments[..<optionsEnd].contains(where: { $0 == "--help" || $0 == "-h" }) {
        return ParsedArguments(isHelpRequested: true)
    }
    var parser = CommandLineParser(spec: spec)
    try parser.consume(arguments)
    try parser.checkCompleteness()
    return parser.result
}

/// The state of parsing one command line against one spec.
private struct CommandLineParser {
    /// The command being parsed.
    let spec: CommandSpec
    /// The command's usage line, carried by every error.
    let usage: String
    /// What has been parsed so far.
    var result = ParsedArguments()

    /// Starts parsing for `spec`.
    init(spec: CommandSpec) {
        self.spec = spec
        self.usage = spec.usage
    }

    /// Reads every argument in turn.
    mutating func consume(_ arguments: [String]) throws(UsageError) {
        var index = arguments.startIndex
        var areOptionsEnded = false
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if areOptionsEnded || !argument.looksLikeOption {
                try appendPositional(argument)
            } else if argument == "--" {
                areOptionsEnded = true
            } else if let token = LongOptionToken(argument) {
                guard let option = spec.option(named: token.name) else {
                    throw unknownOption(token)
                }
                try take(option, attachedValue: token.value, from: arguments, at: &index)
            } else {
                guard argument.count == 2, let short = argument.last, let option = spec.option(short: short) else {
                    throw UsageError(
                        message: "Unknown option '\(ArgumentText.quoted(argument))'",
                        suggestion: longOptionSuggestion(forSingleDash: argument),
                        usage: usage
                    )
                }
                try take(option, attachedValue: nil, from: arguments, at: &index)
            }
        }
    }

    /// Throws if a required positional or option is missing.
    func checkCompleteness() throws(UsageError) {
        for (position, positional) in spec.positionals.enumerated()
        where !positional.isOptional && result.positionals.count <= position {
            throw UsageError(message: "Missing expected argument '\(positional.placeholder)'", usage: usage)
        }
        for option in spec.options where option.isRequired && result.optionValues[option.name] == nil {
            throw UsageError(message: "Missing expected argument '\(option.synopsis)'", usage: usage)
        }
    }

    /// Records `option`, reading its value from `attachedValue` (`--name=value`) or else
    /// from `arguments[index]`, which it then skips.
    private mutating func take(
        _ option: OptionSpec,
        attachedValue: Substring?,
        from arguments: [String],
        at index: inout Int
    ) throws(UsageError) {
        let isGiven = option.isFlag ? result.flags.contains(option.name) : result.optionValues[option.name] != nil
        guard option.isRepeatable || !isGiven else {
            throw UsageError(message: "Option '\(option.longForm)' given more than once", usage: usage)
        }
        guard !option.isFlag else {
            guard attachedValue == nil else {
                throw UsageError(message: "Option '\(option.longForm)' takes no value", usage: usage)
            }
            result.flags.insert(option.name)
            return
        }
        let value: String
        if let attachedValue {
            value = String(attachedValue)
        } else if index < arguments.endIndex, isValue(arguments[index]) {
            value = arguments[index]
            index += 1
        } else {
            throw UsageError(message: "Missing value for '\(option.synopsis)'", usage: usage)
        }
        try ArgumentText.validate(value, for: option.longForm, usage: usage)
        if option.file != .none { try checkPath(value, for: option) }
        result.optionValues[option.name, default: []].append(value)
    }

    /// The longest path a file option takes, in bytes (Linux's `PATH_MAX`, and the server's
    /// limit for a path it carries).
    static let maximumPathBytes = 4096

    /// A file option's value must be a path a file can have: not empty, not longer than
    /// `PATH_MAX`, each name in it at most 255 bytes. Said before the command does
    /// anything, so nothing is recorded for a file that could never be written.
    private func checkPath(_ value: String, for option: OptionSpec) throws(UsageError) {
        let problem: String?
        if value.isEmpty {
            problem = "an empty path names no file"
        } else if value.utf8.count > Self.maximumPathBytes {
            problem = "the path is \(value.utf8.count) bytes long; at most \(Self.maximumPathBytes)"
        } else if value.split(separator: "/").contains(where: { $0.utf8.count > 255 }) {
            problem = "a name in the path is longer than 255 bytes"
        } else {
            problem = nil
        }
        if let problem {
            throw UsageError(
                message: "Invalid value '\(ArgumentText.quoted(String(value.prefix(60))))' for '\(option.synopsis)': \(problem)",
                usage: usage)
        }
    }

    /// Gives `argument` to the next positional, or to the variadic last one.
    private mutating func appendPositional(_ argument: String) throws(UsageError) {
        let position = result.positionals.count
        let positional: PositionalSpec
        if position < spec.positionals.count {
            positional = spec.positionals[position]
        } else if let last = spec.positionals.last, last.isVariadic {
            positional = last
        } else {
            throw UsageError(
                message: "Unexpected argument '\(ArgumentText.quoted(argument))'",
                suggestion: optionSuggestion(forTypographicDash: argument),
                usage: usage
            )
        }
        try ArgumentText.validate(argument, for: positional.placeholder, usage: usage)
        result.positionals.append(argument)
        result.positionalsByName[positional.name, default: []].append(argument)
    }

    /// Whether `argument` can be the separate value of an option: anything but `--`, a
    /// help request, or an option this command (or the global pre-pass) knows.
    private func isValue(_ argument: String) -> Bool {
        if argument == "--" || argument == "-h" { return false }
        if let token = LongOptionToken(argument) {
            return spec.option(named: token.name) == nil
                && !CommandSpec.reservedOptionNames.contains(String(token.name))
        }
        if argument.count == 2, argument.first == "-", let short = argument.last {
            return spec.option(short: short) == nil
        }
        return true
    }

    /// The error for `--name` that the command does not have, with the closest known name.
    private func unknownOption(_ token: LongOptionToken) -> UsageError {
        let spelled = "--" + token.name
        if token.name == OptionSpec.help.name {
            return UsageError(message: "Option '\(spelled)' takes no value", usage: usage)
        }
        let known = spec.options.map(\.name) + [OptionSpec.help.name] + GlobalOption.allCases.map(\.rawValue)
        return UsageError(
            message: "Unknown option '\(ArgumentText.quoted(spelled))'",
            suggestion: suggestion(for: String(token.name), among: known).map { "--" + $0 },
            usage: usage
        )
    }

    /// `--kind` for `-kind`: a long name typed with one dash.
    private func longOptionSuggestion(forSingleDash argument: String) -> String? {
        let name = argument.dropFirst().prefix { $0 != "=" }
        guard name.count > 1, spec.option(named: name) != nil else { return nil }
        return "--" + name
    }

    /// `--force` for `—force`: an option whose dashes a word processor turned into an en or
    /// em dash (or a minus sign) on its way from a document to the terminal.
    private func optionSuggestion(forTypographicDash argument: String) -> String? {
        let dashes: Set<Character> = ["\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}"]
        guard let first = argument.first, dashes.contains(first) else { return nil }
        let name = argument.drop { dashes.contains($0) || $0 == "-" }.prefix { $0 != "=" }
        if spec.option(named: name) != nil || GlobalOption(rawValue: String(name)) != nil {
            return "--" + name
        }
        if name.count == 1, let short = name.first, spec.option(short: short) != nil {
            return "-" + name
        }
        return nil
    }
}

extension String {
    /// Whether the parser reads this argument as an option (or as `--`): it starts with a
    /// dash and is neither `-` alone nor a negative number such as `-5` or `-0.5`.
    fileprivate var looksLikeOption: Bool {
        guard hasPrefix("-"), count > 1 else { return false }
        let second = self[index(after: startIndex)]
        return !(second.isASCII && (second.isNumber || second == "."))
    }
}
