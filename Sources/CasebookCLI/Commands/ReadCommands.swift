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
        let state = try casebook.show(try invocation.caseReference(), by: actor, asOf: recordAsOf)
        let steps = Workflow.availability(of: state, now: asOf, for: actor)
        let repeats = try casebook.casesWithSameSource(as: state, visibleTo: actor, asOf: recordAsOf)
        let overdue = Deadline.of(state).filter { $0.isOverdue(at: asOf) }
        let claimed = try casebook.identityMode() == .claimed
        var text = CaseText.render(state, steps: steps, overdue: overdue, repeats: repeats, localTime: invocation.localTime)
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
        json["blocked"] = .array(
            steps.filter { !$0.isAllowed }.map {
                [
                    "step": .string(StepWords.command($0.step)), "id": .string($0.step.rawValue),
                    "because": .array($0.blockers.map { JSONOutput.refusal($0, case: reference, localTime: invocation.localTime) }),
                ]
            })
        json["overdue"] = .array(overdue.map(JSONOutput.deadline))
        json["repeatSourceCases"] = .array(repeats.map { .string($0.description) })
        return Output(text: text, json: .object(json))
    }

    static let list = Command(
        spec: CommandSpec(
            name: "list", summary: "List cases, newest first.",
            options: [
                OptionSpec(name: "open", help: "Only open cases."), OptionSpec(name: "closed", help: "Only closed cases."),
                OptionSpec(name: "school", valueName: "name", help: "Only this school's cases."),
                Self.asOfOption,
            ],
            examples: ["casebook --as smt.jones list --open"])
    ) { invocation in
        let open = invocation.arguments.flag("open")
        let closed = invocation.arguments.flag("closed")
        if open && closed { throw CommandError.usage("give --open or --closed, not both") }
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let school = invocation.optional("school")
        let cases = try casebook.withRecord(asOf: try invocation.time("as-of")) {
            try casebook.list(status: open ? .open : closed ? .closed : nil, school: school, by: actor)
        }
        var table = Table(header: ["CASE", "STATUS", "SCHOOL", "AFFECTED", "OPENED", "INVESTIGATION", "CATEGORIES"])
        table.rows = cases.map {
            [
                $0.reference.description + ($0.isUrgent ? " !" : ""), $0.status.rawValue, $0.school, $0.affected,
                invocation.show($0.openedAt), $0.investigation, $0.categories.joined(separator: ","),
            ]
        }
        let text = cases.isEmpty ? "No cases." : table.rendered + "\n\(cases.count) case\(cases.count == 1 ? "" : "s") (! = urgent)."
        return Output(
            text: text,
            json: .array(
                cases.map {
                    [
                        "reference": .string($0.reference.description), "status": .string($0.status.rawValue),
                        "school": .string($0.school), "affected": .string($0.affected), "urgent": .bool($0.isUrgent),
                        "openedAt": JSONOutput.time($0.openedAt), "closedAt": JSONOutput.time($0.closedAt),
                        "investigation": .string($0.investigation), "categories": .array($0.categories.map { .string($0) }),
                    ]
                }))
    }

    static let overdue = Command(
        spec: CommandSpec(
            name: "overdue",
            summary: "What is past due on open cases, the latest first, each with its next action (SPEC §6).",
            options: [Self.asOfOption],
            examples: ["casebook --as dsl.khan overdue", "casebook --as dsl.khan overdue --as-of '2026-03-29 11:00'"])
    ) { invocation in
        let recordAsOf = try invocation.time("as-of")
        let asOf = recordAsOf ?? invocation.clock()
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let items = try casebook.withRecord(asOf: recordAsOf) { try casebook.overdue(asOf: asOf, by: actor) }
        var table = Table(header: ["CASE", "WHAT", "DUE", "LATE", "NEXT ACTION"])
        table.rows = items.map {
            [
                $0.deadline.reference.description, "\($0.deadline.kind.rawValue) \($0.deadline.subject)",
                invocation.localTime.format($0.deadline.due), Self.duration($0.lateness),
                ($0.deadline.step.steps.first.map { "for \(StepWords.who($0)): " } ?? "") + $0.deadline.nextAction + ": "
                    + StepWords.render($0.deadline.step, case: $0.deadline.reference.description, localTime: invocation.localTime),
            ]
        }
        let text = items.isEmpty
            ? "Nothing is overdue as of \(invocation.localTime.format(asOf))."
            : table.rendered + "\n\(items.count) overdue as of \(invocation.localTime.format(asOf))."
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
