import EventLog
import Foundation

/// The police bundle (issue 23): one folder for the police or a social worker.
public struct PoliceBundle {
    /// The folder's files, by path relative to it (`exhibits/IK-1/post.png`), in order.
    public let files: [(name: String, bytes: [UInt8])]
    /// SHA-256 of the `SHA256SUMS` file: the bundle's own hash.
    public let sha256: String
    /// The exhibits whose files are in it, by label.
    public let exhibits: [String]
    /// The entries left out.
    public let omitted: [String]
    private let recording: () throws -> Void

    init(files: [(name: String, bytes: [UInt8])], sha256: String, exhibits: [String], omitted: [String], recording: @escaping () throws -> Void) {
        self.files = files
        self.sha256 = sha256
        self.exhibits = exhibits
        self.omitted = omitted
        self.recording = recording
    }

    /// Records the export in the audit stream (once the folder is in place).
    public func record() throws { try recording() }
}

extension ReportWork {
    /// The exhibit labels of a case's evidence, by id (`E1` → `IK/1`).
    public func exhibitLabels(of reference: CaseReference) throws -> [String: String] {
        try Casebook.translatingErrors {
            try core.readTransaction {
                try ExhibitLabels.labels(events: try core.events(of: reference), staffNames: try StaffRows.names(in: core.store))
            }
        }
    }

    /// The police bundle of a case: the chronology (HTML for print), the JSON export, every
    /// live exhibit's files under its label, emails as text, and `SHA256SUMS`. The safeguarding
    /// lead and the headteacher only. Not recorded until ``PoliceBundle/record()``.
    public func policeBundle(
        _ reference: CaseReference, recipient: String?, omit: [String], by actor: StaffMember, localTime: LocalTime,
        at: Date? = nil, verifyCommand: String, verifyHow: String? = nil
    ) throws -> PoliceBundle {
        guard actor.role == .safeguardingLead || actor.role == .headteacher else {
            throw CasebookError.notPermitted(
                "\(actor.id) has the \(actor.role.rawValue) role; only the safeguarding lead and the headteacher hand over a case's bundle")
        }
        try core.checkAccess(to: reference, by: actor)
        guard let recipient = try Self.recipientText(recipient) else {
            throw CasebookError.invalidInput("a bundle is made for a named recipient: give who it is for")
        }
        let exportedAt = core.now
        var (full, attachments) = try makeTimeline(
            reference, recipient: recipient, by: actor, localTime: localTime, asOf: at ?? exportedAt, exportedAt: exportedAt,
            embedImages: true, filter: at != nil)
        full.verifyHow = verifyHow
        let events = try core.events(of: reference)
        let state = try CaseState.replay(events)
        // What to leave out: named entries of the case.
        var omittedVersions: [Int: String] = [:]
        var omitted: [String] = []
        for name in omit {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            guard let item = CorrectionsTrack.Item(trimmed), let version = CorrectionsTrack.version(of: item, in: state) else {
                throw CasebookError.invalidInput("\(reference) has no entry '\(trimmed.prefix(40))' to leave out (give ids such as E3 or N2)")
            }
            omittedVersions[version] = item.name
            omitted.append(item.name)
        }
        var timeline = full
        try timeline.rows.removeAll { row in
            if omittedVersions[row.event.version] != nil { return true }
            // Files attached later to an item left out go with it.
            if row.event.type == CaseEventType.evidenceFilesAttached.rawValue, !row.event.isRedacted,
                case .evidenceFilesAttached(let id, _) = try CaseEvent(stored: row.event)
            {
                return omitted.contains(id)
            }
            return false
        }
        let labels = Dictionary(full.exhibits.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        // The audit of the case: who viewed, received or wrote it out.
        let audit = try auditEntries(of: reference)

        // The exhibits' files.
        var files: [(name: String, bytes: [UInt8])] = []
        var withheld: [(id: String, label: String, why: String)] = []
        var released: [String] = []
        var exhibitFiles: [String: [(path: String, file: StoredFile, note: String?)]] = [:]
        let held = Set(state.heldFiles.map { "\($0.item)|\($0.file.sha256)" })
        for item in state.evidence {
            let label = labels[item.id] ?? item.id
            if omittedVersions[item.version] != nil { continue }
            if item.withdrawal != nil { continue }
            if item.isChildSexualImagery {
                withheld.append((item.id, label, "child sexual imagery: no file is ever kept or shared (SPEC §9); only its record is listed"))
                continue
            }
            guard let details = item.details else {
                withheld.append((item.id, label, "its record was erased (redacted); nothing of it is released"))
                continue
            }
            let live = details.files.filter { held.contains("\(item.id)|\($0.sha256)") }
            if let purge = state.purge(of: item.id), live.count < details.files.count {
                withheld.append(
                    (item.id, label, "files purged on \(localTime.format(purge.at)) by \(purge.by): \(purge.purge.reason)"))
            }
            guard !live.isEmpty else { continue }
            let folder = "exhibits/" + ExhibitLabels.folderName(label)
            var taken: Set<String> = []
            var seen: Set<String> = []
            for file in live where seen.insert(file.sha256).inserted {
                if let problem = FileName.problem(file.name) {
                    throw CasebookError.invalidInput("\(reference) \(item.id): the stored file name \(problem); nothing was written")
                }
                var name = file.name
                var number = 2
                while taken.contains(name) {
                    name = "\(number)-\(file.name)"
                    number += 1
                }
                taken.insert(name)
                let bytes = try core.fileBytes(file)
                files.append(("\(folder)/\(name)", bytes))
                var note: String?
                if file.mediaType == "message/rfc822" {
                    let text = Self.emailText(bytes)
                    files.append(("\(folder)/\(name).txt", Array(text.utf8)))
                    note = "rendered as text beside it: \(name).txt"
                } else if file.mediaType.hasPrefix("audio/") || file.mediaType.hasPrefix("video/") {
                    note = "\(file.mediaType.hasPrefix("audio/") ? "audio" : "video") (\(file.mediaType)), \(file.size) bytes: listen to or play the file itself"
                }
                exhibitFiles[item.id, default: []].append(("\(folder)/\(name)", file, note))
            }
            released.append(label)
        }
        let json = omitted.isEmpty ? timeline.json() : nil
        let html = Casebook.bundleHTML(
            timeline, full: full, attachments: attachments, state: state, audit: audit, exhibitFiles: exhibitFiles,
            withheld: withheld, omitted: omitted, by: actor, withJSON: json != nil,
            verifyCommand: verifyCommand)
        files.insert(("chronology.html", Array(html.utf8)), at: 0)
        if let json { files.insert(("timeline.json", Array(json.utf8)), at: 1) }
        let sums = files.map { "\(Hex.encode(SHA256.hash($0.bytes)))  \($0.name)\n" }.joined()
        let sumsBytes = Array(sums.utf8)
        files.append(("SHA256SUMS", sumsBytes))
        let sha256 = Hex.encode(SHA256.hash(sumsBytes))
        let head = full.header.chainHead
        return PoliceBundle(files: files, sha256: sha256, exhibits: released, omitted: omitted) {
            try core.recordExport(
                .bundleExported(
                    case: reference, recipient: recipient, exhibits: released, omitted: omitted, sha256: sha256, chainHead: head),
                by: actor, at: exportedAt)
        }
    }

    /// The audit entries about a case, oldest first (not itself recorded: the bundle's export is).
    private func auditEntries(of reference: CaseReference) throws -> [AuditEntry] {
        try Casebook.translatingErrors {
            try core.readTransaction {
                let names = try StaffRows.names(in: core.store)
                return try core.store.events(in: AuditEvent.stream).compactMap { stored -> AuditEntry? in
                    // An entry that cannot be read is damage (65, naming its version), never left out.
                    let event = try AuditEvent(stored: stored)
                    guard event.caseReference == reference,
                        let at = Timestamp.date(from: stored.occurredAt)
                    else { return nil }
                    return AuditEntry(
                        version: stored.version, occurredAt: at, actor: stored.actor, actorName: names[stored.actor], event: event,
                        hash: stored.hash)
                }
            }
        }
    }

    /// A saved email as plain text: its headers, then its body (quoted-printable and base64
    /// parts are shown as stored).
    static func emailText(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let parts = text.components(separatedBy: "\n\n")
        let headers = parts.first ?? ""
        let body = parts.dropFirst().joined(separator: "\n\n")
        let wanted = ["from", "to", "cc", "date", "subject", "message-id", "reply-to", "return-path", "received"]
        var lines: [String] = []
        for line in headers.components(separatedBy: "\n") {
            let key = line.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if wanted.contains(key) || (line.first.map { $0 == " " || $0 == "\t" } ?? false) { lines.append(line) }
        }
        return "Email rendered as text by Casebook from the saved message beside this file (the original is the exhibit).\n\n"
            + lines.joined(separator: "\n") + "\n\n" + body + (body.hasSuffix("\n") ? "" : "\n")
    }
}
