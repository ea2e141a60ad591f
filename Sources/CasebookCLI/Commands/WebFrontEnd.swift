import Casebook
import CasebookServer
import CasebookWeb
import EventLog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `serve --scgi`: the browser's front end (issue 22). The web server (Apache with
/// mod_proxy_scgi) does HTTP and sign-in; each request arrives over SCGI from the web
/// server's account only, and becomes the argument list of the same `casebook` command,
/// run through ``CLI/run`` as the member mapped to the web server's REMOTE_USER, exactly as
/// ``ServerCommands/handle(_:from:database:)`` runs a staff member's command.
enum WebFrontEnd {
    /// Commands a browser does not run (they make or serve a database).
    static let notServed = ServerCommands.notServed

    /// The browser's commands, each generated from its one declaration: a workflow step's
    /// form from the step's inputs in the library (``StepForm``), any other command from its spec.
    static let commands: [String: WebCommand] = {
        var result: [String: WebCommand] = [:]
        for command in Commands.all where !notServed.contains(command.spec.name) {
            result[command.spec.name] = webCommand(command)
        }
        return result
    }()

    /// A command as the browser sees it.
    static func webCommand(_ command: Command) -> WebCommand {
        guard let form = command.form else { return webCommand(command.spec) }
        // The form's purpose, in the library's words (the command line's summary may add what it prints).
        return webCommand(form, name: command.spec.name, summary: form.purpose)
    }

    /// A step's form: the case, then one field per declared input, its element chosen by the
    /// input's kind. Nothing here names a field: a new input appears in the form by itself.
    static func webCommand(_ form: StepForm, name: String, summary: String) -> WebCommand {
        let casePositional = CaseCommands.casePositional
        return WebCommand(
            name: name, summary: summary,
            positionals: [WebField(name: casePositional.name, help: casePositional.help, isRequired: true, kind: .text)]
                + form.inputs.filter { $0.position == .inOrder }.map(webField),
            options: form.inputs.filter { $0.position == .named }.map(webField))
    }

    /// One declared input as a field.
    static func webField(_ input: StepInput) -> WebField {
        let kind: WebField.Kind
        switch input.kind {
        case .text, .ids, .item, .staff: kind = .text
        case .longText: kind = .longText
        case .choice(let values): kind = .choice(values)
        case .marks(let marks): kind = .marks(marks.map(\.value))
        case .flag: kind = .flag
        case .time: kind = .time
        case .file: kind = .file
        }
        return WebField(name: input.name, help: input.described, isRequired: input.isRequired, isRepeatable: input.isRepeatable, kind: kind)
    }

    /// Any other command's form, from its spec: text, flag or file.
    static func webCommand(_ spec: CommandSpec) -> WebCommand {
        WebCommand(
            name: spec.name, summary: spec.summary,
            positionals: spec.positionals.map {
                WebField(name: $0.name, help: $0.help, isRequired: !$0.isOptional, isRepeatable: $0.isVariadic, kind: .text)
            },
            options: spec.options.compactMap { option in
                let kind: WebField.Kind
                switch option.file {
                case .output: return nil  // files come back as downloads, never to a path
                case .input: kind = .file
                case .none:
                    if option.isFlag {
                        kind = .flag
                    } else if option.valueName == "time" {
                        kind = .time
                    } else {
                        kind = option.name == "summary" || option.help.count > 60 ? .longText : .text
                    }
                }
                return WebField(name: option.name, help: option.help, isRequired: option.isRequired, isRepeatable: option.isRepeatable, kind: kind)
            })
    }

    /// Runs one argument list as `login`, with `inputs` as the request's files.
    static func run(_ arguments: [String], login: String, inputs: [String: Data], database: String) -> WebRun {
        // Options then positionals: every value attached (`--name=value`) and every
        // positional after `--`, so nothing typed into a field is ever read as an option.
        var environment: [String: String] = ["TZ": "", "CASEBOOK_DB": database]
        environment["TZ"] = ProcessInfo.processInfo.environment["TZ"] ?? ""
        let files = RemoteFiles(inputs: inputs.map { InputFile(path: $0.key, bytes: $0.value) })
        var output = ""
        var error = ""
        let code = CLI.run(
            arguments, environment: environment, clock: { Date() }, login: login, files: .remote(files),
            standardOutput: { output += $0 }, standardError: { error += $0 })
        return WebRun(exitCode: code, stdout: output, stderr: error, files: files.outputs.map { file in
                // A folder's entry (evidence get, a bundle) as FOLDER/NAME.
                switch file.kind {
                case .file: (path: file.path, bytes: file.bytes)
                case .folderEntry(let name): (path: file.path + "/" + name, bytes: file.bytes)
                }
            })
    }

    /// Makes the SCGI server (listening once this returns).
    static func makeServer(_ invocation: Invocation, scgi: String, database: String, handlesSignals: Bool) throws -> Server {
        guard let webUser = invocation.optional("web-user") else {
            throw CommandError.usage("--scgi needs --web-user LOGIN: the web server's account, the only peer whose REMOTE_USER is trusted")
        }
        guard let account = getpwnam(webUser) else {
            throw CasebookError.invalidInput("'\(webUser.prefix(60))' is not an account on this machine (--web-user)")
        }
        let casebook = try invocation.casebook()
        guard try casebook.identityMode() == .verified else {
            throw CasebookError.invalidInput(
                "this database trusts --as (it was made with --claimed-identities); serve only a database made without --claimed-identities")
        }
        var configuration = ServerConfiguration(socketPath: scgi)
        configuration.allowedPeerUID = account.pointee.pw_uid
        configuration.socketGroup = account.pointee.pw_gid
        configuration.socketMode = 0o660
        configuration.handlesSignals = handlesSignals
        // The web server keeps many connections; one account is all it has.
        configuration.maxConnectionsPerPeer = configuration.maxConnections
        let app = WebApp(door: WebDoor(commands: commands) { arguments, login, inputs in
            run(arguments, login: login, inputs: inputs, database: database)
        })
        do {
            return try Server(configuration: configuration, scgi: { request, _ in
                respond(request, app: app)
            })
        } catch {
            switch error {
            case .inUse, .pathExists: throw CasebookError.cannotCreate(Message(error.description))
            case .pathTooLong: throw CommandError.usage(error.description)
            case .system: throw CasebookError.io(Message(error.description))
            }
        }
    }

    /// One SCGI request → the web app's answer. The person is the web server's REMOTE_USER
    /// (the peer was checked to be the web server); a client's "Remote-User" header arrives
    /// as HTTP_REMOTE_USER and is never read.
    static func respond(_ request: SCGIRequest, app: WebApp) -> SCGIResponse {
        let headers = request.headers
        let uri = headers["REQUEST_URI"] ?? "/"
        let path = String(uri.prefix { $0 != "?" })
        let query = headers["QUERY_STRING"] ?? (uri.firstIndex(of: "?").map { String(uri[uri.index(after: $0)...]) } ?? "")
        let web = WebRequest(
            method: headers["REQUEST_METHOD"] ?? "GET", path: path, query: query, variables: headers, body: request.body,
            remoteUser: headers["REMOTE_USER"])
        let response = app.respond(web)
        return SCGIResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// `serve --scgi` alone.
    static func serve(_ invocation: Invocation, scgi: String, database: String, handlesSignals: Bool) throws -> Output {
        let server = try makeServer(invocation, scgi: scgi, database: database, handlesSignals: handlesSignals)
        server.run()
        return Output(
            text: "Stopped serving \(database) to the web server; the socket \(scgi) was removed.",
            json: ["database": .string(database), "scgi": .string(scgi), "stopped": .bool(true)])
    }

    /// `serve --socket --scgi`: the SCGI server on a thread of its own.
    static func start(_ invocation: Invocation, scgi: String, database: String) throws -> (Server, Thread) {
        let server = try makeServer(invocation, scgi: scgi, database: database, handlesSignals: false)
        let thread = Thread { server.run() }
        thread.start()
        return (server, thread)
    }
}
