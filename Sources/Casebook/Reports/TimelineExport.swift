import EventLog
import Foundation

/// Checks a JSON timeline export on its own, without the database (`casebook verify
/// --export FILE`, SPEC §6).
public enum TimelineExport {
    /// Re-verifies a JSON timeline export.
    ///
    /// Rebuilds each event from the export's fields (payload bytes are the UTF-8 of the
    /// `payload` string; null means redacted) and re-computes the hash chain with
    /// ``ChainVerifier``, naming every altered event by stream, version and kind. Then
    /// checks that the header's chain head is the last event, that every redacted event is
    /// recorded by an `EventRedacted` event, and — when the chain holds — that the human
    /// fields (`when`, `what`, `details`, the header…) are what the hashed payloads give.
    /// `verifyHow` is how the front end that made the export words its verification
    /// (``Timeline/verifyHow``), given the case.
    public static func verify(jsonBytes: [UInt8], verifyHow: ((CaseReference) -> String)? = nil) -> VerificationResult {
        var result = VerificationResult(
            reference: nil, eventCount: 0, chainHead: nil, breaks: [], redacted: [], problems: [])
        func problem(_ detail: String, _ event: EventReference? = nil) {
            result.problems.append(VerificationResult.Problem(event: event, detail: detail))
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(jsonBytes)
        } catch {
            problem("the file is not JSON: \(error)")
            return result
        }
        guard json["format"]?.string == Timeline.jsonFormatName else {
            problem("the file is not a Casebook timeline export (its \"format\" is not \"\(Timeline.jsonFormatName)\")")
            return result
        }
        guard json["version"]?.int == Timeline.jsonFormatVersion else {
            problem("the export's version is not \(Timeline.jsonFormatVersion); this program cannot read it")
            return result
        }
        result.reference = json["case"]?["reference"]?.string.flatMap(CaseReference.init)
        guard let reference = result.reference else {
            problem("the export's header has no valid case reference")
            return result
        }
        guard let items = json["events"]?.array, !items.isEmpty else {
            problem("the export has no events")
            return result
        }

        // Rebuild the stored events, one per version.
        var events: [RecordedEvent] = []
        var seen: Set<EventReference> = []
        for (index, item) in items.enumerated() {
            guard let event = recordedEvent(item) else {
                problem("event #\(index + 1) lacks a field the hash chain needs, or has one of the wrong type")
                continue
            }
            let key = EventReference(stream: event.stream, version: event.version)
            guard seen.insert(key).inserted else {
                problem("more than one event claims this version", key)
                continue
            }
            if event.stream != reference.stream {
                problem("the event is not of \(reference.stream), the case the header names", key)
            }
            events.append(event)
        }
        result.eventCount = events.count
        events.sort { ($0.stream, $0.version) < ($1.stream, $1.version) }

        // The hash chain.
        var verifier = ChainVerifier()
        for event in events { verifier.check(event) }
        result.breaks = verifier.breaks
        result.redacted = verifier.redacted
        result.events = events.map { StreamHead(stream: $0.stream, version: $0.version, hash: $0.hash) }

        // The chain head the header states.
        let own = events.filter { $0.stream == reference.stream }
        if let last = own.last {
            let head = Timeline.ChainHead(stream: last.stream, version: last.version, hash: last.hash)
            result.chainHead = head
            let stated = json["case"]?["chainHead"]
            if stated?["stream"]?.string != head.stream || stated?["version"]?.int != head.version
                || stated?["hash"]?.string != head.hash
            {
                let version = stated?["version"]?.int.map(String.init) ?? "?"
                let hash = stated?["hash"]?.string ?? "?"
                problem(
                    "the header's chain head (version \(version), hash \(hash)) is not the last event "
                        + "(version \(head.version), hash \(head.hash)): events are missing or were added")
            }
        }

        // Every redaction is recorded by an EventRedacted event of the same stream.
        var recorded: Set<Int> = []
        for event in own where event.type == CaseEventType.redaction.rawValue {
            do {
                if case .redaction(let version, _) = try CaseEvent(type: event.type, payload: event.payload) { recorded.insert(version) }
            } catch {
                // Said as what it is, not taken for "no redaction recorded" alone.
                problem("the EventRedacted event cannot be read: \(error)", EventReference(stream: event.stream, version: event.version))
            }
        }
        for reference in result.redacted where !recorded.contains(reference.version) {
            problem("the payload is missing, but no EventRedacted event records its redaction", reference)
        }

        // The human fields against what the hashed payloads give.
        if result.isIntact { result.problems += humanFieldProblems(json, events: own, verifyHow: verifyHow) }
        return result
    }

    /// One event's chain fields from the export; nil when one is missing or mistyped.
    private static func recordedEvent(_ item: JSONValue) -> RecordedEvent? {
        guard let position = item["position"]?.int, let stream = item["stream"]?.string,
            let version = item["version"]?.int, let type = item["type"]?.string,
            let occurredAt = item["occurredAt"]?.string, let recordedAt = item["recordedAt"]?.string,
            let actor = item["actor"]?.string, let payload = item["payload"],
            payload.isNull || payload.string != nil, let payloadSHA256 = item["payloadSHA256"]?.string,
            let prevHash = item["prevHash"]?.string, let hash = item["hash"]?.string
        else { return nil }
        return RecordedEvent(
            position: Int64(position), stream: stream, version: version, type: type, occurredAt: occurredAt,
            recordedAt: recordedAt, actor: actor, payload: payload.string.map { Array($0.utf8) },
            payloadSHA256: payloadSHA256, prevHash: prevHash, hash: hash)
    }

    /// Rebuilds the chronology from the verified events and the export's own inputs (who
    /// exported it, for whom, when, the zone, the staff names) and names every field that
    /// differs from the export.
    private static func humanFieldProblems(
        _ json: JSONValue, events: [RecordedEvent], verifyHow: ((CaseReference) -> String)?
    ) -> [VerificationResult.Problem] {
        var problems: [VerificationResult.Problem] = []
        func problem(_ detail: String, _ event: EventReference? = nil) {
            problems.append(VerificationResult.Problem(event: event, detail: detail))
        }
        guard let staff = json["staff"]?.object, let names = staff.mapValuesIfAll(\.string),
            let by = json["exportedBy"], let byID = by["id"]?.string, let byName = by["name"]?.string,
            let byRole = by["role"]?.string.flatMap(Role.init(rawValue:)),
            let recipient = json["recipient"], recipient.isNull || recipient.string != nil,
            let exportedAt = json["exportedAt"]?.string.flatMap(Timestamp.date(from:)),
            let asOf = json["asOf"]?.string.flatMap(Timestamp.date(from:)), let zone = json["timeZone"]?.string
        else {
            problem("the export lacks who exported it, when, the time zone or the staff names, so its readable fields cannot be checked")
            return problems
        }
        let rebuilt: JSONValue
        do {
            let localTime = try LocalTime(identifier: zone)
            var timeline = try Timeline(
                events: events, staffNames: names, exportedBy: StaffMember(id: byID, name: byName, role: byRole),
                recipient: recipient.string, exportedAt: exportedAt, asOf: asOf, localTime: localTime)
            timeline.identitiesClaimed = json["identities"]?.string == IdentityMode.claimed.rawValue
            timeline.verifyHow = verifyHow?(timeline.header.reference)
            rebuilt = timeline.jsonValue
        } catch {
            problem("the events do not make a case that can be read back: \(error)")
            return problems
        }
        let skip: Set<String> = ["events", "case"]
        for key in keys(json, rebuilt).subtracting(skip).sorted() where json[key] != rebuilt[key] {
            problem("the export's \"\(key)\" is not what its events and inputs give")
        }
        if let given = json["case"], let derived = rebuilt["case"] {
            for key in keys(given, derived).subtracting(["chainHead"]).sorted() where given[key] != derived[key] {
                problem("the header's \"\(key)\" is not what the events give")
            }
        }
        let given = json["events"]?.array ?? []
        let derived = rebuilt["events"]?.array ?? []
        let givenByVersion = Dictionary(given.compactMap { item in item["version"]?.int.map { ($0, item) } }, uniquingKeysWith: { a, _ in a })
        for item in derived {
            guard let version = item["version"]?.int, let stream = item["stream"]?.string, let other = givenByVersion[version] else {
                continue
            }
            for key in keys(item, other).sorted() where item[key] != other[key] {
                problem(
                    "its \"\(key)\" is not what its hashed payload says",
                    EventReference(stream: stream, version: version))
            }
        }
        if given.map({ $0["version"]?.int }) != derived.map({ $0["version"]?.int }) {
            problem("the events are not in time order (occurred_at, then version)")
        }
        return problems
    }

    private static func keys(_ a: JSONValue, _ b: JSONValue) -> Set<String> {
        Set((a.object ?? [:]).keys).union((b.object ?? [:]).keys)
    }
}

extension Dictionary {
    /// The dictionary with every value transformed, or nil when any transform gives nil.
    fileprivate func mapValuesIfAll<T>(_ transform: (Value) -> T?) -> [Key: T]? {
        var result: [Key: T] = [:]
        for (key, value) in self {
            guard let mapped = transform(value) else { return nil }
            result[key] = mapped
        }
        return result
    }
}
