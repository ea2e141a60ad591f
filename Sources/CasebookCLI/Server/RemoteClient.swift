import Casebook
import CasebookServer
import EventLog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The client side of server mode (SPEC §8): `casebook --server SOCKET …` or
/// `CASEBOOK_SERVER`. It never opens a database: it reads the files the command names with
/// this login's permissions, sends them with the arguments, writes the files that come
/// back under the rules of SPEC §5, and prints and exits as the server's command did.
enum RemoteClient {
    /// The socket to send this command line to, or nil to run it here: `--server`, else a
    /// non-empty `CASEBOOK_SERVER` — unless the command line names a database with `--db`:
    /// an explicit database is run here (a backup copy checked with `--db COPY verify` on a
    /// server whose profile sets `CASEBOOK_SERVER` for everyone).
    static func socket(for arguments: [String], environment: [String: String]) -> String? {
        guard let (globals, _) = try? splitGlobalOptions(arguments) else {
            // A malformed global option is reported the same way here, opening nothing.
            return nil
        }
        if let server = globals.server, !server.isEmpty { return server }
        if globals.db != nil { return nil }
        return environment["CASEBOOK_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs one command line through the server at `socket` and returns the exit code.
    static func run(
        _ arguments: [String], socket: String, environment: [String: String],
        standardOutput: (String) throws -> Void = StandardStream.output,
        standardError: @escaping (String) throws -> Void = StandardStream.error
    ) -> Int32 {
        func runHere() -> Int32 {
            CLI.run(arguments, environment: environment, standardOutput: standardOutput, standardError: standardError)
        }
        // What the command line means is worked out here as it would be by the server: help,
        // and any command line the parser refuses, need no server and open nothing.
        guard let (globals, rest) = try? splitGlobalOptions(arguments), let (command, remaining) = try? CLI.resolve(rest),
            let parsed = try? parse(remaining, as: command.spec)
        else { return runHere() }
        if parsed.isHelpRequested || command.spec.name == "help" || command.spec.name == "serve" { return runHere() }

        func fail(_ code: ExitCode, _ message: String) -> Int32 {
            CLI.report(
                json: globals.json, code: code, message: message, refusals: [], { try? standardOutput($0) },
                { try? standardError($0) })
            return code.rawValue
        }
        // Input files, read with this login's permissions and the checks of direct use.
        var inputs: [InputFile] = []
        var outputs: Set<String> = []
        for option in command.spec.options {
            for path in parsed.values(option.name) {
                switch option.file {
                case .none: break
                case .input:
                    guard !inputs.contains(where: { $0.path == path }) else { continue }
                    do {
                        inputs.append(InputFile(path: path, bytes: Data(try Invocation.readLocalFile(path))))
                    } catch let error as CasebookError {
                        return fail(
                            ExitCode(error),
                            MessageWords.error(
                                error.message ?? "\(error)", hint: "nothing was written; see 'casebook \(command.spec.name) --help'",
                                localTime: nil))
                    } catch {
                        return fail(.io, "error: cannot read \(path): \(error)")
                    }
                case .output:
                    // Never over an existing path: said before the server does anything
                    // (with --replace, a calendar Casebook made is replaced when written).
                    var status = stat()
                    if parsed.flag("replace"), lstat(path, &status) == 0,
                        status.st_mode & S_IFMT != S_IFREG || status.st_uid != geteuid()
                            || !ICalendar.isOwnCalendar(Array((try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 512)) ?? Data()))
                    {
                        return fail(
                            .cannotCreate,
                            "error: \(path) is not a calendar Casebook wrote (a regular file of yours); only a file Casebook made is replaced\nhint: nothing was written; choose a new name")
                    }
                    if !parsed.flag("replace"), lstat(path, &status) == 0 {
                        let what: String
                        switch status.st_mode & S_IFMT {
                        case S_IFDIR: what = "\(path) is a folder"
                        case S_IFLNK: what = "\(path) is a symbolic link"
                        case S_IFREG: what = "a file already exists at \(path)"
                        default: what = "\(path) is a device, pipe or socket"
                        }
                        return fail(
                            .cannotCreate, "error: \(what)\nhint: nothing was written; choose a new name: Casebook never replaces a file")
                    }
                    outputs.insert(path)
                }
            }
        }
        var client = Client(socketPath: socket)
        client.timeout = nil
        let response: Response
        do {
            response = try sendWaitingWhileBusy(
                Request(arguments: withoutServerOption(arguments), environment: Request.forwardedEnvironment(from: environment), inputFiles: inputs),
                with: client)
        } catch {
            CLI.report(
                json: globals.json, code: ExitCode(rawValue: error.exitCode) ?? .io, message: "error: \(error)\nhint: \(error.hint)",
                refusals: [], { try? standardOutput($0) }, { try? standardError($0) })
            return error.exitCode
        }
        do {
            let replacing: (([UInt8]) -> Bool)? = parsed.flag("replace") ? { ICalendar.isOwnCalendar($0) } : nil
            try write(response.outputFiles, expected: outputs, replacing: replacing)
        } catch {
            // The server has recorded the export as handed over (docs/SECURITY.md); its
            // confirmation is not printed, since the file is not there.
            try? standardError(String(decoding: response.stderr, as: UTF8.self))
            return fail(
                .io,
                "error: the export was recorded but could not be written: \(error)\n"
                    + "hint: the audit trail shows it as handed to you; choose a new path you can write to and run the command again")
        }
        do {
            try standardOutput(String(decoding: response.stdout, as: UTF8.self))
            try standardError(String(decoding: response.stderr, as: UTF8.self))
        } catch {
            try? standardError("error: \(error) (the server ran the command: exit \(response.exitCode))\nhint: do not run the command again\n")
            return ExitCode.io.rawValue
        }
        return response.exitCode
    }

    /// How long a command waits, in all, for a busy server before saying so (exit 75).
    static let busyPatience: Duration = .seconds(30)

    /// Sends the request; while the server answers that it is busy — which it says before
    /// running anything (too many requests in hand, in all or of this login) — waits a
    /// little longer each time and sends it again, for at most ``busyPatience``.
    static func sendWaitingWhileBusy(_ request: Request, with client: Client) throws(ClientError) -> Response {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: busyPatience)
        var pause: Duration = .milliseconds(20)
        while true {
            let response = try client.send(request)
            let isBusy = response.exitCode == ExitCode.conflict.rawValue
                && response.stderr.starts(with: Data("error: the Casebook server is busy".utf8))
            guard isBusy, clock.now.advanced(by: pause) < end else { return response }
            Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
            pause = min(pause * 2, .seconds(1))
        }
    }

    /// The arguments without `--server SOCKET` (or `--server=SOCKET`) before `--`.
    static func withoutServerOption(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" {
                kept += arguments[index...]
                break
            }
            index += 1
            if argument == "--server" {
                index += 1
            } else if !argument.hasPrefix("--server=") {
                kept.append(argument)
            }
        }
        return kept
    }

    /// Why the returned files were not written.
    struct WriteFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes the response's files with ``NewFile`` (0600, created new, never over anything),
    /// only at paths this command line named as outputs.
    static func write(_ files: [OutputFile], expected: Set<String>, replacing: (([UInt8]) -> Bool)? = nil) throws {
        var singles: [(path: String, bytes: [UInt8])] = []
        var folders: [String: [(name: String, bytes: [UInt8])]] = [:]
        var order: [String] = []
        for file in files {
            guard expected.contains(file.path) else {
                throw WriteFailure(description: "the server returned a file for \(file.path), which this command did not name")
            }
            switch file.kind {
            case .file: singles.append((file.path, [UInt8](file.bytes)))
            case .folderEntry(let name):
                if folders[file.path] == nil { order.append(file.path) }
                folders[file.path, default: []].append((name, [UInt8](file.bytes)))
            }
        }
        for (path, bytes) in singles {
            if let replacing {
                try NewFile.replace(bytes, at: path, protecting: .nothing, ifExisting: replacing)
            } else {
                try NewFile.write(bytes, to: path, protecting: .nothing)
            }
        }
        for path in order { _ = try NewFile.writeFolder(folders[path] ?? [], at: path, protecting: .nothing) }
    }
}
