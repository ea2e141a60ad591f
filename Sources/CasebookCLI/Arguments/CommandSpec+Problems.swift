/// Checks that a command spec can be parsed unambiguously; a spec is code, so a problem
/// here is a programming error, caught by an assertion in `parse(_:as:)` and by tests.
extension CommandSpec {
    /// Long names no command may use: `--help` belongs to every command and the global
    /// options are taken out before the command's own arguments are parsed.
    static let reservedOptionNames = Set([OptionSpec.help.name] + GlobalOption.allCases.map(\.rawValue))

    /// Everything wrong with this spec, in plain words; empty when it is well formed.
    public var problems: [String] {
        var problems: [String] = []
        var longNames: Set<String> = []
        var shortNames: Set<Character> = []
        for option in options {
            if !option.name.isValidOptionName {
                problems.append("Option name '\(option.name)' must be lowercase letters, digits and inner dashes")
            }
            if Self.reservedOptionNames.contains(option.name) {
                problems.append("Option '--\(option.name)' is reserved")
            }
            if !longNames.insert(option.name).inserted {
                problems.append("Option '--\(option.name)' is declared twice")
            }
            if let short = option.short {
                if !(short.isASCII && short.isLetter) {
                    problems.append("Short name '-\(short)' must be an ASCII letter")
                }
                if short == "h" {
                    problems.append("Short name '-h' is reserved for help")
                }
                if !shortNames.insert(short).inserted {
                    problems.append("Short name '-\(short)' is declared twice")
                }
            }
            if option.valueName?.isEmpty == true {
                problems.append("Option '--\(option.name)' has an empty value name")
            }
            if option.isFlag && option.isRequired {
                problems.append("Flag '--\(option.name)' cannot be required")
            }
        }
        var positionalNames: Set<String> = []
        var sawOptional = false
        for (index, positional) in positionals.enumerated() {
            if positional.name.isEmpty {
                problems.append("Positional \(index + 1) has no name")
            }
            if !positionalNames.insert(positional.name).inserted {
                problems.append("Positional '<\(positional.name)>' is declared twice")
            }
            if positional.isOptional {
                sawOptional = true
            } else if sawOptional {
                problems.append("Required positional '<\(positional.name)>' follows an optional one")
            }
            if positional.isVariadic && index != positionals.count - 1 {
                problems.append("Variadic positional '<\(positional.name)>' is not the last")
            }
        }
        return problems
    }
}

extension String {
    /// Whether this is a usable long option name: `[a-z0-9]` words joined by single dashes.
    fileprivate var isValidOptionName: Bool {
        !isEmpty && !hasPrefix("-") && !hasSuffix("-") && !contains("--")
            && allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
    }
}
