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

    // MARK: Reads

    func run(_ arguments: [String], user: String, inputs: [String: Data] = [:]) -> (WebRun, Any?) {
        let result = door.run(["--json"] + arguments, user, inputs)
        let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
        return (result, json)
    }

    /// A failed read's page: 66 → the one "not found" page, 77 → forbidden, else the error.
    func failure(_ result: WebRun, json: Any?, user: String) -> WebResponse {
        switch result.exitCode {
        case 66: return notFound(user: user)
        case 77: return html(403, "Not permitted", user: user, [.el("p", [], "You may not do this.")] + problems(json, result))
        default: return html(result.exitCode == 64 || result.exitCode == 65 ? 400 : 500, "Something went wrong", user: user, problems(json, result))
        }
    }

    func notFound(user: String) -> WebResponse {
        html(404, "Not found", user: user, [.el("p", [], "There is nothing here, or nothing you may see.")])
    }

    /// How many tasks the home page shows (the soonest): a trust-wide headteacher of a large
    /// trust can have thousands, and a page of them all is megabytes.
    static let taskLimit = 100

    func tasks(user: String) -> WebResponse {
        let (result, json) = run(["tasks", "--limit", "\(WebApp.taskLimit)"], user: user)
        var content: [Node] = [.el("p", [], [.el("a", [("href", "/step?command=concern+report")], "Report a concern")])]
        guard result.exitCode == 0, let object = json as? [String: Any] else {
            // A member who has no tasks of their own (a teacher) still reports concerns.
            // The command's own words say which (a role without a task list, or no member at all).
            if result.exitCode == 77 { return html(403, "My tasks", user: user, content + problems(json, result)) }
            return failure(result, json: json, user: user)
        }
        // The command line's words for the next step are left out: the case's page has its buttons.
        let items = (object["tasks"] as? [[String: Any]] ?? []).map { $0.filter { $0.key != "command" } }
        let total = (object["total"] as? Int) ?? items.count
        if total > items.count {
            content.append(.el("p", [], "The \(items.count) soonest of \(total) tasks. The case list and Overdue show the rest."))
        }
        content.append(items.isEmpty ? .el("p", [], "Nothing waits on you.") : table(items, linking: "case"))
        return html(200, "My tasks", user: user, content)
    }

    func show(_ reference: String, user: String) -> WebResponse {
        let (result, json) = run(["show", reference], user: user)
        guard result.exitCode == 0, let state = json as? [String: Any] else {
            // HR reads no case page, only a referred case's disciplinary bundle (the timeline).
            if result.exitCode == 77 {
                return html(403, "Not permitted", user: user, [.el("p", [], "You may not read this case page.")] + problems(json, result) + [
                    .el("p", [], [.text("Hearing a disciplinary referral for HR? The disciplinary bundle: ")] + timelineLinks(reference))
                ])
            }
            return failure(result, json: json, user: user)
        }
        let ref = percent(reference)
        var content: [Node] = [
            .el("p", [], [.text("Timeline: ")] + timelineLinks(reference) + [.text(" · "), .el("a", [("href", "/cases/\(ref)/bundle")], "Police bundle")]),
            .el("h2", [], "Steps you may take"),
        ]
        let allowed = state["allowed"] as? [[String: Any]] ?? []
        var seen = Set<String>()
        var buttons: [Node] = []
        var perEntry: [Node] = []
        for step in allowed {
            guard let name = step["step"] as? String, let command = door.commands[name], seen.insert(name).inserted else { continue }
            let link = "/step?command=\(percent(name))&case=\(ref)"
            let subjects = (step["subjects"] as? [String]) ?? []
            // A step on one entry (withdraw E1, N2…): a link for each, its form prefilled.
            if command.positionals.count >= 2, !subjects.isEmpty {
                let field = command.positionals[1].name
                perEntry.append(.el("li", [], [.text(name + ": ")] + subjects.enumerated().flatMap { index, subject -> [Node] in
                    (index == 0 ? [] : [.text(" ")]) + [.el("a", [("class", "button"), ("href", "\(link)&\(percent(field))=\(percent(subject))")], "\(name) \(subject)")]
                }))
                continue
            }
            buttons.append(.el("li", [], [.el("a", [("class", "button"), ("href", link)], name)]))
        }
        // Assigning an owner is not a workflow step (checked by role and scope when posted).
        if door.commands["assign"] != nil, !seen.contains("assign") {
            buttons.append(.el("li", [], [.el("a", [("class", "button"), ("href", "/step?command=assign&case=\(ref)")], "assign")]))
        }
        content.append(buttons.isEmpty ? .el("p", [], "None now.") : .el("ul", [("class", "steps")], buttons))
        if !perEntry.isEmpty {
            content.append(.el("h3", [], "Withdraw or correct an entry"))
            content.append(.el("ul", [("class", "entries")], perEntry))
        }
        content.append(.el("h2", [], "Evidence"))
        content.append(evidenceList(reference, state["evidence"] as? [[String: Any]] ?? []))
        let blocked = state["blocked"] as? [[String: Any]] ?? []
        if !blocked.isEmpty {
            // Steps blocked for the same reasons are listed together (a closed case blocks
            // most steps for one reason), each reason with its rule and clause.
            var groups: [(steps: [String], reasons: [Node])] = []
            for step in blocked {
                let reasons = (step["because"] as? [[String: Any]] ?? []).map { refusal($0, case: reference) }
                let key = Node.fragment(reasons)
                if let index = groups.firstIndex(where: { Node.fragment($0.reasons) == key }) {
                    if !groups[index].steps.contains(string(step["step"])) { groups[index].steps.append(string(step["step"])) }
                } else {
                    groups.append(([string(step["step"])], reasons))
                }
            }
            content.append(.el("h2", [], "Steps blocked now"))
            content.append(.el("ul", [("class", "blocked")], groups.map { group in
                .el("li", [], [.el("strong", [], group.steps.joined(separator: ", "))] + [.el("ul", [], group.reasons)])
            }))
        }
        content.append(.el("h2", [], "The case"))
        let shown = state.filter { !["allowed", "blocked", "othersMay", "evidence"].contains($0.key) }
        content.append(value(shown))
        return html(200, "Case \(reference)", user: user, content)
    }

    /// The timeline's formats, each a download (`timeline CASE --format F`).
    static let timelineFormats: [(format: String, label: String, type: String, suffix: String)] = [
        ("html", "HTML", "text/html; charset=utf-8", "html"), ("text", "text", "text/plain; charset=utf-8", "txt"),
        ("md", "Markdown", "text/markdown; charset=utf-8", "md"), ("json", "JSON", "application/json", "json"),
        ("csv", "CSV", "text/csv; charset=utf-8", "csv"),
    ]

    func timelineLinks(_ reference: String) -> [Node] {
        WebApp.timelineFormats.enumerated().flatMap { index, format -> [Node] in
            (index == 0 ? [] : [.text(" · ")]) + [.el("a", [("href", "/cases/\(percent(reference))/timeline?format=\(format.format)")], format.label)]
        }
    }

    func timeline(_ reference: String, format: String, user: String) -> WebResponse {
        guard let known = WebApp.timelineFormats.first(where: { $0.format == format }) else { return notFound(user: user) }
        let name = "\(WebApp.safeReference(reference))-timeline.\(known.suffix)"
        let (result, json) = run(["timeline", reference, "--format", format, "--out", name], user: user)
        guard result.exitCode == 0, let file = result.files.first else { return failure(result, json: json, user: user) }
        // A timeline in HTML is the command's own document: served as a download, never inline.
        return download(file.bytes, name: name, type: known.type)
    }

    /// A download: never shown inline, under a name made here.
    func download(_ bytes: Data, name: String, type: String) -> WebResponse {
        WebResponse(
            status: 200, headers: WebApp.securityHeaders + [("Content-Type", type), ("Content-Disposition", "attachment; filename=\"\(name)\"")],
            body: bytes)
    }

    /// A case reference reduced to letters, digits and '-', for a file name.
    static func safeReference(_ reference: String) -> String {
        let kept = String(reference.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }.prefix(40))
        return kept.isEmpty ? "case" : kept
    }

    // MARK: Forms

    /// A step's form, generated from its command's declaration.
    func form(_ command: WebCommand, user: String, values: [String: String], problems: [Node], status: Int = 200) -> WebResponse {
        let hasFile = (command.positionals + command.options).contains { $0.kind == .file }
        var fields: [Node] = [
            .el("input", [("type", "hidden"), ("name", "_command"), ("value", command.name)]),
            .el("input", [("type", "hidden"), ("name", "_csrf"), ("value", token(user: user, form: command.name))]),
        ]
        for field in command.positionals { fields.append(input(field, key: "p.\(field.name)", value: values["p.\(field.name)"])) }
        for field in command.options where field.name != "at" { fields.append(input(field, key: "o.\(field.name)", value: values["o.\(field.name)"])) }
        fields.append(.el("button", [("type", "submit")], command.name))
        let attributes: [(String, String)] =
            [("method", "post"), ("action", "/step")] + (hasFile ? [("enctype", "multipart/form-data")] : [])
        return html(status, command.name.prefix(1).uppercased() + command.name.dropFirst(), user: user,
            [.el("p", [], command.summary)] + problems + [.el("form", attributes, fields)])
    }

    /// One field's element, by its kind: text → input, long text → textarea, choice → select,
    /// marks → radio buttons in a fieldset, flag → checkbox, file → file input, time → datetime-local.
    func input(_ field: WebField, key: String, value: String?) -> Node {
        let id = "f-" + key.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        let label = field.name.replacingOccurrences(of: "-", with: " ") + (field.isRequired ? " (required)" : "")
        let help: Node = .el("span", [("class", "help"), ("id", id + "-help")], field.help)
        var attributes: [(String, String)] = [("id", id), ("name", key), ("aria-describedby", id + "-help")]
        let required: [(String, String)] = field.isRequired ? [("required", "required")] : []
        switch field.kind {
        case .flag:
            attributes += [("type", "checkbox"), ("value", "on")]
            return .el("div", [("class", "field")], [.el("input", attributes), .el("label", [("for", id)], label), help])
        case .marks(let marks):
            var nodes: [Node] = [.el("legend", [], label), help]
            for (index, mark) in marks.enumerated() {
                let markID = "\(id)-\(index + 1)"
                var radio: [(String, String)] = [("type", "radio"), ("id", markID), ("name", key), ("value", mark)]
                if value == mark { radio.append(("checked", "checked")) }
                if index == 0 { radio += required + [("aria-describedby", id + "-help")] }
                nodes.append(.el("div", [], [.el("input", radio), .el("label", [("for", markID)], mark)]))
            }
            return .el("fieldset", [("class", "field")], nodes)
        case .choice(let choices):
            var options: [Node] = field.isRequired ? [] : [.el("option", [("value", "")], "")]
            for choice in choices {
                options.append(.el("option", [("value", choice)] + (value == choice ? [("selected", "selected")] : []), choice))
            }
            return .el("div", [("class", "field")], [.el("label", [("for", id)], label), help, .el("select", attributes + required, options)])
        case .longText:
            return .el("div", [("class", "field")], [.el("label", [("for", id)], label), help, .el("textarea", attributes + required, value ?? "")])
        case .file:
            attributes += [("type", "file")] + (field.isRepeatable ? [("multiple", "multiple")] : [])
        case .time:
            attributes += [("type", "datetime-local"), ("value", value ?? "")]
        case .text:
            attributes += [("type", "text"), ("value", value ?? "")]
        }
        return .el("div", [("class", "field")], [.el("label", [("for", id)], label), help, .el("input", attributes + required)])
    }

    func post(_ request: WebRequest, user: String) -> WebResponse {
        // Same origin only: a browser says where a form came from, in Sec-Fetch-Site and in
        // Origin. Origin "null" is what a browser sends for its own same-origin form under
        // `Referrer-Policy: no-referrer` (Chromium does): it proves nothing either way, and
        // the token below, bound to the person and the form, decides.
        if let site = request.variables["HTTP_SEC_FETCH_SITE"], site != "same-origin", site != "none" {
            return html(403, "Refused", user: user, [.el("p", [], "A form from another site was refused; nothing was recorded.")])
        }
        if let origin = request.variables["HTTP_ORIGIN"], origin != "null" {
            let host = request.variables["HTTP_HOST"] ?? ""
            let ok = origin == "http://\(host)" || origin == "https://\(host)"
            guard ok else { return html(403, "Refused", user: user, [.el("p", [], "A form from another site was refused; nothing was recorded.")]) }
        }
        var fields: [(String, String)] = []
        var files: [FormPart] = []
        let contentType = request.variables["CONTENT_TYPE"] ?? ""
        if let boundary = Multipart.boundary(of: contentType) {
            do {
                for part in try Multipart.parse(request.body, boundary: boundary, maxFileBytes: WebApp.maxFileBytes) {
                    if part.filename != nil {
                        if !part.bytes.isEmpty { files.append(part) }
                    } else {
                        fields.append((part.name, String(decoding: part.bytes, as: UTF8.self)))
                    }
                }
            } catch {
                let status = if case .tooLarge = error { 413 } else { 400 }
                return html(status, "Refused", user: user, [.el("p", [("role", "alert")], "\(error). Nothing was recorded.")])
            }
        } else if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            fields = Multipart.urlEncoded(String(decoding: request.body, as: UTF8.self))
        } else {
            return html(400, "Refused", user: user, [.el("p", [], "This is not a form.")])
        }
        func field(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
        guard let name = field("_command"), let command = door.commands[name] else { return notFound(user: user) }
        guard let token = field("_csrf"), constantTimeEqual(token, self.token(user: user, form: name)) else {
            return html(403, "Refused", user: user, [.el("p", [], "This form has expired or did not come from Casebook; nothing was recorded. Open the form again.")])
        }
        // The argument list of the same command: options with their values attached, then
        // `--` and the positionals, so no typed value is ever read as an option.
        var arguments = name.split(separator: " ").map(String.init)
        var values: [String: String] = [:]
        var positionals: [String] = []
        for positional in command.positionals {
            let value = field("p.\(positional.name)") ?? ""
            values["p.\(positional.name)"] = value
            if !value.isEmpty { positionals.append(value) }
        }
        var inputs: [String: Data] = [:]
        for option in command.options where option.name != "at" {
            switch option.kind {
            case .flag: if field("o.\(option.name)") == "on" { arguments.append("--\(option.name)") }
            case .marks(let marks):
                // A mark is its own flag; only a declared one is ever passed on.
                let value = field("o.\(option.name)") ?? ""
                values["o.\(option.name)"] = value
                if marks.contains(value) { arguments.append("--\(value)") }
            case .text, .longText, .choice, .time:
                let value = field("o.\(option.name)") ?? ""
                values["o.\(option.name)"] = value
                if !value.isEmpty { arguments.append("--\(option.name)=\(value)") }
            case .file:
                for (index, file) in files.enumerated() where file.name == "o.\(option.name)" {
                    // A key in the request's files, never a path on this machine.
                    let key = "upload-\(index + 1)/" + WebApp.safeName(file.filename ?? "")
                    inputs[key] = file.bytes
                    arguments.append("--\(option.name)=\(key)")
                }
            }
        }
        arguments += ["--"] + positionals
        let (result, json) = run(arguments, user: user, inputs: inputs)
        switch result.exitCode {
        case 0:
            let object = json as? [String: Any]
            let reference = (object?["case"] as? String) ?? values["p.case"]
            let location = reference.map { "/cases/\(percent($0))" } ?? "/"
            return WebResponse(status: 303, headers: WebApp.securityHeaders + [("Location", location), ("Content-Type", "text/plain")], body: Data())
        case 66: return notFound(user: user)
        case 77: return html(403, "Not permitted", user: user, [.el("p", [], "You may not do this.")] + problems(json, result))
        default:
            let status = result.exitCode == 1 ? 422 : 400
            return form(command, user: user, values: values, problems: problems(json, result, case: values["p.case"]), status: status)
        }
    }

    /// A file name reduced to letters, digits, '.', '-' and '_' (at most 100), never empty.
    public static func safeName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var kept = String(last.unicodeScalars.filter { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "." || $0 == "-" || $0 == "_" }.prefix(100))
        while kept.hasPrefix(".") { kept.removeFirst() }
        return kept.isEmpty ? "upload" : kept
    }

    // MARK: CSRF

    /// HMAC-SHA256(key, user NUL form), hex: bound to the person and the form.
    func token(user: String, form: String) -> String {
        let message = Array(user.utf8) + [0] + Array(form.utf8)
        return WebApp.hmac(key: key, message: message).map { String(format: "%02x", $0) }.joined()
    }

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = SHA256.hash(block.map { $0 ^ 0x36 } + message)
        return SHA256.hash(block.map { $0 ^ 0x5c } + inner)
    }

    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    // MARK: Rendering

    func problems(_ json: Any?, _ result: WebRun, case reference: String? = nil) -> [Node] {
        let error = (json as? [String: Any])?["error"] as? [String: Any]
        let message = (error?["message"] as? String) ?? result.stderr
        let refusals = error?["refusals"] as? [[String: Any]] ?? []
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        // With the refusals listed below, only the message's first line ("the step is not
        // allowed now (1 rule blocks it):"); the rest repeats them in the command line's words.
        if !refusals.isEmpty, let line = text.split(separator: "\n").first { text = String(line) }
        if text.hasPrefix("error: ") { text = String(text.dropFirst("error: ".count)) }
        var nodes: [Node] = [.el("div", [("class", "problem"), ("role", "alert")], [.el("p", [], text)])]
        if !refusals.isEmpty { nodes.append(.el("ul", [("class", "refusals")], refusals.map { refusal($0, case: reference) })) }
        return nodes
    }

    /// A refusal: its reason, rule and clause, and what unblocks it — each step that would as a
    /// link to its form (never the command line's words), else the library's words for waiting
    /// or for nothing to do.
    func refusal(_ refusal: [String: Any], case reference: String? = nil) -> Node {
        let steps = (refusal["steps"] as? [[String: Any]] ?? []).compactMap { step -> Node? in
            guard let command = step["command"] as? String, !command.isEmpty else { return nil }
            let subject = (step["subject"] as? String).map { " \($0)" } ?? ""
            let choice = (step["choice"] as? String).map { " (\($0))" } ?? ""
            let target = "/step?command=\(percent(command))" + (reference.map { "&case=\(percent($0))" } ?? "")
            return .el("a", [("href", target)], command + subject + choice)
        }
        var next: [Node] = []
        if !steps.isEmpty {
            next = [.el("br"), .text("Next: ")]
            for (index, link) in steps.enumerated() { next += (index == 0 ? [] : [.text(" or ")]) + [link] }
        } else if case let unblock = string(refusal["unblock"]), !unblock.isEmpty, !unblock.hasPrefix("casebook ") {
            next = [.el("br"), .text("Next: \(unblock)")]
        }
        return .el("li", [], [
            .text(string(refusal["reason"])), .text(" "),
            .el("span", [("class", "rule")], "(\(string(refusal["rule"])), \(string(refusal["clause"])))"),
        ] + next)
    }

    func string(_ value: Any?) -> String {
        switch value {
        case let text as String: return text
        case let number as NSNumber:
            // JSON's true and false (an NSNumber of a Bool, "c", as JSONSerialization makes them).
            if String(cString: number.objCType) == "c" { return number.boolValue ? "yes" : "no" }
            return number.stringValue
        case nil, is NSNull: return ""
        default: return "\(value ?? "")"
        }
    }

    /// Any JSON value as HTML: objects as definition lists, lists of objects as tables.
    func value(_ value: Any?) -> Node {
        switch value {
        case let object as [String: Any]:
            let keys = object.keys.sorted()
            return .el("dl", [], keys.flatMap { key -> [Node] in [.el("dt", [], words(key)), .el("dd", [], [self.value(object[key])])] })
        case let rows as [[String: Any]] where !rows.isEmpty: return table(rows, linking: nil)
        case let items as [Any]:
            if items.isEmpty { return .text("none") }
            return .el("ul", [], items.map { .el("li", [], [self.value($0)]) })
        case nil, is NSNull: return .text("—")
        case let text as String:
            // A UTC instant of the JSON output, shown in local time (the server's TZ).
            if let local = WebApp.localTime(text) { return .el("time", [("datetime", text)], local) }
            return .text(text)
        default: return .text(string(value))
        }
    }

    /// The command line's zone (`LocalTime.fromTZ`): TZ, or Europe/London; its British names.
    static let zone: TimeZone = {
        let value = ProcessInfo.processInfo.environment["TZ"].flatMap { $0.isEmpty ? nil : $0 } ?? "Europe/London"
        let name = value.hasPrefix(":") ? String(value.dropFirst()) : value
        return TimeZone(identifier: name) ?? TimeZone(identifier: "Europe/London") ?? TimeZone.current
    }()
    static let zoneNames: (standard: String, daylight: String) = {
        let british = Locale(identifier: "en_GB")
        let fallback = zone.abbreviation() ?? zone.identifier
        return (zone.localizedName(for: .shortStandard, locale: british) ?? fallback, zone.localizedName(for: .shortDaylightSaving, locale: british) ?? fallback)
    }()

    /// "2026-12-07T22:22:09.980Z" → "2026-12-07 22:22 GMT" in the command line's zone; nil
    /// for anything that is not such an instant. By hand (timegm, gmtime_r): a formatter
    /// made for each cell of a long table costs more than the rest of the page.
    static func localTime(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == UInt8(ascii: "Z"), bytes[10] == UInt8(ascii: "T"),
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let utc = timegm(&parts)
        let date = Date(timeIntervalSince1970: TimeInterval(utc))
        var local = utc + time_t(zone.secondsFromGMT(for: date))
        var shown = tm()
        guard gmtime_r(&local, &shown) != nil else { return nil }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(shown.tm_year + 1900)-\(two(shown.tm_mon + 1))-\(two(shown.tm_mday)) \(two(shown.tm_hour)):\(two(shown.tm_min)) "
            + (zone.isDaylightSavingTime(for: date) ? zoneNames.daylight : zoneNames.standard)
    }

    func table(_ rows: [[String: Any]], linking key: String?) -> Node {
        var columns: [String] = []
        for row in rows { for name in row.keys.sorted() where !columns.contains(name) { columns.append(name) } }
        if let key, let index = columns.firstIndex(of: key) { columns.insert(columns.remove(at: index), at: 0) }
        return .el("div", [("class", "scroll")], [.el("table", [], [
            .el("thead", [], [.el("tr", [], columns.map { .el("th", [("scope", "col")], words($0)) })]),
            .el("tbody", [], rows.map { row in
                .el("tr", [], columns.map { column in
                    if column == key, let reference = row[column] as? String {
                        return .el("td", [("data-label", words(column))], [.el("a", [("href", "/cases/\(percent(reference))")], reference)])
                    }
                    return .el("td", [("data-label", words(column))], [value(row[column])])
                })
            }),
        ])])
    }

    /// `nextAction` → `next action`.
    func words(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase { out += " " + character.lowercased() } else { out.append(character) }
        }
        return out
    }

    func percent(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    func html(_ status: Int, _ title: String, user: String, _ content: [Node]) -> WebResponse {
        let document = "<!DOCTYPE html>\n" + page(title: title, user: user, content).rendered
        return WebResponse(status: status, headers: WebApp.securityHeaders + [("Content-Type", "text/html; charset=utf-8")], body: Data(document.utf8))
    }

    static let css = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #111; background: #fff; line-height: 1.5; }
        header { background: #123; color: #fff; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem 1rem; }
        header p { margin: 0; }
        header a { color: #fff; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
        main { padding: 1rem; max-width: 80rem; }
        main > p, .field, dl { max-width: 60rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #888; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
        .field { margin: 0.75rem 0; }
        .field label { font-weight: bold; display: block; }
        .help { display: block; color: #333; font-size: 0.9rem; }
        textarea, input[type=text], input[type=search] { width: 100%; max-width: 40rem; box-sizing: border-box; font: inherit; }
        textarea { min-height: 6rem; }
        a.button, button { display: inline-block; padding: 0.4rem 0.8rem; background: #0b5; color: #000; border: 1px solid #063; text-decoration: none; font: inherit; }
        ul.steps { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
        .problem { border-left: 4px solid #b00; padding-left: 0.5rem; }
        .rule { color: #444; }
        dt { font-weight: bold; }
        dd { margin: 0 0 0.5rem 1rem; }
        main, dd, figcaption { overflow-wrap: anywhere; }
        th, td { overflow-wrap: normal; }
        select { font: inherit; }
        label.inline { display: inline; font-weight: normal; margin-left: 0.25rem; }
        form.filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; }
        form.filters .field { min-width: 12rem; }
        ul.evidence { padding-left: 1.25rem; }
        ul.entries a.button { margin: 0.2rem 0; }
        .thumbs { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0.25rem 0; }
        img.thumb { max-width: 10rem; max-height: 8rem; border: 1px solid #888; }
        img.full { max-width: 100%; height: auto; border: 1px solid #888; }
        figure { margin: 1rem 0; }
        .confidential { font-weight: bold; }
        ul.blocked > li { margin-bottom: 0.5rem; }
        @media (min-width: 40rem) {
          dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
          dt, dd { margin: 0; }
        }
        @media (max-width: 40rem) {
          main { padding: 0.5rem; }
          table, tbody, tr, td { display: block; }
          thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
          tr { border: 1px solid #888; margin-bottom: 0.5rem; }
          th, td { border: none; overflow-wrap: anywhere; }
          td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
          dd { margin-left: 0.5rem; }
        }
        @media print { header, form, ul.steps, ul.entries { display: none; } }
        """
}
