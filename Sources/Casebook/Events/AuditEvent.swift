import EventLog

/// Events of the `audit` stream: who exported what, for whom, when and in which format, and
/// who looked at what (SPEC §8). Records of who a case was shared with are part of
/// safeguarding record-keeping (SPEC §6).
///
/// Type names (``typeName``) are stable: they are stored and hashed. Every payload carries
/// `"v": 1`. Who exported and when are the event's own `actor` and `occurred_at`.
public enum AuditEvent: Sendable, Equatable {
    /// A case's timeline was exported, optionally for a named recipient, up to the chain
    /// head it shows (its last version and hash: `verify` checks the database still holds
    /// it). Entries recorded before chain heads were kept have none.
    case timelineExported(case: CaseReference, format: TimelineFormat, recipient: String?, chainHead: Timeline.ChainHead?)
    /// A case's police bundle was written for a named recipient (issue 23): the exhibits
    /// whose files it holds, the entries left out, the SHA-256 of its `SHA256SUMS` file, and
    /// the chain head it shows.
    case bundleExported(
        case: CaseReference, recipient: String, exhibits: [String], omitted: [String], sha256: String, chainHead: Timeline.ChainHead)
    /// The HR outcomes report was exported for the cases closed in `[since, until)`.
    case outcomesExported(since: String?, until: String?, format: OutcomesFormat)
    /// A case's content was read: `show`, `evidence list`, or `evidence get` of one item.
    case caseRead(case: CaseReference, view: CaseView, evidence: String?)
    /// The audit trail was read, for one case or all, from a date or from the start.
    case auditRead(case: CaseReference?, since: String?)
    /// The whole database was copied (`backup`).
    case backupMade
    /// A checkpoint of the log was written to a file (`checkpoint`): the log head it holds.
    case checkpointTaken(events: Int, hash: String)
    /// A subject access request was answered with an export of every entry naming the
    /// person: when it was received and its one-calendar-month deadline (SPEC §9), and the
    /// cases whose entries it holds (nil in entries recorded before they were kept: any case).
    case subjectAccessExported(
        subject: String, receivedAt: String, deadline: String, format: String, entries: Int, cases: [CaseReference]?)
    /// An alert was handed to the machine's mail system (SPEC §11): which, to whom, where.
    case alertSent(key: String, staff: String, address: String)
    /// An alert could not be sent; the next `alerts send` tries again.
    case alertFailed(key: String, staff: String, reason: String)

    /// What a ``caseRead(case:view:evidence:)`` showed.
    public enum CaseView: String, Sendable, CaseIterable {
        case show
        case evidenceList = "evidence list"
        case evidenceGet = "evidence get"
        /// A member's digest named the case with its deadlines, hosts or evidence.
        case digest
        /// `list` found the case by searching its summary, URLs, hosts or source handle.
        case search = "list search"
    }

    /// Whether the event concerns `reference`: it names it, or it copied or searched the
    /// whole record (a backup; a subject access request whose cases were not kept).
    public func concerns(_ reference: CaseReference) -> Bool {
        switch self {
        case .backupMade: return true
        case .subjectAccessExported(_, _, _, _, _, let cases): return cases?.contains(reference) ?? true
        default: return caseReference == reference
        }
    }

    /// The case the event is about, if one.
    public var caseReference: CaseReference? {
        switch self {
        case .timelineExported(let reference, _, _, _), .caseRead(let reference, _, _): return reference
        case .bundleExported(let reference, _, _, _, _, _): return reference
        case .auditRead(let reference, _): return reference
        case .outcomesExported, .backupMade, .checkpointTaken, .subjectAccessExported, .alertSent, .alertFailed: return nil
        }
    }

    /// The stream that holds the audit trail.
    public static let stream = "audit"

    /// The payload version written with every event.
    static let payloadVersion = 1

    /// The stable type name stored in the `events.type` column.
    public var typeName: String {
        switch self {
        case .timelineExported: return "TimelineExported"
        case .bundleExported: return "BundleExported"
        case .outcomesExported: return "OutcomesExported"
        case .caseRead: return "CaseRead"
        case .auditRead: return "AuditRead"
        case .backupMade: return "BackupMade"
        case .checkpointTaken: return "CheckpointTaken"
        case .subjectAccessExported: return "SubjectAccessExported"
        case .alertSent: return "AlertSent"
        case .alertFailed: return "AlertFailed"
        }
    }

    /// The payload as a JSON object. Times (`since`, `until`) are UTC text as stored.
    public var payload: JSONValue {
        var fields: [String: JSONValue]
        switch self {
        case .timelineExported(let reference, let format, let recipient, let head):
            fields = ["case": .string(reference.description), "format": .string(format.rawValue), "recipient": JSONValue(recipient)]
            if let head { fields["chainHead"] = ["version": .int(head.version), "hash": .string(head.hash)] }
        case .bundleExported(let reference, let recipient, let exhibits, let omitted, let sha256, let head):
            fields = [
                "case": .string(reference.description), "recipient": .string(recipient),
                "exhibits": .array(exhibits.map { .string($0) }), "omitted": .array(omitted.map { .string($0) }),
                "sha256": .string(sha256), "chainHead": ["version": .int(head.version), "hash": .string(head.hash)],
            ]
        case .outcomesExported(let since, let until, let format):
            fields = ["since": JSONValue(since), "until": JSONValue(until), "format": .string(format.rawValue)]
        case .caseRead(let reference, let view, let evidence):
            fields = ["case": .string(reference.description), "view": .string(view.rawValue), "evidence": JSONValue(evidence)]
        case .auditRead(let reference, let since):
            fields = ["case": JSONValue(reference?.description), "since": JSONValue(since)]
        case .backupMade:
            fields = [:]
        case .checkpointTaken(let events, let hash):
            fields = ["events": .int(events), "hash": .string(hash)]
        case .subjectAccessExported(let subject, let receivedAt, let deadline, let format, let entries, let cases):
            fields = [
                "subject": .string(subject), "receivedAt": .string(receivedAt), "deadline": .string(deadline),
                "format": .string(format), "entries": .int(entries),
            ]
            if let cases { fields["cases"] = .array(cases.map { .string($0.description) }) }
        case .alertSent(let key, let staff, let address):
            fields = ["key": .string(key), "staff": .string(staff), "address": .string(address)]
        case .alertFailed(let key, let staff, let reason):
            fields = ["key": .string(key), "staff": .string(staff), "reason": .string(reason)]
        }
        fields["v"] = .int(Self.payloadVersion)
        return .object(fields)
    }

    /// Decodes a stored audit event.
    public init(type: String, payload: [UInt8]?) throws {
        guard let payload else { throw CaseEvent.PayloadError(type: type, field: "payload") }
        let json = try JSONValue.parse(payload)
        func optional(_ key: String) throws -> String? {
            guard let value = json[key], !value.isNull else { return nil }
            guard let text = value.string else { throw CaseEvent.PayloadError(type: type, field: key) }
            return text
        }
        switch type {
        case "TimelineExported":
            guard let reference = json["case"]?.string.flatMap(CaseReference.init) else {
                throw CaseEvent.PayloadError(type: type, field: "case")
            }
            guard let format = json["format"]?.string.flatMap(TimelineFormat.init(rawValue:)) else {
                throw CaseEvent.PayloadError(type: type, field: "format")
            }
            var head: Timeline.ChainHead?
            if let value = json["chainHead"], !value.isNull {
                guard let version = value["version"]?.int, let hash = value["hash"]?.string else {
                    throw CaseEvent.PayloadError(type: type, field: "chainHead")
                }
                head = Timeline.ChainHead(stream: reference.stream, version: version, hash: hash)
            }
            self = .timelineExported(case: reference, format: format, recipient: try optional("recipient"), chainHead: head)
        case "BundleExported":
            guard let reference = json["case"]?.string.flatMap(CaseReference.init), let recipient = json["recipient"]?.string,
                let exhibits = json["exhibits"]?.array?.compactMap(\.string), let omitted = json["omitted"]?.array?.compactMap(\.string),
                let sha256 = json["sha256"]?.string, let version = json["chainHead"]?["version"]?.int,
                let hash = json["chainHead"]?["hash"]?.string
            else { throw CaseEvent.PayloadError(type: type, field: "case") }
            self = .bundleExported(
                case: reference, recipient: recipient, exhibits: exhibits, omitted: omitted, sha256: sha256,
                chainHead: Timeline.ChainHead(stream: reference.stream, version: version, hash: hash))
        case "OutcomesExported":
            guard let format = json["format"]?.string.flatMap(OutcomesFormat.init(rawValue:)) else {
                throw CaseEvent.PayloadError(type: type, field: "format")
            }
            self = .outcomesExported(since: try optional("since"), until: try optional("until"), format: format)
        case "CaseRead":
            guard let reference = json["case"]?.string.flatMap(CaseReference.init) else {
                throw CaseEvent.PayloadError(type: type, field: "case")
            }
            guard let view = json["view"]?.string.flatMap(CaseView.init(rawValue:)) else {
                throw CaseEvent.PayloadError(type: type, field: "view")
            }
            self = .caseRead(case: reference, view: view, evidence: try optional("evidence"))
        case "AuditRead":
            let reference = try optional("case")
            guard reference.map({ CaseReference($0) != nil }) ?? true else { throw CaseEvent.PayloadError(type: type, field: "case") }
            self = .auditRead(case: reference.flatMap(CaseReference.init), since: try optional("since"))
        case "BackupMade":
            self = .backupMade
        case "CheckpointTaken":
            guard let events = json["events"]?.int, let hash = json["hash"]?.string else {
                throw CaseEvent.PayloadError(type: type, field: "events")
            }
            self = .checkpointTaken(events: events, hash: hash)
        case "SubjectAccessExported":
            guard let subject = json["subject"]?.string, let receivedAt = json["receivedAt"]?.string,
                let deadline = json["deadline"]?.string, let format = json["format"]?.string, let entries = json["entries"]?.int
            else { throw CaseEvent.PayloadError(type: type, field: "subject") }
            var cases: [CaseReference]?
            if let value = json["cases"], !value.isNull {
                guard let list = value.array?.map({ $0.string.flatMap(CaseReference.init) }), !list.contains(nil) else {
                    throw CaseEvent.PayloadError(type: type, field: "cases")
                }
                cases = list.compactMap { $0 }
            }
            self = .subjectAccessExported(
                subject: subject, receivedAt: receivedAt, deadline: deadline, format: format, entries: entries, cases: cases)
        case "AlertSent", "AlertFailed":
            guard let key = json["key"]?.string, let staff = json["staff"]?.string,
                let detail = json[type == "AlertSent" ? "address" : "reason"]?.string
            else { throw CaseEvent.PayloadError(type: type, field: "key") }
            self = type == "AlertSent" ? .alertSent(key: key, staff: staff, address: detail) : .alertFailed(key: key, staff: staff, reason: detail)
        default:
            throw CaseEvent.PayloadError(type: type, field: "type")
        }
    }

    /// The event ready to append, as the event log takes it.
    func newEvent(occurredAt: String, actor: String) -> NewEvent {
        NewEvent(type: typeName, occurredAt: occurredAt, actor: actor, payload: payload.serializedBytes())
    }
}
