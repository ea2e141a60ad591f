import EventLog
import Foundation

/// The list's filters as a GET form: the options of `list`, nothing more.
struct ListFilter {
    var status = ""
    var school = ""
    var affected = ""
    var mine = false
    var search = ""

    init(_ query: [(String, String)]) {
        func param(_ name: String) -> String { query.first { $0.0 == name }?.1 ?? "" }
        status = ["open", "closed"].contains(param("status")) ? param("status") : ""
        school = param("school")
        affected = param("affected")
        mine = param("mine") == "on"
        search = param("q")
    }

    /// `list`'s options, each value attached so nothing typed is read as an option.
    var arguments: [String] {
        var arguments: [String] = []
        if !status.isEmpty { arguments.append("--\(status)") }
        if !school.isEmpty { arguments.append("--school=\(school)") }
        if !affected.isEmpty { arguments.append("--affected=\(affected)") }
        if mine { arguments.append("--mine") }
        if !search.isEmpty { arguments.append("--search=\(search)") }
        return arguments
    }
}

extension WebApp {
    // MARK: The case list

    func list(user: String, filter: ListFilter) -> WebResponse {
        let (result, json) = run(["list"] + filter.arguments, user: user)
        guard result.exitCode == 0, let rows = json as? [[String: Any]] else { return failure(result, json: json, user: user) }
        func text(_ id: String, _ name: String, _ label: String, _ value: String, type: String = "text") -> Node {
            .el("div", [("class", "field")], [
                .el("label", [("for", id)], label), .el("input", [("id", id), ("name", name), ("type", type), ("value", value)]),
            ])
        }
        let statuses = [("", "Any"), ("open", "Open"), ("closed", "Closed")]
        let form: Node = .el("form", [("method", "get"), ("action", "/cases"), ("role", "search"), ("class", "filters")], [
            text("q", "q", "Search (reference, summary, URL, host, source)", filter.search, type: "search"),
            .el("div", [("class", "field")], [
                .el("label", [("for", "status")], "Status"),
                .el("select", [("id", "status"), ("name", "status")], statuses.map { value, label in
                    .el("option", [("value", value)] + (filter.status == value ? [("selected", "selected")] : []), label)
                }),
            ]),
            text("school", "school", "School", filter.school),
            text("affected", "affected", "Affecting (staff id)", filter.affected),
            .el("div", [("class", "field")], [
                .el("input", [("id", "mine"), ("name", "mine"), ("type", "checkbox"), ("value", "on")] + (filter.mine ? [("checked", "checked")] : [])),
                .el("label", [("for", "mine"), ("class", "inline")], "Only cases I opened or acted on"),
            ]),
            .el("button", [("type", "submit")], "Show cases"),
        ])
        return html(200, "Cases", user: user, [
            form, .el("p", [], [.el("a", [("href", "/overdue")], "What is overdue")]),
            rows.isEmpty ? .el("p", [], "No cases.") : table(rows, linking: "reference"),
        ])
    }

    func overdue(user: String) -> WebResponse {
        let (result, json) = run(["overdue"], user: user)
        guard result.exitCode == 0, let object = json as? [String: Any] else { return failure(result, json: json, user: user) }
        let items = object["items"] as? [[String: Any]] ?? []
        return html(200, "Overdue", user: user, [items.isEmpty ? .el("p", [], "Nothing is overdue.") : table(items, linking: "case")])
    }

    /// A teacher's own reports (`concern mine`): their status only.
    func mine(user: String) -> WebResponse {
        let (result, json) = run(["concern", "mine"], user: user)
        guard result.exitCode == 0, let rows = json as? [[String: Any]] else { return failure(result, json: json, user: user) }
        return html(200, "My reports", user: user, [
            .el("p", [], [.el("a", [("href", "/step?command=concern+report")], "Report a concern")]),
            // Not links: a reporter sees the status of their reports, not the case.
            rows.isEmpty ? .el("p", [], "You have reported no concerns.") : table(rows, linking: nil),
        ])
    }

    // MARK: Forms prefilled from the address

    /// A form's values from the query: `case=CB-…&item=E1` fills the positionals and
    /// options of those names (the step's own declaration says which exist).
    func prefill(_ command: WebCommand, _ query: [(String, String)]) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in query {
            if command.positionals.contains(where: { $0.name == name }) { values["p.\(name)"] = value }
            else if command.options.contains(where: { $0.name == name && $0.kind == .text }) { values["o.\(name)"] = value }
        }
        return values
    }

    // MARK: HR

    /// `outcomes` for a period and, with a staff id, for one member: a table, each row's
    /// case linking to its disciplinary bundle where it has a disciplinary referral.
    func outcomes(_ query: [(String, String)], user: String) -> WebResponse {
        func param(_ name: String) -> String { query.first { $0.0 == name }?.1 ?? "" }
        let since = param("since")
        let until = param("until")
        let staff = param("staff")
        func field(_ name: String, _ label: String, _ value: String, _ help: String) -> Node {
            .el("div", [("class", "field")], [
                .el("label", [("for", name)], label), .el("span", [("class", "help"), ("id", name + "-help")], help),
                .el("input", [("id", name), ("name", name), ("type", "text"), ("value", value), ("aria-describedby", name + "-help")]),
            ])
        }
        let form: Node = .el("form", [("method", "get"), ("action", "/outcomes"), ("class", "filters")], [
            field("since", "Closed on or after", since, "A local date, e.g. 2026-09-01."),
            field("until", "Closed before", until, "A local date, e.g. 2027-09-01."),
            field("staff", "Member of staff", staff, "Only the cases where this member is the source or referred for discipline."),
            .el("button", [("type", "submit")], "Show outcomes"),
        ])
        var arguments = ["outcomes"]
        if !since.isEmpty { arguments.append("--since=\(since)") }
        if !until.isEmpty { arguments.append("--until=\(until)") }
        if !staff.isEmpty { arguments.append("--staff=\(staff)") }
        let (result, json) = run(arguments, user: user)
        guard result.exitCode == 0, let report = json as? [String: Any] else {
            if result.exitCode == 64 || result.exitCode == 65 { return html(400, "Outcomes", user: user, [form] + problems(json, result)) }
            return failure(result, json: json, user: user)
        }
        let cases = report["cases"] as? [[String: Any]] ?? []
        let columns = ["reference", "school", "openedAt", "closedAt", "categories", "finding", "outcome", "action", "referrals", "police", "material", "hoursVisible"]
        let rows: Node = .el("div", [("class", "scroll")], [.el("table", [("class", "stack")], [
            .el("thead", [], [.el("tr", [], columns.map { .el("th", [("scope", "col")], words($0)) } + [.el("th", [("scope", "col")], "bundle")])]),
            .el("tbody", [], cases.map { row in
                let reference = string(row["reference"])
                let referrals = row["referrals"] as? [String] ?? []
                let bundle: Node = referrals.contains("disciplinary")
                    ? .el("a", [("href", "/cases/\(percent(reference))/timeline?format=html")], "Disciplinary bundle")
                    : .text("—")
                return .el("tr", [], columns.map { column in .el("td", [("data-label", words(column))], [value(row[column])]) }
                    + [.el("td", [("data-label", "bundle")], [bundle])])
            }),
        ])])
        let summary = (report["summary"] as? [String: Any])?["text"] as? String ?? ""
        return html(200, "Outcomes", user: user, [
            form, .el("p", [("class", "confidential")], string(report["confidentiality"])), .el("p", [], summary),
            cases.isEmpty ? .el("p", [], "No case closed in this period.") : rows,
        ])
    }

    // MARK: The police bundle

    /// `timeline CASE --bundle DIR --recipient R [--omit …]`: the folder as one ustar archive.
    /// Without a recipient, the form asking for one.
    func bundle(_ reference: String, recipient: String?, omit: String, user: String) -> WebResponse {
        let folder = "\(WebApp.safeReference(reference))-police-bundle"
        let form: Node = .el("form", [("method", "get"), ("action", "/cases/\(percent(reference))/bundle")], [
            .el("div", [("class", "field")], [
                .el("label", [("for", "recipient")], "Recipient (required)"),
                .el("span", [("class", "help"), ("id", "recipient-help")], "Who the bundle is for, e.g. DC Rao, Northshire Police."),
                .el("input", [("id", "recipient"), ("name", "recipient"), ("type", "text"), ("required", "required"), ("value", recipient ?? ""), ("aria-describedby", "recipient-help")]),
            ]),
            .el("div", [("class", "field")], [
                .el("label", [("for", "omit")], "Leave out"),
                .el("span", [("class", "help"), ("id", "omit-help")], "Entries to leave out, e.g. E3,N2 (listed as left out)."),
                .el("input", [("id", "omit"), ("name", "omit"), ("type", "text"), ("value", omit), ("aria-describedby", "omit-help")]),
            ]),
            .el("button", [("type", "submit")], "Download the bundle (.tar)"),
        ])
        guard let recipient, !recipient.isEmpty else {
            return html(200, "Police bundle of \(reference)", user: user, [
                .el("p", [], "The chronology for print, the JSON export, every exhibit's files by label and SHA256SUMS, as one tar archive (open it with any archive tool, or tar -xf). The export is recorded in the audit trail."),
                form,
            ])
        }
        var arguments = ["timeline", reference, "--bundle", folder, "--recipient=\(recipient)"]
        if !omit.isEmpty { arguments.append("--omit=\(omit)") }
        let (result, json) = run(arguments, user: user)
        guard result.exitCode == 0 else {
            if result.exitCode == 64 || result.exitCode == 65 { return html(400, "Police bundle of \(reference)", user: user, problems(json, result) + [form]) }
            return failure(result, json: json, user: user)
        }
        let prefix = folder + "/"
        let files = result.files.map { file in (path: file.path.hasPrefix(prefix) ? String(file.path.dropFirst(prefix.count)) : file.path, bytes: file.bytes) }
        do {
            let archive = try Tar.archive(files, folder: folder, modified: Date())
            return download(archive, name: folder + ".tar", type: "application/x-tar")
        } catch {
            return html(500, "Something went wrong", user: user, [.el("p", [("role", "alert")], "\(error)")])
        }
    }

    // MARK: Evidence

    static let inlineTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    func evidencePath(_ reference: String, _ item: String, _ sha256: String) -> String {
        "/cases/\(percent(reference))/evidence/\(percent(item))/\(percent(sha256))"
    }

    /// The case page's evidence: each item with its thumbnails (images only) and a link to its view.
    func evidenceList(_ reference: String, _ items: [[String: Any]]) -> Node {
        guard !items.isEmpty else { return .el("p", [], "No evidence yet.") }
        return .el("ul", [("class", "evidence")], items.map { item in
            let id = string(item["id"])
            var children: [Node] = [
                .el("a", [("href", "/cases/\(percent(reference))/evidence/\(percent(id))")], id), .text(" "),
                .text([string(item["kind"]), string(item["platform"]), string(item["description"])].filter { !$0.isEmpty }.joined(separator: " · ")),
            ]
            if (item["childSexualImagery"] as? Bool) == true {
                children.append(.el("p", [("class", "help")], "Child sexual imagery: no files are kept or shown."))
            }
            let files = item["files"] as? [[String: Any]] ?? []
            let images = files.filter { WebApp.inlineTypes.contains(string($0["mediaType"])) }
            if !images.isEmpty {
                children.append(.el("div", [("class", "thumbs")], images.map { file in
                    .el("a", [("href", "/cases/\(percent(reference))/evidence/\(percent(id))")], [
                        .el("img", [("class", "thumb"), ("src", evidencePath(reference, id, string(file["sha256"]))), ("alt", "\(id): \(string(file["name"]))")])
                    ])
                }))
            }
            let others = files.count - images.count
            if others > 0 { children.append(.el("p", [("class", "help")], "\(others) other file\(others == 1 ? "" : "s"): see \(id).")) }
            return .el("li", [], children)
        })
    }

    /// One evidence item: its facts (`evidence list`) and its files, images shown, all downloadable.
    func evidence(_ reference: String, item: String, user: String) -> WebResponse {
        let (result, json) = run(["evidence", "list", reference], user: user)
        guard result.exitCode == 0, let items = json as? [[String: Any]] else { return failure(result, json: json, user: user) }
        guard let found = items.first(where: { string($0["id"]) == item }) else { return notFound(user: user) }
        var content: [Node] = [.el("p", [], [.el("a", [("href", "/cases/\(percent(reference))")], "Back to \(reference)")])]
        let files = found["files"] as? [[String: Any]] ?? []
        content.append(.el("h2", [], "Files"))
        if (found["childSexualImagery"] as? Bool) == true {
            content.append(.el("p", [], "Child sexual imagery: no files are kept or shown (SPEC §9)."))
        } else if files.isEmpty {
            content.append(.el("p", [], "No files."))
        }
        for file in files {
            let sha = string(file["sha256"])
            let path = evidencePath(reference, item, sha)
            let caption: Node = .el("figcaption", [], [
                .text("\(string(file["name"])) · \(string(file["size"])) bytes · SHA-256 \(sha) · "),
                .el("a", [("href", path + "?download=1")], "Download"),
            ])
            if WebApp.inlineTypes.contains(string(file["mediaType"])) {
                content.append(.el("figure", [], [.el("img", [("class", "full"), ("src", path), ("alt", "\(item): \(string(file["name"]))")]), caption]))
            } else {
                content.append(.el("figure", [], [caption]))
            }
        }
        content.append(.el("h2", [], "The item"))
        content.append(value(found.filter { !["files", "capture"].contains($0.key) }))
        return html(200, "Evidence \(item) of \(reference)", user: user, content)
    }

    /// One file of an evidence item, through `evidence get` (recorded exactly as from the
    /// command line, once per view). Shown inline only when its bytes are PNG, JPEG, GIF or
    /// WebP; anything else is a download under a name made here.
    func evidenceFile(_ reference: String, item: String, sha256: String, download asDownload: Bool, user: String) -> WebResponse {
        let folder = WebApp.safeName(item)
        let (result, json) = run(["evidence", "get", reference, item, "--out", folder], user: user)
        guard result.exitCode == 0 else { return failure(result, json: json, user: user) }
        let wanted = sha256.lowercased()
        guard let file = result.files.first(where: { WebApp.sha256Hex($0.bytes) == wanted }) else { return notFound(user: user) }
        let stored = file.path.split(separator: "/").last.map(String.init) ?? ""
        let stem = "\(WebApp.safeReference(reference))-\(WebApp.safeName(item))-\(wanted.prefix(12))"
        if !asDownload, let type = ImageSniff.mediaType(of: file.bytes) {
            let suffix = type.dropFirst("image/".count)
            return WebResponse(
                status: 200,
                headers: WebApp.securityHeaders + [("Content-Type", type), ("Content-Disposition", "inline; filename=\"\(stem).\(suffix)\"")],
                body: file.bytes)
        }
        // The extension kept only when it is short letters and digits.
        let ext = stored.split(separator: ".").count > 1 ? String(stored.split(separator: ".").last ?? "") : ""
        let safeExt = ext.count <= 8 && !ext.isEmpty && ext.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) } ? ext.lowercased() : "bin"
        return download(file.bytes, name: "\(stem).\(safeExt)", type: "application/octet-stream")
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The SHA-256 of `data`, in lowercase hex (as `evidence list` gives a file's).
    static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash([UInt8](data))) }
}
