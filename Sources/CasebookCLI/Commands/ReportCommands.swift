import Casebook
import EventLog
import Foundation

/// `timeline`, `outcomes`, `audit`.
enum ReportCommands {
    static let timeline = Command(
        spec: CommandSpec(
            name: "timeline",
            summary: "Export a case's chronology (SPEC §6) to share with the police, the local authority or a hearing; recorded in the audit trail.",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "format", valueName: "format", help: "text (default), md, html, json or csv."),
                OptionSpec(name: "out", valueName: "file", help: "Write to a file instead of stdout.", file: .output),
                OptionSpec(name: "recipient", valueName: "name", help: "Who it is being shared with."),
                OptionSpec(
                    name: "bundle", valueName: "dir",
                    help: "Write the police bundle into this new folder: the chronology for print, the JSON export, every exhibit's files by label and SHA256SUMS (safeguarding lead and headteacher; needs --recipient).",
                    file: .output),
                OptionSpec(name: "omit", valueName: "ids", help: "With --bundle: entries to leave out, e.g. E3,N2 (listed as left out)."),
                ReadCommands.asOfOption,
            ],
            examples: [
                "casebook --as dsl.khan timeline CB-2026-0001 --bundle ./CB-2026-0001-police --recipient 'DC Rao, Northshire Police'",
                "casebook --as dsl.khan timeline CB-2026-0001 --format html --out CB-2026-0001.html --recipient 'Northshire Police'",
                "casebook --as dsl.khan timeline CB-2026-0001 --format json --out CB-2026-0001.json",
            ])
    ) { invocation in
        if invocation.optional("bundle") != nil { return try bundle(invocation) }
        if invocation.optional("omit") != nil { throw CommandError.usage("--omit goes with --bundle") }
        // With --json and no --format, the report's own JSON.
        let format = try invocation.optional("format").map { try Invocation.word($0, option: "format", as: TimelineFormat.self) }
            ?? (invocation.globals.json ? .json : .text)
        let reference = try invocation.caseReference()
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let asOf = try invocation.time("as-of")
        return try deliver(format: format.rawValue, subject: reference.description, invocation) {
            try casebook.reports.timelineExport(
                reference, format: format, recipient: invocation.optional("recipient"), by: actor,
                localTime: invocation.localTime, at: asOf, verifyHow: StepWords.verifyTimeline(reference))
        }
    }

    /// `timeline CASE --bundle DIR --recipient TEXT [--omit E3,N2]`: the police bundle (issue 23).
    static func bundle(_ invocation: Invocation) throws -> Output {
        if invocation.optional("format") != nil || invocation.optional("out") != nil {
            throw CommandError.usage("--bundle writes its own files: give neither --format nor --out")
        }
        guard invocation.optional("recipient") != nil else {
            throw CommandError.usage("--bundle needs --recipient: who the bundle is for")
        }
        let folder = try invocation.value("bundle")
        let reference = try invocation.caseReference()
        let casebook = try invocation.casebook()
        let omit = invocation.optional("omit").map { $0.split(separator: ",").map(String.init) } ?? []
        let bundle = try casebook.reports.policeBundle(
            reference, recipient: invocation.optional("recipient"), omit: omit, by: try invocation.actor(),
            localTime: invocation.localTime, at: try invocation.time("as-of"), verifyCommand: StepWords.verifyBundleExport,
            verifyHow: StepWords.verifyTimeline(reference))
        var lines = bundle.files.map { "\((folder as NSString).appendingPathComponent($0.name))  \($0.bytes.count) bytes" }
        lines.append("SHA-256 of SHA256SUMS (the bundle's hash, recorded in the audit trail): \(bundle.sha256)")
        lines.append("Check it in the folder with: sha256sum -c SHA256SUMS")
        return Output(
            text: lines.joined(separator: "\n"),
            json: [
                "folder": .string(folder), "sha256": .string(bundle.sha256),
                "files": .array(bundle.files.map { .string($0.name) }), "exhibits": .array(bundle.exhibits.map { .string($0) }),
                "omitted": .array(bundle.omitted.map { .string($0) }),
            ],
            recorded: "wrote the bundle of \(reference) to \(folder) and recorded the export in the audit trail",
            delivery: Delivery(path: folder, content: .folder(bundle.files), commit: bundle.record))
    }

    static let outcomes = Command(
        spec: CommandSpec(
            name: "outcomes",
            summary: "The HR report: one row per case closed in the period, with no evidence content or notes; recorded in the audit trail.",
            options: [
                OptionSpec(name: "since", valueName: "date", help: "Closed on or after (local date or time)."),
                OptionSpec(name: "until", valueName: "date", help: "Closed before (local date or time)."),
                OptionSpec(
                    name: "staff", valueName: "id",
                    help: "Only the cases where this member of staff is the source or referred for discipline (for their hearing)."),
                OptionSpec(name: "format", valueName: "format", help: "text (default), md, json or csv."),
                OptionSpec(name: "out", valueName: "file", help: "Write to a file instead of stdout.", file: .output),
                ReadCommands.asOfOption,
            ],
            examples: ["casebook --as hr.lee outcomes --since 2026-09-01 --until 2027-09-01 --format csv --out outcomes.csv"])
    ) { invocation in
        let format = try invocation.optional("format").map { try Invocation.word($0, option: "format", as: OutcomesFormat.self) }
            ?? (invocation.globals.json ? .json : .text)
        let since = try invocation.time("since")
        let until = try invocation.time("until")
        if let since, let until, since >= until { throw CasebookError.invalidInput("--since must be before --until") }
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        return try deliver(format: format.rawValue, subject: "outcomes", invocation) {
            try casebook.reports.outcomesExport(
                since: since, until: until, format: format, by: actor, localTime: invocation.localTime,
                asOf: try invocation.time("as-of"), staff: invocation.optional("staff"))
        }
    }

    static let audit = Command(
        spec: CommandSpec(
            name: "audit",
            summary: "Who looked at or exported which case or report, and when (headteacher; the safeguarding lead for one case).",
            options: [
                OptionSpec(name: "case", valueName: "case", help: "Only the entries about this case."),
                OptionSpec(name: "since", valueName: "date", help: "Only the entries from this date or time."),
            ],
            examples: ["casebook audit", "casebook audit --case CB-2026-0001 --since 2026-09-01"],
            discussion: "Reading the audit trail is itself recorded in it.")
    ) { invocation in
        let reference = try invocation.optional("case").map { text in
            guard let reference = CaseReference(text) else {
                throw CasebookError.invalidInput("'\(text.prefix(60))' is not a case reference: use the form CB-2026-0001")
            }
            return reference
        }
        let since = try invocation.time("since")
        let entries = try invocation.casebook().reports.auditTrail(case: reference, since: since, by: try invocation.actor())
        invocation.recordedRead = "your reading of the audit trail"
        var table = Table(header: ["WHEN", "WHO", "WHAT"])
        table.rows = entries.map { entry in
            [
                invocation.localTime.format(entry.occurredAt),
                entry.actorName.map { "\($0) (\(entry.actor))" } ?? entry.actor, entry.summary,
            ]
        }
        let text = entries.isEmpty ? "Nothing has been read or exported." : table.rendered
        return Output(
            text: text,
            json: .array(
                entries.map {
                    [
                        "at": JSONOutput.time($0.occurredAt), "actor": .string($0.actor), "type": .string($0.event.typeName),
                        "payload": $0.event.payload, "summary": .string($0.summary), "hash": .string($0.hash),
                    ]
                }))
    }

    /// Prints a report, or has the shell write it to `--out` and says so. The export is
    /// recorded in the audit trail before the document is printed, and only once its file
    /// is in place when it goes to a file (if recording fails, the file is removed).
    static func deliver(
        format: String, subject: String, _ invocation: Invocation, produce: () throws -> ReportExport
    ) throws -> Output {
        let what = subject == "outcomes" ? "outcomes report" : "timeline of \(subject)"
        guard let path = invocation.optional("out") else {
            let export = try produce()
            try export.record()
            let document = export.document
            let recorded = "recorded the export of the \(what) in the audit trail"
            if invocation.globals.json, format != "json" {
                return Output(text: document, json: ["format": .string(format), "document": .string(document)], recorded: recorded)
            }
            let json = format == "json" ? try JSONValue.parse(document) : .string(document)
            // The command line adds the final line feed; CSV lines end in CR LF.
            // For a terminal: control characters from the database escaped (JSON escapes its own).
            var text = format == "json" ? document : TextField.escaped(document, keepingLines: true)
            if text.unicodeScalars.last == "\n" { text.unicodeScalars.removeLast() }
            return Output(text: text, json: json, recorded: recorded)
        }
        let export = try produce()
        let bytes = Array(export.document.utf8)
        return Output(
            text: "Wrote the \(format) \(what) to \(path) (\(bytes.count) bytes).",
            json: ["file": .string(path), "format": .string(format), "bytes": .int(bytes.count)],
            recorded: "wrote the \(what) to \(path) and recorded the export in the audit trail",
            delivery: Delivery(path: path, content: .file(bytes), commit: export.record))
    }
}
