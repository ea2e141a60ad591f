extension Timeline {
    /// The chronology as a Markdown document: the header as a two-column table, overdue
    /// and override warnings, and one table row per event. Every piece of user text is
    /// escaped, `|` included, so it cannot break the table or become markup.
    public func markdown() -> String {
        let e = MarkdownText.escape
        var lines: [String] = ["> **\(e(confidentialityNotice))**", "", "# Chronology of case \(header.reference)", ""]
        lines += ["| | |", "|---|---|"]
        for fact in headerFacts { lines.append("| \(e(fact.label)) | \(e(fact.value)) |") }
        if !overdue.isEmpty {
            lines += ["", "## Overdue at \(e(local(asOf)))", ""]
            for step in overdue {
                lines.append(
                    "- **OVERDUE** \(e(step.deadline.subject)): due \(e(local(step.deadline.due))), "
                        + "\(e(Self.hoursText(step.hoursLate))) late; \(e(step.deadline.nextAction))")
            }
        }
        if !overrides.isEmpty {
            lines += ["", "## Child-protection override", ""]
            for row in overrides { lines.append("- **\(e(row.when))**: \(e(row.what))") }
        }
        lines += [
            "", "## Chronology", "",
            "| When | Version | What happened | Details and reasons | By | Files (SHA-256) | Hash |",
            "|---|---:|---|---|---|---|---|",
        ]
        for row in rows {
            let flags = row.flags.map { "**\(e($0.text))**" }
            let details = (flags + row.details.map(e)).joined(separator: "<br>")
            let files = row.files.map { "\(e($0.name)) `\($0.sha256)`" }.joined(separator: "<br>")
            lines.append(
                "| \(e(row.when)) | \(row.event.version) | \(e(row.what)) | \(details) | \(e(row.actor.label)) | "
                    + "\(files) | `\(row.event.hash)` |")
        }
        lines += ["", "## Verification", "", e(verificationStatement), "", "> **\(e(confidentialityNotice))**"]
        return lines.joined(separator: "\n") + "\n"
    }
}
