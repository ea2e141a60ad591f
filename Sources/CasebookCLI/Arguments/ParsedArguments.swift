/// The arguments of one command after parsing: its positionals, the values of its options
/// by long name, and its flags.
public struct ParsedArguments: Sendable, Equatable {
    /// The positional arguments in the order given (including those after `--`).
    public var positionals: [String]
    /// Whether `--help` or `-h` was given; if so nothing else was parsed or checked.
    public var isHelpRequested: Bool
    /// The values of each option, by long name, in the order given.
    var optionValues: [String: [String]]
    /// The long names of the flags given.
    var flags: Set<String>
    /// The positionals by the name of the `PositionalSpec` they were matched to.
    var positionalsByName: [String: [String]]

    /// Creates parsed arguments; commands' tests may build them directly.
    public init(
        positionals: [String] = [],
        optionValues: [String: [String]] = [:],
        flags: Set<String> = [],
        positionalsByName: [String: [String]] = [:],
        isHelpRequested: Bool = false
    ) {
        self.positionals = positionals
        self.optionValues = optionValues
        self.flags = flags
        self.positionalsByName = positionalsByName
        self.isHelpRequested = isHelpRequested
    }

    /// The value of the option with this long name (the last one, for a repeatable
    /// option), or `nil` if it was not given.
    public func value(_ name: String) -> String? {
        optionValues[name]?.last
    }

    /// Every value of the option with this long name, in the order given; empty if it was
    /// not given. Values are not split (on commas or otherwise).
    public func values(_ name: String) -> [String] {
        optionValues[name] ?? []
    }

    /// Whether the flag with this long name was given.
    public func flag(_ name: String) -> Bool {
        flags.contains(name)
    }

    /// The positional matched to the `PositionalSpec` with this name (the first, for a
    /// variadic one), or `nil` if it was not given.
    public func positional(_ name: String) -> String? {
        positionalsByName[name]?.first
    }

    /// Every positional matched to the variadic `PositionalSpec` with this name.
    public func positionalValues(_ name: String) -> [String] {
        positionalsByName[name] ?? []
    }
}
