import Casebook
import EventLog
import Foundation

/// One `casebook` command: its description (which drives parsing and help) and its body.
struct Command: Sendable {
    /// Options, usage and help.
    let spec: CommandSpec
    /// For a workflow step's command, the step's declaration in the library its options were
    /// derived from (the browser builds its form from it).
    var form: StepForm? = nil
    /// The body: reads the invocation, calls the library, returns what to print.
    let run: @Sendable (Invocation) throws -> Output
}

/// What a command prints: sentences for people, one JSON value for scripts, and its exit code.
struct Output {
    /// Text for people (stdout), without the final newline.
    var text: String
    /// The same as one JSON value (stdout with `--json`), built only when asked for: a
    /// listing of thousands of rows should not build a document nobody prints.
    var json: JSONValue { makeJSON() }
    /// The exit code (0 unless, e.g., verify found a break).
    var exitCode: ExitCode = .success
    /// What the command did that stays done, as the start of a sentence ("recorded as E3 on
    /// CB-2026-0001"): said on stderr when its confirmation cannot be printed.
    var recorded: String?
    /// Files for the shell to write before it prints anything.
    var delivery: Delivery?
    private let makeJSON: () -> JSONValue

    init(
        text: String, json: @autoclosure @escaping () -> JSONValue, exitCode: ExitCode = .success, recorded: String? = nil,
        delivery: Delivery? = nil
    ) {
        self.text = text
        self.makeJSON = json
        self.exitCode = exitCode
        self.recorded = recorded
        self.delivery = delivery
    }
}

/// A new file, or a new folder of files, that a command asks the shell to write (SPEC §5),
/// and what to do once it is in place. Commands return their bytes rather than write them,
/// so every file goes through ``NewFile``: 0600, created new beside its target, moved into
/// place whole, never over an existing path or the database.
struct Delivery {
    enum Content {
        /// One file.
        case file([UInt8])
        /// A folder of files with these (plain) names.
        case folder([(name: String, bytes: [UInt8])])
    }

    /// Where: the new file's or folder's path.
    let path: String
    let content: Content
    /// Runs once the file is in place (records the export in the audit stream); when it
    /// throws, the file is removed again, so a failed export leaves neither.
    var commit: () throws -> Void = {}
    /// With `--replace`: the file at `path` may be replaced when this accepts its first
    /// bytes (a file Casebook made, ``NewFile/replace(_:at:protecting:ifExisting:)``).
    var replacing: (([UInt8]) -> Bool)? = nil

    /// Writes the content, then commits.
    func deliver(protecting database: String) throws {
        try deliver(protecting: NewFile.Protected(database: database))
    }

    /// Writes the content, then commits.
    func deliver(protecting protected: NewFile.Protected) throws {
        let placed: NewFile.Placed
        switch content {
        case .file(let bytes):
            if let replacing {
                placed = try NewFile.replace(bytes, at: path, protecting: protected, ifExisting: replacing)
            } else {
                placed = try NewFile.write(bytes, to: path, protecting: protected)
            }
        case .folder(let files): placed = try NewFile.writeFolder(files, at: path, protecting: protected)
        }
        do {
            try commit()
        } catch {
            placed.remove()
            throw error
        }
    }
}

/// Everything a command body can use: its parsed arguments, the globals, the environment,
/// the local zone and the clock.
final class Invocation {
    /// A read the command has recorded in the audit trail ("your reading of CB-2026-0001"),
    /// said with any error or output failure after it, so no one takes it for unrecorded.
    var recordedRead: String?
    let arguments: ParsedArguments
    let globals: GlobalOptions
    let environment: [String: String]
    let localTime: LocalTime
    let clock: @Sendable () -> Date
    /// The caller's operating-system login (SPEC §8): the process's, or a server's peer's.
    let callerLogin: String?
    /// Where files named on the command line are read and new files go: this machine, or
    /// (in server mode) the request's files and the response.
    let files: FileHost
    /// Where `verify` and `rebuild` show their progress: standard error.
    let progress: ProgressReport.Sink
    private var openedCasebook: Casebook?
    private var resolvedActor: StaffMember?

    init(
        arguments: ParsedArguments, globals: GlobalOptions, environment: [String: String], localTime: LocalTime,
        clock: @escaping @Sendable () -> Date, callerLogin: String?, files: FileHost = .local,
        progress: ProgressReport.Sink = ProgressReport.Sink(write: { _ in }, isTerminal: false)
    ) {
        self.progress = progress
        self.arguments = arguments
        self.globals = globals
        self.environment = environment
        self.localTime = localTime
        self.clock = clock
        self.callerLogin = callerLogin
        self.files = files
    }

    /// `--db`, else `CASEBOOK_DB`, else `./casebook.sqlite`.
    var databasePath: String {
        globals.db ?? environment["CASEBOOK_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "casebook.sqlite"
    }

    /// The key under which `casebook serve` marks a request to fail with an injected
    /// programmer error (``ServerCommands/testFaultVariable``). It holds `=`, which no
    /// variable of a process's environment can, and the wire forwards only `TZ` and
    /// `CASEBOOK_USER`: only a serve process started with the variable sets it.
    static let injectedFaultKey = "=casebook-injected-fault"

    /// The database, opened once.
    func casebook() throws -> Casebook {
        if let fault = environment[Self.injectedFaultKey] {
            throw ProgrammerError("a fault injected for testing (CASEBOOK_TEST_FAULT=\(fault.prefix(60)))")
        }
        if let openedCasebook { return openedCasebook }
        let casebook = try Casebook.open(at: databasePath, clock: clock)
        openedCasebook = casebook
        return casebook
    }

    /// The database opened for reading only (no write lock; works on a read-only file or
    /// folder); later calls of ``casebook()`` and ``actor()`` use this connection.
    func readOnlyCasebook() throws -> Casebook {
        if let openedCasebook { return openedCasebook }
        let casebook = try Casebook.openReadOnly(at: databasePath, clock: clock)
        openedCasebook = casebook
        return casebook
    }

    /// The acting member of staff (SPEC §8): the one mapped to the caller's login, which
    /// `--as` (else `CASEBOOK_USER`) may confirm; in a claimed-identities database, the one
    /// `--as` names.
    func actor() throws -> StaffMember {
        if let resolvedActor { return resolvedActor }
        let named = globals.actor ?? environment["CASEBOOK_USER"].flatMap({ $0.isEmpty ? nil : $0 })
        let casebook = try casebook()
        if named == nil, try casebook.identityMode() == .claimed {
            throw CommandError.usage("say who is acting with --as STAFF-ID (or set CASEBOOK_USER)")
        }
        let actor = try casebook.resolveActor(login: callerLogin, named: named)
        resolvedActor = actor
        return actor
    }

    /// The value of an option that the spec marks required.
    /// A spec that does not mark it required is a programmer's error: it answers this one
    /// command with exit 70 (the server keeps serving), never a trap.
    func value(_ name: String) throws -> String {
        guard let value = arguments.value(name) else { throw CommandError.programmer("--\(name) is used as required, but its spec does not require it") }
        return value
    }

    /// An optional option's value.
    func optional(_ name: String) -> String? { arguments.value(name) }

    /// The n-th positional argument (the spec makes it required).
    func positional(_ index: Int) throws -> String {
        guard index < arguments.positionals.count else {
            throw CommandError.programmer("positional \(index) is used as required, but its spec does not require it")
        }
        return arguments.positionals[index]
    }

    /// A time option parsed in the local zone or RFC 3339.
    func time(_ name: String) throws -> Date? {
        try arguments.value(name).map { try localTime.parse($0, field: "--\(name)") }
    }

    /// `--at`: when the step happened.
    func at() throws -> Date? { try time("at") }

    /// The case named by the first positional argument.
    func caseReference(_ index: Int = 0) throws -> CaseReference {
        let text = try positional(index)
        guard let reference = CaseReference(text) else {
            throw CasebookError.invalidInput("'\(text.prefix(60))' is not a case reference: use the form CB-2026-0001")
        }
        return reference
    }

    /// An option whose value is one word of a vocabulary.
    func word<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
        try Self.word(value(name), option: name, as: type)
    }

    /// One word of a vocabulary, or an invalid-input error listing the choices.
    static func word<T: RawRepresentable & CaseIterable>(_ text: String, option: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text.lowercased()) else {
            throw CasebookError.invalidInput("'\(text.prefix(60))' is not a valid --\(option): use one of \(T.choices)")
        }
        return value
    }

    /// Exactly one of two flags, e.g. `--given` / `--declined` / `--withdrawn`.
    func oneFlag(_ names: [String]) throws -> String {
        let given = names.filter { arguments.flag($0) }
        guard given.count == 1 else {
            throw CommandError.usage("give exactly one of " + names.map { "--\($0)" }.joined(separator: ", "))
        }
        return given[0]
    }

    /// Reads a file named on the command line, with the errors people need: from this
    /// machine, or in server mode from the bytes the client read and sent.
    func readFile(_ path: String) throws -> [UInt8] {
        switch files {
        case .local: return try Self.readLocalFile(path)
        case .remote(let exchange): return try exchange.input(path)
        }
    }

    /// Writes a command's new files (and commits): here, or in server mode into the response.
    func deliver(_ delivery: Delivery) throws {
        switch files {
        case .local: try delivery.deliver(protecting: databasePath)
        case .remote(let exchange): try exchange.hand(delivery)
        }
    }

    /// Reads a file of this machine, with the errors people need.
    static func readLocalFile(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CasebookError.notFound("no file at \(path)")
        }
        guard !isDirectory.boolValue else { throw CasebookError.invalidInput("\(path) is a directory, not a file") }
        // Only an early refusal of a large file: when the size cannot be read, the read
        // below fails with the real error.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > BlobInfo.maximumSize {
            throw CasebookError.invalidInput("\(path) is \(size) bytes; files over 64 MiB are refused")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CasebookError.io("cannot read \(path)")
        }
        guard !data.isEmpty else { throw CasebookError.invalidInput("\(path) is empty") }
        return [UInt8](data)
    }

    /// A time for people.
    func show(_ date: Date?) -> String { date.map(localTime.format) ?? "—" }
}

/// Errors raised by the command layer itself.
enum CommandError: Error {
    /// The command line is wrong, beyond what the parser checks (exit 64).
    case usage(String)
    /// A mistake in Casebook's own code, found while running one command: that command
    /// answers 70, and nothing else is affected.
    case programmer(String)
    /// Something the command needs on this machine is missing or cannot be reached, e.g.
    /// Chromium for `evidence capture`, or the page itself (exit 69); nothing was recorded.
    case unavailable(String)
}

extension OptionSpec {
    /// `--at <time>`: when the step happened; every command that records something takes it.
    static let at = OptionSpec(
        name: "at", valueName: "time", help: "When it happened (default: now): 2026-11-20 14:05 (local) or RFC 3339.")
}
