import Testing

@testable import CasebookCLI

/// The command-line parser: specs, usage and help, parsing rules, errors, suggestions and
/// the global options pre-pass.
@Suite struct ArgumentParserTests {
    // MARK: Fixtures

    /// A command with a required positional, a required option with a short name, plain,
    /// repeatable and numeric options, and a flag.
    static let evidenceAdd = CommandSpec(
        name: "evidence add",
        summary: "Capture a piece of evidence for a case.",
        positionals: [PositionalSpec(name: "case", help: "The case reference, e.g. CB-2026-0001.")],
        options: [
            OptionSpec(name: "kind", short: "k", valueName: "kind", isRequired: true, help: "screenshot, url, message or document."),
            OptionSpec(name: "url", valueName: "url", help: "Where the material was seen."),
            OptionSpec(name: "file", valueName: "path", isRepeatable: true, help: "A file to store with the evidence."),
            OptionSpec(name: "summary", short: "s", valueName: "text", help: "What the evidence shows."),
            OptionSpec(name: "version", valueName: "n", help: "A number."),
            OptionSpec(name: "force", short: "f", help: "Do it anyway."),
        ],
        examples: ["casebook evidence add CB-2026-0001 --kind screenshot --file shot.png"]
    )

    /// A command whose last positional takes every remaining argument.
    static let investigateNote = CommandSpec(
        name: "investigate note",
        summary: "Add a note to the investigation.",
        positionals: [
            PositionalSpec(name: "case", help: "The case reference."),
            PositionalSpec(name: "text", help: "The note.", isVariadic: true),
        ]
    )

    /// A command with an optional positional and a repeatable flag.
    static let timeline = CommandSpec(
        name: "timeline",
        summary: "Print a case's chronology.",
        positionals: [
            PositionalSpec(name: "case", help: "The case reference."),
            PositionalSpec(name: "recipient", help: "Who it is for.", isOptional: true),
        ],
        options: [OptionSpec(name: "verbose", short: "v", isRepeatable: true, help: "Say more.")]
    )

    /// The arguments of `evidence add` that satisfy every requirement.
    static let complete = ["CB-2026-0001", "--kind", "url"]

    /// Asserts that parsing `arguments` fails with exactly `message` and `suggestion`.
    private func expectUsageError(
        _ arguments: [String],
        as spec: CommandSpec = evidenceAdd,
        message: String,
        suggestion: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            throws: UsageError(message: message, suggestion: suggestion, usage: spec.usage),
            sourceLocation: sourceLocation
        ) {
            try parse(arguments, as: spec)
        }
    }

    // MARK: Values

    @Test func optionValueCanBeSeparateAttachedOrShort() throws {
        let separate = try parse(["CB-1", "--kind", "url", "--url", "https://a.example"], as: Self.evidenceAdd)
        let attached = try parse(["CB-1", "--kind=url", "--url=https://a.example/?q=1"], as: Self.evidenceAdd)
        let short = try parse(["CB-1", "-k", "url"], as: Self.evidenceAdd)
        #expect(separate.value("kind") == "url")
        #expect(separate.value("url") == "https://a.example")
        #expect(attached.value("kind") == "url")
        #expect(attached.value("url") == "https://a.example/?q=1")
        #expect(short.value("kind") == "url")
        #expect(short.value("url") == nil)
        #expect(separate.positionals == ["CB-1"])
        #expect(separate.positional("case") == "CB-1")
    }

    @Test func optionsAndPositionalsMayComeInAnyOrder() throws {
        let parsed = try parse(["--kind", "url", "-f", "CB-1", "--url", "u"], as: Self.evidenceAdd)
        #expect(parsed.positionals == ["CB-1"])
        #expect(parsed.value("kind") == "url")
        #expect(parsed.flag("force"))
        #expect(!parsed.isHelpRequested)
    }

    @Test func attachedValueMayBeEmptyOrContainEquals() throws {
        let parsed = try parse(Self.complete + ["--url=", "--summary=a=b"], as: Self.evidenceAdd)
        #expect(parsed.value("url") == "")
        #expect(parsed.value("summary") == "a=b")
    }

    @Test func flagsAreFalseUnlessGiven() throws {
        #expect(try !parse(Self.complete, as: Self.evidenceAdd).flag("force"))
        #expect(try parse(Self.complete + ["--force"], as: Self.evidenceAdd).flag("force"))
        #expect(try parse(Self.complete + ["-f"], as: Self.evidenceAdd).flag("force"))
    }

    @Test func repeatableOptionKeepsEveryValueInOrderUnsplit() throws {
        let parsed = try parse(
            Self.complete + ["--file", "a.png", "--file=b,c.png", "--file", "a.png"], as: Self.evidenceAdd)
        #expect(parsed.values("file") == ["a.png", "b,c.png", "a.png"])
        #expect(parsed.value("file") == "a.png")
        #expect(parsed.values("url") == [])
        #expect(parsed.value("url") == nil)
    }

    @Test func repeatableFlagMayBeGivenTwice() throws {
        #expect(try parse(["CB-1", "-v", "--verbose"], as: Self.timeline).flag("verbose"))
    }

    @Test(arguments: [
        (["--summary", "-x"], "summary", "-x"),
        (["--version", "-1"], "version", "-1"),
        (["--version", "-0.5"], "version", "-0.5"),
        (["-s", "-"], "summary", "-"),
        (["--summary", "--unknown-thing"], "summary", "--unknown-thing"),
        (["--summary=--force"], "summary", "--force"),
        (["--summary=-h"], "summary", "-h") as ([String], String, String),
    ])
    func valueMayStartWithDash(extra: [String], option: String, value: String) throws {
        let parsed = try parse(["CB-1", "--kind", "url"] + extra, as: Self.evidenceAdd)
        #expect(parsed.value(option) == value)
    }

    @Test func negativeNumberAndLoneDashArePositionals() throws {
        #expect(try parse(["-5", "--kind", "url"], as: Self.evidenceAdd).positionals == ["-5"])
        #expect(try parse(["-", "--kind", "url"], as: Self.evidenceAdd).positionals == ["-"])
        #expect(try parse(["CB-1", "-2.5"], as: Self.timeline).positional("recipient") == "-2.5")
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try parse(["--kind", "url", "--", "--force"], as: Self.evidenceAdd)
        #expect(parsed.positionals == ["--force"])
        #expect(!parsed.flag("force"))
        let note = try parse(["CB-1", "--", "-h", "--", "--help", "-x"], as: Self.investigateNote)
        #expect(note.positionals == ["CB-1", "-h", "--", "--help", "-x"])
        #expect(note.positionalValues("text") == ["-h", "--", "--help", "-x"])
        #expect(!note.isHelpRequested)
    }

    @Test func variadicPositionalTakesTheRest() throws {
        let parsed = try parse(["CB-1", "Spoke", "to", "-3", "pupils"], as: Self.investigateNote)
        #expect(parsed.positional("case") == "CB-1")
        #expect(parsed.positional("text") == "Spoke")
        #expect(parsed.positionalValues("text") == ["Spoke", "to", "-3", "pupils"])
        #expect(parsed.positionalValues("case") == ["CB-1"])
    }

    @Test func optionalPositionalMayBeLeftOut() throws {
        let parsed = try parse(["CB-1"], as: Self.timeline)
        #expect(parsed.positional("recipient") == nil)
        #expect(try parse(["CB-1", "Police"], as: Self.timeline).positional("recipient") == "Police")
    }

    // MARK: Help

    @Test(arguments: [
        ["--help"], ["-h"], ["CB-1", "--help"], ["--kind", "-h"], ["--bogus", "--help"],
        ["CB-1", "x", "y", "-h"], ["--summary", "--help"], ["-h", "--", "x"],
    ])
    func helpWinsOverEveryOtherProblem(arguments: [String]) throws {
        let parsed = try parse(arguments, as: Self.evidenceAdd)
        #expect(parsed.isHelpRequested)
        #expect(parsed == ParsedArguments(isHelpRequested: true))
    }

    @Test func helpAfterDoubleDashIsAnArgument() throws {
        let parsed = try parse(["CB-1", "--", "--help"], as: Self.timeline)
        #expect(!parsed.isHelpRequested)
        #expect(parsed.positional("recipient") == "--help")
    }

    // MARK: Errors

    /// One command line for `evidence add` that must be refused, and how.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var message: String
        var suggestion: String?

        init(_ arguments: [String], _ message: String, suggestion: String? = nil) {
            self.arguments = arguments
            self.message = message
            self.suggestion = suggestion
        }

        var testDescription: String {
            let line = arguments.joined(separator: " ")
            return line.count > 50 ? line.prefix(50) + "…" : line
        }
    }

    static let errorCases: [ErrorCase] = [
        // Missing things, in the order they are reported.
        ErrorCase([], "Missing expected argument '<case>'"),
        ErrorCase(["--kind", "url"], "Missing expected argument '<case>'"),
        ErrorCase(["CB-1"], "Missing expected argument '--kind <kind>'"),
        ErrorCase(["CB-1", "--url", "u"], "Missing expected argument '--kind <kind>'"),
        // Missing values.
        ErrorCase(["CB-1", "--kind"], "Missing value for '--kind <kind>'"),
        ErrorCase(["CB-1", "-k"], "Missing value for '--kind <kind>'"),
        ErrorCase(complete + ["--url"], "Missing value for '--url <url>'"),
        ErrorCase(["CB-1", "--url", "--kind", "url"], "Missing value for '--url <url>'"),
        ErrorCase(["CB-1", "--url", "--kind=url"], "Missing value for '--url <url>'"),
        ErrorCase(["CB-1", "--kind", "url", "--url", "-k", "x"], "Missing value for '--url <url>'"),
        ErrorCase(["CB-1", "--kind", "url", "--url", "--force"], "Missing value for '--url <url>'"),
        ErrorCase(["CB-1", "--kind", "url", "--url", "--json"], "Missing value for '--url <url>'"),
        ErrorCase(["CB-1", "--kind", "--", "url"], "Missing value for '--kind <kind>'"),
        // Given twice.
        ErrorCase(complete + ["--url", "a", "--url", "b"], "Option '--url' given more than once"),
        ErrorCase(complete + ["--url=a", "--url=a"], "Option '--url' given more than once"),
        ErrorCase(["CB-1", "-k", "a", "--kind", "b"], "Option '--kind' given more than once"),
        ErrorCase(complete + ["--force", "-f"], "Option '--force' given more than once"),
        // Flags take no value.
        ErrorCase(complete + ["--force=yes"], "Option '--force' takes no value"),
        ErrorCase(complete + ["--force="], "Option '--force' takes no value"),
        ErrorCase(complete + ["--help=me"], "Option '--help' takes no value"),
        // Unknown options, with and without a suggestion.
        ErrorCase(complete + ["--forse"], "Unknown option '--forse'", suggestion: "--force"),
        ErrorCase(complete + ["--frce=1"], "Unknown option '--frce'", suggestion: "--force"),
        ErrorCase(complete + ["--summry", "x"], "Unknown option '--summry'", suggestion: "--summary"),
        ErrorCase(complete + ["--URL", "x"], "Unknown option '--URL'", suggestion: "--url"),
        ErrorCase(complete + ["--fo"], "Unknown option '--fo'", suggestion: "--force"),
        ErrorCase(complete + ["--vers", "2"], "Unknown option '--vers'", suggestion: "--version"),
        ErrorCase(complete + ["--jsn"], "Unknown option '--jsn'", suggestion: "--json"),
        ErrorCase(complete + ["--hlep"], "Unknown option '--hlep'", suggestion: "--help"),
        ErrorCase(complete + ["--f"], "Unknown option '--f'"),
        ErrorCase(complete + ["--foo"], "Unknown option '--foo'"),
        ErrorCase(complete + ["--zzzzzz"], "Unknown option '--zzzzzz'"),
        ErrorCase(complete + ["-x"], "Unknown option '-x'"),
        ErrorCase(complete + ["-K", "url"], "Unknown option '-K'"),
        ErrorCase(complete + ["-fk"], "Unknown option '-fk'"),
        ErrorCase(complete + ["-kurl"], "Unknown option '-kurl'"),
        ErrorCase(complete + ["-force"], "Unknown option '-force'", suggestion: "--force"),
        ErrorCase(complete + ["-url=x"], "Unknown option '-url=x'", suggestion: "--url"),
        ErrorCase(complete + ["--" + String(repeating: "y", count: 200)],
                  "Unknown option '--" + String(repeating: "y", count: 57) + "…'"),
        // Extra positionals.
        ErrorCase(complete + ["extra"], "Unexpected argument 'extra'"),
        ErrorCase(complete + ["--", "extra"], "Unexpected argument 'extra'"),
        ErrorCase(complete + ["-7"], "Unexpected argument '-7'"),
        ErrorCase(complete + ["\u{2014}force"], "Unexpected argument '\u{2014}force'", suggestion: "--force"),
        ErrorCase(complete + ["\u{2013}\u{2013}url=x"], "Unexpected argument '\u{2013}\u{2013}url=x'", suggestion: "--url"),
        ErrorCase(complete + ["\u{2013}f"], "Unexpected argument '\u{2013}f'", suggestion: "-f"),
        ErrorCase(complete + ["\u{2014}nothing"], "Unexpected argument '\u{2014}nothing'"),
        ErrorCase(complete + [String(repeating: "z", count: 100)],
                  "Unexpected argument '" + String(repeating: "z", count: 59) + "…'"),
        // Text that is not valid UTF-8, or too long.
        ErrorCase(complete + ["--summary", "caf\u{FFFD}"], "Argument for '--summary' is not valid UTF-8"),
        ErrorCase(complete + ["--summary=\u{FFFD}"], "Argument for '--summary' is not valid UTF-8"),
        ErrorCase(complete + ["-s", "\u{FFFD}"], "Argument for '--summary' is not valid UTF-8"),
        ErrorCase(["CB\u{FFFD}", "--kind", "url"], "Argument for '<case>' is not valid UTF-8"),
        ErrorCase(complete + ["--summary", String(repeating: "a", count: 100_001)],
                  "Argument for '--summary' is too long (100001 characters; at most 100000)"),
        ErrorCase(complete + ["--file=" + String(repeating: "\u{E9}", count: 250_000)],
                  "Argument for '--file' is too long (250000 characters; at most 100000)"),
        ErrorCase([String(repeating: "C", count: 100_001), "--kind", "url"],
                  "Argument for '<case>' is too long (100001 characters; at most 100000)"),
        // The first problem in the line is the one reported.
        ErrorCase(["--bogus", "extra", "extra"], "Unknown option '--bogus'", suggestion: nil),
        ErrorCase(["a", "b", "--bogus"], "Unexpected argument 'b'"),
    ]

    @Test(arguments: errorCases)
    func refusesWithExactMessage(_ errorCase: ErrorCase) {
        expectUsageError(errorCase.arguments, message: errorCase.message, suggestion: errorCase.suggestion)
    }

    @Test func errorsOfOtherShapes() {
        expectUsageError(["CB-1"], as: Self.investigateNote, message: "Missing expected argument '<text>'")
        expectUsageError([], as: Self.timeline, message: "Missing expected argument '<case>'")
        expectUsageError(["a", "b", "c"], as: Self.timeline, message: "Unexpected argument 'c'")
        expectUsageError(["CB-1", "x\u{FFFD}"], as: Self.investigateNote, message: "Argument for '<text>' is not valid UTF-8")
    }

    @Test func acceptsExactlyTheLongestArgument() throws {
        let longest = String(repeating: "\u{E9}", count: 100_000)
        let parsed = try parse(Self.complete + ["--summary", longest], as: Self.evidenceAdd)
        #expect(parsed.value("summary") == longest)
        // Length is counted in Unicode scalars, so combining marks cannot hide inside one character.
        let stacked = "e" + String(repeating: "\u{0301}", count: 100_000)
        #expect(stacked.count == 1)
        expectUsageError(
            Self.complete + ["--summary", stacked],
            message: "Argument for '--summary' is too long (100001 characters; at most 100000)")
    }

    // MARK: Rendering errors

    @Test func rendersLikeSwiftArgumentParser() {
        let error = UsageError(message: "Unknown option '--forse'", suggestion: "--force", usage: "casebook police refer <case> --force <name>")
        #expect(
            error.rendered(commandName: "police refer") == """
                error: Unknown option '--forse'
                hint: Did you mean '--force'?
                Usage: casebook police refer <case> --force <name>
                  See 'casebook police refer --help' for more information.
                """)
        let plain = UsageError(message: "Missing expected argument '<case>'", usage: "casebook show <case>")
        #expect(
            plain.rendered(commandName: "show") == """
                error: Missing expected argument '<case>'
                Usage: casebook show <case>
                  See 'casebook show --help' for more information.
                """)
        let topLevel = UsageError(message: "Unknown command 'evidnce'", suggestion: "evidence", usage: GlobalOptions.usage)
        #expect(
            topLevel.rendered(commandName: "") == """
                error: Unknown command 'evidnce'
                hint: Did you mean 'evidence'?
                Usage: casebook [--db <path> | --server <socket>] [--as <staff-id>] [--json] <command> ...
                  See 'casebook --help' for more information.
                """)
    }

    @Test func thrownErrorCarriesTheCommandsUsage() {
        #expect {
            try parse([], as: Self.evidenceAdd)
        } throws: { error in
            (error as? UsageError)?.usage == Self.evidenceAdd.usage
        }
    }

    // MARK: Suggestions

    @Test(arguments: [
        ("evidnce", "evidence"),
        ("evidance", "evidence"),
        ("EVIDENCE", "evidence"),
        ("takedwn", "takedown"),
        ("polise", "police"),
        ("ls", "list"),
        ("tim", "timeline"),
        ("outc", "outcomes"),
        ("re", nil),
        ("xyzzy", nil),
        ("", nil),
        ("ab", nil),
        ("verify-all-the-things", nil),
    ] as [(String, String?)])
    func suggestsCommandWords(typed: String, expected: String?) {
        let commands = [
            "init", "staff", "open", "evidence", "investigate", "refer", "takedown", "isp", "police",
            "support", "close", "reopen", "show", "list", "overdue", "timeline", "outcomes", "verify",
            "rebuild", "backup", "redact", "demo", "help",
        ]
        #expect(suggestion(for: typed, among: commands) == expected)
    }

    @Test func closestCandidateWinsThenSameInitialThenTheFirst() {
        #expect(suggestion(for: "cat", among: ["cart", "cat"]) == "cat")
        #expect(suggestion(for: "cat", among: ["cut", "cot"]) == "cut")
        #expect(suggestion(for: "hat", among: ["hate", "heat"]) == "hate")
        #expect(suggestion(for: "ls", among: ["isp", "list"]) == "list")
        #expect(suggestion(for: "ab", among: ["cd"]) == nil)
        #expect(suggestion(for: "a", among: ["b"]) == nil)
        #expect(suggestion(for: "x", among: []) == nil)
    }

    @Test func editDistanceMatchesLevenshtein() {
        #expect(editDistance(Array("kitten"), Array("sitting"), limit: 3) == 3)
        #expect(editDistance(Array("kitten"), Array("sitting"), limit: 2) == nil)
        #expect(editDistance(Array(""), Array("ab"), limit: 2) == 2)
        #expect(editDistance(Array("abc"), Array(""), limit: 2) == nil)
        #expect(editDistance(Array("flaw"), Array("lawn"), limit: 2) == 2)
        #expect(editDistance(Array(String(repeating: "a", count: 100_000)), Array("abc"), limit: 2) == nil)
    }

    // MARK: Usage and help

    @Test func usageListsPositionalsThenOptions() {
        #expect(
            Self.evidenceAdd.usage
                == "casebook evidence add <case> --kind <kind> [--url <url>] [--file <path>]... [--summary <text>] [--version <n>] [--force]"
        )
        #expect(Self.investigateNote.usage == "casebook investigate note <case> <text>...")
        #expect(Self.timeline.usage == "casebook timeline <case> [<recipient>] [--verbose]...")
        let required = CommandSpec(
            name: "support offer", summary: "",
            positionals: [PositionalSpec(name: "words", help: "", isOptional: true, isVariadic: true)],
            options: [OptionSpec(name: "service", valueName: "name", isRepeatable: true, isRequired: true, help: "")]
        )
        #expect(required.usage == "casebook support offer [<words>...] --service <name>...")
        #expect(CommandSpec(name: "", summary: "").usage == "casebook")
    }

    @Test func helpTextAlignsTwoColumns() {
        #expect(
            Self.evidenceAdd.helpText == """
                Usage: casebook evidence add <case> --kind <kind> [--url <url>] [--file <path>]... [--summary <text>] [--version <n>] [--force]

                Capture a piece of evidence for a case.

                Arguments:
                  <case>                 The case reference, e.g. CB-2026-0001.

                Options:
                  -k, --kind <kind>      screenshot, url, message or document.
                      --url <url>        Where the material was seen.
                      --file <path>      A file to store with the evidence.
                  -s, --summary <text>   What the evidence shows.
                      --version <n>      A number.
                  -f, --force            Do it anyway.
                  -h, --help             Show help for this command.

                Global options:
                      --db <path>        The database file.
                      --as <staff-id>    Who is acting (default: $CASEBOOK_USER); must be the
                                         member your login maps to.
                      --json             Print one JSON value on stdout instead of text.
                      --server <socket>  Run the command through the Casebook server at this
                                         socket (default: $CASEBOOK_SERVER).

                Examples:
                  casebook evidence add CB-2026-0001 --kind screenshot --file shot.png
                """)
    }

    @Test func helpTextWrapsLongDescriptionsAndLabels() {
        let spec = CommandSpec(
            name: "police refer",
            summary: "Refer the case to the police.",
            options: [
                OptionSpec(
                    name: "override-reason", valueName: "explanation-for-the-record",
                    help: "Why the referral goes ahead without the consent of the affected member of staff (child protection)."
                )
            ],
            discussion: "Consent comes first."
        )
        #expect(
            spec.helpText == """
                Usage: casebook police refer [--override-reason <explanation-for-the-record>]

                Refer the case to the police.

                Consent comes first.

                Options:
                      --override-reason <explanation-for-the-record>
                                                Why the referral goes ahead without the consent
                                                of the affected member of staff (child
                                                protection).
                  -h, --help                    Show help for this command.

                Global options:
                      --db <path>               The database file.
                      --as <staff-id>           Who is acting (default: $CASEBOOK_USER); must be
                                                the member your login maps to.
                      --json                    Print one JSON value on stdout instead of text.
                      --server <socket>         Run the command through the Casebook server at
                                                this socket (default: $CASEBOOK_SERVER).
                """)
        #expect(spec.helpText.split(separator: "\n").allSatisfy { $0.count <= 80 || $0.hasPrefix("Usage:") || $0.contains("--override-reason <") })
    }

    // MARK: Spec problems

    @Test func wellFormedSpecsHaveNoProblems() {
        #expect(Self.evidenceAdd.problems == [])
        #expect(Self.investigateNote.problems == [])
        #expect(Self.timeline.problems == [])
    }

    @Test func malformedSpecsAreReported() {
        let spec = CommandSpec(
            name: "bad",
            summary: "",
            positionals: [
                PositionalSpec(name: "rest", help: "", isOptional: true, isVariadic: true),
                PositionalSpec(name: "case", help: ""),
                PositionalSpec(name: "case", help: ""),
            ],
            options: [
                OptionSpec(name: "json", help: ""),
                OptionSpec(name: "help", help: ""),
                OptionSpec(name: "Url", valueName: "url", help: ""),
                OptionSpec(name: "host", short: "h", valueName: "", help: ""),
                OptionSpec(name: "host", short: "1", isRequired: true, help: ""),
            ]
        )
        #expect(
            spec.problems == [
                "Option '--json' is reserved",
                "Option '--help' is reserved",
                "Option name 'Url' must be lowercase letters, digits and inner dashes",
                "Short name '-h' is reserved for help",
                "Option '--host' has an empty value name",
                "Option '--host' is declared twice",
                "Short name '-1' must be an ASCII letter",
                "Flag '--host' cannot be required",
                "Variadic positional '<rest>' is not the last",
                "Required positional '<case>' follows an optional one",
                "Positional '<case>' is declared twice",
                "Required positional '<case>' follows an optional one",
            ])
    }

    // MARK: Global options

    @Test func globalOptionsBeforeTheCommand() throws {
        let (globals, rest) = try splitGlobalOptions(
            ["--db", "x.sqlite", "--as", "head", "--json", "show", "CB-2026-0001"])
        #expect(globals == GlobalOptions(db: "x.sqlite", actor: "head", json: true))
        #expect(rest == ["show", "CB-2026-0001"])
    }

    @Test func globalOptionsAfterTheCommandWithEquals() throws {
        let (globals, rest) = try splitGlobalOptions(
            ["show", "CB-2026-0001", "--json", "--as=dsl.1", "--db=/tmp/a b.sqlite"])
        #expect(globals == GlobalOptions(db: "/tmp/a b.sqlite", actor: "dsl.1", json: true))
        #expect(rest == ["show", "CB-2026-0001"])
    }

    @Test func globalOptionsAreNotTakenAfterDoubleDash() throws {
        let (globals, rest) = try splitGlobalOptions(
            ["investigate", "note", "CB-1", "--json", "--", "--as", "x", "--json", "--"])
        #expect(globals == GlobalOptions(json: true))
        #expect(rest == ["investigate", "note", "CB-1", "--", "--as", "x", "--json", "--"])
    }

    @Test func otherArgumentsAreLeftInOrder() throws {
        let arguments = ["overdue", "--as-of", "2026-03-01", "--json-ish", "-h", "--db-path", "--help", "--asx"]
        let (globals, rest) = try splitGlobalOptions(arguments)
        #expect(globals == GlobalOptions())
        #expect(rest == arguments)
        let (none, empty) = try splitGlobalOptions([])
        #expect(none == GlobalOptions())
        #expect(empty == [])
    }

    @Test func globalValueMayStartWithOneDash() throws {
        #expect(try splitGlobalOptions(["--as", "-odd", "show"]).globals.actor == "-odd")
        #expect(try splitGlobalOptions(["--db=--odd", "show"]).globals.db == "--odd")
        #expect(try splitGlobalOptions(["--db=", "show"]).globals.db == "")
    }

    @Test(arguments: [
        ErrorCase(["--db"], "Missing value for '--db <path>'"),
        ErrorCase(["show", "--as"], "Missing value for '--as <staff-id>'"),
        ErrorCase(["--as", "--json", "show"], "Missing value for '--as <staff-id>'"),
        ErrorCase(["--db", "--", "show"], "Missing value for '--db <path>'"),
        ErrorCase(["--db", "-h"], "Missing value for '--db <path>'"),
        ErrorCase(["--db", "--summary", "x"], "Missing value for '--db <path>'"),
        ErrorCase(["--json", "show", "--json"], "Option '--json' given more than once"),
        ErrorCase(["--db", "a", "--db=b"], "Option '--db' given more than once"),
        ErrorCase(["--as=a", "show", "--as", "a"], "Option '--as' given more than once"),
        ErrorCase(["--json=yes"], "Option '--json' takes no value"),
        ErrorCase(["--as", "he\u{FFFD}d"], "Argument for '--as' is not valid UTF-8"),
        ErrorCase(["--db=" + String(repeating: "d", count: 100_001)],
                  "Argument for '--db' is too long (100001 characters; at most 100000)"),
    ])
    func globalOptionErrors(_ errorCase: ErrorCase) {
        #expect(throws: UsageError(message: errorCase.message, usage: GlobalOptions.usage)) {
            try splitGlobalOptions(errorCase.arguments)
        }
    }

    @Test func globalPrePassThenCommandParse() throws {
        let (globals, rest) = try splitGlobalOptions(
            ["--as", "head", "evidence", "add", "CB-1", "--json", "-k", "url", "--db", "c.sqlite", "--file", "a", "--file", "b"])
        #expect(globals == GlobalOptions(db: "c.sqlite", actor: "head", json: true))
        #expect(Array(rest.prefix(2)) == ["evidence", "add"])
        let parsed = try parse(Array(rest.dropFirst(2)), as: Self.evidenceAdd)
        #expect(parsed.positionals == ["CB-1"])
        #expect(parsed.value("kind") == "url")
        #expect(parsed.values("file") == ["a", "b"])
    }
}
