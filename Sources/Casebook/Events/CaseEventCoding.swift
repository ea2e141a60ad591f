import EventLog

/// How case events become stored type names and JSON payloads, and back.
extension CaseEvent {
    /// The payload version written with every event.
    static let payloadVersion = 1

    /// The type name of ``evidenceCaptured(_:)``.
    public static let evidenceCapturedType = "EvidenceCaptured"
    /// The type name of ``noteAdded(text:)``.
    public static let noteAddedType = "InvestigationNoteAdded"

    /// The stable type name stored in the `events.type` column.
    public var typeName: String {
        switch self {
        case .opened: return "CaseOpened"
        case .evidenceCaptured: return Self.evidenceCapturedType
        case .investigationStarted: return "InvestigationStarted"
        case .noteAdded: return Self.noteAddedType
        case .sourceIdentified: return "SourceIdentified"
        case .threatAssessed: return "ThreatAssessed"
        case .behaviourReferral: return "BehaviourReferralMade"
        case .disciplinaryReferral: return "DisciplinaryReferralMade"
        case .investigationConcluded: return "InvestigationConcluded"
        case .takedownRequested: return "TakedownRequested"
        case .hostResponded: return "HostResponded"
        case .removalChecked: return "RemovalChecked"
        case .takedownNotApplicable: return "TakedownNotApplicable"
        case .ispEscalated: return "ISPEscalated"
        case .ispResponded: return "ISPResponded"
        case .consentRecorded: return "ConsentRecorded"
        case .policeReferred: return "PoliceReferred"
        case .supportOffered: return "SupportOffered"
        case .supportResponded: return "SupportResponded"
        case .closed: return "CaseClosed"
        case .reopened: return "CaseReopened"
        case .accessRestricted: return "AccessRestricted"
        case .accessRestored: return "AccessRestored"
        case .redaction: return "EventRedacted"
        case .redacted(let type): return type
        }
    }

    /// The payload as a JSON object.
    public var payload: JSONValue {
        var fields: [String: JSONValue]
        switch self {
        case .opened(let opened):
            fields = [
                "reference": .string(opened.reference.description), "school": .string(opened.school),
                "affected": .string(opened.affected), "reportedBy": .string(opened.reportedBy),
                "reportedTo": .string(opened.reportedTo), "summary": .string(opened.summary),
                "categories": .array(opened.categories.map { .string($0.rawValue) }),
                "discoveredAt": .string(opened.discoveredAt),
            ]
        case .evidenceCaptured(let evidence):
            fields = [
                "id": .string(evidence.id), "kind": .string(evidence.kind.rawValue), "url": JSONValue(evidence.url),
                "host": JSONValue(evidence.host), "capturedAt": .string(evidence.capturedAt),
                "postedAt": JSONValue(evidence.postedAt), "platform": JSONValue(evidence.platform),
                "description": JSONValue(evidence.description), "files": .array(evidence.files.map(Self.json)),
            ]
        case .investigationStarted: fields = [:]
        case .noteAdded(let text): fields = ["text": .string(text)]
        case .sourceIdentified(let kind, let ref): fields = ["kind": .string(kind.rawValue), "ref": JSONValue(ref)]
        case .threatAssessed(let isThreatening, let rationale):
            fields = ["threatening": .bool(isThreatening), "rationale": .string(rationale)]
        case .behaviourReferral(let pupil): fields = ["pupil": .string(pupil)]
        case .disciplinaryReferral(let staff): fields = ["staff": .string(staff)]
        case .investigationConcluded(let finding, let summary):
            fields = ["finding": .string(finding.rawValue), "summary": .string(summary)]
        case .takedownRequested(let request):
            fields = [
                "id": .string(request.id), "host": .string(request.host),
                "evidence": .array(request.evidence.map { .string($0) }), "method": .string(request.method.rawValue),
                "sentBy": .string(request.sentBy.rawValue), "deadline": .string(request.deadline),
            ]
        case .hostResponded(let request, let result):
            fields = ["request": .string(request), "result": .string(result.rawValue)]
        case .removalChecked(let request, let result, let file):
            fields = [
                "request": .string(request), "result": .string(result.rawValue), "file": file.map(Self.json) ?? .null,
            ]
        case .takedownNotApplicable(let reason): fields = ["reason": .string(reason)]
        case .ispEscalated(let request, let isp): fields = ["request": .string(request), "isp": .string(isp)]
        case .ispResponded(let request, let result):
            fields = ["request": .string(request), "result": .string(result.rawValue)]
        case .consentRecorded(let decision, let by): fields = ["decision": .string(decision.rawValue), "by": .string(by)]
        case .policeReferred(let force, let reference, let overrideReason):
            fields = [
                "force": .string(force), "reference": JSONValue(reference), "overrideReason": JSONValue(overrideReason),
            ]
        case .supportOffered(let services): fields = ["services": .array(services.map { .string($0) })]
        case .supportResponded(let response): fields = ["response": .string(response.rawValue)]
        case .closed(let outcome, let action): fields = ["outcome": .string(outcome), "action": .string(action.rawValue)]
        case .reopened(let reason): fields = ["reason": .string(reason)]
        case .accessRestricted(let staff, let reason): fields = ["staff": .string(staff), "reason": .string(reason)]
        case .accessRestored(let staff, let reason): fields = ["staff": .string(staff), "reason": JSONValue(reason)]
        case .redaction(let version, let reason): fields = ["version": .int(version), "reason": .string(reason)]
        case .redacted: return .null
        }
        fields["v"] = .int(Self.payloadVersion)
        return .object(fields)
    }

    private static func json(_ file: StoredFile) -> JSONValue {
        [
            "name": .string(file.name), "sha256": .string(file.sha256), "size": .int(file.size),
            "mediaType": .string(file.mediaType),
        ]
    }

    /// Decodes a stored event; a NULL (redacted) payload gives ``redacted(type:)``.
    public init(type: String, payload bytes: [UInt8]?) throws {
        guard let bytes else {
            self = .redacted(type: type)
            return
        }
        let json = try JSONValue.parse(bytes)
        self = try Self.decode(type: type, json)
    }

    /// A field reader that names what is missing.
    private struct Fields {
        let json: JSONValue
        let type: String

        func string(_ key: String) throws -> String {
            guard let value = json[key]?.string else { throw PayloadError(type: type, field: key) }
            return value
        }
        func optionalString(_ key: String) -> String? { json[key]?.string }
        func strings(_ key: String) throws -> [String] {
            guard let array = json[key]?.array else { throw PayloadError(type: type, field: key) }
            return try array.map { value in
                guard let string = value.string else { throw PayloadError(type: type, field: key) }
                return string
            }
        }
        func word<T: RawRepresentable>(_ key: String, as: T.Type) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try string(key)) else { throw PayloadError(type: type, field: key) }
            return value
        }
        func file(_ value: JSONValue) throws -> StoredFile {
            guard let name = value["name"]?.string, let sha256 = value["sha256"]?.string, let size = value["size"]?.int,
                let mediaType = value["mediaType"]?.string
            else { throw PayloadError(type: type, field: "files") }
            return StoredFile(name: name, sha256: sha256, size: size, mediaType: mediaType)
        }
    }

    /// A payload that does not have the fields its type needs.
    public struct PayloadError: Error, CustomStringConvertible, Equatable {
        /// The event type.
        public let type: String
        /// The field missing or malformed.
        public let field: String
        public var description: String { "a \(type) event's payload has no valid '\(field)'" }
    }

    private static func decode(type: String, _ json: JSONValue) throws -> CaseEvent {
        let f = Fields(json: json, type: type)
        switch type {
        case "CaseOpened":
            guard let reference = CaseReference(try f.string("reference")) else {
                throw PayloadError(type: type, field: "reference")
            }
            return .opened(
                Opened(
                    reference: reference, school: try f.string("school"), affected: try f.string("affected"),
                    reportedBy: try f.string("reportedBy"), reportedTo: try f.string("reportedTo"),
                    summary: try f.string("summary"),
                    categories: try f.strings("categories").map {
                        guard let category = Category(rawValue: $0) else { throw PayloadError(type: type, field: "categories") }
                        return category
                    },
                    discoveredAt: try f.string("discoveredAt")))
        case Self.evidenceCapturedType:
            return .evidenceCaptured(
                Evidence(
                    id: try f.string("id"), kind: try f.word("kind", as: EvidenceKind.self), url: f.optionalString("url"),
                    host: f.optionalString("host"), capturedAt: try f.string("capturedAt"),
                    postedAt: f.optionalString("postedAt"), platform: f.optionalString("platform"),
                    description: f.optionalString("description"),
                    files: try (json["files"]?.array ?? []).map(f.file)))
        case "InvestigationStarted": return .investigationStarted
        case Self.noteAddedType: return .noteAdded(text: try f.string("text"))
        case "SourceIdentified":
            return .sourceIdentified(kind: try f.word("kind", as: SourceKind.self), ref: f.optionalString("ref"))
        case "ThreatAssessed":
            guard let threatening = json["threatening"]?.bool else { throw PayloadError(type: type, field: "threatening") }
            return .threatAssessed(isThreatening: threatening, rationale: try f.string("rationale"))
        case "BehaviourReferralMade": return .behaviourReferral(pupil: try f.string("pupil"))
        case "DisciplinaryReferralMade": return .disciplinaryReferral(staff: try f.string("staff"))
        case "InvestigationConcluded":
            return .investigationConcluded(finding: try f.word("finding", as: Finding.self), summary: try f.string("summary"))
        case "TakedownRequested":
            return .takedownRequested(
                TakedownRequest(
                    id: try f.string("id"), host: try f.string("host"), evidence: try f.strings("evidence"),
                    method: try f.word("method", as: TakedownMethod.self),
                    sentBy: try f.word("sentBy", as: RequestSender.self), deadline: try f.string("deadline")))
        case "HostResponded":
            return .hostResponded(request: try f.string("request"), result: try f.word("result", as: HostResponse.self))
        case "RemovalChecked":
            let file = try json["file"].flatMap { $0.isNull ? nil : try f.file($0) }
            return .removalChecked(
                request: try f.string("request"), result: try f.word("result", as: CheckResult.self), file: file)
        case "TakedownNotApplicable": return .takedownNotApplicable(reason: try f.string("reason"))
        case "ISPEscalated": return .ispEscalated(request: try f.string("request"), isp: try f.string("isp"))
        case "ISPResponded":
            return .ispResponded(request: try f.string("request"), result: try f.word("result", as: ISPResponse.self))
        case "ConsentRecorded":
            return .consentRecorded(decision: try f.word("decision", as: ConsentDecision.self), by: try f.string("by"))
        case "PoliceReferred":
            return .policeReferred(
                force: try f.string("force"), reference: f.optionalString("reference"),
                overrideReason: f.optionalString("overrideReason"))
        case "SupportOffered": return .supportOffered(services: try f.strings("services"))
        case "SupportResponded": return .supportResponded(try f.word("response", as: SupportResponse.self))
        case "CaseClosed": return .closed(outcome: try f.string("outcome"), action: try f.word("action", as: CloseAction.self))
        case "CaseReopened": return .reopened(reason: try f.string("reason"))
        case "AccessRestricted": return .accessRestricted(staff: try f.string("staff"), reason: try f.string("reason"))
        case "AccessRestored": return .accessRestored(staff: try f.string("staff"), reason: f.optionalString("reason"))
        case "EventRedacted":
            guard let version = json["version"]?.int else { throw PayloadError(type: type, field: "version") }
            return .redaction(version: version, reason: try f.string("reason"))
        default: throw PayloadError(type: type, field: "type")
        }
    }

    /// The event ready to append, as the event log takes it.
    func newEvent(occurredAt: String, actor: String) -> NewEvent {
        NewEvent(type: typeName, occurredAt: occurredAt, actor: actor, payload: payload.serializedBytes())
    }
}
