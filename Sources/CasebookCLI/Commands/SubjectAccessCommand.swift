import Casebook
import EventLog
import Foundation

/// `subject-access ID --out FILE [--format json|html] [--received T]` (SPEC §9).
enum SubjectAccessCommand {
    static let command = Command(
        spec: CommandSpec(
            name: "subject-access",
            summary: "Export every entry that names a person, others' names marked for review; records the request's one-month deadline (headteacher).",
            positionals: [PositionalSpec(name: "id", help: "The person: a staff id, or a pupil's reference.")],
            options: [
                OptionSpec(name: "out", valueName: "file", isRequired: true, help: "The new file to write (must not exist).", file: .output),
                OptionSpec(name: "format", valueName: "format", help: "json (default) or html."),
                OptionSpec(
                    name: "also", valueName: "text", isRepeatable: true,
                    help: "Another way the person is named in free text (a nickname, a former name); repeat for several. 'Mr Surname' and the like are searched for already."),
                OptionSpec(name: "received", valueName: "time", help: "When the request was received (default: now); the deadline is one calendar month later."),
            ],
            examples: ["casebook subject-access t.pennington --out sar-t.pennington.json", "casebook subject-access t.pennington --out sar.html --format html"])
    ) { invocation in
        let format = invocation.optional("format") ?? "json"
        guard format == "json" || format == "html" else { throw CommandError.usage("--format is json or html") }
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let export = try casebook.subjectAccess.subjectAccess(
            try invocation.positional(0), also: invocation.arguments.values("also"), receivedAt: try invocation.time("received"), by: actor)
        let bytes = format == "html"
            ? Array(export.html(localTime: invocation.localTime).utf8) : Array((export.json.serialized() + "\n").utf8)
        let path = try invocation.value("out")
        let flagged = export.entries.filter { !$0.others.isEmpty }.count
        return Output(
            text: "Wrote \(export.entries.count) entries naming \(export.subject) to \(path); \(flagged) name other people: review them before release. "
                + "Due by \(invocation.localTime.format(export.deadline)) (one calendar month from \(invocation.localTime.format(export.receivedAt))).",
            json: [
                "subject": .string(export.subject), "entries": .int(export.entries.count), "toReview": .int(flagged),
                "deadline": .string(Timestamp.string(from: export.deadline)), "out": .string(path),
            ],
            recorded: "recorded the request and its deadline in the audit trail",
            delivery: Delivery(path: path, content: .file(bytes)) {
                try casebook.subjectAccess.recordSubjectAccess(export, format: format, by: actor)
            })
    }
}
