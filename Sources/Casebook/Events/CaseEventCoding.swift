import EventLog

/// The one table of case event type names: each ``CaseEvent`` case's stable name, stored in
/// the `events.type` column and hashed into the chain. Coding, redaction and reports use
/// these values; nothing else spells a type name but a registered track (``TrackEvent``).
public enum CaseEventType: String, Sendable, CaseIterable {
    case opened = "CaseOpened"
    case evidenceCaptured = "EvidenceCaptured"
    case evidenceFilesAttached = "EvidenceFilesAttached"
    case investigationStarted = "InvestigationStarted"
    case noteAdded = "InvestigationNoteAdded"
    case sourceIdentified = "SourceIdentified"
    case threatAssessed = "ThreatAssessed"
    case behaviourReferral = "BehaviourReferralMade"
    case disciplinaryReferral = "DisciplinaryReferralMade"
    case investigationConcluded = "InvestigationConcluded"
    case takedownRequested = "TakedownRequested"
    case hostResponded = "HostResponded"
    case removalChecked = "RemovalChecked"
    case takedownNotApplicable = "TakedownNotApplicable"
    case ispEscalated = "ISPEscalated"
    case ispResponded = "ISPResponded"
    case helplineEscalated = "HelplineEscalated"
    case helplineResponded = "HelplineResponded"
    case consentRecorded = "ConsentRecorded"
    case policeReferred = "PoliceReferred"
    case policeReferredUnlawful = "PoliceReferredUnlawfulConduct"
    case policeNotified = "PoliceNotified"
    case supportOffered = "SupportOffered"
    case supportResponded = "SupportResponded"
    case closed = "CaseClosed"
    case reopened = "CaseReopened"
    case closureCorrected = "ClosureCorrected"
    case withdrawn = "EntryWithdrawn"
    case accessRestricted = "AccessRestricted"
    case accessRestored = "AccessRestored"
    case redaction = "EventRedacted"
    case categoryAdded = "CategoryAdded"
    case categoryRemoved = "CategoryRemoved"
    case evidenceFlagged = "EvidenceFlagged"
    case referralDecision = "ReferralDecisionRecorded"
    /// Named in schema.sql: the blob_purges trigger lets bytes go only when one names them.
    case filesPurged = "FilesPurged"
    case retentionDateRecorded = "RetentionDateRecorded"
    case held = "CaseHeld"
    case holdReleased = "HoldReleased"
    case retentionApplied = "RetentionApplied"
    case concernTriaged = "ConcernTriaged"
    case assigned = "CaseAssigned"
}

/// How case events become stored type names and JSON payloads, and back.
extension CaseEvent {
    /// The payload version written with every event.
    static let payloadVersion = 1

    /// The type name of ``evidenceCaptured(_:)``.
    public static let evidenceCapturedType = CaseEventType.evidenceCaptured.rawValue
    /// The type name of ``noteAdded(text:)``.
    public static let noteAddedType = CaseEventType.noteAdded.rawValue

    /// The stable type name stored in the `events.type` column (see ``CaseEventType``).
    public var typeName: String {
        switch self {
        case .opened: return CaseEventType.opened.rawValue
        case .evidenceCaptured: return CaseEventType.evidenceCaptured.rawValue
        case .evidenceFilesAttached: return CaseEventType.evidenceFilesAttached.rawValue
        case .investigationStarted: return CaseEventType.investigationStarted.rawValue
        case .noteAdded: return CaseEventType.noteAdded.rawValue
        case .sourceIdentified: return CaseEventType.sourceIdentified.rawValue
        case .threatAssessed: return CaseEventType.threatAssessed.rawValue
        case .behaviourReferral: return CaseEventType.behaviourReferral.rawValue
        case .disciplinaryReferral: return CaseEventType.disciplinaryReferral.rawValue
        case .investigationConcluded: return CaseEventType.investigationConcluded.rawValue
        case .takedownRequested: return CaseEventType.takedownRequested.rawValue
        case .hostResponded: return CaseEventType.hostResponded.rawValue
        case .removalChecked: return CaseEventType.removalChecked.rawValue
        case .takedownNotApplicable: return CaseEventType.takedownNotApplicable.rawValue
        case .ispEscalated: return CaseEventType.ispEscalated.rawValue
        case .ispResponded: return CaseEventType.ispResponded.rawValue
        case .helplineEscalated: return CaseEventType.helplineEscalated.rawValue
        case .helplineResponded: return CaseEventType.helplineResponded.rawValue
        case .consentRecorded: return CaseEventType.consentRecorded.rawValue
        case .policeReferred: return CaseEventType.policeReferred.rawValue
        case .policeReferredUnlawful: return CaseEventType.policeReferredUnlawful.rawValue
        case .policeNotified: return CaseEventType.policeNotified.rawValue
        case .supportOffered: return CaseEventType.supportOffered.rawValue
        case .supportResponded: return CaseEventType.supportResponded.rawValue
        case .closed: return CaseEventType.closed.rawValue
        case .closureCorrected: return CaseEventType.closureCorrected.rawValue
        case .reopened: return CaseEventType.reopened.rawValue
        case .withdrawn: return CaseEventType.withdrawn.rawValue
        case .accessRestricted: return CaseEventType.accessRestricted.rawValue
        case .accessRestored: return CaseEventType.accessRestored.rawValue
        case .redaction: return CaseEventType.redaction.rawValue
        case .categoryAdded: return CaseEventType.categoryAdded.rawValue
        case .categoryRemoved: return CaseEventType.categoryRemoved.rawValue
        case .evidenceFlagged: return CaseEventType.evidenceFlagged.rawValue
        case .referralDecision: return CaseEventType.referralDecision.rawValue
        case .filesPurged: return CaseEventType.filesPurged.rawValue
        case .retentionDateRecorded: return CaseEventType.retentionDateRecorded.rawValue
        case .held: return CaseEventType.held.rawValue
        case .holdReleased: return CaseEventType.holdReleased.rawValue
        case .retentionApplied: return CaseEventType.retentionApplied.rawValue
        case .concernTriaged: return CaseEventType.concernTriaged.rawValue
        case .assigned: return CaseEventType.assigned.rawValue
        case .track(let event): return event.event.typeName
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
            if let concern = opened.concern {
                fields["concern"] = .object([
                    "url": JSONValue(concern.url), "seenAt": JSONValue(concern.seenAt), "files": .array(concern.files.map(Self.json)),
                ])
            }
        case .evidenceCaptured(let evidence):
            fields = [
                "id": .string(evidence.id), "kind": .string(evidence.kind.rawValue), "url": JSONValue(evidence.url),
                "host": JSONValue(evidence.host), "capturedAt": .string(evidence.capturedAt),
                "postedAt": JSONValue(evidence.postedAt), "platform": JSONValue(evidence.platform),
                "description": JSONValue(evidence.description), "files": .array(evidence.files.map(Self.json)),
            ]
            if evidence.isChildSexualImagery { fields["childSexualImagery"] = .bool(true) }
            // Written only for an item Casebook fetched itself, so others keep their shape.
            if let capture = evidence.capture { fields["capture"] = capture.json }
        case .evidenceFilesAttached(let evidence, let files):
            fields = ["evidence": .string(evidence), "files": .array(files.map(Self.json))]
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
            // Written only when given, so requests without one keep their earlier shape.
            if let reference = request.platformReference { fields["platformReference"] = .string(reference) }
        case .hostResponded(let request, let result, let file):
            fields = ["request": .string(request), "result": .string(result.rawValue)]
            if let file { fields["file"] = Self.json(file) }
        case .removalChecked(let request, let result, let file):
            fields = [
                "request": .string(request), "result": .string(result.rawValue), "file": file.map(Self.json) ?? .null,
            ]
        case .takedownNotApplicable(let reason): fields = ["reason": .string(reason)]
        case .ispEscalated(let request, let isp): fields = ["request": .string(request), "isp": .string(isp)]
        case .ispResponded(let request, let result):
            fields = ["request": .string(request), "result": .string(result.rawValue)]
        case .helplineEscalated(let request, let helpline, let reference):
            fields = ["request": .string(request), "helpline": .string(helpline.rawValue), "reference": JSONValue(reference)]
        case .helplineResponded(let request, let result):
            fields = ["request": .string(request), "result": .string(result.rawValue)]
        case .consentRecorded(let decision, let by): fields = ["decision": .string(decision.rawValue), "by": .string(by)]
        case .policeReferred(let force, let reference, let overrideReason):
            fields = [
                "force": .string(force), "reference": JSONValue(reference), "overrideReason": JSONValue(overrideReason),
            ]
        case .policeReferredUnlawful(let force, let reference, let reason):
            fields = ["force": .string(force), "reference": JSONValue(reference), "reason": .string(reason)]
        case .supportOffered(let services): fields = ["services": .array(services.map { .string($0) })]
        case .supportResponded(let response): fields = ["response": .string(response.rawValue)]
        case .closed(let outcome, let action): fields = ["outcome": .string(outcome), "action": .string(action.rawValue)]
        case .closureCorrected(let outcome, let action, let reason):
            fields = ["outcome": .string(outcome), "action": .string(action.rawValue), "reason": .string(reason)]
        case .reopened(let reason): fields = ["reason": .string(reason)]
        case .withdrawn(let item, let reason): fields = ["item": .string(item), "reason": .string(reason)]
        case .policeNotified: fields = [:]
        case .accessRestricted(let staff, let reason): fields = ["staff": .string(staff), "reason": .string(reason)]
        case .accessRestored(let staff, let reason): fields = ["staff": .string(staff), "reason": JSONValue(reason)]
        case .redaction(let version, let reason): fields = ["version": .int(version), "reason": .string(reason)]
        case .categoryAdded(let category), .categoryRemoved(let category): fields = ["category": .string(category.rawValue)]
        case .evidenceFlagged(let item): fields = ["item": .string(item), "childSexualImagery": .bool(true)]
        case .referralDecision(let route, let reference, let reason):
            fields = ["route": .string(route.rawValue), "reference": JSONValue(reference), "reason": JSONValue(reason)]
        case .filesPurged(let purge):
            fields = [
                "items": .array(purge.items.map { .string($0) }), "files": .array(purge.files.map(Self.json)),
                "erased": .array(purge.erased.map { .string($0) }), "reason": .string(purge.reason),
            ]
        case .retentionDateRecorded(let date): fields = ["date": .string(date)]
        case .held(let reason): fields = ["reason": .string(reason)]
        case .holdReleased(let reason): fields = ["reason": JSONValue(reason)]
        case .concernTriaged(let accepted, let reason): fields = ["accepted": .bool(accepted), "reason": JSONValue(reason)]
        case .assigned(let staff): fields = ["staff": .string(staff)]
        case .track(let event): fields = event.event.fields
        case .retentionApplied(let retentionClass, let reviewDate):
            fields = ["class": .string(retentionClass), "reviewDate": .string(reviewDate)]
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

    /// A field reader that names what is missing (a track's decoders read with it too).
    struct Fields {
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
        guard let known = CaseEventType(rawValue: type) else {
            guard let decode = Tracks.eventDecoders[type] else { throw PayloadError(type: type, field: "type") }
            return .track(AnyTrackEvent(try decode(f)))
        }
        switch known {
        case .opened:
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
                    discoveredAt: try f.string("discoveredAt"),
                    concern: try json["concern"].map { concern in
                        Opened.Concern(
                            url: concern["url"]?.string, seenAt: concern["seenAt"]?.string,
                            files: try (concern["files"]?.array ?? []).map(f.file))
                    }))
        case .evidenceFilesAttached:
            return .evidenceFilesAttached(evidence: try f.string("evidence"), files: try (json["files"]?.array ?? []).map(f.file))
        case .evidenceCaptured:
            return .evidenceCaptured(
                Evidence(
                    id: try f.string("id"), kind: try f.word("kind", as: EvidenceKind.self), url: f.optionalString("url"),
                    host: f.optionalString("host"), capturedAt: try f.string("capturedAt"),
                    postedAt: f.optionalString("postedAt"), platform: f.optionalString("platform"),
                    description: f.optionalString("description"),
                    files: try (json["files"]?.array ?? []).map(f.file),
                    isChildSexualImagery: json["childSexualImagery"]?.bool ?? false,
                    capture: try json["capture"].map {
                        guard let capture = CaptureFacts(json: $0) else { throw PayloadError(type: type, field: "capture") }
                        return capture
                    }))
        case .investigationStarted: return .investigationStarted
        case .noteAdded: return .noteAdded(text: try f.string("text"))
        case .sourceIdentified:
            return .sourceIdentified(kind: try f.word("kind", as: SourceKind.self), ref: f.optionalString("ref"))
        case .threatAssessed:
            guard let threatening = json["threatening"]?.bool else { throw PayloadError(type: type, field: "threatening") }
            return .threatAssessed(isThreatening: threatening, rationale: try f.string("rationale"))
        case .behaviourReferral: return .behaviourReferral(pupil: try f.string("pupil"))
        case .disciplinaryReferral: return .disciplinaryReferral(staff: try f.string("staff"))
        case .investigationConcluded:
            return .investigationConcluded(finding: try f.word("finding", as: Finding.self), summary: try f.string("summary"))
        case .takedownRequested:
            return .takedownRequested(
                TakedownRequest(
                    id: try f.string("id"), host: try f.string("host"), evidence: try f.strings("evidence"),
                    method: try f.word("method", as: TakedownMethod.self),
                    sentBy: try f.word("sentBy", as: RequestSender.self), deadline: try f.string("deadline"),
                    platformReference: f.optionalString("platformReference")))
        case .hostResponded:
            let file = try json["file"].flatMap { $0.isNull ? nil : try f.file($0) }
            return .hostResponded(
                request: try f.string("request"), result: try f.word("result", as: HostResponse.self), file: file)
        case .removalChecked:
            let file = try json["file"].flatMap { $0.isNull ? nil : try f.file($0) }
            return .removalChecked(
                request: try f.string("request"), result: try f.word("result", as: CheckResult.self), file: file)
        case .takedownNotApplicable: return .takedownNotApplicable(reason: try f.string("reason"))
        case .ispEscalated: return .ispEscalated(request: try f.string("request"), isp: try f.string("isp"))
        case .ispResponded:
            return .ispResponded(request: try f.string("request"), result: try f.word("result", as: ISPResponse.self))
        case .helplineEscalated:
            return .helplineEscalated(
                request: try f.string("request"), helpline: try f.word("helpline", as: Helpline.self),
                reference: f.optionalString("reference"))
        case .helplineResponded:
            return .helplineResponded(request: try f.string("request"), result: try f.word("result", as: HelplineResult.self))
        case .consentRecorded:
            return .consentRecorded(decision: try f.word("decision", as: ConsentDecision.self), by: try f.string("by"))
        case .policeReferred:
            return .policeReferred(
                force: try f.string("force"), reference: f.optionalString("reference"),
                overrideReason: f.optionalString("overrideReason"))
        case .policeReferredUnlawful:
            return .policeReferredUnlawful(
                force: try f.string("force"), reference: f.optionalString("reference"), reason: try f.string("reason"))
        case .supportOffered: return .supportOffered(services: try f.strings("services"))
        case .supportResponded: return .supportResponded(try f.word("response", as: SupportResponse.self))
        case .closed: return .closed(outcome: try f.string("outcome"), action: try f.word("action", as: CloseAction.self))
        case .closureCorrected:
            return .closureCorrected(
                outcome: try f.string("outcome"), action: try f.word("action", as: CloseAction.self), reason: try f.string("reason"))
        case .reopened: return .reopened(reason: try f.string("reason"))
        case .accessRestricted: return .accessRestricted(staff: try f.string("staff"), reason: try f.string("reason"))
        case .accessRestored: return .accessRestored(staff: try f.string("staff"), reason: f.optionalString("reason"))
        case .redaction:
            guard let version = json["version"]?.int else { throw PayloadError(type: type, field: "version") }
            return .redaction(version: version, reason: try f.string("reason"))
        case .withdrawn: return .withdrawn(item: try f.string("item"), reason: try f.string("reason"))
        case .policeNotified: return .policeNotified
        case .categoryAdded: return .categoryAdded(try f.word("category", as: Category.self))
        case .categoryRemoved: return .categoryRemoved(try f.word("category", as: Category.self))
        case .evidenceFlagged: return .evidenceFlagged(item: try f.string("item"))
        case .referralDecision:
            return .referralDecision(
                route: try f.word("route", as: ReferralRoute.self), reference: f.optionalString("reference"),
                reason: f.optionalString("reason"))
        case .filesPurged:
            return .filesPurged(
                Purge(
                    items: try f.strings("items"), files: try (json["files"]?.array ?? []).map(f.file),
                    erased: try f.strings("erased"), reason: try f.string("reason")))
        case .retentionDateRecorded: return .retentionDateRecorded(date: try f.string("date"))
        case .held: return .held(reason: try f.string("reason"))
        case .holdReleased: return .holdReleased(reason: f.optionalString("reason"))
        case .retentionApplied:
            return .retentionApplied(retentionClass: try f.string("class"), reviewDate: try f.string("reviewDate"))
        case .concernTriaged:
            guard let accepted = json["accepted"]?.bool else { throw PayloadError(type: type, field: "accepted") }
            return .concernTriaged(accepted: accepted, reason: f.optionalString("reason"))
        case .assigned: return .assigned(staff: try f.string("staff"))
        }
    }

    /// The event ready to append, as the event log takes it.
    func newEvent(occurredAt: String, actor: String) -> NewEvent {
        NewEvent(type: typeName, occurredAt: occurredAt, actor: actor, payload: payload.serializedBytes())
    }
}
