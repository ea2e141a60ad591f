import Casebook
import EventLog
import Foundation

/// `concern report`, `concern mine`, `triage` (SPEC §11).
enum TeamCommands {
    static let concernReport = Command(
        spec: CommandSpec(
            name: "concern report",
            summary: "Report a concern (any member of staff, 000 §12.1): about yourself, or a colleague with --about; prints its reference.",
            options: [
                OptionSpec(name: "summary", valueName: "text", isRequired: true, help: "What happened, in your words."),
                OptionSpec(name: "url", valueName: "url", help: "Where the material is."),
                OptionSpec(name: "seen", valueName: "time", help: "When you saw it (default: --at)."),
                OptionSpec(name: "about", valueName: "staff-id", help: "The colleague it is about (default: yourself)."),
                OptionSpec(name: "file", valueName: "path", isRepeatable: true, help: "A screenshot or saved message (64 MiB at most).", file: .input),
                .at,
            ],
            examples: [
                "casebook --as t.pennington concern report --summary 'Posts about me on Chirp' --url https://chirp.example/p/1 --file post.png",
                "casebook --as k.marsh concern report --about t.pennington --summary 'I saw a parents' forum thread naming Ms Pennington'",
            ])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let read = try invocation.arguments.values("file").map { path in
            (name: (path as NSString).lastPathComponent, bytes: try invocation.readFile(path))
        }
        let files = try read.map { try Casebook.fileInfo(name: $0.name, bytes: $0.bytes) }
        let draft = ConcernDraft(
            summary: try invocation.value("summary"), url: invocation.optional("url"), seenAt: try invocation.time("seen"),
            about: invocation.optional("about"), files: files)
        let state = try casebook.cases.reportConcern(draft, by: actor, at: try invocation.at(), files: read.map(\.bytes))
        return Output(
            text: "Concern reported: \(state.reference). A senior manager or the safeguarding lead will triage it; "
                + "follow its status with: casebook concern mine",
            json: ["case": .string(state.reference.description), "status": .string("reported")],
            recorded: "recorded as \(state.reference)")
    }

    static let concernMine = Command(
        spec: CommandSpec(
            name: "concern mine", summary: "The concerns you reported, with their status only.",
            examples: ["casebook --as t.pennington concern mine"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let concerns = try casebook.cases.myConcerns(by: actor)
        let local = invocation.localTime
        let text =
            concerns.isEmpty
            ? "You have reported no concerns."
            : Table(
                header: ["Reference", "Reported", "Status"],
                rows: concerns.map { [$0.reference.description, local.format($0.reportedAt), $0.status] }
            ).rendered
        return Output(
            text: text,
            json: .array(
                concerns.map {
                    ["case": .string($0.reference.description), "reportedAt": JSONOutput.time($0.reportedAt), "status": .string($0.status)]
                }))
    }

    static let triage = CaseCommands.step(
        StepForms.form(.triage), name: "triage",
        examples: [
            "casebook --as smt.jones triage CB-2026-0004 accept",
            "casebook --as dsl.khan triage CB-2026-0005 decline --reason 'A disagreement about a timetable, not online abuse'",
        ],
        describe: { state, events, _ in
            switch state.triage {
            case .declined(let decline)?: return "\(state.reference) declined at triage as not a case: \(decline.reason)."
            default:
                let evidence = events.compactMap { if case .evidenceCaptured(let item) = $0 { item.id } else { nil } }
                return "\(state.reference) accepted at triage: the case proceeds."
                    + (evidence.isEmpty ? "" : " What the reporter gave is evidence \(evidence.joined(separator: ", ")).")
            }
        })

    static let assign = Command(
        spec: CommandSpec(
            name: "assign",
            summary: "Name a case's owner (senior manager, safeguarding lead, headteacher); the owner must be able to act on it and not be involved.",
            positionals: [CaseCommands.casePositional, PositionalSpec(name: "staff-id", help: "The member who owns the case.")],
            options: [.at],
            examples: ["casebook --as dsl.khan assign CB-2026-0001 smt.jones"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let reference = try invocation.caseReference()
        let state = try casebook.cases.assign(reference, to: try invocation.positional(1), by: actor, at: try invocation.at())
        let owner = try state.owner ?? invocation.positional(1)
        return Output(
            text: "\(reference) is now owned by \(owner).",
            json: ["case": .string(reference.description), "owner": .string(owner), "version": .int(state.version)],
            recorded: "recorded as \(reference) version \(state.version)")
    }

    static let tasks = Command(
        spec: CommandSpec(
            name: "tasks",
            summary: "What waits on you (or --for a member) across the cases in scope, soonest first: untriaged concerns, deadlines of cases you own or may act on.",
            options: [
                OptionSpec(name: "for", valueName: "id", help: "Another member's tasks (a role that reads cases)."),
                OptionSpec(name: "format", valueName: "format", help: "text (default), or ics: the tasks as a calendar (RFC 5545)."),
                OptionSpec(name: "out", valueName: "file", help: "With ics: write the calendar to a new file.", file: .output),
                ReminderCommands.replaceOption,
                OptionSpec(name: "as-of", valueName: "time", help: "Measure lateness at another instant (default: now)."),
                OptionSpec(name: "limit", valueName: "n", help: "Only the N soonest (default: all; not with ics)."),
            ],
            examples: ["casebook --as smt.jones tasks", "casebook --as dsl.khan tasks --for smt.jones --json", "casebook --as smt.jones tasks --format ics --out tasks.ics",
                "casebook --as smt.jones tasks --format ics --out tasks.ics --replace",
            ])
    ) { invocation in
        let format = invocation.optional("format") ?? "text"
        guard format == "text" || format == "ics" else { throw CommandError.usage("--format must be text or ics, not '\(format)'") }
        if format == "text", invocation.optional("out") != nil { throw CommandError.usage("--out goes with --format ics") }
        try ReminderCommands.checkReplace(invocation)
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let member = try casebook.cases.taskMember(invocation.optional("for"), by: actor)
        let asOf = try invocation.time("as-of") ?? invocation.clock()
        var limit: Int?
        if let text = invocation.optional("limit") {
            guard format == "text" else { throw CommandError.usage("--limit goes with the text or JSON list, not ics") }
            guard let number = Int(text), number >= 1 else { throw CasebookError.invalidInput("--limit must be a whole number from 1") }
            limit = number
        }
        let (tasks, total) = try casebook.cases.tasks(for: member, by: actor, asOf: asOf, limit: limit)
        let local = invocation.localTime
        func command(_ task: TaskItem) -> String {
            StepWords.render(task.item.deadline.step, case: task.item.deadline.reference.description, localTime: local)
        }
        if format == "ics" {
            return try ReminderCommands.calendar(
                tasks.map(\.item), noun: "task", for: member, casebook: casebook, now: invocation.clock(), invocation)
        }
        var table = Table(header: ["DUE", "CASE", "TASK", "OWNER", "NEXT ACTION"])
        table.rows = tasks.map { task in
            let deadline = task.item.deadline
            let late = task.item.lateness >= 0 ? " (OVERDUE \(ReadCommands.duration(task.item.lateness)))" : ""
            return [
                local.format(deadline.due) + late, deadline.reference.description, "\(deadline.kind.rawValue) \(deadline.subject)",
                task.owner ?? "—", deadline.nextAction + ": " + command(task),
            ]
        }
        let shown = tasks.count < total ? "the \(tasks.count) soonest of \(total) tasks" : "\(tasks.count) task\(tasks.count == 1 ? "" : "s")"
        let text = tasks.isEmpty ? "Nothing is waiting on \(member.id)." : table.rendered + "\n\(shown) for \(member.id)."
        return Output(
            text: text,
            json: [
                "for": .string(member.id), "asOf": JSONOutput.time(asOf), "total": .int(total),
                "tasks": .array(
                    tasks.map { task in
                        var value = JSONOutput.deadline(task.item.deadline).object ?? [:]
                        value["overdue"] = .bool(task.item.lateness >= 0)
                        value["owner"] = JSONValue(task.owner)
                        value["school"] = .string(task.item.school)
                        return .object(value)
                    }),
            ])
    }
}
