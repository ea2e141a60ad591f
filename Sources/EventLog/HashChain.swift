/// The per-stream hash chain of SPEC §4.
///
/// ```
/// payload_sha256 = SHA256(payload bytes as stored)
/// hash = SHA256(prev_hash ‖ stream ‖ 0x0A ‖ version ‖ 0x0A ‖ type ‖ 0x0A ‖ occurred_at ‖ 0x0A
///               ‖ recorded_at ‖ 0x0A ‖ actor ‖ 0x0A ‖ payload_sha256)
/// ```
/// Every field is its UTF-8 text, `version` in decimal, hashes in lowercase hex, and
/// `prev_hash` is 64 zeros for version 1. Fields may not contain a line feed, so the
/// separator is unambiguous.
public enum HashChain {
    /// The `prev_hash` of a stream's first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 of payload bytes, as lowercase hex.
    public static func payloadHash(_ payload: [UInt8]) -> String {
        SHA256.hex(payload)
    }

    /// The chain hash of one event from its fields.
    public static func hash(
        prevHash: String, stream: String, version: Int, type: String, occurredAt: String, recordedAt: String,
        actor: String, payloadSHA256: String
    ) -> String {
        var hasher = hashing(
            prevHash: prevHash, stream: stream, version: version, type: type, occurredAt: occurredAt, recordedAt: recordedAt,
            actor: actor, payloadSHA256: payloadSHA256)
        return hasher.finalizeHex()
    }

    /// A hasher fed with the event's fields, to finalize.
    private static func hashing(
        prevHash: String, stream: String, version: Int, type: String, occurredAt: String, recordedAt: String,
        actor: String, payloadSHA256: String
    ) -> SHA256 {
        let newline: UInt8 = 0x0A
        var hasher = SHA256()
        hasher.update(prevHash)
        hasher.update(stream)
        hasher.update(byte: newline)
        hasher.update(decimal: version)
        hasher.update(byte: newline)
        hasher.update(type)
        hasher.update(byte: newline)
        hasher.update(occurredAt)
        hasher.update(byte: newline)
        hasher.update(recordedAt)
        hasher.update(byte: newline)
        hasher.update(actor)
        hasher.update(byte: newline)
        hasher.update(payloadSHA256)
        return hasher
    }

    /// The chain hash recomputed from a recorded event's own fields.
    public static func hash(of event: RecordedEvent) -> String {
        hash(
            prevHash: event.prevHash, stream: event.stream, version: event.version, type: event.type,
            occurredAt: event.occurredAt, recordedAt: event.recordedAt, actor: event.actor,
            payloadSHA256: event.payloadSHA256)
    }

    /// Whether the event's stored hash is the one its fields give (`hash(of: event) ==
    /// event.hash`, without making the hex string).
    public static func isHashIntact(_ event: RecordedEvent) -> Bool {
        var hasher = hashing(
            prevHash: event.prevHash, stream: event.stream, version: event.version, type: event.type,
            occurredAt: event.occurredAt, recordedAt: event.recordedAt, actor: event.actor, payloadSHA256: event.payloadSHA256)
        return hasher.finalizeMatches(event.hash)
    }

    /// Whether the payload's SHA-256 is `payloadSHA256` (`payloadHash(payload) == payloadSHA256`).
    public static func isPayloadIntact(_ payload: [UInt8], payloadSHA256: String) -> Bool {
        var hasher = SHA256()
        hasher.update(payload)
        return hasher.finalizeMatches(payloadSHA256)
    }
}
