import EventLog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Step forms, their posts and the CSRF token that binds each to the person and the form.
extension WebApp {
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
}
