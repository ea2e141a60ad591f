import Casebook
import EventLog

/// Every `casebook` command, by name.
enum Commands {
    static let all: [Command] = [
        help,
        SetupCommands.initialize, SetupCommands.addStaff, SetupCommands.listStaff, SetupCommands.login, SetupCommands.role,
        SetupCommands.school, SetupCommands.leave, SetupCommands.alias, SchoolCommands.add, SchoolCommands.list, SchoolCommands.rename,
        CaseCommands.open,
        EvidenceCommands.add, EvidenceCommands.attach, CaptureCommand.capture, EvidenceCommands.list, EvidenceCommands.get,
        InvestigationCommands.start, InvestigationCommands.note, InvestigationCommands.source,
        InvestigationCommands.assess, InvestigationCommands.conclude,
        InvestigationCommands.referBehaviour, InvestigationCommands.referDisciplinary,
        TakedownCommands.request, TakedownCommands.response, TakedownCommands.check, TakedownCommands.notApplicable,
        TakedownCommands.escalate, TakedownCommands.ispResponse,
        HelplineCommands.escalate, HelplineCommands.response,
        ClosingCommands.consent, ClosingCommands.refer, ClosingCommands.notified, ClosingCommands.offerSupport,
        ClosingCommands.supportResponse, ClosingCommands.close, ClosingCommands.correct, ClosingCommands.reopen, CorrectionCommands.withdraw,
        ReadCommands.show, ReadCommands.list, ReadCommands.overdue, AccessCommands.restrict,
        SettingsCommands.set, SettingsCommands.list, ReminderCommands.digest,
        ReportCommands.timeline, ReportCommands.outcomes, ReportCommands.audit,
        MaintenanceCommands.verify, MaintenanceCommands.checkpoint, MaintenanceCommands.rebuild, MaintenanceCommands.backup, MaintenanceCommands.redact,
        DemoCommand.demo, ServerCommands.serve,
        LawfulContentCommands.category(add: true), LawfulContentCommands.category(add: false), LawfulContentCommands.flag,
        LawfulContentCommands.purge,
        TeamCommands.concernReport, TeamCommands.concernMine, TeamCommands.triage, TeamCommands.assign, TeamCommands.tasks,
    ] + tracks.flatMap { $0.commands } + [
        AlertCommands.email, AlertCommands.toggle(true), AlertCommands.toggle(false), AlertCommands.send,
    ] + LawfulContentCommands.reports + RetentionCommands.all + [SubjectAccessCommand.command]

    /// The workflow tracks' command-line words (``TrackWords``), one line per track.
    static let tracks: [any TrackWords.Type] = [LADOWords.self]

    static let byName: [String: Command] = Dictionary(uniqueKeysWithValues: all.map { ($0.spec.name, $0) })

    static let help = Command(
        spec: CommandSpec(
            name: "help", summary: "Describe every command, or one: casebook help COMMAND.",
            positionals: [PositionalSpec(name: "command", help: "A command, e.g. 'takedown request'.", isOptional: true, isVariadic: true)],
            examples: ["casebook help", "casebook help takedown request"])
    ) { invocation in
        let words = invocation.arguments.positionals.joined(separator: " ")
        if !words.isEmpty {
            if byName[words] == nil, let group = groupHelp(words) {
                return Output(text: group, json: ["group": .string(words), "help": .string(group)])
            }
            guard let command = byName[words] else {
                throw UsageError(
                    message: "Unknown command '\(words)'", suggestion: suggestion(for: words, among: Array(byName.keys)),
                    usage: "casebook help [<command>...]")
            }
            return Output(text: command.spec.helpText, json: ["command": .string(command.spec.name), "help": .string(command.spec.helpText)])
        }
        // Grouped by the job in hand, in the order a case runs, each group its own table.
        var sections: [String] = []
        for job in Job.allCases {
            let members = all.filter { Job.of($0.spec.name) == job }
            guard !members.isEmpty else { continue }
            var table = Table(header: ["COMMAND", "WHAT IT DOES"])
            table.rows = members.map { [$0.spec.name, $0.spec.summary] }
            sections.append(job.rawValue.uppercased() + ":\n" + table.rendered)
        }
        let text = """
            casebook — cases of online abuse against school staff, from report to closed outcome.

            Usage: \(GlobalOptions.usage)

            \(sections.joined(separator: "\n\n"))

            Global options: --db PATH (default $CASEBOOK_DB or ./casebook.sqlite), --server SOCKET (default $CASEBOOK_SERVER: a trust server), --as STAFF-ID (default $CASEBOOK_USER), --json.
            Who acts: the member mapped to your login (staff login); --as may confirm it. A database made with
            'init --claimed-identities' trusts --as instead (demonstrations and tests only).
            Times: 2026-11-20 14:05 or 20/11/2026 14:05 in $TZ (default Europe/London), or RFC 3339. See 'casebook COMMAND --help'.
            Exit codes: 0 ok, 1 refused by the workflow, 3 verify found a break, 64 usage, 65 invalid input,
            66 not found, 70 internal, 73 cannot create, 74 I/O, 75 conflict (retry), 77 not permitted.
            """
        return Output(text: text, json: .array(all.map { ["command": .string($0.spec.name), "summary": .string($0.spec.summary)] }))
    }

    /// The jobs `casebook help` groups the commands by.
    enum Job: String, CaseIterable {
        case record = "Record a case"
        case investigate = "Investigate"
        case takedown = "Takedown and escalation"
        case police = "Police and support"
        case reports = "Reports"
        case administration = "Administration"

        /// The job a command serves, by its name.
        static func of(_ name: String) -> Job {
            if let track = Commands.track(of: name) { return track.job }
            let first = name.split(separator: " ").first.map(String.init) ?? name
            switch first {
            case "open", "concern", "triage", "assign", "tasks", "evidence", "category", "show", "list", "overdue", "digest", "close",
                "reopen", "withdraw":
                return name == "evidence purge" ? .administration : .record
            case "investigate", "refer": return .investigate
            case "takedown", "isp", "helpline": return .takedown
            case "police", "support", "report": return .police
            case "timeline", "outcomes", "audit", "subject-access": return .reports
            default: return .administration
            }
        }
    }

    /// A group's commands and what each does (`casebook help takedown`, `casebook takedown
    /// --help`, a bare `casebook takedown`); nil when no command starts with `group`.
    static func groupHelp(_ group: String) -> String? {
        let members = all.filter { $0.spec.name.hasPrefix(group + " ") }
        guard !members.isEmpty else { return nil }
        var table = Table(header: ["COMMAND", "WHAT IT DOES"])
        table.rows = members.map { ["casebook " + $0.spec.name, $0.spec.summary] }
        return "casebook \(group): \(members.count) commands.\n\n\(table.rendered)\n\nSee 'casebook \(group) SUBCOMMAND --help' for one."
    }
}
