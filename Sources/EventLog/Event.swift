/// An event to append: what happened, when, by whom, with its JSON payload.
public struct NewEvent: Sendable, Equatable {
    /// A stable type name, e.g. `EvidenceCaptured`.
    public var type: String
    /// When it happened, as `Timestamp` text (UTC, milliseconds).
    public var occurredAt: String
    /// Who did it (a staff id).
    public var actor: String
    /// The payload: UTF-8 JSON bytes, hashed exactly as stored.
    public var payload: [UInt8]

    /// Creates an event to append.
    public init(type: String, occurredAt: String, actor: String, payload: [UInt8]) {
        self.type = type
        self.occurredAt = occurredAt
        self.actor = actor
        self.payload = payload
    }
}

/// An event as stored in the log, with its place in the hash chain.
public struct RecordedEvent: Sendable, Equatable, Codable {
    /// The global position (the `events` rowid): the order events were committed in.
    public var position: Int64
    /// The stream, e.g. `case/CB-2026-0001`.
    public var stream: String
    /// The version within the stream, from 1.
    public var version: Int
    /// The type name.
    public var type: String
    /// When it happened (UTC text).
    public var occurredAt: String
    /// When the log wrote it (UTC text, from the clock).
    public var recordedAt: String
    /// Who did it.
    public var actor: String
    /// The payload bytes, or nil when redacted.
    public var payload: [UInt8]?
    /// SHA-256 of the payload as stored, lowercase hex; kept after redaction.
    public var payloadSHA256: String
    /// The hash of the previous event of the stream (64 zeros for version 1).
    public var prevHash: String
    /// This event's chain hash.
    public var hash: String

    /// Creates a recorded event from its stored fields.
    public init(
        position: Int64, stream: String, version: Int, type: String, occurredAt: String, recordedAt: String,
        actor: String, payload: [UInt8]?, payloadSHA256: String, prevHash: String, hash: String
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.payload = payload
        self.payloadSHA256 = payloadSHA256
        self.prevHash = prevHash
        self.hash = hash
    }

    /// Whether the payload was erased by a redaction.
    public var isRedacted: Bool { payload == nil }

    /// The payload as text (nil when redacted).
    public var payloadText: String? { payload.map { String(decoding: $0, as: UTF8.self) } }
}
