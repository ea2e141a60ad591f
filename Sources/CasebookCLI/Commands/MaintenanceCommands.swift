import Casebook
import CasebookServer
import EventLog
import Foundation

/// `verify`, `rebuild`, `backup`, `redact`.
enum MaintenanceCommands {
    static let verify = Command(
        spec: CommandSpec(
            name: "verify",
            summary: "Check the whole log (chains, stored files, schema, stream names, actors, erasures, read models) in a read snapshot, against a checkpoint, or a JSON timeline export; exits 3 on any break.",
            options: [
                OptionSpec(
                    name: "export", valueName: "file",
                    help: "A JSON timeline export to check; also against the database when one is reachable.", file: .input),
                OptionSpec(
                    name: "checkpoint", valueName: "file",
                    help: "A checkpoint file (casebook checkpoint): prove the database still holds its history.", file: .input),
                progressOption,
            ],
            examples: [
                "casebook --as dsl.khan verify", "casebook --as dsl.khan verify --checkpoint checkpoint-2026-11-20.json",
                "casebook verify --export CB-2026-0001.json",
            ])
    ) { invocation in
        if let path = invocation.optional("export") {
            if invocation.optional("checkpoint") != nil {
                throw CommandError.usage("give --export or --checkpoint, not both")
            }
            return try verifyExport(path, invocation)
        }
        let witness = try invocation.optional("checkpoint").map { try CheckpointFile.parse(invocation.readFile($0), name: $0) }
        let casebook = try invocation.readOnlyCasebook()
        let progress = ProgressReport("verify", sink: invocation.progress, forced: invocation.arguments.flag("progress"))
        let report = try casebook.maintenance.verify(by: try invocation.actor(), against: witness?.checkpoint, progress: progress.update)
        progress.finish(report.eventCount)
        var lines = [
            "Checked \(report.eventCount) events in \(report.streamCount) streams, the stored files, the schema, "
                + "who acted, and the read models, in one read snapshot."
        ]
        if report.verifiedPrivateCopy {
            lines.append(
                "note: the folder is read-only, so SQLite cannot read the -wal file beside the database in place: "
                    + "a private copy of both was verified (and removed), changes still in the -wal file included")
        }
        if report.skipsWriteAheadLog {
            lines.append(
                "note: the folder is read-only and SQLite cannot open the -wal file beside the database without its -shm: "
                    + "the database file alone was checked, not the changes still in the -wal file")
        }
        if let witness {
            lines.append(
                "Against the checkpoint taken \(witness.takenAt.isEmpty ? "" : "at \(witness.takenAt) ")"
                    + "\(witness.takenBy.isEmpty ? "" : "by \(witness.takenBy) ")of \(witness.checkpoint.logHead.eventCount) events.")
        }
        for item in report.breaks { lines.append("BREAK \(item.stream) v\(item.version): \(item.kind.rawValue): \(item.detail)") }
        for item in report.missingFiles { lines.append("MISSING FILE \(item)") }
        for item in report.projectionDifferences { lines.append("READ MODEL \(item)") }
        for item in report.redacted { lines.append("redacted (chain intact): \(item.stream) v\(item.version)") }
        for sha in report.purgedFiles { lines.append("purged (recorded; hash and size kept): file \(sha)") }
        lines.append("Log head: \(report.logHead.eventCount) events, SHA-256 \(report.logHead.hash)")
        lines.append(report.isIntact ? "OK: nothing was altered." : "FAILED: the log has been altered or damaged.")
        return Output(
            text: lines.joined(separator: "\n"),
            json: [
                "intact": .bool(report.isIntact), "events": .int(report.eventCount), "streams": .int(report.streamCount),
                "logHead": ["events": .int(report.logHead.eventCount), "hash": .string(report.logHead.hash)],
                "checkpoint": .bool(report.checkedCheckpoint), "skippedWriteAheadLog": .bool(report.skipsWriteAheadLog),
                "breaks": .array(report.breaks.map(Self.json)),
                "redacted": .array(report.redacted.map { ["stream": .string($0.stream), "version": .int($0.version)] }),
                "purgedFiles": .array(report.purgedFiles.map { .string($0) }),
                "missingFiles": .array(report.missingFiles.map { .string($0) }),
                "readModelDifferences": .array(report.projectionDifferences.map { .string($0) }),
            ],
            exitCode: report.isIntact ? .success : .verifyFailed)
    }

    /// `--progress` of `verify` and `rebuild`.
    static let progressOption = OptionSpec(
        name: "progress",
        help: "Show progress on standard error even when it is not a terminal (on a terminal it shows once a run takes more than a second).")

    static func json(_ item: ChainBreak) -> JSONValue {
        ["stream": .string(item.stream), "version": .int(item.version), "kind": .string(item.kind.rawValue), "detail": .string(item.detail)]
    }

    static func verifyExport(_ path: String, _ invocation: Invocation) throws -> Output {
        let bytes = try invocation.readFile(path)
        guard let document = try? JSONValue.parse(bytes), document["format"]?.string == Timeline.jsonFormatName else {
            throw CasebookError.invalidInput(
                "\(path) is not a JSON timeline export: make one with 'casebook timeline CASE --format json --out FILE'")
        }
        var result = TimelineExport.verify(jsonBytes: bytes, verifyHow: StepWords.verifyTimeline)
        var lines = result.lines
        // Against the database too, when one is reachable: a history changed after the export shows.
        let exportIntact = result.isIntact
        var comparedWith: String?
        if FileManager.default.fileExists(atPath: invocation.databasePath), !result.events.isEmpty {
            let divergence = try invocation.readOnlyCasebook().maintenance.compare(exported: result.events)
            result.breaks += divergence
            comparedWith = invocation.databasePath
            lines += divergence.map { "BREAK \($0.stream) v\($0.version): \($0.kind.rawValue): \($0.detail)" }
            if divergence.isEmpty { lines.append("The database at \(invocation.databasePath) still holds this chain.") }
        }
        lines.append(
            result.isIntact
                ? "OK: the export is intact."
                : exportIntact
                    ? "FAILED: the export is intact, but the database no longer holds the history it shows."
                    : "FAILED: the export has been altered.")
        return Output(
            text: lines.joined(separator: "\n"),
            json: [
                "intact": .bool(result.isIntact), "events": .int(result.eventCount),
                "case": JSONValue(result.reference?.description),
                "chainHead": result.chainHead.map { ["stream": .string($0.stream), "version": .int($0.version), "hash": .string($0.hash)] } ?? .null,
                "database": JSONValue(comparedWith),
                "breaks": .array(result.breaks.map(Self.json)),
                "problems": .array(result.problems.map { .string($0.description) }),
                "redacted": .array(result.redacted.map { ["stream": .string($0.stream), "version": .int($0.version)] }),
            ],
            exitCode: result.isIntact ? .success : .verifyFailed)
    }

    static let checkpoint = Command(
        spec: CommandSpec(
            name: "checkpoint",
            summary: "Write a witness of the log head and every stream's head, to keep away from the database; 'verify --checkpoint FILE' later proves the history unchanged (headteacher, DSL).",
            options: [OptionSpec(name: "out", valueName: "file", isRequired: true, help: "The new file (must not exist).", file: .output)],
            examples: ["casebook --as dsl.khan checkpoint --out checkpoint-2026-11-20.json"])
    ) { invocation in
        let out = try invocation.value("out")
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let witness = CheckpointFile(
            checkpoint: try casebook.maintenance.checkpoint(by: actor), takenAt: Timestamp.string(from: casebook.now), takenBy: actor.id)
        // Written like every other output file (SPEC §5); in server mode by the client.
        let head = witness.checkpoint.logHead
        // Recorded in the audit trail once the file is in place (removed again if that fails).
        let delivery = Delivery(
            path: out, content: .file(Array(try witness.json().utf8)),
            commit: { try casebook.recordExport(.checkpointTaken(events: head.eventCount, hash: head.hash), by: actor) })
        return Output(
            text: "Wrote a checkpoint of \(head.eventCount) events in \(witness.checkpoint.heads.count) streams to \(out) "
                + "(log head \(head.hash)). Keep it away from the database; check with 'casebook verify --checkpoint \(out)'.",
            json: [
                "file": .string(out), "events": .int(head.eventCount), "hash": .string(head.hash),
                "streams": .int(witness.checkpoint.heads.count),
            ], recorded: "wrote the checkpoint \(out) and recorded it in the audit trail", delivery: delivery)
    }

    static let rebuild = Command(
        spec: CommandSpec(
            name: "rebuild", summary: "Empty the read models and rebuild them from the events alone (headteacher only).",
            options: [progressOption],
            examples: ["casebook --as head rebuild"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let progress = ProgressReport("rebuild", sink: invocation.progress, forced: invocation.arguments.flag("progress"))
        try casebook.maintenance.rebuild(by: try invocation.actor(), progress: progress.update)
        let count = try casebook.eventCount()
        progress.finish(count)
        return Output(
            text: "Rebuilt the read models from \(count) events.", json: ["events": .int(count)], recorded: "rebuilt the read models")
    }

    static let backup = Command(
        spec: CommandSpec(
            name: "backup", summary: "Copy the database with SQLite's online backup API, consistent while others write (headteacher only).",
            options: [OptionSpec(name: "out", valueName: "file", isRequired: true, help: "The new file (must not exist).", file: .output)],
            examples: ["casebook --as head backup --out casebook-2026-11-20.sqlite"])
    ) { invocation in
        let out = try invocation.value("out")
        let text = "Backed up to \(out) (integrity check ok)."
        guard case .remote = invocation.files else {
            try invocation.casebook().maintenance.backup(to: out, by: try invocation.actor())
            return Output(text: text, json: ["backup": .string(out)], recorded: "wrote the backup \(out)")
        }
        // Server mode: the copy is made in the database's own folder (which only the server
        // can read), handed to the client to write, and removed here.
        let database = invocation.databasePath
        // The answer is bounded: refuse before copying (and recording) what cannot be sent.
        // (The database and its write-ahead log together bound the copy's size.)
        // A missing write-ahead log is 0 bytes; an unreadable database fails the backup itself.
        let size = [database, database + "-wal"].reduce(UInt64(0)) { total, path in
            total + (((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0)
        }
        let limit = WireLimits().maxResponseBytes - 1024 * 1024
        guard size <= limit else {
            throw CasebookError.invalidInput(
                "the database is \(size) bytes, more than a backup through the server can carry (\(limit) bytes); "
                    + "ask IT to back it up on the server (docs/DEPLOYMENT.md, Backups)")
        }
        let folder = (database as NSString).deletingLastPathComponent
        let copy = (folder.isEmpty ? "." : folder) + "/.casebook-backup-\(UUID().uuidString).sqlite"
        defer { unlink(copy) }
        try invocation.casebook().maintenance.backup(to: copy, by: try invocation.actor())
        guard let data = FileManager.default.contents(atPath: copy) else { throw CasebookError.io("cannot read the backup made at \(copy)") }
        return Output(
            text: text, json: ["backup": .string(out)], recorded: "handed the backup \(out) to your command",
            delivery: Delivery(path: out, content: .file([UInt8](data))))
    }

    static let redact = Command(
        spec: CommandSpec(
            name: "redact",
            summary: "Erase one event's payload (UK GDPR erasure), keeping its hash so the chain still verifies; recorded as an event (headteacher only).",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "version", valueName: "n", isRequired: true, help: "The event's version in the case (see the timeline)."),
                OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why."), .at,
            ],
            examples: ["casebook --as head redact CB-2026-0001 --version 3 --reason 'Subject access erasure request 2026-114'"])
    ) { invocation in
        let reference = try invocation.caseReference()
        guard let version = Int(try invocation.value("version")), version >= 1 else {
            throw CasebookError.invalidInput("--version must be a whole number from 1")
        }
        try invocation.casebook().retention.redact(
            reference, version: version, reason: try invocation.value("reason"), by: try invocation.actor(), at: try invocation.at())
        let remains = LawfulContentCommands.erasureRemains(invocation)
        return Output(
            text: "Redacted \(reference) version \(version); the chain still verifies and reports it as redacted."
                + (remains.map { "\n" + $0 } ?? ""),
            json: ["case": .string(reference.description), "version": .int(version)],
            recorded: "recorded the redaction of \(reference) version \(version)")
    }
}
