import EventLog
import Foundation

extension Timeline {
    /// The name in the export's `format` field.
    public static let jsonFormatName = "casebook-timeline"
    /// The export's `version` field.
    public static let jsonFormatVersion = 1

    /// The JSON export as a value: one object with the header, who exported it for whom and
    /// when, and every event with every field its hash chain needs — `payload` is the exact
    /// stored payload text (null when redacted) — beside the human fields `when`, `what`
    /// and `details`. Times are UTC except the human fields, which are local.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "format": .string(Self.jsonFormatName),
            "version": .int(Self.jsonFormatVersion),
            "case": headerJSON,
            "exportedBy": [
                "id": .string(exportedBy.id), "name": .string(exportedBy.name), "role": .string(exportedBy.role.rawValue),
            ],
            "recipient": JSONValue(recipient),
            "exportedAt": .string(Timestamp.string(from: exportedAt)),
            "asOf": .string(Timestamp.string(from: asOf)),
            "timeZone": .string(localTime.identifier),
            "confidentiality": .string(confidentialityNotice),
            "identities": .string(identitiesClaimed ? IdentityMode.claimed.rawValue : IdentityMode.verified.rawValue),
            "staff": .object(staffNames.mapValues(JSONValue.string)),
            "overdue": .array(
                overdue.map { step in
                    [
                        "kind": .string(step.deadline.kind.rawValue), "subject": .string(step.deadline.subject),
                        "dueAt": .string(Timestamp.string(from: step.deadline.due)), "due": .string(local(step.deadline.due)),
                        "hoursLate": .double(step.hoursLate), "nextAction": .string(step.deadline.nextAction),
                    ]
                }),
        ]
        object["events"] = .array(rows.map(Self.json))
        return .object(object)
    }

    /// The JSON export text: ``jsonValue`` indented for people, ending with a newline.
    public func json() -> String { jsonValue.prettySerialized() + "\n" }

    private var headerJSON: JSONValue {
        [
            "reference": .string(header.reference.description),
            "stream": .string(header.reference.stream),
            "school": .string(header.school),
            "affected": ["id": .string(header.affected.id), "name": JSONValue(header.affected.name)],
            "status": .string(header.status.rawValue),
            "urgent": .bool(header.isUrgent),
            "categories": .array(header.categories.map { .string($0.rawValue) }),
            "summary": .string(header.summary),
            "openedAt": .string(Timestamp.string(from: header.openedAt)),
            "opened": .string(local(header.openedAt)),
            "closedAt": JSONValue(header.closedAt.map(Timestamp.string(from:))),
            "closed": JSONValue(header.closedAt.map(local)),
            "removal": header.removal.jsonValue,
            "material": .string(header.removal.statusText(localTime)),
            "chainHead": [
                "stream": .string(header.chainHead.stream), "version": .int(header.chainHead.version),
                "hash": .string(header.chainHead.hash),
            ],
            "verification": .string(verificationStatement),
        ]
    }

    private static func json(_ row: Row) -> JSONValue {
        let event = row.event
        return [
            "position": .int(Int(event.position)),
            "stream": .string(event.stream),
            "version": .int(event.version),
            "type": .string(event.type),
            "occurredAt": .string(event.occurredAt),
            "recordedAt": .string(event.recordedAt),
            "actor": .string(event.actor),
            "payload": JSONValue(event.payloadText),
            "payloadSHA256": .string(event.payloadSHA256),
            "prevHash": .string(event.prevHash),
            "hash": .string(event.hash),
            "redacted": .bool(event.isRedacted),
            "when": .string(row.when),
            "actorName": JSONValue(row.actor.name),
            "what": .string(row.what),
            "details": .array(row.details.map(JSONValue.string)),
            "files": .array(
                row.files.map { file in
                    [
                        "name": .string(file.name), "sha256": .string(file.sha256), "size": .int(file.size),
                        "mediaType": .string(file.mediaType),
                    ]
                }),
            "flags": .array(row.flags.map { ["kind": .string($0.kind.rawValue), "text": .string($0.text)] }),
        ]
    }
}
