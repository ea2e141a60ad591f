import Casebook
import EventLog
import Foundation

/// The `casebook` command line: parses arguments, runs one command over the library,
/// prints its output, and gives the exit code of SPEC §5.
public enum CLI {
    /// The binary's entry point: makes the process safe to write from (see
    /// ``StandardStream/prepare()``), then runs the command line and exits with its code.
    /// With standard output closed nothing is run: no confirmation could be printed.
    public static func main() -> Never {
        if StandardStream.prepare() {
            try? StandardStream.error("error: standard output is closed; nothing was done\nhint: run the command with its output going somewhere\n")
            exit(ExitCode.io.rawValue)
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        // Server mode (SPEC §8): --server SOCKET or CASEBOOK_SERVER sends the command to the server.
        if let socket = RemoteClient.socket(for: arguments, environment: environment) {
            exit(RemoteClient.run(arguments, socket: socket, environment: environment))
        }
        exit(run(arguments, environment: environment))
    }

    /// Runs one command line and returns the process's exit code.
    ///
    /// A stream that cannot be written (closed, full, a broken pipe) gives exit 74; when the
    /// command had already recorded something, standard error says so ("recorded as …; its
    /// confirmation could not be printed"), so a script does not do it twice.
    ///
    /// - Parameters:
    ///   - arguments: the arguments after the program name.
    ///   - environment: `CASEBOOK_DB`, `CASEBOOK_USER`, `TZ`.
    ///   - clock: the clock (the real one in the binary).
    ///   - login: the operating-system login of the caller (SPEC §8): by default the one of
    ///     this process's real user id; a server passes its peer's. nil when it has no name.
    ///   - standardOutput, standardError: where to write; they throw when they cannot.
    ///   - standardErrorIsTerminal: whether standard error is a terminal, where `verify` and
    ///     `rebuild` show their progress (``ProgressReport``).
    public static func run(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: @escaping @Sendable () -> Date = { Date() }, login: String? = loginName(uid: getuid()),
        standardOutput: (String) throws -> Void = StandardStream.output,
        standardError: @escaping (String) throws -> Void = StandardStream.error,
        standardErrorIsTerminal: Bool = isatty(STDERR_FILENO) == 1
    ) -> Int32 {
        run(
            arguments, environment: environment, clock: clock, login: login, files: .local, standardOutput: standardOutput,
            standardError: standardError, standardErrorIsTerminal: standardErrorIsTerminal)
    }

    /// ``run(_:environment:clock:login:standardOutput:standardError:)`` with the files of a
    /// server-mode request (`files`) in place of this machine's.
    static func run(
        _ arguments: [String], environment: [String: String], clock: @escaping @Sendable () -> Date, login: String?,
        files: FileHost, standardOutput: (String) throws -> Void, standardError: @escaping (String) throws -> Void,
        standardErrorIsTerminal: Bool = false
    ) -> Int32 {
        var streamFailure: Error?
        var recorded: String?
        var recordedRead: String?
        let code = execute(
            arguments, environment: environment, clock: clock, login: login, files: files, recorded: &recorded,
            recordedRead: &recordedRead,
            standardErrorIsTerminal: standardErrorIsTerminal,
            standardOutput: { text in
                guard streamFailure == nil else { return }
                do { try standardOutput(text) } catch { streamFailure = error }
            },
            standardError: { text in
                guard streamFailure == nil else { return }
                do { try standardError(text) } catch { streamFailure = error }
            })
        guard let streamFailure else { return code }
        let message: String
        if let recorded {
            message = "error: \(recorded); its confirmation could not be printed (\(streamFailure))\n"
                + "hint: do not run the command again: it was done\n"
        } else if let recordedRead {
            message = "error: nothing could be printed (\(streamFailure)), but \(recordedRead) was recorded in the audit trail\n"
        } else {
            message = "error: \(streamFailure)\n"
        }
        try? standardError(message)
        return ExitCode.io.rawValue
    }

    /// Runs the command and prints its output or error; `recorded` is set once the command
    /// has done something that stays done.
    private static func execute(
        _ arguments: [String], environment: [String: String], clock: @escaping @Sendable () -> Date, login: String?,
        files: FileHost, recorded: inout String?, recordedRead: inout String?, standardErrorIsTerminal: Bool,
        standardOutput: (String) -> Void, standardError: @escaping (String) -> Void
    ) -> Int32 {
        var json = false
        // A read the command recorded in the audit trail before failing: said with the error.
        var started: Invocation?
        defer { recordedRead = started?.recordedRead }
        var commandName = ""
        // For rendering a refusal's unblocking step: the case named, and the local zone.
        var caseReference = "CASE"
        var localTime: LocalTime?
        do {
            let (globals, rest) = try splitGlobalOptions(arguments)
            json = globals.json
            let (command, remaining) = try resolve(rest)
            commandName = command.spec.name
            let parsed = try parse(remaining, as: command.spec)
            if parsed.isHelpRequested {
                // With --json, the same one object as `casebook --json help COMMAND`.
                let help: JSONValue = ["command": .string(command.spec.name), "help": .string(command.spec.helpText)]
                standardOutput((json ? help.prettySerialized() : command.spec.helpText) + "\n")
                return ExitCode.success.rawValue
            }
            // The zone of the TZ given (a server's client's), else of this process.
            let zone = try environment["TZ"].map(LocalTime.fromTZ) ?? LocalTime.fromEnvironment()
            localTime = zone
            if let named = parsed.positionals.first.flatMap(CaseReference.init) { caseReference = named.description }
            let invocation = Invocation(
                arguments: parsed, globals: globals, environment: environment, localTime: zone, clock: clock,
                callerLogin: login, files: files,
                progress: ProgressReport.Sink(write: standardError, isTerminal: standardErrorIsTerminal))
            started = invocation
            // Storage errors that reach here unwrapped (a case replayed from a damaged file, a
            // stored file read back) get the library's exit codes, never "internal error".
            let output = try Casebook.translatingErrors { try command.run(invocation) }
            if let delivery = output.delivery {
                try Casebook.translatingErrors { try invocation.deliver(delivery) }
            }
            recorded = output.recorded
            // Empty text prints nothing at all (`digest` with nothing due: a mailer sends nothing).
            if json || !output.text.isEmpty { standardOutput((json ? output.json.prettySerialized() : output.text) + "\n") }
            return output.exitCode.rawValue
        } catch let error as UsageError {
            report(json: json, code: .usage, message: error.rendered(commandName: commandName), refusals: [],
                   standardOutput, standardError)
            return ExitCode.usage.rawValue
        } catch CommandError.usage(let message) {
            let usage = Commands.byName[commandName]?.spec.usage ?? GlobalOptions.usage
            let rendered = UsageError(message: message, usage: usage).rendered(commandName: commandName)
            report(json: json, code: .usage, message: rendered, refusals: [], standardOutput, standardError)
            return ExitCode.usage.rawValue
        } catch CommandError.unavailable(let message) {
            report(json: json, code: .unavailable, message: "error: \(message)\nhint: nothing was recorded", refusals: [],
                   standardOutput, standardError)
            return ExitCode.unavailable.rawValue
        } catch let error as CasebookError {
            let code = ExitCode(error)
            var refusals: [Refusal] = []  // rendered below with the case named
            var message: String
            // A read recorded before the failure is said in a note instead.
            let nothingWritten = started?.recordedRead == nil ? "nothing was written; " : ""
            switch error {
            case .refused(let found):
                refusals = found
                message = "error: the step is not allowed now (\(found.count == 1 ? "1 rule blocks it" : "\(found.count) rules block it")):\n"
                    + found.map { "  - \(MessageWords.render($0.reason, localTime: localTime)) [\($0.rule), \($0.clause)]" }
                    .joined(separator: "\n")
                    + "\nhint: " + found.map { StepWords.render($0.unblock, case: caseReference, localTime: localTime) }
                    .joined(separator: "\n      ")
            case .notPermitted(let text):
                message = MessageWords.error(text, hint: "ask the headteacher to act, or to change your role", localTime: localTime)
            case .conflict(let text):
                message = MessageWords.error(text, hint: "another process changed the case; nothing was written", localTime: localTime)
            case .damaged(let text):
                message = MessageWords.error(
                    text, hint: nothingWritten + "run 'casebook verify' to see what was altered or damaged", localTime: localTime)
            case .cannotCreate(let text):
                message = MessageWords.error(
                    text, hint: nothingWritten + "choose a new name: Casebook never replaces a file", localTime: localTime)
            case .notFound(let text), .invalidInput(let text), .io(let text):
                message = MessageWords.error(
                    text, hint: nothingWritten + "see 'casebook \(commandName.isEmpty ? "help" : commandName + " --help")'",
                    localTime: localTime)
            }
            if let read = started?.recordedRead {
                message += "\nnote: \(read) was recorded in the audit trail, though nothing could be shown"
            }
            report(
                json: json, code: code, message: message,
                refusals: refusals.map { JSONOutput.refusal($0, case: caseReference, localTime: localTime) },
                parts: error.message.map { JSONOutput.parts($0) }, hintParts: error.message?.hint.map { JSONOutput.parts($0) },
                standardOutput, standardError)
            return code.rawValue
        } catch {
            report(json: json, code: .internalError, message: "error: internal error: \(error)\nhint: nothing was written; please report this",
                   refusals: [], standardOutput, standardError)
            return ExitCode.internalError.rawValue
        }
    }

    /// Errors go to stderr as `error: …` plus a hint; with `--json`, stdout also gets one
    /// JSON object describing the error, so scripts always read one document. A library
    /// error's message is also given as data (`parts`, and `hintParts` when it says what to
    /// do itself; ``JSONOutput/parts(_:)``).
    static func report(
        json: Bool, code: ExitCode, message: String, refusals: [JSONValue], parts: JSONValue? = nil,
        hintParts: JSONValue? = nil, _ standardOutput: (String) -> Void, _ standardError: (String) -> Void
    ) {
        standardError(message + "\n")
        guard json else { return }
        var error: [String: JSONValue] = [
            "exitCode": .int(Int(code.rawValue)), "message": .string(message), "refusals": .array(refusals),
        ]
        if let parts { error["parts"] = parts }
        if let hintParts { error["hintParts"] = hintParts }
        let value: JSONValue = ["error": .object(error)]
        standardOutput(value.prettySerialized() + "\n")
    }

    /// Finds the command named by the leading words (the longest match wins).
    static func resolve(_ arguments: [String]) throws(UsageError) -> (Command, [String]) {
        let words = arguments.prefix { !$0.hasPrefix("-") }
        for length in stride(from: min(2, words.count), through: 1, by: -1) {
            let name = words.prefix(length).joined(separator: " ")
            if let command = Commands.byName[name] { return (command, Array(arguments.dropFirst(length))) }
        }
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] {
            return (Commands.byName["help"]!, [])
        }
        guard let first = words.first else {
            throw UsageError(message: "Missing command", usage: GlobalOptions.usage)
        }
        let groups = Set(Commands.all.map { String($0.spec.name.split(separator: " ")[0]) })
        if groups.contains(first) {
            // `casebook takedown --help`: the group's commands.
            if arguments.dropFirst().first.map({ $0 == "--help" || $0 == "-h" }) == true {
                return (Commands.help, [first])
            }
            let subcommands = Commands.all.filter { $0.spec.name.hasPrefix(first + " ") }
            let choices = subcommands.map { String($0.spec.name.split(separator: " ")[1]) }
            let typed = words.dropFirst().first
            throw UsageError(
                message: typed.map { "Unknown command '\(first) \($0)'" } ?? "Missing subcommand for '\(first)'",
                suggestion: typed.flatMap { suggestion(for: $0, among: choices) }.map { "\(first) \($0)" },
                usage: "casebook \(first) " + choices.joined(separator: "|") + " ..."
                    + (typed == nil ? "\n\n" + (Commands.groupHelp(first) ?? "") : ""))
        }
        throw UsageError(
            message: "Unknown command '\(first)'", suggestion: suggestion(for: first, among: Array(groups)),
            usage: GlobalOptions.usage)
    }
}
