import EventLog
import Foundation
import Testing

@testable import Casebook

/// The capture facts of `evidence capture` (issue 24) in the `EvidenceCaptured` payload:
/// optional, so every item recorded before keeps its shape and decodes as it did.
@Suite struct CaptureFactsTests {
    static let facts = CaptureFacts(
        finalURL: "https://forum.example/t/9", addresses: ["203.0.113.9", "2001:db8::9"], status: 200,
        startedAt: "2026-11-20T09:00:00.000Z", endedAt: "2026-11-20T09:00:03.250Z",
        tools: ["Chromium 156.0.8078.129", "GNU Wget 1.21.3"], allowedPrivate: true)

    static func evidence(capture: CaptureFacts?) -> CaseEvent.Evidence {
        CaseEvent.Evidence(
            id: "E1", kind: .web, url: "https://forum.example/t/9?from=old", host: "forum.example",
            capturedAt: "2026-11-20T09:00:00.000Z", postedAt: nil, platform: nil, description: "The copy", files: [],
            capture: capture)
    }

    @Test func theFactsRoundTripThroughThePayload() throws {
        let event = CaseEvent.evidenceCaptured(Self.evidence(capture: Self.facts))
        let decoded = try CaseEvent(type: event.typeName, payload: event.payload.serializedBytes())
        #expect(decoded == event)
        #expect(event.payload["capture"]?["finalURL"] == .string("https://forum.example/t/9"))
    }

    @Test func anItemAPersonAddedKeepsItsEarlierShape() throws {
        let event = CaseEvent.evidenceCaptured(Self.evidence(capture: nil))
        #expect(event.payload["capture"] == nil)
        // A payload written before capture existed decodes with no facts.
        let old = #"{"capturedAt":"2026-11-20T09:00:00.000Z","description":null,"files":[],"host":"forum.example","id":"E1","kind":"web","platform":null,"postedAt":null,"url":"https://forum.example/t/9","v":1}"#
        guard case .evidenceCaptured(let evidence) = try CaseEvent(type: "EvidenceCaptured", payload: Array(old.utf8)) else {
            Issue.record("not an EvidenceCaptured event")
            return
        }
        #expect(evidence.capture == nil)
    }

    @Test func malformedFactsAreNamed() {
        let bad = #"{"capturedAt":"2026-11-20T09:00:00.000Z","files":[],"id":"E1","kind":"web","capture":{"addresses":[]},"v":1}"#
        #expect(throws: CaseEvent.PayloadError(type: "EvidenceCaptured", field: "capture")) {
            try CaseEvent(type: "EvidenceCaptured", payload: Array(bad.utf8))
        }
    }

    @Test func theTimelineSaysCapturedByCasebookWithTheFacts() throws {
        let lines = Self.facts.lines(try LocalTime(identifier: "Europe/London"))
        #expect(lines.first == "Captured by Casebook: fetched 2026-11-20 09:00:00 GMT to 2026-11-20 09:00:03 GMT")
        #expect(lines.contains("Loaded: https://forum.example/t/9"))
        #expect(lines.contains("Addresses: 203.0.113.9, 2001:db8::9 (a private address was allowed, as asked)"))
        #expect(lines.contains("HTTP status: 200"))
    }

    @Test func theWorkflowChecksTheFactsAndTheImageryRule() throws {
        let context = DecisionContext(now: utc("2026-11-20T10:00:00Z"), actor: Staff.manager) { _ in nil }
        var facts = Self.facts
        facts.endedAt = "2026-11-20T08:59:00.000Z"
        #expect(throws: CasebookError.invalidInput("the capture ends before it starts")) {
            try EvidenceTrack.captureFacts(facts, context: context)
        }
        facts.endedAt = "2026-11-20T11:00:00.000Z"
        #expect(throws: CasebookError.self) { try EvidenceTrack.captureFacts(facts, context: context) }
        #expect(try EvidenceTrack.captureFacts(Self.facts, context: context) == Self.facts)
    }
}
