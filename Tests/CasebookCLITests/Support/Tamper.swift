import EventLog
import Foundation
import Testing

/// What a person with the file and the sqlite3 shell can do beyond raw SQL: read events,
/// forge new ones with correct hashes, rewrite a stream and recompute every later hash.
extension SQLiteFile {
    /// A text cell of ``rows(_:)`` without its `text:` tag.
    private static func text(_ cell: String) -> String { cell.hasPrefix("text:") ? String(cell.dropFirst(5)) : cell }

    /// A SQL string literal.
    static func literal(_ text: String?) -> String {
        guard let text else { return "NULL" }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The events of one stream, in version order.
    func events(in stream: String) throws -> [RecordedEvent] {
        try rows(
            """
            SELECT position, stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash
            FROM events WHERE stream = \(Self.literal(stream)) ORDER BY version
            """
        ).map { row in
            RecordedEvent(
                position: Int64(row[0]) ?? 0, stream: Self.text(row[1]), version: Int(row[2]) ?? 0, type: Self.text(row[3]),
                occurredAt: Self.text(row[4]), recordedAt: Self.text(row[5]), actor: Self.text(row[6]),
                payload: row[7] == "NULL" ? nil : Array(Self.text(row[7]).utf8), payloadSHA256: Self.text(row[8]),
                prevHash: Self.text(row[9]), hash: Self.text(row[10]))
        }
    }

    /// The version of the first event of a type in a stream.
    func version(of type: String, in stream: String) throws -> Int {
        let found = try scalar(
            "SELECT min(version) FROM events WHERE stream = \(Self.literal(stream)) AND type = \(Self.literal(type))")
        return try #require(found.flatMap { Int($0) }, "no \(type) in \(stream)")
    }

    /// Every trigger's SQL, so a tampering can drop them and put them back unchanged.
    func triggers() throws -> [(name: String, sql: String)] {
        try rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").map {
            (Self.text($0[0]), Self.text($0[1]))
        }
    }

    /// Drops every trigger.
    func dropTriggers() throws {
        for trigger in try triggers() { try execute("DROP TRIGGER \(trigger.name)") }
    }

    /// Runs `body` with the triggers dropped, then creates them again as they were: the
    /// schema is exactly as before, only the rows changed.
    func withoutTriggers(_ body: () throws -> Void) throws {
        let saved = try triggers()
        try dropTriggers()
        try body()
        for trigger in saved { try execute(trigger.sql) }
    }

    /// Appends a forged event to a stream with a correct payload hash and chain link, at
    /// `position` (the next one when nil).
    @discardableResult
    func forge(
        stream: String, type: String, actor: String, payload: String, occurredAt: String? = nil, position: Int64? = nil
    ) throws -> RecordedEvent {
        let last = try events(in: stream).last
        let now = occurredAt ?? Timestamp.string(from: Date().addingTimeInterval(-60))
        var event = RecordedEvent(
            position: try position ?? Int64(try scalar("SELECT max(position) + 1 FROM events") ?? "1") ?? 1,
            stream: stream, version: (last?.version ?? 0) + 1, type: type, occurredAt: now, recordedAt: now, actor: actor,
            payload: Array(payload.utf8), payloadSHA256: HashChain.payloadHash(Array(payload.utf8)),
            prevHash: last?.hash ?? HashChain.genesis, hash: "")
        event.hash = HashChain.hash(of: event)
        try execute(
            """
            INSERT INTO events (position, stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash)
            VALUES (\(event.position), \(Self.literal(event.stream)), \(event.version), \(Self.literal(event.type)),
                \(Self.literal(event.occurredAt)), \(Self.literal(event.recordedAt)), \(Self.literal(event.actor)),
                \(Self.literal(payload)), \(Self.literal(event.payloadSHA256)), \(Self.literal(event.prevHash)),
                \(Self.literal(event.hash)))
            """)
        return event
    }

    /// Replaces the payload of one event and recomputes its payload hash and every later
    /// hash of the stream: a consistent rewrite that the stream's chain alone cannot show.
    /// The triggers must be dropped.
    func rewrite(stream: String, version: Int, payload: String) throws {
        var previous: String?
        for var event in try events(in: stream) {
            if let previous { event.prevHash = previous }
            if event.version == version {
                event.payload = Array(payload.utf8)
                event.payloadSHA256 = HashChain.payloadHash(Array(payload.utf8))
            }
            if event.version >= version {
                event.hash = HashChain.hash(of: event)
                try execute(
                    """
                    UPDATE events SET payload = \(Self.literal(event.payloadText)), payload_sha256 = \(Self.literal(event.payloadSHA256)),
                        prev_hash = \(Self.literal(event.prevHash)), hash = \(Self.literal(event.hash))
                    WHERE position = \(event.position)
                    """)
            }
            previous = event.hash
        }
    }
}
