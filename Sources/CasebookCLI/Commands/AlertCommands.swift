import Casebook
import EventLog
import Foundation

/// `staff email`, `alerts on|off`, `alerts send` (SPEC §11): email through the machine's own
/// `sendmail`, with no case content.
enum AlertCommands {
    static let email = Command(
        spec: CommandSpec(
            name: "staff email", summary: "Set where a member's alerts go (headteacher only); --clear removes it.",
            positionals: [
                PositionalSpec(name: "id", help: "Their staff id."),
                PositionalSpec(name: "address", help: "Their email address.", isOptional: true),
            ],
            options: [OptionSpec(name: "clear", help: "Remove the address: no alerts for them."), .at],
            examples: ["casebook staff email smt.jones s.jones@harrowgate.sch.uk"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let id = try invocation.positional(0)
        let address = invocation.arguments.positionals.count > 1 ? try invocation.positional(1) : nil
        let clear = invocation.arguments.flag("clear")
        guard (address == nil) == clear else { throw CommandError.usage("give the address, or --clear") }
        try casebook.staff.setEmail(of: id, to: address, by: actor, at: try invocation.at())
        let member = try casebook.member(id)
        return Output(
            text: "\(member?.id ?? id): " + (member?.email.map { "alerts go to \($0)." } ?? "no alert address."),
            json: ["id": .string(member?.id ?? id), "email": JSONValue(member?.email)], recorded: "recorded as a staff change")
    }

    static func toggle(_ on: Bool) -> Command {
        Command(
            spec: CommandSpec(
                name: on ? "alerts on" : "alerts off", summary: on ? "Turn your email alerts back on." : "Turn your email alerts off.",
                options: [.at], examples: ["casebook alerts \(on ? "on" : "off")"])
        ) { invocation in
            let casebook = try invocation.casebook()
            let actor = try invocation.actor()
            try casebook.staff.setAlerts(on: on, by: actor, at: try invocation.at())
            return Output(
                text: "Alerts \(on ? "on" : "off") for \(actor.id)" + (on && actor.email == nil ? " (no address yet: ask the headteacher)." : "."),
                json: ["id": .string(actor.id), "alerts": .bool(on)], recorded: "recorded as a staff change")
        }
    }

    /// The sendmail program: `$CASEBOOK_SENDMAIL`, or the machine's own.
    static let defaultSendmail = "/usr/sbin/sendmail"

    static let send = Command(
        spec: CommandSpec(
            name: "alerts send",
            summary: "Email the alerts due (concern reported, case assigned, deadline within 4 h or passed) through sendmail; failures are retried next time.",
            examples: ["casebook --as head alerts send"],
            discussion: """
                Run it from cron or a systemd timer (docs/DEPLOYMENT.md). Messages go through \
                $CASEBOOK_SENDMAIL (default /usr/sbin/sendmail, -oi -odi -t) and carry no case content: \
                the reference, the kind of task, the due time and how to open it. Each send and each \
                failure is recorded in the audit trail; an alert not sent is tried again next time.
                """)
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let now = invocation.clock()
        let program = invocation.environment["CASEBOOK_SENDMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultSendmail
        var sent: [Alert] = []
        var failed: [(Alert, String)] = []
        for alert in try casebook.reports.pendingAlerts(by: actor, now: now) {
            let failure = deliver(message(alert, localTime: invocation.localTime), program: program)
            try casebook.reports.recordAlert(alert, failure: failure, by: actor)
            if let failure { failed.append((alert, failure)) } else { sent.append(alert) }
        }
        var lines = ["Sent \(sent.count) alert\(sent.count == 1 ? "" : "s")."]
        for (alert, reason) in failed {
            lines.append("NOT SENT (will retry): \(alert.key) to \(alert.member.id): \(reason)")
        }
        return Output(
            text: lines.joined(separator: "\n"),
            json: [
                "sent": .array(sent.map { ["key": .string($0.key), "staff": .string($0.member.id)] }),
                "failed": .array(failed.map { ["key": .string($0.0.key), "staff": .string($0.0.member.id), "reason": .string($0.1)] }),
            ])
    }

    /// The message: headers and a body with no case content.
    static func message(_ alert: Alert, localTime: LocalTime) -> String {
        let reference = alert.reference.description
        let what: String
        switch alert.kind {
        case .concernReported: what = "a concern was reported and awaits triage"
        case .caseAssigned: what = "you are now the owner of this case"
        case .dueSoon: what = "\(alert.task ?? "a step") is due within 4 hours"
        case .overdue: what = "\(alert.task ?? "a step") is overdue"
        }
        let due = alert.due.map { localTime.format($0) }
        let subject = "Casebook \(reference): \(what)"
        return [
            "To: \(alert.address)",
            "Subject: \(subject)",
            "Auto-Submitted: auto-generated",
            "X-Casebook-Alert: \(alert.key)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "Casebook alert for \(alert.member.id).",
            "",
            "Case:  \(reference)",
            "What:  \(what)",
            "Due:   \(due ?? "no deadline")",
            "",
            "Open it: casebook show \(reference)",
            "Everything waiting on you: casebook tasks",
            "",
            "This message holds no case content; open the case in Casebook to read it.",
            "",
        ].joined(separator: "\n")
    }

    /// Hands a message to sendmail; nil when it exited 0, otherwise why not.
    static func deliver(_ message: String, program: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["-oi", "-odi", "-t"]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return "cannot run \(program): \(error.localizedDescription)"
        }
        // A sendmail that exits early closes the pipe: an error here, never a signal (SIGPIPE is ignored).
        let written: Bool
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(message.utf8))
            written = true
        } catch {
            written = false
        }
        try? input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0, written else {
            let said = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(program) exited with status \(process.terminationStatus)" + (said.isEmpty ? "" : ": \(TextField.escaped(String(said.prefix(300))))")
        }
        return nil
    }
}
