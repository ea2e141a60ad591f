import Foundation
import Testing

import EventLog

/// Redaction erases a payload but keeps its hash, so the chain still verifies.
@Suite struct RedactionTests {
    @Test("Redacting keeps payload_sha256; verify reports the event as redacted, not as a break")
    func redactionKeepsTheChain() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.append(Fixture.events(1...4), to: Fixture.stream, expectedVersion: 0)
        let before = try store.events(in: Fixture.stream)
        try store.write { writer in
            // The caller records the redaction first, in the same transaction.
            try writer.append([Fixture.redaction(of: 2)], to: Fixture.stream, expectedVersion: 4)
            try writer.redact(stream: Fixture.stream, version: 2)
        }
        let after = try store.events(in: Fixture.stream)
        #expect(after.count == 5)
        #expect(after[1].isRedacted)
        #expect(after[1].payloadSHA256 == before[1].payloadSHA256)
        #expect(after[1].hash == before[1].hash)
        #expect(Array(after[0...3].filter { !$0.isRedacted }) == [before[0], before[2], before[3]])

        let verifier = try store.verifyChains()
        #expect(verifier.isIntact, "\(verifier.breaks)")
        #expect(verifier.redacted == [EventReference(stream: Fixture.stream, version: 2)])
        #expect(verifier.eventCount == 5)
    }

    @Test("Redacting twice fails with alreadyRedacted; a missing event with eventNotFound")
    func redactingTwiceFails() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.append(Fixture.events(1...2) + [Fixture.redaction(of: 1)], to: Fixture.stream, expectedVersion: 0)
        try store.write { try $0.redact(stream: Fixture.stream, version: 1) }
        #expect(throws: EventLogError.alreadyRedacted(stream: Fixture.stream, version: 1)) {
            try store.write { try $0.redact(stream: Fixture.stream, version: 1) }
        }
        #expect(throws: EventLogError.eventNotFound(stream: Fixture.stream, version: 4)) {
            try store.write { try $0.redact(stream: Fixture.stream, version: 4) }
        }
        #expect(throws: EventLogError.eventNotFound(stream: "staff", version: 1)) {
            try store.write { try $0.redact(stream: "staff", version: 1) }
        }
        let events = try store.events(in: Fixture.stream)
        #expect(events.map(\.isRedacted) == [true, false, false])
    }

    @Test("A redaction rolled back with its transaction leaves the payload")
    func redactionRollsBack() throws {
        struct Refused: Error, Equatable {}
        let fixture = try StoreFixture()
        let store = fixture.store
        try store.append(Fixture.events(1...1) + [Fixture.redaction(of: 1)], to: Fixture.stream, expectedVersion: 0)
        #expect(throws: Refused()) {
            try store.write { writer in
                try writer.redact(stream: Fixture.stream, version: 1)
                throw Refused()
            }
        }
        let events = try store.events(in: Fixture.stream)
        #expect(events.first?.payload == Fixture.event(1).payload)
    }
}
