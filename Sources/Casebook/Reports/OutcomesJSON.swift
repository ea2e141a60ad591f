import EventLog

extension Outcomes {
    /// The report as one JSON object: `format` `casebook-outcomes`, `version` 1, the
    /// period, who exported it and when, the confidentiality line, the summary counts, and
    /// one object per closed case. Times are UTC.
    public var jsonValue: JSONValue {
        let summary = summary
        return [
            "format": "casebook-outcomes",
            "version": 1,
            "since": JSONValue(since.map(Timestamp.string(from:))),
            "staff": JSONValue(staff),
            "until": JSONValue(until.map(Timestamp.string(from:))),
            "exportedBy": [
                "id": .string(exportedBy.id), "name": .string(exportedBy.name), "role": .string(exportedBy.role.rawValue),
            ],
            "exportedAt": .string(Timestamp.string(from: exportedAt)),
            "confidentiality": .string(confidentialityNotice),
            "summary": [
                "closed": .int(summary.closed),
                "closures": .int(summary.closures),
                "findings": .object(summary.findings.mapValues(JSONValue.int)),
                "actions": .object(summary.actions.mapValues(JSONValue.int)),
                "policeReferrals": .int(summary.policeReferrals),
                "overrides": .int(summary.overrides),
                "behaviourReferrals": .int(summary.behaviourReferrals),
                "disciplinaryReferrals": .int(summary.disciplinaryReferrals),
                "withTakedown": .int(summary.withTakedown),
                "removedWithin24Hours": .int(summary.removedWithin24Hours),
                "removedWithin24HoursShare": summary.removedWithin24HoursShare.map(JSONValue.double) ?? .null,
                "text": .string(summaryLine),
            ],
            "cases": .array(
                rows.map { row in
                    [
                        "reference": .string(row.reference.description),
                        "school": .string(row.school),
                        "openedAt": .string(Timestamp.string(from: row.openedAt)),
                        "closedAt": .string(Timestamp.string(from: row.closedAt)),
                        "laterReopened": .bool(row.reopenedAt != nil),
                        "reopenedAt": JSONValue(row.reopenedAt.map(Timestamp.string(from:))),
                        "categories": .array(row.categories.map(JSONValue.string)),
                        "sourceKind": JSONValue(row.sourceKind),
                        "referrals": .array(row.referrals.map(JSONValue.string)),
                        "threat": JSONValue(row.threat),
                        "police": .string(row.police),
                        "finding": JSONValue(row.finding),
                        "action": JSONValue(row.action),
                        "outcome": JSONValue(row.outcome),
                        "material": .string(row.removal.status.word),
                        "allDownAt": JSONValue(row.removal.allDownAt.map(Timestamp.string(from:))),
                        "longestHoursToRemoval": row.removal.longestHours.map(JSONValue.double) ?? .null,
                        "hoursRequestToRemoval": row.removal.longestHours.map(JSONValue.double) ?? .null,
                        "hoursVisible": row.removal.longestVisibleHours.map(JSONValue.double) ?? .null,
                        "removedWithin24Hours": row.removedWithin24Hours.map(JSONValue.bool) ?? .null,
                        "within24Hours": .string(row.removal.within24HoursText),
                        "removal": row.removal.json(hosts: false),
                    ]
                }),
        ]
    }

    /// The JSON text: ``jsonValue`` indented for people, ending with a newline.
    public func json() -> String { jsonValue.prettySerialized() + "\n" }
}
