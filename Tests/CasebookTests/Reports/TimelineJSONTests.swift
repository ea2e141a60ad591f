import EventLog
import Foundation
import Testing

@testable import Casebook

@Suite("Timeline JSON export")
struct TimelineJSONTests {
    private func export(_ fixture: ReportFixture, _ reference: CaseReference, recipient: String? = "DC Rao, Metropolitan Police") throws -> String {
        try fixture.casebook.reports.timeline(
            reference, format: .json, recipient: recipient, by: Staff.dsl, localTime: fixture.localTime)
    }

    private func object(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any])
    }

    @Test func carriesTheHeaderAndEveryEventWithItsChainFields() throws {
        let fixture = try ReportFixture()
        let text = try export(fixture, fixture.complete)
        let json = try object(text)
        #expect(json["format"] as? String == "casebook-timeline")
        #expect(json["version"] as? Int == 1)
        #expect(json["recipient"] as? String == "DC Rao, Metropolitan Police")
        #expect(json["exportedAt"] as? String == "2026-04-02T12:00:00.000Z")
        let exportedBy = try #require(json["exportedBy"] as? [String: Any])
        #expect(exportedBy["id"] as? String == "dsl")
        #expect(exportedBy["name"] as? String == "Dee Lead")
        let confidentiality = try #require(json["confidentiality"] as? String)
        #expect(confidentiality.contains("CONFIDENTIAL"))
        #expect(confidentiality.contains("Dee Lead (dsl)"))
        #expect(confidentiality.contains("DC Rao, Metropolitan Police"))
        #expect(confidentiality.contains("2026-04-02 13:00:00 BST"))

        let header = try #require(json["case"] as? [String: Any])
        #expect(header["reference"] as? String == fixture.complete.description)
        #expect(header["school"] as? String == "Hill Primary")
        #expect(header["status"] as? String == "closed")
        #expect(header["summary"] as? String == ReportFixture.hostileSummary)
        #expect(header["categories"] as? [String] == ["harassment", "threat"])
        #expect((header["affected"] as? [String: Any])?["name"] as? String == "Tom Jones")
        #expect(header["openedAt"] as? String == "2026-03-27T09:00:00.000Z")
        #expect(header["closedAt"] as? String == "2026-04-01T09:00:00.000Z")
        #expect(header["closed"] as? String == "2026-04-01 10:00 BST")
        // T1 removed 6 hours after its request; T2 blocked by the ISP 46.9 hours after its own.
        let removal = try #require(header["removal"] as? [String: Any])
        #expect(removal["status"] as? String == "all-down")
        #expect(removal["longestHours"] as? Double == 46.9)
        #expect(removal["within24Hours"] as? Int == 1)
        #expect(header["material"] as? String == "all material down at 2026-03-30 10:00 BST (longest 46.9 h after its request)")
        #expect((header["verification"] as? String)?.contains("re-compute each event's SHA-256 chain hash by hand") == true)

        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        let events = try #require(json["events"] as? [[String: Any]])
        #expect(events.count == stored.count)
        let head = try #require(header["chainHead"] as? [String: Any])
        #expect(head["version"] as? Int == stored.last?.version)
        #expect(head["hash"] as? String == stored.last?.hash)
        #expect(head["stream"] as? String == fixture.complete.stream)

        for event in events {
            let version = try #require(event["version"] as? Int)
            let original = try #require(stored.first { $0.version == version })
            #expect(event["stream"] as? String == original.stream)
            #expect(event["position"] as? Int == Int(original.position))
            #expect(event["type"] as? String == original.type)
            #expect(event["occurredAt"] as? String == original.occurredAt)
            #expect(event["recordedAt"] as? String == original.recordedAt)
            #expect(event["actor"] as? String == original.actor)
            #expect(event["payload"] as? String == original.payloadText)
            #expect(event["payloadSHA256"] as? String == original.payloadSHA256)
            #expect(event["prevHash"] as? String == original.prevHash)
            #expect(event["hash"] as? String == original.hash)
            #expect((event["what"] as? String)?.isEmpty == false)
            #expect(event["when"] is String)
            #expect(event["details"] is [String])
        }
        // Time order: occurred_at, then version.
        let order = events.map { ($0["occurredAt"] as? String ?? "") + String(format: "#%06d", $0["version"] as? Int ?? 0) }
        #expect(order == order.sorted())

        // Plain words with local times across the clock change.
        let whats = events.compactMap { $0["what"] as? String }
        #expect(whats.contains("Evidence E1 captured: social, https://chirp.example/hf_truthteller/status/1"))
        #expect(
            whats.contains(
                "Takedown T1 requested from host chirp.example by email (sent by the school); due 2026-03-29 11:00 BST"))
        #expect(whats.contains("Consent to a police referral given by Tom Jones (t.jones)"))
        let evidence = try #require(events.first { $0["type"] as? String == "EvidenceCaptured" })
        #expect(evidence["when"] as? String == "2026-03-27 09:30:00 GMT")
        #expect(evidence["actorName"] as? String == "Sam Manager")
        let files = try #require(evidence["files"] as? [[String: Any]])
        let post = try ReportFixture.fixtureFile("screenshot-post.png")
        #expect(files.first?["name"] as? String == "screenshot-post.png")
        #expect(files.first?["sha256"] as? String == Hex.encode(SHA256.hash(post)))
        #expect(files.first?["mediaType"] as? String == "image/png")
        let threat = try #require(events.first { $0["type"] as? String == "ThreatAssessed" })
        #expect((threat["details"] as? [String])?.contains("Rationale: says he will 'regret it'") == true)
    }

    @Test func anExportVerifiesOnItsOwn() throws {
        let fixture = try ReportFixture()
        let text = try export(fixture, fixture.complete)
        let result = TimelineExport.verify(jsonBytes: Array(text.utf8))
        #expect(result.isIntact, "\(result.lines)")
        #expect(result.breaks.isEmpty)
        #expect(result.problems.isEmpty)
        #expect(result.redacted.isEmpty)
        #expect(result.reference == fixture.complete)
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        #expect(result.eventCount == stored.count)
        #expect(result.chainHead?.hash == stored.last?.hash)
        // An open case with overdue steps and an override verifies too.
        let urgent = TimelineExport.verify(jsonBytes: Array(try export(fixture, fixture.urgent, recipient: nil).utf8))
        #expect(urgent.isIntact, "\(urgent.lines)")
    }

    @Test func oneChangedByteInOnePayloadIsNamedByStreamAndVersion() throws {
        let fixture = try ReportFixture()
        let text = try export(fixture, fixture.complete)
        // The platform inside E1's payload string (escaped quotes occur only there).
        let original = #"\"platform\":\"Chirp\""#
        #expect(text.components(separatedBy: original).count == 2)
        let altered = text.replacingOccurrences(of: original, with: #"\"platform\":\"Chirq\""#)
        #expect(Array(altered.utf8).count == Array(text.utf8).count)
        let result = TimelineExport.verify(jsonBytes: Array(altered.utf8))
        #expect(!result.isIntact)
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        let e1 = try #require(stored.first { $0.type == "EvidenceCaptured" })
        #expect(result.breaks.count == 1)
        #expect(result.breaks.first?.stream == fixture.complete.stream)
        #expect(result.breaks.first?.version == e1.version)
        #expect(result.breaks.first?.kind == .tamperedPayload)
        #expect(result.lines.contains { $0.contains("\(fixture.complete.stream) v\(e1.version): tampered-payload") })
    }

    @Test func anAlteredHumanFieldIsNamed() throws {
        let fixture = try ReportFixture()
        let text = try export(fixture, fixture.complete)
        let original = "Investigation concluded: substantiated"
        #expect(text.components(separatedBy: original).count == 2)
        let altered = text.replacingOccurrences(of: original, with: "Investigation concluded: unsubstantiated")
        let result = TimelineExport.verify(jsonBytes: Array(altered.utf8))
        #expect(!result.isIntact)
        #expect(result.breaks.isEmpty)
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        let concluded = try #require(stored.first { $0.type == "InvestigationConcluded" })
        #expect(result.problems.contains { $0.event == EventReference(stream: fixture.complete.stream, version: concluded.version) })
    }

    @Test func aDroppedLastEventIsCaughtByTheChainHead() throws {
        let fixture = try ReportFixture()
        let json = try #require(try JSONValue.parse(try export(fixture, fixture.complete)).object)
        var events = try #require(json["events"]?.array)
        events.removeLast()
        var shortened = json
        shortened["events"] = .array(events)
        let result = TimelineExport.verify(jsonBytes: JSONValue.object(shortened).serializedBytes())
        #expect(!result.isIntact)
        #expect(result.problems.contains { $0.detail.contains("chain head") })
    }

    @Test func aRedactedEventVerifiesAsRedacted() throws {
        let fixture = try ReportFixture()
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        let note = try #require(stored.first { $0.type == CaseEvent.noteAddedType })
        fixture.service.clock.set(ReportFixture.exportTime)
        try fixture.casebook.retention.redact(fixture.complete, version: note.version, reason: "Erasure request", by: Staff.head)
        let text = try export(fixture, fixture.complete)
        #expect(!text.contains("he is shaken"))
        let result = TimelineExport.verify(jsonBytes: Array(text.utf8))
        #expect(result.isIntact, "\(result.lines)")
        #expect(result.redacted == [EventReference(stream: fixture.complete.stream, version: note.version)])
        #expect(result.lines.contains { $0.contains("v\(note.version): redacted") })

        let json = try object(text)
        let events = try #require(json["events"] as? [[String: Any]])
        let row = try #require(events.first { $0["version"] as? Int == note.version })
        #expect(row["payload"] is NSNull)
        #expect(row["what"] as? String == "[redacted]")
        #expect(row["payloadSHA256"] as? String == note.payloadSHA256)
        #expect(events.count == stored.count + 1)
    }

    @Test func somethingThatIsNotAnExportIsReported() {
        #expect(!TimelineExport.verify(jsonBytes: Array("not json".utf8)).isIntact)
        #expect(!TimelineExport.verify(jsonBytes: Array(#"{"format": "other", "version": 1}"#.utf8)).isIntact)
        #expect(!TimelineExport.verify(jsonBytes: Array(#"[]"#.utf8)).isIntact)
    }
}
