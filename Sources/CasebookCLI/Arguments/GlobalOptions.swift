/// The options every command accepts, given before the command words
/// (`casebook --db x.sqlite --as head --json show CB-2026-0001`) or anywhere after them
/// before `--` (`casebook show CB-2026-0001 --json`).
public struct GlobalOptions: Sendable, Equatable {
    /// The database file (`--db PATH`), if given.
    public var db: String?
    /// The acting member of staff (`--as STAFF-ID`), if given.
    public var actor: String?
    /// Whether output is one JSON value on stdout (`--json`).
    public var json: Bool
    /// The Casebook server's socket (`--server SOCKET`), if given: the command is run there
    /// (SPEC §8).
    public var server: String?

    /// Creates global options; by default none is given.
    public init(db: String? = nil, actor: String? = nil, json: Bool = false) {
        self.db = db
        self.actor = actor
        self.json = json
    }

    /// The usage line for errors found before a command is known.
    public static let usage = "casebook [--db <path> | --server <socket>] [--as <staff-id>] [--json] <command> ..."

    /// The global options as option specs, for help screens.
    public static var specs: [OptionSpec] { GlobalOption.allCases.map(\.spec) }
}

/// One of the global options.
enum GlobalOption: String, CaseIterable {
    /// `--db <path>`.
    case database = "db"
    /// `--as <staff-id>`.
    case actor = "as"
    /// `--json`.
    case json
    /// `--server <socket>`.
    case server

    /// The option's description.
    var spec: OptionSpec {
        switch self {
        case .database:
            OptionSpec(name: rawValue, valueName: "path", help: "The database file.")
        case .actor:
            OptionSpec(
                name: rawValue, valueName: "staff-id",
                help: "Who is acting (default: $CASEBOOK_USER); must be the member your login maps to."
            )
        case .json:
            OptionSpec(name: rawValue, help: "Print one JSON value on stdout instead of text.")
        case .server:
            OptionSpec(
                name: rawValue, valueName: "socket",
                help: "Run the command through the Casebook server at this socket (default: $CASEBOOK_SERVER).")
        }
    }
}

/// Takes the global options out of a command line.
///
/// They are recognised before the command words and anywhere after them up to `--`; what
/// follows `--` (and the `--` itself) is left for the command. Values are given as
/// `--db PATH` or `--db=PATH`. A separate value may begin with one dash but not two, since
/// the command's own options are not known yet: `--as --json` is a missing value, while
/// `--db=--odd-name` is taken as written.
///
/// - Returns: the global options, and the remaining arguments in their original order.
/// - Throws: `UsageError` for a missing value, a value given to `--json`, an option given
///   twice, or a value that is not valid text.
public func splitGlobalOptions(
    _ arguments: [String]
) throws(UsageError) -> (globals: GlobalOptions, rest: [String]) {
    var globals = GlobalOptions()
    var rest: [String] = []
    var given: Set<GlobalOption> = []
    var index = arguments.startIndex
    while index < arguments.endIndex {
        let argument = arguments[index]
        if argument == "--" {
            rest += arguments[index...]
            break
        }
        index += 1
        guard let token = LongOptionToken(argument), let option = GlobalOption(rawValue: String(token.name)) else {
            rest.append(argument)
            continue
        }
        let spec = option.spec
        guard given.insert(option).inserted else {
            throw UsageError(message: "Option '\(spec.longForm)' given more than once", usage: GlobalOptions.usage)
        }
        let value: String?
        if spec.isFlag {
            guard token.value == nil else {
                throw UsageError(message: "Option '\(spec.longForm)' takes no value", usage: GlobalOptions.usage)
            }
            value = nil
        } else if let attached = token.value {
            value = String(attached)
        } else if index < arguments.endIndex, isGlobalValue(arguments[index]) {
            value = arguments[index]
            index += 1
        } else {
            throw UsageError(message: "Missing value for '\(spec.synopsis)'", usage: GlobalOptions.usage)
        }
        if let value {
            try ArgumentText.validate(value, for: spec.longForm, usage: GlobalOptions.usage)
        }
        switch option {
        case .database: globals.db = value
        case .actor: globals.actor = value
        case .json: globals.json = true
        case .server: globals.server = value
        }
    }
    return (globals, rest)
}

/// Whether `argument` can be the separate value of a global option: anything but `--`,
/// a help request, or something that looks like a long option.
private func isGlobalValue(_ argument: String) -> Bool {
    !argument.hasPrefix("--") && argument != "-h"
}
