import EventLog
import Foundation

/// The pages that read: runs, failures, tasks, the case page, timelines and downloads.
extension WebApp {
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
}
