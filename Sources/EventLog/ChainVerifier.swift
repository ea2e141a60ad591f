/// One place where the log is not what was written.
public struct ChainBreak: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What kind of break.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The payload's bytes no longer match its `payload_sha256`.
        case tamperedPayload = "tampered-payload"
        /// A hashed field (type, times, actor, version, payload hash) was changed: the
        /// stored hash no longer matches the fields.
        case alteredField = "altered-field"
        /// Versions skip: one or more events are missing.
        case missingEvent = "missing-event"
        /// Versions are not in the order the events were committed.
        case reordered
        /// `prev_hash` is not the previous event's hash.
        case brokenLink = "broken-link"
        /// A stored file's bytes do not match their hash or size.
        case badBlob = "bad-blob"
        /// A stored file's media type is not the one its bytes give.
        case wrongMediaType = "wrong-media-type"
        /// A payload was erased (NULL) with no redaction recorded for it, or on a type that
        /// cannot be redacted.
        case unrecordedErasure = "unrecorded-erasure"
        /// The tables, indexes or triggers (or the schema's fixed rows) are not the ones the
        /// schema creates.
        case alteredSchema = "altered-schema"
        /// A stream name the application does not use.
        case badStreamName = "bad-stream-name"
        /// A payload that cannot be read as its type.
        case undecodablePayload = "undecodable-payload"
        /// The event's actor was not a member of staff with a role allowed that step when
        /// the event was committed.
        case unauthorisedActor = "unauthorised-actor"
        /// SQLite's `PRAGMA integrity_check` found the file's pages or indexes damaged.
        case damagedFile = "damaged-file"
        /// A stream a checkpoint holds has no events any more.
        case deletedStream = "deleted-stream"
        /// A stream has fewer events than a checkpoint holds.
        case shortenedStream = "shortened-stream"
        /// A stream's event at a checkpoint's (or an export's) version has another hash.
        case rewrittenChain = "rewritten-chain"
        /// Events committed before a checkpoint that it does not hold.
        case insertedBeforeCheckpoint = "inserted-before-checkpoint"
        /// The log head over a checkpoint's events is not the checkpoint's.
        case logHeadDiffers = "log-head-differs"
        /// Content a checkpoint witnessed (an event's payload, a stored file's bytes) was
        /// erased after it: a forged erasure, or a real one the checkpoint predates (take a
        /// new checkpoint after a redaction, a purge or `retention apply`).
        case erasedSinceCheckpoint = "erased-since-checkpoint"
        /// The database no longer holds the chain an export was made from.
        case divergedFromExport = "diverged-from-export"
        /// An event the application's rules would not have accepted when it was recorded
        /// (its order, guards, times, restrictions or a setting's range); the detail names
        /// the rule.
        case brokenRule = "broken-rule"
        /// Content a recorded redaction or purge erased is present again.
        case unerased = "un-erased"
    }

    /// The stream (or `blobs` for a blob).
    public var stream: String
    /// The version where the break shows (0 for a blob).
    public var version: Int
    /// What kind of break.
    public var kind: Kind
    /// What differs, in words.
    public var detail: String

    /// Creates a break.
    public init(stream: String, version: Int, kind: Kind, detail: String) {
        self.stream = stream
        self.version = version
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(stream) v\(version): \(kind.rawValue): \(detail)" }
}

/// A stream and version.
public struct EventReference: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The stream.
    public var stream: String
    /// The version.
    public var version: Int

    /// Creates a reference.
    public init(stream: String, version: Int) {
        self.stream = stream
        self.version = version
    }

    public var description: String { "\(stream) v\(version)" }
}

/// Re-computes hash chains from events alone, with or without a database: fed from the
/// log, or from a JSON export. Feed events grouped by stream, in version order within
/// each stream, then read ``breaks``.
public struct ChainVerifier: Sendable {
    /// Every break found so far.
    public private(set) var breaks: [ChainBreak] = []
    /// Events whose payload was redacted while the chain still holds (not a break).
    public private(set) var redacted: [EventReference] = []
    /// Blobs whose bytes were purged with the purge recorded (not a break).
    public private(set) var purgedBlobs: [String] = []
    /// Events checked.
    public private(set) var eventCount = 0
    /// Streams seen.
    public private(set) var streamCount = 0
    /// The last event's hash of the stream fed most recently.
    public private(set) var lastHash: String?

    private var stream: String?
    private var lastVersion = 0
    private var lastPosition: Int64 = 0

    /// Whether ``check(_:)`` re-hashes each payload; off when another pass does it
    /// (``EventStore/checkPayloadsAndLogHead(through:)``), so two threads share the work.
    public var checksPayloads = true

    static let tamperedPayloadDetail = "the payload's SHA-256 is not the stored payload_sha256"

    /// Creates an empty verifier.
    public init(checksPayloads: Bool = true) {
        self.checksPayloads = checksPayloads
    }

    /// Checks one event against its own fields and the event before it.
    public mutating func check(_ event: RecordedEvent) {
        eventCount += 1
        if event.stream != stream {
            stream = event.stream
            streamCount += 1
            lastVersion = 0
            lastHash = nil
            lastPosition = .min
        }
        func record(_ kind: ChainBreak.Kind, _ detail: String) {
            breaks.append(ChainBreak(stream: event.stream, version: event.version, kind: kind, detail: detail))
        }
        // Order and completeness.
        if event.version != lastVersion + 1 {
            let missing = event.version - lastVersion - 1
            record(
                .missingEvent,
                missing == 1
                    ? "version \(lastVersion + 1) is missing"
                    : "versions \(lastVersion + 1)–\(event.version - 1) are missing")
        }
        if event.position <= lastPosition {
            record(.reordered, "committed at position \(event.position), before version \(lastVersion) at \(lastPosition)")
        }
        // The link to the previous event.
        let expectedPrev = lastVersion == 0 && event.version == 1 ? HashChain.genesis : lastHash
        if let expectedPrev, event.prevHash != expectedPrev, event.version == lastVersion + 1 {
            record(.brokenLink, "prev_hash \(event.prevHash.prefix(12))… is not the hash of the previous event \(expectedPrev.prefix(12))…")
        }
        // The payload against its hash.
        if let payload = event.payload {
            if checksPayloads, !HashChain.isPayloadIntact(payload, payloadSHA256: event.payloadSHA256) {
                record(.tamperedPayload, Self.tamperedPayloadDetail)
            }
        } else {
            redacted.append(EventReference(stream: event.stream, version: event.version))
        }
        // The fields against the stored hash.
        if !HashChain.isHashIntact(event) {
            record(.alteredField, "the stored hash does not match the event's fields (type, times, actor, version or payload hash)")
        }
        lastVersion = event.version
        lastHash = event.hash
        lastPosition = event.position
    }

    /// Records a break found by another check (schema, names, actors, checkpoints).
    public mutating func record(_ found: ChainBreak) {
        breaks.append(found)
    }

    /// Adds what another verifier found in the streams after this one's (a batch of whole
    /// streams checked on another thread), as if this one had read them.
    public mutating func append(_ later: ChainVerifier) {
        breaks += later.breaks
        redacted += later.redacted
        eventCount += later.eventCount
        streamCount += later.streamCount
        if later.stream != nil {
            stream = later.stream
            lastVersion = later.lastVersion
            lastHash = later.lastHash
            lastPosition = later.lastPosition
        }
    }

    /// Takes an event off the redacted list: its erasure is a break, recorded separately.
    public mutating func removeRedacted(_ reference: EventReference) {
        redacted.removeAll { $0 == reference }
    }

    /// Records a blob whose bytes do not match.
    public mutating func recordBadBlob(_ sha256: String, detail: String) {
        breaks.append(ChainBreak(stream: "blobs", version: 0, kind: .badBlob, detail: "\(sha256): \(detail)"))
    }

    /// Records a blob whose bytes were purged: a recorded purge is not a break, an unrecorded one is.
    public mutating func recordPurgedBlob(_ sha256: String, isRecorded: Bool) {
        if isRecorded {
            purgedBlobs.append(sha256)
        } else {
            recordBadBlob(sha256, detail: "its bytes are gone, and no purge is recorded")
        }
    }

    /// Whether nothing was found broken.
    public var isIntact: Bool { breaks.isEmpty }
}

extension EventStore {
    /// Re-computes every stream's chain and every blob's hash.
    public func verifyChains() throws -> ChainVerifier {
        var verifier = ChainVerifier()
        try forEachEventByStream { verifier.check($0) }
        try verifyBlobs(into: &verifier)
        return verifier
    }

    /// Re-computes every stored blob's hash and size, recording each mismatch in `verifier`;
    /// inside the open transaction, or in a read transaction of its own.
    public func verifyBlobs(into verifier: inout ChainVerifier) throws {
        let statement = try database.prepare(
            "SELECT sha256, size, data, EXISTS (SELECT 1 FROM blob_purges AS p WHERE p.sha256 = blobs.sha256) FROM blobs ORDER BY sha256")
        func check() throws {
            try statement.forEachRow { row in
                let key = row.text(0)
                let size = row.int(1)
                if row.isNull(2) {
                    verifier.recordPurgedBlob(key, isRecorded: row.int(3) == 1)
                    return
                }
                row.withBytes(2) { data in
                    if data.count != size {
                        verifier.recordBadBlob(key, detail: "size is \(data.count), stored as \(size)")
                    } else if Hex.encode(SHA256.hash(data)) != key {
                        verifier.recordBadBlob(key, detail: "the bytes' SHA-256 is not the key")
                    }
                }
            }
        }
        if database.isInTransaction {
            try check()
        } else {
            try database.transaction(.deferred) { try check() }
        }
    }
}
