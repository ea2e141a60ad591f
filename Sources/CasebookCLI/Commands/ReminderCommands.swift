import Casebook
import EventLog
import Foundation

/// Reminders people see (SPEC §10): `overdue --format ics` for a calendar, and `digest`
/// for the machine's own mail system to send each morning.
enum ReminderCommands {
    /// `overdue --format ics [--for ID] [--out FILE]`: every open deadline as a calendar.
    static func calendar(_ invocation: Invocation) throws -> Output {
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let member = try casebook.cases.reminderMember(invocation.optional("for"), by: actor)
        let now = invocation.clock()
        let items = try casebook.cases.openDeadlines(for: member, by: actor, asOf: now)
        return try calendar(items, noun: "deadline", for: member, casebook: casebook, now: now, invocation)
    }

    /// Deadlines as an RFC 5545 calendar (`overdue --format ics`, `tasks --format ics`):
    /// each with its alarm before it (the `reminders.alarm-hours` setting) and overdue ones
    /// placed today; printed, or written to `--out`.
    static func calendar(
        _ items: [OverdueItem], noun: String, for member: StaffMember, casebook: Casebook, now: Date, _ invocation: Invocation
    ) throws -> Output {
        let alarmBefore = try casebook.settings().reminderAlarm
        let events = items.map { item in
            let deadline = item.deadline
            let reference = deadline.reference.description
            let command = StepWords.render(deadline.step, case: reference, localTime: invocation.localTime)
            return ICalendar.Event.deadline(
                uid: deadline.calendarUID, due: deadline.due, now: now, summary: "\(reference): \(deadline.nextAction)",
                description: """
                    \(reference) (\(item.school.isEmpty ? "no school given" : item.school)): \(StepWords.what(deadline)) \
                    is due \(invocation.localTime.format(deadline.due)).
                    Next: \(deadline.nextAction).
                    Run: \(command)
                    """, alarmBefore: alarmBefore, overdueSince: invocation.localTime.format(deadline.due))
        }
        let document = ICalendar.document(events, stamp: now, name: "Casebook \(noun)s for \(member.id)")
        guard let path = invocation.optional("out") else {
            var text = document
            // The command line adds the final line feed: the last line still ends in CR LF.
            if text.unicodeScalars.last == "\n" { text.unicodeScalars.removeLast() }
            return Output(text: text, json: ["format": "ics", "events": .int(events.count), "document": .string(document)])
        }
        let bytes = Array(document.utf8)
        var delivery = Delivery(path: path, content: .file(bytes))
        if invocation.arguments.flag("replace") { delivery.replacing = { ICalendar.isOwnCalendar($0) } }
        return Output(
            text: "Wrote \(events.count) \(noun)\(events.count == 1 ? "" : "s") for \(member.id) to \(path) (\(bytes.count) bytes).",
            json: ["file": .string(path), "format": "ics", "events": .int(events.count), "bytes": .int(bytes.count)],
            delivery: delivery)
    }

    /// `--replace` for a calendar: a cron job refreshes the same file.
    static let replaceOption = OptionSpec(
        name: "replace",
        help: "With --out: replace the file if it is a calendar Casebook wrote (a regular file of yours, not a link or the database); anything else is refused.")

    /// `--replace` needs `--out`.
    static func checkReplace(_ invocation: Invocation) throws {
        if invocation.arguments.flag("replace"), invocation.optional("out") == nil {
            throw CommandError.usage("--replace goes with --out FILE")
        }
    }

    static let digest = Command(
        spec: CommandSpec(
            name: "digest",
            summary: "A member's day: overdue, due today, urgent cases, cases waiting on them; prints nothing when there is nothing.",
            options: [
                OptionSpec(name: "for", valueName: "id", help: "Another member's digest (headteacher, safeguarding lead)."),
                OptionSpec(name: "as-of", valueName: "time", help: "Evaluate at another instant (default: now)."),
            ],
            examples: ["casebook --as smt.jones digest", "casebook --as head digest --for smt.jones"],
            discussion: """
                Empty output and exit 0 when nothing is due, so cron with 'mail -E' (or ifne) sends a \
                message only when there is something to do. Only the cases the member may see are \
                listed (and, with --for, that you may see too).
                """)
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let member = try casebook.cases.reminderMember(invocation.optional("for"), by: actor)
        let asOf = try invocation.time("as-of") ?? invocation.clock()
        let local = invocation.localTime
        let digest = try casebook.cases.digest(for: member, by: actor, asOf: asOf, endOfDay: local.endOfDay(asOf))
        let json: JSONValue = [
            "member": .string(member.id), "asOf": JSONOutput.time(asOf),
            "overdue": .array(digest.overdue.map { JSONOutput.deadline($0.deadline) }),
            "dueToday": .array(digest.dueToday.map { JSONOutput.deadline($0.deadline) }),
            "urgent": .array(digest.urgent.map { .string($0.reference.description) }),
            "waiting": .array(
                digest.waiting.map { ["case": .string($0.reference.description), "reasons": .array($0.reasons.map { .string(MessageWords.render($0, localTime: local)) })] }),
        ]
        guard !digest.isEmpty else { return Output(text: "", json: json) }
        var lines = ["Casebook digest for \(member.name) (\(member.id)), \(local.format(asOf))"]
        func deadlines(_ title: String, _ items: [OverdueItem]) {
            guard !items.isEmpty else { return }
            lines += ["", "\(title) (\(items.count)):"]
            for item in items {
                let reference = item.deadline.reference.description
                let when = item.lateness >= 0
                    ? "due \(local.format(item.deadline.due)), \(ReadCommands.duration(item.lateness)) late"
                    : "due \(local.format(item.deadline.due))"
                lines.append("- \(reference) \(StepWords.what(item.deadline)): \(item.deadline.nextAction); \(when)")
                lines.append("  \(StepWords.render(item.deadline.step, case: reference, localTime: local))")
            }
        }
        deadlines("Overdue", digest.overdue)
        deadlines("Due today", digest.dueToday)
        if !digest.urgent.isEmpty {
            lines += ["", "Urgent cases, a child is mentioned (\(digest.urgent.count)):"]
            for summary in digest.urgent {
                lines.append(
                    "- \(summary.reference)" + (summary.school.isEmpty ? "" : " (\(summary.school))") + ": investigation \(summary.investigation)")
            }
        }
        if !digest.waiting.isEmpty {
            lines += ["", "Waiting on you, cases you record that cannot close yet (\(digest.waiting.count)):"]
            for waiting in digest.waiting {
                lines.append("- \(waiting.reference): " + waiting.reasons.map { MessageWords.render($0, localTime: local) }.joined(separator: "; "))
            }
        }
        return Output(text: TextField.escaped(lines.joined(separator: "\n"), keepingLines: true), json: json)
    }
}
