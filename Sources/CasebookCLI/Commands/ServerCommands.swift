import Casebook
import CasebookServer
import EventLog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `serve`: server mode (SPEC §8). One process, run by the only account that can read the
/// database, runs each connecting member's command as the member its login maps to.
enum ServerCommands {
    static let serve = Command(
        spec: CommandSpec(
            name: "serve", summary: "Serve the database to staff over a local socket (server mode, for several logins).",
            options: [
                OptionSpec(name: "socket", valueName: "path", help: "The socket to listen on (its folder must exist)."),
                OptionSpec(
                    name: "scgi", valueName: "path",
                    help: "Also (or only) serve the browser: an SCGI socket for the web server in front (Apache's mod_proxy_scgi)."),
                OptionSpec(
                    name: "web-user", valueName: "login",
                    help: "The web server's account (e.g. www-data): the only peer served on --scgi, whose REMOTE_USER says who is acting."),
                OptionSpec(
                    name: "socket-mode", valueName: "mode",
                    help: "The socket file's mode, in octal (default 0660: the owner and the socket's group may connect)."),
            ],
            examples: ["casebook serve --db /var/lib/casebook/casebook.sqlite --socket /run/casebook/casebook.sock"],
            discussion: """
                Staff run the ordinary command with --server SOCKET (or CASEBOOK_SERVER); it sends \
                the arguments and the files it names, read with their own permissions, and writes \
                the files that come back. Each connection acts as the member mapped to the login \
                the kernel reports for it (SO_PEERCRED), never as anything the request says. A \
                database made with --claimed-identities is refused. SIGTERM or SIGINT: the \
                commands in hand finish, the socket is removed, and serve exits 0. See \
                docs/DEPLOYMENT.md.
                """)
    ) { invocation in
        let path = invocation.databasePath
        let database = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let scgi = invocation.optional("scgi")
        guard let socket = invocation.optional("socket") else {
            guard let scgi else { throw CommandError.usage("say where to listen: --socket PATH, --scgi PATH, or both") }
            return try WebFrontEnd.serve(invocation, scgi: scgi, database: database, handlesSignals: true)
        }
        var configuration = ServerConfiguration(socketPath: socket)
        if let text = invocation.optional("socket-mode") {
            guard let mode = mode_t(text, radix: 8), mode <= 0o777 else {
                throw CasebookError.invalidInput("'\(text.prefix(60))' is not a --socket-mode: give octal permissions such as 0660")
            }
            configuration.socketMode = mode
        }
        // The database must be there, intact enough to open, and verifying identities.
        let casebook = try invocation.casebook()
        guard try casebook.identityMode() == .verified else {
            throw CasebookError.invalidInput(
                "this database trusts --as (it was made with --claimed-identities); serve only a database made without --claimed-identities")
        }
        // Read once, at start, from this process's own environment: a request cannot set it.
        let fault = invocation.environment[testFaultVariable].flatMap { $0.isEmpty ? nil : $0 }
        // A login that maps to no member is answered at connect, before it holds a slot.
        let admission = Admission(database: database)
        configuration.admission = { peer in admission.check(peer) }
        let server: Server
        do {
            server = try Server(configuration: configuration) { request, peer in
                handle(request, from: peer, database: database, fault: fault)
            }
        } catch let error as ServerError {
            switch error {
            case .inUse, .pathExists: throw CasebookError.cannotCreate(Message(error.description))
            case .pathTooLong: throw CommandError.usage(error.description)
            case .system: throw CasebookError.io(Message(error.description))
            }
        }
        // The browser's SCGI socket beside the staff's socket: stopped when this one stops.
        var web: (Server, Thread)?
        if let scgi { web = try WebFrontEnd.start(invocation, scgi: scgi, database: database) }
        server.run()
        if let (webServer, _) = web { webServer.stop() }
        return Output(
            text: "Stopped serving \(database); the socket \(socket) was removed.",
            json: ["database": .string(database), "socket": .string(socket), "stopped": .bool(true)])
    }

    /// Connect-time admission (issue 18 item 3): the peer's login must map to a current
    /// member of staff, or the connection is answered at once (77) and closed, holding no
    /// slot. One connection of its own, used by the accepting thread only.
    final class Admission: @unchecked Sendable {
        private let database: String
        private var casebook: Casebook?
        private let lock = NSLock()

        init(database: String) { self.database = database }

        /// nil to serve the peer; the refusal to send otherwise.
        func check(_ peer: Peer) -> Response? {
            lock.lock()
            defer { lock.unlock() }
            do {
                let casebook = try self.casebook ?? Casebook.open(at: database)
                self.casebook = casebook
                _ = try casebook.resolveActor(login: peer.login, named: nil)
                return nil
            } catch let error as CasebookError {
                if case .notPermitted = error {
                    let text = error.message.map { MessageWords.error($0, hint: nil, localTime: nil) } ?? "error: \(error)"
                    return Response(exitCode: ExitCode.notPermitted.rawValue, stderr: Data((text + "\n").utf8))
                }
                // Anything else (a busy or damaged file) is for the command itself to answer.
                self.casebook = nil
                return nil
            } catch {
                self.casebook = nil
                return nil
            }
        }
    }

    /// The variable that makes `casebook serve` fail every request for one command with a
    /// programmer error (tests only, docs/SECURITY.md): its value is the command's name
    /// (`staff list`). Read from the serve process's environment at start; a client cannot
    /// set it.
    static let testFaultVariable = "CASEBOOK_TEST_FAULT"

    /// Commands a server does not run: they make or serve a database rather than use one.
    static let notServed: Set<String> = ["serve", "init", "demo"]

    /// Runs one request as the member mapped to the peer's login, over the served database.
    /// Only the peer's credentials say who is acting; the request's arguments, files and
    /// forwarded variables are the command's input, nothing more.
    static func handle(_ request: Request, from peer: Peer, database: String, fault: String? = nil) -> Response {
        // A command line that does not parse is not refused here: `CLI.run` below parses it
        // again and answers the same usage error (64), so nothing is lost by `try?`.
        if let (globals, rest) = try? splitGlobalOptions(request.arguments) {
            // Refused as the command line refuses a usage error: stderr, and with --json one object on stdout.
            func refuse(_ message: String) -> Response {
                var output = ""
                var error = ""
                CLI.report(json: globals.json, code: .usage, message: message, refusals: [], { output += $0 }, { error += $0 })
                return Response(exitCode: ExitCode.usage.rawValue, stdout: Data(output.utf8), stderr: Data(error.utf8))
            }
            if globals.db != nil {
                return refuse(
                    "error: the server chooses the database; --db cannot be given through it\n"
                        + "hint: leave --db out, or run without --server (unset CASEBOOK_SERVER) for a database of your own")
            }
            if let (command, _) = try? CLI.resolve(rest), notServed.contains(command.spec.name) {
                return refuse(
                    "error: '\(command.spec.name)' is not run through the Casebook server\n"
                        + "hint: run it without --server (unset CASEBOOK_SERVER), as the account that owns the database")
            }
        }
        var environment = Request.forwardedEnvironment(from: request.environment)
        // The client's zone, or the default one when it has none; never the server's own.
        environment["TZ"] = environment["TZ"] ?? ""
        environment["CASEBOOK_DB"] = database
        if let fault, let (_, rest) = try? splitGlobalOptions(request.arguments), let (command, _) = try? CLI.resolve(rest),
            command.spec.name == fault
        {
            environment[Invocation.injectedFaultKey] = fault
        }
        let files = RemoteFiles(inputs: request.inputFiles)
        var output = ""
        var error = ""
        let code = CLI.run(
            request.arguments, environment: environment, clock: { Date() }, login: peer.login, files: .remote(files),
            standardOutput: { output += $0 }, standardError: { error += $0 })
        return Response(exitCode: code, stdout: Data(output.utf8), stderr: Data(error.utf8), outputFiles: files.outputs)
    }
}
