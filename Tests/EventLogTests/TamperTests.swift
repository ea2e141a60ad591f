import Foundation
import Testing

import EventLog

/// An attacker with the file drops the triggers and edits rows with raw SQL; verification
/// names the stream, the version and the kind of every change.
@Suite struct TamperTests {
    /// The stream tampered with: it sorts between the two others, so a break that leaked
    /// into a neighbour would show.
    static let target = "case/CB-2026-0002"
    static let streams = ["case/CB-2026-0001", target, "staff"]

    /// A break as the tests expect it: where it shows and what kind.
    struct Mark: Hashable, CustomStringConvertible {
        var version: Int
        var kind: ChainBreak.Kind
        var description: String { "v\(version) \(kind.rawValue)" }
    }

    /// One way to alter the log, applied to version 5 of ``target``.
    enum Tampering: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case payloadByte = "one byte of a payload"
        case payloadWithItsHash = "a payload and its payload_sha256"
        case type = "the type"
        case actor = "the actor"
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
        case deletion = "an event deleted in the middle"
        case swappedVersions = "two events' versions swapped"
        case replacedPrevHash = "prev_hash replaced"
        case rehashed = "a type changed and its hash recomputed"

        var testDescription: String { rawValue }

        /// Breaks that must be reported.
        var expected: Set<Mark> {
            switch self {
            case .payloadByte: [Mark(version: 5, kind: .tamperedPayload)]
            case .payloadWithItsHash, .type, .actor, .occurredAt, .recordedAt: [Mark(version: 5, kind: .alteredField)]
            case .deletion: [Mark(version: 6, kind: .missingEvent)]
            case .swappedVersions:
                [Mark(version: 5, kind: .reordered), Mark(version: 4, kind: .alteredField), Mark(version: 5, kind: .alteredField)]
            case .replacedPrevHash: [Mark(version: 5, kind: .brokenLink), Mark(version: 5, kind: .alteredField)]
            case .rehashed: [Mark(version: 6, kind: .brokenLink)]
            }
        }

        /// Whether ``expected`` is everything that may be reported.
        var isExact: Bool { self != .swappedVersions }

        /// Alters version 5 of the target stream.
        func apply(to store: EventStore) throws {
            let database = store.database
            let target = TamperTests.target
            let `where` = "WHERE stream = '\(target)' AND version = 5"
            switch self {
            case .payloadByte:
                try database.run("UPDATE events SET payload = ? \(`where`)", [Self.alteredPayload(in: store)])
            case .payloadWithItsHash:
                let payload = try Self.alteredPayload(in: store)
                try database.run(
                    "UPDATE events SET payload = ?, payload_sha256 = ? \(`where`)",
                    [payload, SHA256.hex(Array(payload.utf8))])
            case .type: try database.execute("UPDATE events SET type = 'CaseClosed' \(`where`)")
            case .actor: try database.execute("UPDATE events SET actor = 'staff-zoe' \(`where`)")
            case .occurredAt: try database.execute("UPDATE events SET occurred_at = '2026-11-20T09:05:00.001Z' \(`where`)")
            case .recordedAt: try database.execute("UPDATE events SET recorded_at = '2026-11-20T14:05:00.124Z' \(`where`)")
            case .deletion: try database.execute("DELETE FROM events \(`where`)")
            case .swappedVersions:
                try database.execute(
                    """
                    UPDATE events SET version = 1000 WHERE stream = '\(target)' AND version = 4;
                    UPDATE events SET version = 4 WHERE stream = '\(target)' AND version = 5;
                    UPDATE events SET version = 5 WHERE stream = '\(target)' AND version = 1000;
                    """)
            case .replacedPrevHash:
                try database.run("UPDATE events SET prev_hash = ? \(`where`)", [SHA256.hex(Array("forged".utf8))])
            case .rehashed:
                var event = try #require(store.events(in: target, from: 5).first)
                event.type = "CaseClosed"
                try database.run("UPDATE events SET type = ?, hash = ? \(`where`)", [event.type, HashChain.hash(of: event)])
            }
        }

        /// The payload of version 5 with one byte changed (`E5` becomes `F5`).
        static func alteredPayload(in store: EventStore) throws -> String {
            let payload = try #require(store.events(in: TamperTests.target, from: 5).first?.payloadText)
            #expect(payload.contains("\"E5\""))
            return payload.replacingOccurrences(of: "\"E5\"", with: "\"F5\"")
        }
    }

    /// A store with three streams appended in turn (so positions interleave), triggers dropped.
    static func tamperableStore() throws -> StoreFixture {
        let fixture = try StoreFixture()
        let store = fixture.store
        for number in 1...8 {
            for stream in streams where stream == target || number <= 3 {
                try store.append([Fixture.event(number)], to: stream, expectedVersion: number - 1)
            }
        }
        let verifier = try store.verifyChains()
        #expect(verifier.isIntact)
        #expect(verifier.eventCount == 14)
        try Fixture.dropTriggers(store)
        return fixture
    }

    @Test("verifyChains names the stream, the version and the kind", arguments: Tampering.allCases)
    func tamperingIsNamed(tampering: Tampering) throws {
        let fixture = try Self.tamperableStore()
        let store = fixture.store
        try tampering.apply(to: store)
        let verifier = try store.verifyChains()
        let found = Set(verifier.breaks.map { Mark(version: $0.version, kind: $0.kind) })
        #expect(!verifier.isIntact)
        #expect(verifier.breaks.allSatisfy { $0.stream == Self.target }, "\(verifier.breaks)")
        if tampering.isExact {
            #expect(found == tampering.expected, "\(verifier.breaks)")
        } else {
            #expect(found.isSuperset(of: tampering.expected), "\(verifier.breaks)")
            #expect(found.allSatisfy { (4...6).contains($0.version) }, "\(verifier.breaks)")
        }
        #expect(verifier.redacted.isEmpty)
    }

    @Test("A deletion names the missing version in its detail")
    func deletionNamesTheMissingVersion() throws {
        let fixture = try Self.tamperableStore()
        let store = fixture.store
        try store.database.execute("DELETE FROM events WHERE stream = '\(Self.target)' AND version IN (4, 5)")
        let breaks = try store.verifyChains().breaks
        #expect(breaks.map(\.description) == ["\(Self.target) v6: missing-event: versions 4–5 are missing"])
    }

    @Test("eventlog-tool verify prints each break and exits 3; on an intact log it exits 0")
    func toolReportsBreaks() throws {
        let directory = try TemporaryDirectory()
        let store = try Fixture.makeStore(in: directory.url)
        let path = store.database.path
        try store.append(Fixture.events(1...6), to: Self.target, expectedVersion: 0)
        let intact = try EventLogTool.run(["verify", path], in: directory.url)
        #expect(intact.status == 0)
        #expect(intact.output == "6 events in 1 streams, 0 breaks\n")

        try Fixture.dropTriggers(store)
        try store.database.execute("UPDATE events SET actor = 'intruder' WHERE version = 5")
        let broken = try EventLogTool.run(["verify", path], in: directory.url)
        #expect(broken.status == 3)
        #expect(broken.output.hasPrefix("\(Self.target) v5: altered-field: "))
        #expect(broken.output.hasSuffix("6 events in 1 streams, 1 breaks\n"))
    }
}
