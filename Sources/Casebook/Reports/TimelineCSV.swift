import EventLog

extension Timeline {
    /// The columns of the CSV export.
    static let csvColumns = [
        "record", "label", "value", "when", "what", "details", "by", "by_id", "version", "type", "occurred_at",
        "recorded_at", "files", "flags", "hash",
    ]

    /// The chronology as RFC 4180 CSV, every record with the same columns (``csvColumns``).
    ///
    /// The first column says what a record is: `notice` (the confidentiality line in
    /// `value`), `case` (a header fact: `label` and `value`), `overdue` (a step past its
    /// deadline) or `event` (one per event, in time order). Multi-line cells (details,
    /// files, flags) hold one item per line. Cells a spreadsheet would run as a formula are
    /// neutralised with a leading `'`.
    public func csv() -> String {
        let width = Self.csvColumns.count
        func record(_ kind: String, label: String = "", value: String = "", when: String = "") -> [String] {
            [kind, label, value, when] + Array(repeating: "", count: width - 4)
        }
        var records: [[String]] = [Self.csvColumns, record("notice", label: "confidentiality", value: confidentialityNotice)]
        for fact in headerFacts { records.append(record("case", label: fact.label, value: fact.value)) }
        records.append(record("case", label: "Verification", value: verificationStatement))
        for step in overdue {
            records.append(
                record(
                    "overdue", label: step.deadline.subject,
                    value: "\(Self.hoursText(step.hoursLate)) late: \(step.deadline.nextAction)",
                    when: local(step.deadline.due)))
        }
        for row in rows {
            records.append([
                "event", "", "", row.when, row.what, row.details.joined(separator: "\n"), row.actor.name ?? "",
                row.actor.id, String(row.event.version), row.event.type, row.event.occurredAt, row.event.recordedAt,
                row.files.map { "\($0.name) sha256:\($0.sha256)" }.joined(separator: "\n"),
                row.flags.map(\.text).joined(separator: "\n"), row.event.hash,
            ])
        }
        return CSVWriter.document(records)
    }
}
