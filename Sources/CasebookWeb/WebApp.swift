import EventLog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One input of a command, as its declaration gives it (positional or option).
public struct WebField: Sendable {
    /// Which element a field is: the type of the input it comes from.
    public enum Kind: Sendable, Equatable {
        /// One line of text.
        case text
        /// Text that may run to paragraphs: a textarea.
        case longText
        /// One of these values: a select.
        case choice([String])
        /// Exactly one of these marks: radio buttons, each posted as its own flag (`--given`).
        case marks([String])
        /// A checkbox.
        case flag
        /// A file input (several when repeatable).
        case file
        /// A local date and time: datetime-local.
        case time
    }
    public var name: String
    public var help: String
    public var isRequired: Bool
    public var isRepeatable: Bool
    public var kind: Kind

    public init(name: String, help: String, isRequired: Bool, isRepeatable: Bool = false, kind: Kind) {
        self.name = name
        self.help = help
        self.isRequired = isRequired
        self.isRepeatable = isRepeatable
        self.kind = kind
    }
}

/// A command as the browser sees it: generated from the command's one declaration.
public struct WebCommand: Sendable {
    public var name: String
    public var summary: String
    public var positionals: [WebField]
    public var options: [WebField]

    public init(name: String, summary: String, positionals: [WebField], options: [WebField]) {
        self.name = name
        self.summary = summary
        self.positionals = positionals
        self.options = options
    }
}

/// What running a command printed.
public struct WebRun: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
    public var files: [(path: String, bytes: Data)]

    public init(exitCode: Int32, stdout: String, stderr: String, files: [(path: String, bytes: Data)] = []) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.files = files
    }
}

/// The one door: the command line's commands, and a way to run one as a login.
public struct WebDoor: Sendable {
    /// The commands a form may run, by name ("investigate note").
    public var commands: [String: WebCommand]
    /// Runs `arguments` (a `casebook` argument list) as the member mapped to `login`, with
    /// `inputs` as the files it may read (by the names used in the arguments).
    public var run: @Sendable (_ arguments: [String], _ login: String, _ inputs: [String: Data]) -> WebRun

    public init(commands: [String: WebCommand], run: @escaping @Sendable ([String], String, [String: Data]) -> WebRun) {
        self.commands = commands
        self.run = run
    }
}

/// An HTTP request as the web server hands it over (the CGI variables of SCGI).
public struct WebRequest: Sendable {
    public var method: String
    public var path: String
    public var query: String
    /// CGI variables: HTTP_HOST, HTTP_ORIGIN, HTTP_SEC_FETCH_SITE, CONTENT_TYPE…
    public var variables: [String: String]
    public var body: Data
    /// The person the web server authenticated (its REMOTE_USER); nil when it gave none.
    public var remoteUser: String?

    public init(method: String, path: String, query: String, variables: [String: String], body: Data, remoteUser: String?) {
        self.method = method
        self.path = path
        self.query = query
        self.variables = variables
        self.body = body
        self.remoteUser = remoteUser
    }
}

public struct WebResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data
}

/// The browser's front end: routes a request to a `casebook` argument list, runs it through
/// the door, renders what it printed.
public final class WebApp: Sendable {
    let door: WebDoor
    let key: [UInt8]

    /// Headers on every response.
    public static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
    ]

    /// The file size limit of the command line (SPEC §4).
    public static let maxFileBytes = 64 * 1024 * 1024

    /// `key`: the CSRF key, random at each server start unless a test gives one.
    public init(door: WebDoor, key: [UInt8]? = nil) {
        self.door = door
        var generator = SystemRandomNumberGenerator()
        self.key = key ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public func respond(_ request: WebRequest) -> WebResponse {
        guard let user = request.remoteUser, !user.isEmpty else {
            return html(403, "Not signed in", user: "nobody", [.el("p", [], "The web server did not say who you are; sign in through it.")])
        }
        let query = Multipart.urlEncoded(request.query)
        func param(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        let segments = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? "" }
        if request.method == "POST" {
            guard request.path == "/step" else { return html(405, "Not allowed", user: user, [.el("p", [], "Only forms are posted.")]) }
            return post(request, user: user)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return html(405, "Not allowed", user: user, [.el("p", [], "This method is not used.")])
        }
        switch segments.count {
        case 0: return tasks(user: user)
        case 2 where segments[0] == "static" && segments[1] == "casebook.css":
            return WebResponse(status: 200, headers: WebApp.securityHeaders + [("Content-Type", "text/css; charset=utf-8")], body: Data(WebApp.css.utf8))
        case 1 where segments[0] == "cases": return list(user: user, filter: ListFilter(query))
        case 2 where segments[0] == "cases": return show(segments[1], user: user)
        case 3 where segments[0] == "cases" && segments[2] == "timeline":
            return timeline(segments[1], format: param("format") ?? "html", user: user)
        case 3 where segments[0] == "cases" && segments[2] == "bundle":
            return bundle(segments[1], recipient: param("recipient"), omit: param("omit") ?? "", user: user)
        case 4 where segments[0] == "cases" && segments[2] == "evidence":
            return evidence(segments[1], item: segments[3], user: user)
        case 5 where segments[0] == "cases" && segments[2] == "evidence":
            return evidenceFile(segments[1], item: segments[3], sha256: segments[4], download: param("download") != nil, user: user)
        case 1 where segments[0] == "outcomes": return outcomes(query, user: user)
        case 1 where segments[0] == "mine": return mine(user: user)
        case 1 where segments[0] == "overdue": return overdue(user: user)
        case 1 where segments[0] == "step":
            guard let name = param("command"), let command = door.commands[name] else { return notFound(user: user) }
            return form(command, user: user, values: prefill(command, query), problems: [])
        default: return notFound(user: user)
        }
    }
}
