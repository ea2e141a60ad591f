extension Timeline {
    /// The chronology as plain text for a terminal: the header as aligned "label: value"
    /// lines, then one block per event with its time, version and actor in aligned columns
    /// and its details, files, flags and hash on the lines below.
    public func text() -> String {
        var lines: [String] = [Self.plain(confidentialityNotice), "", "Chronology of case \(header.reference)"]
        let facts = headerFacts
        let labelWidth = facts.map(\.label.count).max() ?? 0
        for fact in facts {
            let label = fact.label + ":" + String(repeating: " ", count: labelWidth - fact.label.count)
            lines.append("  \(label)  \(Self.indent(Self.plain(fact.value), by: labelWidth + 5))")
        }
        if !overdue.isEmpty {
            lines += ["", "OVERDUE at \(local(asOf)):"]
            for step in overdue {
                lines.append(
                    "  ! \(step.deadline.subject): due \(local(step.deadline.due)), \(Self.hoursText(step.hoursLate)) late; "
                        + step.deadline.nextAction)
            }
        }
        if !overrides.isEmpty {
            lines += ["", "CHILD-PROTECTION OVERRIDE (police referral without consent):"]
            for row in overrides { lines.append("  ! \(row.when): \(Self.plain(row.what))") }
        }
        lines += ["", "Chronology (\(rows.count) events, in time order):", ""]
        let whenWidth = max(4, rows.map(\.when.count).max() ?? 0)
        let versionWidth = max(1, rows.map { String($0.event.version).count }.max() ?? 0)
        let byWidth = max(2, rows.map { Self.plain($0.actor.label).count }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        let detailIndent = whenWidth + versionWidth + byWidth + 6
        let continuation = String(repeating: " ", count: detailIndent)
        lines.append("\(pad("When", whenWidth))  \(pad("v", versionWidth))  \(pad("By", byWidth))  What")
        lines.append(
            [whenWidth, versionWidth, byWidth, 40].map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows {
            let version = String(repeating: " ", count: versionWidth - String(row.event.version).count) + String(row.event.version)
            lines.append(
                "\(pad(row.when, whenWidth))  \(version)  \(pad(Self.plain(row.actor.label), byWidth))  "
                    + Self.indent(Self.plain(row.what), by: detailIndent))
            for flag in row.flags { lines.append(continuation + "!! " + Self.indent(Self.plain(flag.text), by: detailIndent + 3)) }
            for detail in row.details { lines.append(continuation + Self.indent(Self.plain(detail), by: detailIndent)) }
            lines.append(continuation + "Hash: \(row.event.hash)")
        }
        lines += ["", "Verification:", "  " + verificationStatement, "", Self.plain(confidentialityNotice)]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The header as label and value pairs, shared by the text, Markdown and CSV layouts.
    var headerFacts: [(label: String, value: String)] {
        let removal = header.removal
        let requests = removal.requests.map { ("Takedown \($0.id)", Removal.requestText($0, localTime)) }
        return [
            ("Case", header.reference.description),
            ("School", header.school.isEmpty ? "(not given)" : header.school),
            ("Affected", header.affected.label),
            ("Status", header.status.rawValue + (header.isUrgent ? " (urgent: a child is mentioned)" : "")),
            ("Categories", header.categories.isEmpty ? "(none)" : header.categories.map(\.rawValue).joined(separator: ", ")),
            ("Summary", header.summary),
            ("Opened", local(header.openedAt)),
            ("Closed", header.closedAt.map(local) ?? "not closed"),
            ("Material", removal.statusText(localTime)),
            ("Removed within 24 h", removal.within24HoursText),
        ] + requests + [
            ("Chain head", "version \(header.chainHead.version), hash \(header.chainHead.hash)"),
            ("Deadlines as of", local(asOf)),
        ]
    }

    /// User text made safe for a terminal: control characters other than line feed (which
    /// could move the cursor or recolour the screen) become spaces.
    static func plain(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { ($0.value < 0x20 && $0 != "\n") || ($0.value >= 0x7F && $0.value < 0xA0) ? " " : $0 }))
    }

    /// Text whose second and later lines are indented to a column.
    static func indent(_ text: String, by width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\n" + String(repeating: " ", count: width))
    }
}
