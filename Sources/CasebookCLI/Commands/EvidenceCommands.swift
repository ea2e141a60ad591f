import Casebook
import EventLog
import Foundation

/// `evidence add`, `evidence list`, `evidence get`.
enum EvidenceCommands {
    static let add = CaseCommands.step(
        StepForms.form(.addEvidence), name: "evidence add",
        summary: "Capture an evidence item (000 §12.2); prints its id, E1, E2, ….",
        examples: [
            "casebook --as smt.jones evidence add CB-2026-0001 --kind social --url https://social.example/p/123 --file post.png --platform Chirp"
        ],
        describe: { state, events, _ in
            guard case .evidenceCaptured(let evidence)? = events.first else { return "Captured." }
            var text = "\(evidence.id) captured on \(state.reference): \(evidence.kind.rawValue)"
            if let url = evidence.url { text += " \(url)" }
            if evidence.isChildSexualImagery {
                text += "\nChild sexual imagery: no file is kept; only the safeguarding lead and the headteacher see \(state.reference). "
                    + "Record the referral decision: casebook report police|iwf|report-remove|ceop \(state.reference) --reference REF"
            }
            for file in evidence.files {
                text += "\n  \(TextField.escaped(file.name))  \(file.mediaType)  \(file.size) bytes  sha256 \(file.sha256)"
            }
            return TextField.escaped(text, keepingLines: true)
        })

    static let attach = CaseCommands.step(
        StepForms.form(.addEvidence, variant: "attach"), name: "evidence attach",
        examples: ["casebook --as smt.jones evidence attach CB-2026-0001 E2 --file reply.png --file thread.png"],
        describe: { state, events, _ in
            guard case .evidenceFilesAttached(let id, let files)? = events.first else { return "Attached." }
            var text = "\(files.count) file\(files.count == 1 ? "" : "s") added to \(id) on \(state.reference)"
            for file in files {
                text += "\n  \(TextField.escaped(file.name))  \(file.mediaType)  \(file.size) bytes  sha256 \(file.sha256)"
            }
            return TextField.escaped(text, keepingLines: true)
        })

    static let list = Command(
        spec: CommandSpec(
            name: "evidence list", summary: "List a case's evidence items and their files.",
            positionals: [CaseCommands.casePositional], examples: ["casebook --as smt.jones evidence list CB-2026-0001"])
    ) { invocation in
        let state = try invocation.casebook().cases.show(try invocation.caseReference(), by: try invocation.actor(), recording: .evidenceList)
        invocation.recordedRead = "your listing of the evidence of \(state.reference)"
        let labels = try invocation.casebook().reports.exhibitLabels(of: state.reference)
        var table = Table(header: ["ID", "EXHIBIT", "KIND", "PLATFORM", "CAPTURED", "URL", "DESCRIPTION", "FILES"])
        for item in state.evidence {
            guard let details = item.details else {
                table.rows.append([item.id, labels[item.id] ?? "", "[redacted]", "", "", "", "", ""])
                continue
            }
            table.rows.append([
                item.id + (item.withdrawal == nil ? "" : " (withdrawn)"), labels[item.id] ?? "", details.kind.rawValue, details.platform ?? "",
                invocation.show(Timestamp.date(from: details.capturedAt)), details.url ?? "", details.description ?? "",
                details.files.map(\.name).joined(separator: ", "),
            ])
        }
        let text = state.evidence.isEmpty ? "\(state.reference) has no evidence yet." : table.rendered
        let json = state.evidence.map { item -> JSONValue in
            var value = JSONOutput.evidence(item)
            if case .object(var fields) = value, let label = labels[item.id] {
                fields["exhibit"] = .string(label)
                value = .object(fields)
            }
            return value
        }
        return Output(text: text, json: .array(json))
    }

    static let get = Command(
        spec: CommandSpec(
            name: "evidence get",
            summary: "Write an evidence item's files (or a takedown request's removal-check screenshots) into a new folder, each checked against its SHA-256.",
            positionals: [
                CaseCommands.casePositional, PositionalSpec(name: "item", help: "An evidence item (E1) or a takedown request (T1)."),
            ],
            options: [
                OptionSpec(
                    name: "out", valueName: "dir", isRequired: true,
                    help: "The new folder to create (must not exist); it appears with every file, or not at all.", file: .output)
            ],
            examples: ["casebook --as smt.jones evidence get CB-2026-0001 E1 --out ./CB-2026-0001-E1"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let state = try casebook.cases.show(try invocation.caseReference(), by: actor, recording: nil)
        let id = try invocation.positional(1)
        var item: (id: String, files: [StoredFile])
        if let takedown = state.takedown(id) {
            // A takedown request: the files of its removal checks, in order.
            var files: [StoredFile] = []
            for stored in try casebook.cases.events(of: state.reference) where stored.type == "RemovalChecked" && !stored.isRedacted {
                if case .removalChecked(let request, _, let file?) = try CaseEvent(type: stored.type, payload: stored.payload),
                    request == takedown.request.id
                {
                    files.append(file)
                }
            }
            item = (takedown.request.id, files)
        } else {
            guard let evidence = state.evidenceItem(id) else {
                throw CasebookError.notFound("\(state.reference) has no evidence item or takedown request '\(id)'")
            }
            guard let details = evidence.details else {
                throw CasebookError.notFound("\(evidence.id) was redacted; its files are not released")
            }
            item = (evidence.id, details.files)
        }
        // Purged files (SPEC §9): say when, by whom and why; write only what is still held.
        let held = Set(state.heldFiles.filter { $0.item == item.id }.map(\.file.sha256))
        if let purge = state.purge(of: item.id), !item.files.contains(where: { held.contains($0.sha256) }) {
            throw CasebookError.notFound(
                "\(item.id)'s files were purged on \(invocation.localTime.format(purge.at)) by \(purge.by): \(purge.purge.reason); "
                    + "their SHA-256: " + purge.purge.files.map(\.sha256).joined(separator: ", "))
        }
        if state.purge(of: item.id) != nil { item.files = item.files.filter { held.contains($0.sha256) } }
        // The stored names become file names: a database edited by hand must not be able to
        // write outside the folder. Checked for every file before anything is written.
        for file in item.files {
            if let problem = FileName.problem(file.name) {
                throw CasebookError.invalidInput(
                    "\(state.reference) \(item.id): the stored file name '\(FileName.printable(file.name))' \(problem), "
                        + "which no file Casebook stores can have; nothing was written. Run 'casebook verify': the database may have been altered")
            }
        }
        // Every file is read and hash-checked before anything is written.
        // A file whose bytes another case's purge deleted (child sexual imagery) answers 66, not 70.
        let blobs = try item.files.map { file in
            (file: file, data: try casebook.fileBytes(file))
        }
        let folder = try invocation.value("out")
        guard !blobs.isEmpty else {
            return Output(text: "\(item.id) has no files; nothing was written.", json: .array([]))
        }
        var files: [(name: String, bytes: [UInt8])] = []
        var written: [JSONValue] = []
        var lines: [String] = []
        for (file, data) in blobs {
            // The same file given twice is written once; two files of one name get " (2)", " (3)"….
            if files.contains(where: { $0.name == file.name && $0.bytes == data }) { continue }
            let name = uniqueName(file.name, among: Set(files.map(\.name)))
            files.append((name, data))
            let path = (folder as NSString).appendingPathComponent(name)
            lines.append("\(path)  sha256 \(file.sha256)  verified")
            written.append(["path": .string(path), "sha256": .string(file.sha256), "size": .int(file.size)])
        }
        return Output(
            text: lines.joined(separator: "\n"), json: .array(written),
            recorded: "wrote \(files.count) file\(files.count == 1 ? "" : "s") of \(item.id) to \(folder)",
            delivery: Delivery(path: folder, content: .folder(files)) {
                // Recorded once the files are in place (SPEC §8, who looked).
                try casebook.recordExport(.caseRead(case: state.reference, view: .evidenceGet, evidence: item.id), by: actor)
            })
    }

    /// `name`, or `name (2)`, `name (3)`… before its extension, whichever is not yet taken.
    static func uniqueName(_ name: String, among taken: Set<String>) -> String {
        guard taken.contains(name) else { return name }
        let dot = name.lastIndex(of: ".").flatMap { $0 == name.startIndex ? nil : $0 }
        let stem = dot.map { String(name[..<$0]) } ?? name
        let suffix = dot.map { String(name[$0...]) } ?? ""
        var number = 2
        while taken.contains("\(stem) (\(number))\(suffix)") { number += 1 }
        return "\(stem) (\(number))\(suffix)"
    }
}
