import Foundation

extension Timeline {
    /// The chronology as one self-contained HTML file that prints well on A4.
    ///
    /// Inline CSS, no scripts, no external requests (a Content-Security-Policy forbids
    /// them); screenshots are embedded as `data:` URI thumbnails from `attachments` (by
    /// SHA-256); overdue steps, child-protection overrides and redactions are flagged on
    /// their rows and at the top. Every piece of user text is escaped. The markup is also
    /// well-formed XML.
    ///
    /// - Parameter attachments: Files to embed, by SHA-256; files not in it are listed
    ///   without a thumbnail.
    public func html(attachments: [String: TimelineAttachment] = [:]) -> String {
        let e = HTMLText.escape
        var out = """
            <!DOCTYPE html>
            <html lang="en-GB">
            <head>
            <meta charset="utf-8"/>
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>Chronology of case \(e(header.reference.description))</title>
            <style>\(Self.stylesheet)</style>
            </head>
            <body>

            """
        out += "<p class=\"notice\">\(e(confidentialityNotice))</p>\n"

        // Header.
        out += "<section class=\"header\">\n<h1>Chronology of case \(e(header.reference.description))</h1>\n"
        out += "<table class=\"facts\">\n<tbody>\n"
        for fact in headerFacts {
            let value = fact.label == "Chain head" ? "<span class=\"hash\">\(e(fact.value))</span>" : e(fact.value)
            out += "<tr><th scope=\"row\">\(e(fact.label))</th><td>\(value)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if !overdue.isEmpty {
            out += "<div class=\"alert overdue\"><h2>Overdue at \(e(local(asOf)))</h2>\n<ul>\n"
            for step in overdue {
                out += "<li><strong>\(e(step.deadline.subject))</strong>: due \(e(local(step.deadline.due))), "
                    + "\(e(Self.hoursText(step.hoursLate))) late; \(e(step.deadline.nextAction))</li>\n"
            }
            out += "</ul>\n</div>\n"
        }
        if !overrides.isEmpty {
            out += "<div class=\"alert override\"><h2>Child-protection override</h2>\n<ul>\n"
            for row in overrides { out += "<li><strong>\(e(row.when))</strong>: \(e(row.what))</li>\n" }
            out += "</ul>\n</div>\n"
        }
        out += "</section>\n"

        // Chronology.
        out += "<section class=\"chronology page\">\n<h2>Chronology (\(rows.count) events, in time order)</h2>\n"
        out += """
            <table class="events">
            <colgroup><col class="c-when"/><col class="c-what"/><col class="c-details"/><col class="c-by"/><col class="c-hash"/></colgroup>
            <thead>
            <tr><th colspan="5" class="repeat-notice">\(e(confidentialityNotice))</th></tr>
            <tr><th scope="col">Date and time</th><th scope="col">What happened</th><th scope="col">Action, details and reasons</th><th scope="col">By</th><th scope="col">Event hash</th></tr>
            </thead>
            <tbody>

            """
        for row in rows {
            let classes = (["event"] + Set(row.flags.map(\.kind)).map(Self.rowClass).sorted()).joined(separator: " ")
            out += "<tr class=\"\(classes)\" id=\"v\(row.event.version)\">"
            out += "<td>\(e(row.when))<br/><span class=\"version\">version \(row.event.version)</span></td>"
            out += "<td>"
            for flag in row.flags { out += "<span class=\"flag \(flag.kind.rawValue)\">\(e(flag.text))</span>" }
            out += "<span class=\"what\">\(e(row.what))</span></td>"
            out += "<td>"
            let details = row.details.filter { !$0.hasPrefix("File: ") }
            if !details.isEmpty {
                out += "<ul class=\"details\">"
                for detail in details { out += "<li>\(Self.multiline(e(detail)))</li>" }
                out += "</ul>"
            }
            for file in row.files { out += figure(file, attachments[file.sha256]) }
            out += "</td>"
            out += "<td>\(e(row.actor.name ?? row.actor.id))<br/><span class=\"id\">\(e(row.actor.id))</span></td>"
            out += "<td><span class=\"hash\">\(e(row.event.hash))</span></td>"
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n</section>\n"

        // Verification.
        out += "<section class=\"verification page\">\n<h2>Verification</h2>\n"
        out += "<p>\(e(verificationStatement))</p>\n"
        out += "<table class=\"facts\">\n<tbody>\n"
        out += "<tr><th scope=\"row\">Stream</th><td>\(e(header.chainHead.stream))</td></tr>\n"
        out += "<tr><th scope=\"row\">Last version</th><td>\(header.chainHead.version)</td></tr>\n"
        out += "<tr><th scope=\"row\">Chain head hash</th><td><span class=\"hash\">\(e(header.chainHead.hash))</span></td></tr>\n"
        out += "</tbody>\n</table>\n"
        out += "<p class=\"notice\">\(e(confidentialityNotice))</p>\n</section>\n"
        out += "</body>\n</html>\n"
        return out
    }

    /// A file with its name, type, size and SHA-256, and a thumbnail when it is an image.
    private func figure(_ file: StoredFile, _ attachment: TimelineAttachment?) -> String {
        let e = HTMLText.escape
        var out = "<div class=\"file\">"
        switch attachment {
        case .image(let mediaType, let bytes)?:
            if TimelineAttachment.imageTypes.contains(mediaType) {
                out += "<img class=\"thumb\" src=\"data:\(mediaType);base64,\(Data(bytes).base64EncodedString())\" "
                    + "alt=\"\(e(file.name))\"/>"
            }
        case .unavailable(let reason)?:
            out += "<span class=\"flag unavailable\">\(e(reason))</span>"
        case nil:
            break
        }
        out += "<span class=\"file-name\">\(e(file.name))</span> (\(e(file.mediaType)), \(file.size) bytes)<br/>"
        out += "SHA-256 <span class=\"hash\">\(e(file.sha256))</span></div>"
        return out
    }

    /// The CSS class a row takes for a flag.
    private static func rowClass(_ kind: Flag.Kind) -> String {
        switch kind {
        case .overdue: return "overdue"
        case .childProtectionOverride: return "override"
        case .redacted: return "redacted"
        case .withdrawn, .superseded: return "withdrawn"
        case .lateEntry: return "late-entry"
        }
    }

    /// Escaped text whose line breaks are shown.
    private static func multiline(_ escaped: String) -> String {
        escaped.replacingOccurrences(of: "\n", with: "<br/>")
    }

    /// The inline stylesheet: screen and A4 print (repeated table headers, page breaks
    /// between sections, rows kept whole, flag colours printed).
    static let stylesheet = """

        @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
        * { box-sizing: border-box; }
        body { font-family: "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.35; color: #111; background: #fff; margin: 0 auto; padding: 8mm; max-width: 210mm; }
        h1 { font-size: 16pt; margin: 0 0 4mm; }
        h2 { font-size: 12.5pt; margin: 0 0 3mm; padding-bottom: 1mm; border-bottom: 1px solid #888; }
        section { margin: 0 0 8mm; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid #bbb; padding: 1.5mm 2mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
        th { background: #eee; }
        thead { display: table-header-group; }
        tfoot { display: table-footer-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        table.facts th { width: 42mm; }
        col.c-when { width: 24mm; } col.c-what { width: 46mm; } col.c-by { width: 26mm; } col.c-hash { width: 28mm; }
        .notice { border: 2px solid #900; color: #900; font-weight: bold; padding: 2mm 3mm; margin: 0 0 5mm; }
        th.repeat-notice { background: #fff; color: #900; font-size: 8pt; font-weight: bold; border: none; padding: 0 0 2mm; }
        .hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 7pt; word-break: break-all; }
        .version, .id { color: #555; font-size: 8pt; }
        ul { margin: 0; padding-left: 4mm; }
        ul.details li { margin: 0 0 0.6mm; }
        .flag { display: block; font-weight: bold; padding: 0.8mm 1.5mm; margin: 0 0 1.2mm; border-left: 2.5mm solid #666; }
        .flag.overdue { border-color: #c60; color: #7a3d00; background: #fff1dd; }
        .flag.child-protection-override { border-color: #b00; color: #8b0000; background: #fde3e3; }
        .flag.redacted { border-color: #777; color: #333; background: #eee; }
        .flag.unavailable { border-color: #b00; color: #8b0000; }
        tr.override td { background: #fff6f6; }
        tr.overdue td { background: #fffaf2; }
        tr.redacted td { color: #444; background: #f6f6f6; }
        .flag.withdrawn { border-color: #a60; color: #630; background: #fff4e0; }
        tr.withdrawn td { color: #555; font-style: italic; }
        .flag.late-entry { border-color: #06c; color: #035; background: #e8f1ff; }
        tr.late-entry td:first-child { border-left: 4px solid #06c; }
        .alert { border: 2px solid #b00; padding: 2mm 3mm; margin: 4mm 0 0; }
        .alert.overdue { border-color: #c60; }
        .alert h2 { border: none; margin: 0 0 1mm; }
        .file { margin: 1.5mm 0 0; font-size: 8.5pt; }
        .file-name { font-weight: bold; }
        img.thumb { display: block; max-width: 60mm; max-height: 45mm; border: 1px solid #999; margin: 0 0 1mm; }
        .page { break-before: page; page-break-before: always; }
        @media screen { .page { border-top: 1px dashed #bbb; padding-top: 6mm; } }
        @media screen and (max-width: 600px) {
          body { padding: 3mm; }
          table, tbody, tr, th, td { display: block; width: auto !important; }
          thead, colgroup { display: none; }
          tr { border: 1px solid #bbb; margin: 0 0 2mm; }
          th, td { border: none; border-bottom: 1px solid #eee; }
        }
        @media print {
          body { padding: 0; max-width: none; }
          .notice, .flag, .alert, tr.override td, tr.overdue td, tr.redacted td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}
