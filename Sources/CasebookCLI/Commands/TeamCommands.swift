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
            summary: invocation.value("summary"), url: invocation.optional("url"), seenAt: try invocation.time("seen"),
            about: invocation.optional("about"), files: files)
        let state = try casebook.reportConcern(draft, by: actor, at: try invocation.at(), files: read.map(\.bytes))
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
        let concerns = try casebook.myConcerns(by: actor)
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
        CommandSpec(
            name: "triage",
            summary: "Accept a concern as a case (what was given becomes E1), or decline it as not a case with the reason (SPEC §11).",
            positionals: [CaseCommands.casePositional, PositionalSpec(name: "decision", help: "accept or decline.")],
            options: [OptionSpec(name: "reason", valueName: "text", help: "Why (required to decline).")],
            examples: [
                "casebook --as smt.jones triage CB-2026-0004 accept",
                "casebook --as dsl.khan triage CB-2026-0005 decline --reason 'A disagreement about a timetable, not online abuse'",
            ]),
        make: { invocation, _ in
            let decision = invocation.positional(1)
            guard decision == "accept" || decision == "decline" else {
                throw CasebookError.invalidInput("'\(decision)' is not a triage decision: use accept or decline")
            }
            if decision == "decline", invocation.optional("reason") == nil {
                throw CasebookError.invalidInput("a concern declined at triage needs its reason (--reason TEXT)")
            }
            return .triage(accept: decision == "accept", reason: invocation.optional("reason"))
        },
        describe: { state, events, _ in
            switch state.triage {
            case .declined(let decline)?: return "\(state.reference) declined at triage as not a case: \(decline.reason)."
            default:
                let evidence = events.compactMap { if case .evidenceCaptured(let item) = $0 { item.id } else { nil } }
                return "\(state.reference) accepted at triage: the case proceeds."
                    + (evidence.isEmpty ? "" : " What the reporter gave is evidence \(evidence.joined(separator: ", ")).")
            }
        })
}
