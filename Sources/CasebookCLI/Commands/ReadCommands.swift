import Casebook
import EventLog
import Foundation

/// `show`, `list`, `overdue`.
enum ReadCommands {
    static let show = Command(
        spec: CommandSpec(
            name: "show", summary: "Show a case: its state, tracks, deadlines, the steps allowed now and why the others are blocked.",
            positionals: [CaseCommands.casePositional],
            options: [Self.asOfOption],
            examples: ["casebook --as smt.jones show CB-2026-0001", "casebook --as smt.jones show CB-2026-0001 --as-of '2026-03-29 11:00'"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let recordAsOf = try invocation.time("as-of")
        let asOf = recordAsOf ?? invocation.clock()
        let state = try casebook.cases.show(try invocation.caseReference(), by: actor, asOf: recordAsOf)
        invocation.recordedRead = "your reading of \(state.reference)"
        let settings = try casebook.settings()
        let steps = Workflow.availability(of: state, now: asOf, settings: settings, for: actor)
        let repeats = try casebook.cases.casesWithSameSource(as: state, visibleTo: actor, asOf: recordAsOf)
        let overdue = Deadline.of(state, settings: settings).filter { $0.isOverdue(at: asOf) }
        let claimed = try casebook.identityMode() == .claimed
        var names: [String: String] = [:]
        for id in [state.opened.affected, state.opened.reportedBy, state.opened.reportedTo] + state.supportOffers.map(\.by) + [state.owner].compactMap({ $0 }) {
            if names[id.lowercased()] == nil, let member = try casebook.member(id) { names[id.lowercased()] = member.name }
        }
        var text = CaseText.render(
            state, steps: steps, overdue: overdue, repeats: repeats, localTime: invocation.localTime, names: names,
            exhibits: try casebook.reports.exhibitLabels(of: state.reference))
        if claimed, let firstLine = text.firstIndex(of: "\n") {
            text.insert(contentsOf: IdentityMode.claimedNotice + "\n", at: text.index(after: firstLine))
        }
        var json = JSONOutput.state(state).object ?? [:]
        json["identities"] = .string(claimed ? "claimed" : "verified")
        let reference = state.reference.description
        json["allowed"] = .array(
            steps.filter(\.isAllowed).map {
                ["step": .string(StepWords.command($0.step)), "id": .string($0.step.rawValue), "subjects": .array($0.subjects.map { .string($0) })]
            })
        // Allowed by the workflow to another role, naming who (SPEC §11).
        json["othersMay"] = .array(
            steps.filter { step in
                step.blockers.contains { $0.rule == Workflow.roleRule } && step.blockers.allSatisfy { $0.rule == Workflow.roleRule }
            }.map {
                [
                    "step": .string(StepWords.command($0.step)), "id": .string($0.step.rawValue),
                    "subjects": .array($0.subjects.map { .string($0) }),
                    "roles": .array(Workflow.roles(for: $0.step).map { .string($0.rawValue) }),
                ]
            })
        json["blocked"] = .array(
            steps.filter { !$0.isAllowed }.map {
                [
                    "step": .string(StepWords.command($0.step)), "id": .string($0.step.rawValue),
                    "because": .array($0.blockers.map { JSONOutput.refusal($0, case: reference, localTime: invocation.localTime) }),
                ]
            })
        json["overdue"] = .array(overdue.map(JSONOutput.deadline))
        // The team (SPEC §11): the concern's triage and the owner; then each track's own fields.
        switch state.triage {
        case .declined(let decline)?: json["concern"] = ["status": "declined", "reason": .string(decline.reason)]
        case let triage?: json["concern"] = ["status": .string(triage.status)]
        case nil: json["concern"] = .null
        }
        json["owner"] = JSONValue(state.owner)
        for track in Commands.tracks { json.merge(track.showJSON(state)) { _, track in track } }
        json["repeatSourceCases"] = .array(repeats.map { .string($0.description) })
        json["supportOffers"] = .array(
            state.supportOffers.map {
                ["services": .array($0.services.map(JSONValue.string)), "at": JSONOutput.time($0.at), "by": .string($0.by)]
            })
        json["notes"] = .array(state.liveNotes.map { ["id": .string($0.id), "text": .string($0.text)] })
        json["removal"] = state.removal.jsonValue
        return Output(text: text, json: .object(json))
    }

    static let list = Command(
        spec: CommandSpec(
            name: "list", summary: "List cases, newest first.",
            options: [
                OptionSpec(name: "open", help: "Only open cases."), OptionSpec(name: "closed", help: "Only closed cases."),
                OptionSpec(name: "school", valueName: "name", help: "Only this school's cases (any case)."),
                OptionSpec(name: "affected", valueName: "staff-id", help: "Only the cases affecting this member of staff."),
                OptionSpec(name: "mine", help: "Only the cases you opened or took a step on."),
                OptionSpec(name: "search", valueName: "text", help: "Reference, summary, evidence URLs, hosts or source handle containing the text (any case)."),
            ] + Self.limitOptions + [Self.asOfOption],
            examples: [
                "casebook --as smt.jones list --open", "casebook --as smt.jones list --search hf_truthteller",
                "casebook --as smt.jones list --mine --all",
            ])
    ) { invocation in
        let open = invocation.arguments.flag("open")
        let closed = invocation.arguments.flag("closed")
        if open && closed { throw CommandError.usage("give --open or --closed, not both") }
        let limit = try Self.limit(invocation)
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let filter = CaseWork.CaseFilter(
            status: open ? .open : closed ? .closed : nil, school: invocation.optional("school"),
            affected: invocation.optional("affected"), actedOnBy: invocation.arguments.flag("mine") ? actor.id : nil,
            search: invocation.optional("search"))
        let (cases, total) = try casebook.withRecord(asOf: try invocation.time("as-of")) {
            (try casebook.cases.list(filter, limit: limit, by: actor), try casebook.cases.countCases(filter, by: actor))
        }
        var table = Table(header: ["CASE", "STATUS", "SCHOOL", "AFFECTED", "OPENED", "INVESTIGATION", "CATEGORIES"])
        table.rows = cases.map {
            [
                $0.reference.description + ($0.isUrgent ? " !" : ""), $0.status.rawValue, $0.school,
                Self.named($0.affected, $0.affectedName), invocation.show($0.openedAt), StepWords.investigationWords($0.investigation),
                $0.categories.joined(separator: ","),
            ]
        }
        var text: String
        if cases.isEmpty {
            text = "No cases."
            if let school = filter.school, total == 0 {
                let schools = try casebook.cases.schools(by: actor)
                let near = schools.filter { $0.range(of: school.trimmingCharacters(in: .whitespaces), options: .caseInsensitive) != nil }
                if let guess = near.first ?? suggestion(for: school, among: schools) {
                    text = "No cases for the school '\(school)'. Did you mean '\(guess)'?"
                }
            }
        } else {
            text = table.rendered + "\n" + Self.countLine(shown: cases.count, total: total, noun: "case") + " (! = urgent)."
        }
        return Output(
            text: text,
            json: .array(
                cases.map {
                    [
                        "reference": .string($0.reference.description), "status": .string($0.status.rawValue),
                        "school": .string($0.school), "affected": .string($0.affected), "affectedName": JSONValue($0.affectedName),
                        "urgent": .bool($0.isUrgent),
                        "openedAt": JSONOutput.time($0.openedAt), "closedAt": JSONOutput.time($0.closedAt),
                        "investigation": .string($0.investigation), "categories": .array($0.categories.map { .string($0) }),
                    ]
                }))
    }

    static let overdue = Command(
        spec: CommandSpec(
            name: "overdue",
            summary: "What is past due on open cases, the latest first, each with its next action (SPEC §6).",
            options: Self.limitOptions + [
                Self.asOfOption,
                OptionSpec(name: "format", valueName: "format", help: "text (default), or ics: every open deadline as a calendar (RFC 5545)."),
                OptionSpec(name: "for", valueName: "id", help: "With ics: another member's deadlines (headteacher, safeguarding lead)."),
                OptionSpec(name: "out", valueName: "file", help: "With ics: write the calendar to a new file.", file: .output),
                ReminderCommands.replaceOption,
            ],
            examples: [
                "casebook --as dsl.khan overdue", "casebook --as dsl.khan overdue --as-of '2026-03-29 11:00'",
                "casebook --as smt.jones overdue --format ics --out deadlines.ics",
                "casebook --as smt.jones overdue --format ics --out deadlines.ics --replace",
            ])
    ) { invocation in
        switch invocation.optional("format") {
        case "ics"?:
            if invocation.optional("as-of") != nil { throw CommandError.usage("--as-of does not apply to --format ics: the calendar holds every open deadline") }
            if invocation.optional("limit") != nil || invocation.arguments.flag("all") {
                throw CommandError.usage("--limit and --all do not apply to --format ics: the calendar holds every open deadline")
            }
            try ReminderCommands.checkReplace(invocation)
            return try ReminderCommands.calendar(invocation)
        case nil, "text"?:
            if invocation.optional("for") != nil || invocation.optional("out") != nil || invocation.arguments.flag("replace") {
                throw CommandError.usage("--for, --out and --replace go with --format ics")
            }
        case let other?: throw CommandError.usage("--format must be text or ics, not '\(other)'")
        }
        let recordAsOf = try invocation.time("as-of")
        let asOf = recordAsOf ?? invocation.clock()
        let limit = try Self.limit(invocation)
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let (items, total) = try casebook.withRecord(asOf: recordAsOf) {
            (try casebook.cases.overdue(asOf: asOf, limit: limit, by: actor), try casebook.cases.countOverdue(asOf: asOf, by: actor))
        }
        var table = Table(header: ["CASE", "WHAT", "DUE", "LATE", "NEXT ACTION"])
        table.rows = items.map {
            [
                $0.deadline.reference.description, StepWords.what($0.deadline),
                invocation.localTime.format($0.deadline.due), Self.duration($0.lateness),
                ($0.deadline.step.steps.first.map { "for \(StepWords.who($0)): " } ?? "") + $0.deadline.nextAction + ": "
                    + StepWords.render($0.deadline.step, case: $0.deadline.reference.description, localTime: invocation.localTime),
            ]
        }
        let text = items.isEmpty
            ? "Nothing is overdue as of \(invocation.localTime.format(asOf))."
            : table.rendered + "\n" + (items.count == total ? "\(total) overdue" : Self.countLine(shown: items.count, total: total, noun: "overdue item"))
                + " as of \(invocation.localTime.format(asOf))."
        return Output(
            text: text,
            json: [
                "asOf": JSONOutput.time(asOf),
                "items": .array(items.map {
                    var value = JSONOutput.deadline($0.deadline).object ?? [:]
                    value["lateSeconds"] = .int(Int($0.lateness))
                    value["school"] = .string($0.school)
                    value["who"] = .array(($0.deadline.step.steps.first.map(Workflow.roles(for:)) ?? []).map { .string($0.rawValue) })
                    return .object(value)
                }),
            ])
    }

    /// `--all` and `--limit N`: lists show the newest 50 rows unless told otherwise.
    static let limitOptions = [
        OptionSpec(name: "all", help: "Every row (default: the newest \(defaultLimit))."),
        OptionSpec(name: "limit", valueName: "n", help: "The newest N rows (default \(defaultLimit))."),
    ]

    /// `Tess Pennington (t.pennington)`, or the bare id.
    static func named(_ id: String, _ name: String?) -> String { name.map { "\($0) (\(id))" } ?? id }

    /// How many rows a person can read at once.
    static let defaultLimit = 50

    /// The row limit asked for; nil for `--all`.
    static func limit(_ invocation: Invocation) throws -> Int? {
        let all = invocation.arguments.flag("all")
        guard let text = invocation.optional("limit") else { return all ? nil : defaultLimit }
        if all { throw CommandError.usage("give --all or --limit, not both") }
        guard let limit = Int(text), limit >= 1 else { throw CasebookError.invalidInput("--limit must be a whole number from 1") }
        return limit
    }

    /// `3 cases`, or `Showing the newest 50 of 1234 cases; 1184 more: --all or --limit N`.
    static func countLine(shown: Int, total: Int, noun: String) -> String {
        guard shown < total else { return "\(total) \(noun)\(total == 1 ? "" : "s")" }
        return "Showing the newest \(shown) of \(total) \(noun)s; \(total - shown) more: --all or --limit N"
    }

    /// `--as-of`, the same for every read.
    static let asOfOption = OptionSpec(
        name: "as-of", valueName: "time",
        help: "The record as it stood then: only what had happened and been recorded by then; deadlines evaluated then.")

    /// `2d 3h`, `5h 12m`, `40m`, `12s`.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds)
        let days = total / 86_400, hours = total % 86_400 / 3600, minutes = total % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(total)s"
    }
}
