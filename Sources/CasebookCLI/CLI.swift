import Casebook
import EventLog
import Foundation

/// The `casebook` command line: parses arguments, runs one command over the library,
/// prints its output, and gives the exit code of SPEC §5.
public enum CLI {
    /// Runs one command line and returns the process's exit code.
    ///
    /// - Parameters:
    ///   - arguments: the arguments after the program name.
    ///   - environment: `CASEBOOK_DB`, `CASEBOOK_USER`, `TZ`.
    ///   - clock: the clock (the real one in the binary).
    ///   - standardOutput, standardError: where to write.
    public static func run(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: @escaping @Sendable () -> Date = { Date() },
        standardOutput: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
        standardError: (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) -> Int32 {
        var json = false
        var commandName = ""
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
            let localTime = try LocalTime.fromEnvironment()
            let invocation = Invocation(
                arguments: parsed, globals: globals, environment: environment, localTime: localTime, clock: clock)
            // Storage errors that reach here unwrapped (a case replayed from a damaged file, a
            // stored file read back) get the library's exit codes, never "internal error".
            let output = try Casebook.translatingErrors { try command.run(invocation) }
            standardOutput((json ? output.json.prettySerialized() : output.text) + "\n")
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
        } catch let error as CasebookError {
            let code = ExitCode(error)
            var refusals: [Refusal] = []
            let message: String
            switch error {
            case .refused(let found):
                refusals = found
                message = "error: the step is not allowed now (\(found.count == 1 ? "1 rule blocks it" : "\(found.count) rules block it")):\n"
                    + found.map { "  - \($0.reason) [\($0.rule), \($0.clause)]" }.joined(separator: "\n")
                    + "\nhint: " + found.map(\.unblock).joined(separator: "\n      ")
            case .notPermitted(let text): message = "error: \(text)\nhint: ask the headteacher to act, or to change your role"
            case .conflict(let text): message = "error: \(text)\nhint: another process changed the case; nothing was written"
            case .damaged(let text): message = "error: \(text)\nhint: nothing was written; run 'casebook verify' to see what was altered or damaged"
            case .notFound(let text), .invalidInput(let text), .cannotCreate(let text), .io(let text):
                message = "error: \(text)\nhint: nothing was written; see 'casebook \(commandName.isEmpty ? "help" : commandName + " --help")'"
            }
            report(json: json, code: code, message: message, refusals: refusals, standardOutput, standardError)
            return code.rawValue
        } catch {
            report(json: json, code: .internalError, message: "error: internal error: \(error)\nhint: nothing was written; please report this",
                   refusals: [], standardOutput, standardError)
            return ExitCode.internalError.rawValue
        }
    }

    /// Errors go to stderr as `error: …` plus a hint; with `--json`, stdout also gets one
    /// JSON object describing the error, so scripts always read one document.
    private static func report(
        json: Bool, code: ExitCode, message: String, refusals: [Refusal], _ standardOutput: (String) -> Void,
        _ standardError: (String) -> Void
    ) {
        standardError(message + "\n")
        guard json else { return }
        let value: JSONValue = [
            "error": [
                "exitCode": .int(Int(code.rawValue)), "message": .string(message),
                "refusals": .array(refusals.map { JSONOutput.refusal($0) }),
            ]
        ]
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
            let subcommands = Commands.all.filter { $0.spec.name.hasPrefix(first + " ") }
            let choices = subcommands.map { String($0.spec.name.split(separator: " ")[1]) }
            let typed = words.dropFirst().first
            throw UsageError(
                message: typed.map { "Unknown command '\(first) \($0)'" } ?? "Missing subcommand for '\(first)'",
                suggestion: typed.flatMap { suggestion(for: $0, among: choices) }.map { "\(first) \($0)" },
                usage: "casebook \(first) " + choices.joined(separator: "|") + " ...")
        }
        throw UsageError(
            message: "Unknown command '\(first)'", suggestion: suggestion(for: first, among: Array(groups)),
            usage: GlobalOptions.usage)
    }
}
