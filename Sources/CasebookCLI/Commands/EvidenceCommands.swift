import Casebook
import EventLog
import Foundation

/// `evidence add`, `evidence list`, `evidence get`.
enum EvidenceCommands {
    static let add = CaseCommands.step(
        CommandSpec(
            name: "evidence add", summary: "Capture an evidence item (000 §12.2); prints its id, E1, E2, ….",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "kind", valueName: "kind", isRequired: true, help: "One of: \(EvidenceKind.choices)."),
                OptionSpec(name: "url", valueName: "url", help: "The address of the material (required for web and social)."),
                OptionSpec(name: "captured-at", valueName: "time", help: "When it was captured (default: --at)."),
                OptionSpec(name: "posted-at", valueName: "time", help: "When it was posted, if known."),
                OptionSpec(name: "platform", valueName: "name", help: "The platform or site."),
                OptionSpec(name: "file", valueName: "path", isRepeatable: true, help: "A screenshot, saved email or audio file (64 MiB at most)."),
                OptionSpec(name: "description", valueName: "text", help: "What it shows."),
            ],
            examples: [
                "casebook --as smt.jones evidence add CB-2026-0001 --kind social --url https://social.example/p/123 --file post.png --platform Chirp"
            ]),
        files: { invocation in
            try invocation.arguments.values("file").map { path in
                (name: (path as NSString).lastPathComponent, bytes: try invocation.readFile(path))
            }
        },
        make: { invocation, files in
            .addEvidence(
                EvidenceDraft(
                    kind: try invocation.word("kind", as: EvidenceKind.self), url: invocation.optional("url"),
                    capturedAt: try invocation.time("captured-at"), postedAt: try invocation.time("posted-at"),
                    platform: invocation.optional("platform"), description: invocation.optional("description"),
                    files: files))
        },
        describe: { state, events, _ in
            guard case .evidenceCaptured(let evidence)? = events.first else { return "Captured." }
            var text = "\(evidence.id) captured on \(state.reference): \(evidence.kind.rawValue)"
            if let url = evidence.url { text += " \(url)" }
            for file in evidence.files { text += "\n  \(file.name)  \(file.mediaType)  \(file.size) bytes  sha256 \(file.sha256)" }
            return text
        })

    static let list = Command(
        spec: CommandSpec(
            name: "evidence list", summary: "List a case's evidence items and their files.",
            positionals: [CaseCommands.casePositional], examples: ["casebook --as smt.jones evidence list CB-2026-0001"])
    ) { invocation in
        let state = try invocation.casebook().show(try invocation.caseReference(), by: try invocation.actor(), recording: .evidenceList)
        var table = Table(header: ["ID", "KIND", "CAPTURED", "URL", "FILES"])
        for item in state.evidence {
            guard let details = item.details else {
                table.rows.append([item.id, "[redacted]", "", "", ""])
                continue
            }
            table.rows.append([
                item.id, details.kind.rawValue,
                invocation.show(Timestamp.date(from: details.capturedAt)), details.url ?? "",
                details.files.map(\.name).joined(separator: ", "),
            ])
        }
        let text = state.evidence.isEmpty ? "\(state.reference) has no evidence yet." : table.rendered
        return Output(text: text, json: .array(state.evidence.map(JSONOutput.evidence)))
    }

    static let get = Command(
        spec: CommandSpec(
            name: "evidence get", summary: "Write an evidence item's files into a folder, each checked against its SHA-256.",
            positionals: [CaseCommands.casePositional, PositionalSpec(name: "evidence", help: "The item, e.g. E1.")],
            options: [OptionSpec(name: "out", valueName: "dir", isRequired: true, help: "The folder to write into (created if missing).")],
            examples: ["casebook --as smt.jones evidence get CB-2026-0001 E1 --out ./export"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let state = try casebook.show(try invocation.caseReference(), by: actor, recording: nil)
        let id = invocation.positional(1)
        guard let item = state.evidenceItem(id) else {
            throw CasebookError.notFound("\(state.reference) has no evidence item '\(id)'")
        }
        guard let details = item.details else { throw CasebookError.notFound("\(item.id) was redacted; its files are not released") }
        // Every file is read and hash-checked before anything is written.
        let blobs = try details.files.map { (file: $0, data: try casebook.store.blob($0.sha256).data) }
        let folder = invocation.value("out")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CasebookError.io("cannot create \(folder): \(error.localizedDescription)")
        }
        var written: [JSONValue] = []
        var lines: [String] = []
        for (file, data) in blobs {
            let path = (folder as NSString).appendingPathComponent(file.name)
            guard FileManager.default.createFile(atPath: path, contents: Data(data)) else {
                throw CasebookError.io("cannot write \(path)")
            }
            lines.append("\(path)  sha256 \(file.sha256)  verified")
            written.append(["path": .string(path), "sha256": .string(file.sha256), "size": .int(file.size)])
        }
        // Recorded once the files are in place (SPEC §8, who looked).
        try casebook.recordExport(.caseRead(case: state.reference, view: .evidenceGet, evidence: item.id), by: actor)
        let text = lines.isEmpty ? "\(item.id) has no files." : lines.joined(separator: "\n")
        return Output(text: text, json: .array(written))
    }
}
