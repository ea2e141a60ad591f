import EventLog
import Foundation

extension Casebook {
    /// The bundle's chronology: the timeline's HTML with the bundle's own sections and print
    /// rules (page x of y and the case reference on every page, full-width exhibits, the
    /// producer's statement, continuity, the read audit, what the hashes prove).
    static func bundleHTML(
        _ timeline: Timeline, full: Timeline, attachments: [String: TimelineAttachment], state: CaseState, audit: [AuditEntry],
        exhibitFiles: [String: [(path: String, file: StoredFile, note: String?)]],
        withheld: [(id: String, label: String, why: String)], omitted: [String], by actor: StaffMember, withJSON: Bool,
        verifyCommand: String
    ) -> String {
        let e = HTMLText.escape
        let reference = timeline.header.reference.description
        let names = full.staffNames
        func person(_ id: String) -> String { names[id].map { "\($0) (\(id))" } ?? id }
        var html = timeline.html(attachments: attachments)
        let css = """
            @page { size: A4; margin: 16mm 12mm 18mm 12mm;
              @top-center { content: "\(reference) · CONFIDENTIAL"; font-size: 8pt; color: #900; }
              @bottom-center { content: "\(reference) · page " counter(page) " of " counter(pages); font-size: 8pt; } }
            table.events, table.bundle { border-right: 1px solid #bbb; }
            .exhibit { break-before: page; page-break-before: always; }
            .exhibit img.full { display: block; max-width: 100%; max-height: 230mm; margin: 2mm auto; border: 1px solid #999; }
            .statement { break-inside: avoid; page-break-inside: avoid; } .statement .sign { margin-top: 12mm; } .statement .line { display: inline-block; width: 70mm; border-bottom: 1px solid #111; }
            .label { font-weight: bold; font-size: 11pt; white-space: nowrap; }

            """
        html = html.replacingOccurrences(of: "</style>", with: css + "</style>")

        // Before the chronology: recipient, police, summary, statement, exhibits list.
        var front = "<section class=\"bundle\">\n<h2>Bundle for \(e(timeline.recipient ?? ""))</h2>\n"
        front += "<table class=\"facts bundle\"><tbody>\n"
        front += "<tr><th scope=\"row\">Recipient</th><td>\(e(timeline.recipient ?? ""))</td></tr>\n"
        let police = full.rows.filter { ["PoliceReferred", "PoliceReferredUnlawfulConduct", "PoliceNotified"].contains($0.event.type) }
        front += "<tr><th scope=\"row\">Police referral</th><td>"
            + (police.isEmpty ? "none recorded" : police.map { e($0.when + ": " + $0.what) }.joined(separator: "<br/>")) + "</td></tr>\n"
        let crimeReferences = police.flatMap { $0.details.filter { $0.hasPrefix("Crime reference: ") } }
            .map { String($0.dropFirst("Crime reference: ".count)) }
        front += "<tr><th scope=\"row\">Crime reference</th><td><strong>"
            + (crimeReferences.isEmpty ? "none recorded" : e(crimeReferences.joined(separator: ", "))) + "</strong></td></tr>\n"
        func latest(_ types: [String]) -> String {
            let rows = full.rows.filter { types.contains($0.event.type) && !$0.flags.contains { $0.kind == .superseded || $0.kind == .withdrawn } }
            return rows.isEmpty ? "not recorded" : rows.map { e($0.what) }.joined(separator: "<br/>")
        }
        front += "<tr><th scope=\"row\">Source</th><td>\(latest(["SourceIdentified"]))</td></tr>\n"
        front += "<tr><th scope=\"row\">Threat assessment</th><td>\(latest(["ThreatAssessed"]))</td></tr>\n"
        front += "<tr><th scope=\"row\">Referrals</th><td>\(latest(["PoliceReferred", "PoliceReferredUnlawfulConduct"] + Tracks.referralTypes + ["BehaviourReferralMade", "DisciplinaryReferralMade", "HelplineEscalated"]))</td></tr>\n"
        front += "<tr><th scope=\"row\">Outcome</th><td>\(latest(["CaseClosed", "ClosureCorrected"]))</td></tr>\n"
        front += "</tbody></table>\n"

        // The producer's statement.
        front += "<div class=\"statement\"><h2>Producer's statement</h2>\n"
        front += "<p>I, \(e(person(actor.id))), \(e(actor.role.rawValue.replacingOccurrences(of: "-", with: " "))) at \(e(timeline.header.school)), produced this bundle on "
            + "\(e(timeline.localTime.formatWithSeconds(timeline.exportedAt))) from the school's Casebook record of case \(e(reference)), "
            + "whose entries are sealed in a SHA-256 hash chain (chain head version \(timeline.header.chainHead.version)). "
            + "The exhibits listed below are copies of the files as stored at capture, each checked against its SHA-256 as it was written.</p>\n"
        front += "<p class=\"sign\">Signed <span class=\"line\"> </span> &#160; Date <span class=\"line\"> </span></p>\n</div>\n"

        // The exhibits.
        front += "<h2>Exhibits</h2>\n<table class=\"bundle\"><thead><tr><th>Exhibit</th><th>Item</th><th>Files in this bundle</th></tr></thead><tbody>\n"
        for exhibit in full.exhibits {
            let files = exhibitFiles[exhibit.id] ?? []
            var cell = files.map { entry in
                "\(e(entry.path)) (\(e(entry.file.mediaType)), \(entry.file.size) bytes)" + (entry.note.map { "<br/><em>\(e($0))</em>" } ?? "")
            }
            if let why = withheld.first(where: { $0.id == exhibit.id })?.why { cell.append("<strong>No content: \(e(why))</strong>") }
            if omitted.contains(exhibit.id) { cell = ["<strong>Left out of this bundle</strong>"] }
            if cell.isEmpty { cell = ["no files (withdrawn or none attached)"] }
            front += "<tr><td class=\"label\">\(e(exhibit.label))</td><td>\(e(exhibit.id))</td><td>\(cell.joined(separator: "<br/>"))</td></tr>\n"
        }
        front += "</tbody></table>\n"
        if !omitted.isEmpty {
            front += "<p class=\"notice\">Left out of this bundle for this recipient: \(e(omitted.joined(separator: ", "))). "
                + "They are entries of the case the recipient must not see; the school's record keeps them and the export record names them. "
                + "Because the JSON export would contain them, it is not in this bundle: ask the school to verify the chain head stated here.</p>\n"
        }
        front += "</section>\n"
        html = html.replacingOccurrences(of: "<section class=\"chronology page\">", with: front + "<section class=\"chronology page\">")

        // After the chronology: full-width exhibits, continuity, the read audit, the hashes.
        var back = ""
        for exhibit in full.exhibits where !omitted.contains(exhibit.id) {
            let images = (exhibitFiles[exhibit.id] ?? []).filter { TimelineAttachment.imageTypes.contains($0.file.mediaType) }
            for entry in images {
                guard case .image(let mediaType, let bytes)? = attachments[entry.file.sha256] else { continue }
                back += "<section class=\"exhibit\"><h2>Exhibit \(e(exhibit.label)) (\(e(exhibit.id))): \(e(entry.path))</h2>\n"
                back += "<img class=\"full\" src=\"data:\(mediaType);base64,\(Data(bytes).base64EncodedString())\" alt=\"\(e(entry.file.name))\"/>\n"
                back += "<p>SHA-256 <span class=\"hash\">\(e(entry.file.sha256))</span></p></section>\n"
            }
        }
        back += "<section class=\"continuity page\"><h2>Continuity of each exhibit</h2>\n"
        back += "<table class=\"bundle\"><thead><tr><th>Exhibit</th><th>Captured by</th><th>Stored (SHA-256)</th><th>Exported and written out</th></tr></thead><tbody>\n"
        let exports = audit.filter {
            switch $0.event {
            case .timelineExported, .bundleExported: return true
            case .caseRead(_, .evidenceGet, _): return true
            default: return false
            }
        }
        for exhibit in full.exhibits where !omitted.contains(exhibit.id) {
            let item = state.evidence.first { $0.id == exhibit.id }
            let captured = item.map { timeline.localTime.format($0.addedAt) } ?? ""
            let hashes = item?.details?.files.map { "\(e($0.name)): <span class=\"hash\">\(e($0.sha256))</span>" } ?? ["(no files)"]
            let handled = exports.filter {
                if case .caseRead(_, _, let id) = $0.event { return id == exhibit.id }
                if case .bundleExported(_, _, let labels, _, _, _) = $0.event { return labels.contains(exhibit.label) }
                return true
            }.map { e("\(timeline.localTime.format($0.occurredAt)) \($0.actorName ?? $0.actor): \($0.summary)") }
            back += "<tr><td class=\"label\">\(e(exhibit.label))<br/>\(e(exhibit.id))</td><td>\(e(person(exhibit.producer)))<br/>\(e(captured))</td>"
                + "<td>\(hashes.joined(separator: "<br/>"))</td><td>\(handled.isEmpty ? "none before this bundle" : handled.joined(separator: "<br/>"))</td></tr>\n"
        }
        back += "</tbody></table>\n"
        back += "<h2>Who viewed or received this case</h2>\n"
        if audit.isEmpty {
            back += "<p>No one has read or exported it before this bundle.</p>\n"
        } else {
            back += "<table class=\"bundle\"><thead><tr><th>When</th><th>Who</th><th>What</th></tr></thead><tbody>\n"
            for entry in audit {
                back += "<tr><td>\(e(timeline.localTime.format(entry.occurredAt)))</td><td>\(e(person(entry.actor)))</td><td>\(e(entry.summary))</td></tr>\n"
            }
            back += "</tbody></table>\n"
        }
        back += "</section>\n"
        back += "<section class=\"hashes page\"><h2>What the hashes prove and how to check them</h2>\n"
        back += "<p>A SHA-256 hash is a 64-character fingerprint of a file's exact bytes: changing a single byte of the file gives a "
            + "completely different fingerprint, and no one can make a different file with the same fingerprint. Every file in this "
            + "folder is listed with its fingerprint in the file SHA256SUMS. To check that nothing in the folder was changed since it "
            + "was made, open a terminal in the folder and run:</p>\n<pre>sha256sum -c SHA256SUMS</pre>\n"
            + "<p>Every line must end in OK. The fingerprint of SHA256SUMS itself is recorded in the school's audit trail with this "
            + "export; the school can confirm it.</p>\n"
        back += "<p>Each entry of the chronology is also sealed in a hash chain: its hash covers its content and the hash of the entry "
            + "before it, so no entry can be changed, removed or inserted without breaking every hash after it. The last hash "
            + "(the chain head) is printed below; the school's database still holds it, and the school can show it.</p>\n"
        if withJSON {
            back += "<p>With Casebook installed, the file timeline.json re-checks the whole chain and every readable field of this chronology:</p>\n"
                + "<pre>\(e(verifyCommand))</pre>\n"
        }
        back += "</section>\n"
        html = html.replacingOccurrences(of: "<section class=\"verification page\">", with: back + "<section class=\"verification page\">")
        return html
    }
}
