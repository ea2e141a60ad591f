/// The head of the whole log: how many events it holds and a SHA-256 chain over every
/// event's `hash` in position (commit) order.
///
/// ```
/// head_0 = 64 zeros
/// head_n = SHA256(head_(n-1) ‖ hash_n)
/// ```
/// where `head_(n-1)` and `hash_n` are their 64-character lowercase hex text (so 128 ASCII
/// bytes are hashed each step) and the head is stored as lowercase hex. Each stream's hash
/// chain proves a stream unaltered; the log head proves that no stream was deleted or
/// shortened and no event inserted among the ones it covers.
public struct LogHead: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Events covered.
    public var eventCount: Int
    /// `head_n`, lowercase hex.
    public var hash: String

    /// Creates a head.
    public init(eventCount: Int, hash: String) {
        self.eventCount = eventCount
        self.hash = hash
    }

    /// The head of an empty log.
    public static let empty = LogHead(eventCount: 0, hash: HashChain.genesis)

    /// The head once one more event (with chain hash `eventHash`) is appended.
    public func appending(_ eventHash: String) -> LogHead {
        var hasher = SHA256()
        hasher.update(hash)
        hasher.update(eventHash)
        return LogHead(eventCount: eventCount + 1, hash: Hex.encode(hasher.finalize()))
    }

    public var description: String { "\(eventCount) events, head \(hash)" }

    /// A head appended to one event at a time in place, as ``appending(_:)`` does but
    /// without a `String` per event (`verify` and `checkpoint` read millions).
    struct Builder {
        /// `head_n`'s text.
        private var hex: [UInt8]
        private var eventCount: Int

        init(_ start: LogHead = .empty) {
            hex = Array(start.hash.utf8)
            eventCount = start.eventCount
        }

        /// Appends the event whose chain hash is the text `eventHash` (a column's bytes, read
        /// as ``Statement/text(_:)`` reads them).
        mutating func append(_ eventHash: UnsafeRawBufferPointer) {
            var hasher = SHA256()
            hex.withUnsafeBytes { hasher.update($0) }
            if eventHash.allSatisfy({ $0 < 0x80 }) {
                hasher.update(eventHash)
            } else {
                // What `String(decoding:)` makes of bytes that are not UTF-8.
                hasher.update(String(decoding: eventHash, as: UTF8.self))
            }
            var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &digest) { buffer in
                if let base = buffer.baseAddress { hasher.finalize(into: base) }
            }
            if hex.count != 64 { hex = [UInt8](repeating: 0, count: 64) }
            withUnsafeBytes(of: &digest) { digest in hex.withUnsafeMutableBufferPointer { Hex.write(digest, into: $0) } }
            eventCount += 1
        }

        var head: LogHead { LogHead(eventCount: eventCount, hash: String(decoding: hex, as: UTF8.self)) }
    }
}

/// A stream's last event: its version and chain hash.
public struct StreamHead: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The stream.
    public var stream: String
    /// Its last version.
    public var version: Int
    /// That event's chain hash.
    public var hash: String

    /// Creates a stream head.
    public init(stream: String, version: Int, hash: String) {
        self.stream = stream
        self.version = version
        self.hash = hash
    }

    public var description: String { "\(stream) v\(version) \(hash)" }
}

/// What a checkpoint witnesses: the log head and every stream's head at one moment.
public struct LogCheckpoint: Sendable, Equatable {
    /// The log head.
    public var logHead: LogHead
    /// Every stream's head, by stream name.
    public var streams: [StreamHead] {
        get throws { try heads.all() }
    }
    /// The same, kept compactly.
    public var heads: StreamHeads
    /// What was already erased then: the events whose payload was gone and the stored files
    /// whose bytes were gone. nil in checkpoints taken before it was kept: not compared.
    public var erasures: Erasures?

    /// What a checkpoint found erased.
    public struct Erasures: Sendable, Equatable {
        /// Events whose payload was erased (redacted), in stream and version order.
        public var events: [EventReference]
        /// Stored files whose bytes were purged, by SHA-256, sorted.
        public var files: [String]

        /// Creates the list.
        public init(events: [EventReference], files: [String]) {
            self.events = events
            self.files = files
        }
    }

    /// Creates a checkpoint.
    public init(logHead: LogHead, streams: [StreamHead], erasures: Erasures? = nil) {
        self.init(logHead: logHead, heads: StreamHeads(streams), erasures: erasures)
    }

    /// Creates a checkpoint from heads kept compactly.
    public init(logHead: LogHead, heads: StreamHeads, erasures: Erasures? = nil) {
        self.logHead = logHead
        self.heads = heads
        self.erasures = erasures
    }
}

extension EventStore {
    /// The log head and every stream's head, read in one read transaction (or the open one).
    public func checkpoint() throws -> LogCheckpoint {
        try reading {
            var head = LogHead.Builder()
            let statement = try database.prepare("SELECT hash FROM events ORDER BY position")
            try statement.forEachRow { row in row.withText(0) { head.append($0) } }
            return LogCheckpoint(logHead: head.head, streams: try streamHeads(), erasures: try erasures())
        }
    }

    /// The events whose payload is erased and the stored files whose bytes are, now.
    public func erasures() throws -> LogCheckpoint.Erasures {
        var events: [EventReference] = []
        try database.forEachRow("SELECT stream, version FROM events WHERE payload IS NULL ORDER BY stream, version") {
            events.append(EventReference(stream: $0.text(0), version: $0.int(1)))
        }
        var files: [String] = []
        try database.forEachRow("SELECT sha256 FROM blobs WHERE data IS NULL ORDER BY sha256") { files.append($0.text(0)) }
        return LogCheckpoint.Erasures(events: events, files: files)
    }

    /// Every stream's last event, by stream name.
    public func streamHeads() throws -> [StreamHead] {
        var heads: [StreamHead] = []
        let statement = try database.prepare(
            """
            SELECT e.stream, e.version, e.hash FROM events e
            JOIN (SELECT stream, max(version) AS version FROM events GROUP BY stream) last
                ON last.stream = e.stream AND last.version = e.version
            ORDER BY e.stream
            """)
        try statement.forEachRow { heads.append(StreamHead(stream: $0.text(0), version: $0.int(1), hash: $0.text(2))) }
        return heads
    }

    /// What differs between the log and a checkpoint taken earlier: each stream the
    /// checkpoint holds must still hold the same event at the checkpoint's version, no other
    /// event may have been committed before the checkpoint's events, and the log head over
    /// them must be the checkpoint's. Events added after the checkpoint are not breaks.
    public func compare(with checkpoint: LogCheckpoint) throws -> [ChainBreak] {
        try reading {
            var breaks: [ChainBreak] = []
            let event = try database.prepare("SELECT hash FROM events WHERE stream = ? AND version = ?")
            for head in try checkpoint.streams {
                let version = try database.scalarInt("SELECT max(version) FROM events WHERE stream = ?", [head.stream]) ?? 0
                if version == 0 {
                    breaks.append(
                        ChainBreak(
                            stream: head.stream, version: head.version, kind: .deletedStream,
                            detail: "the checkpoint holds \(head.version) events of this stream; the database has none"))
                    continue
                }
                if version < head.version {
                    breaks.append(
                        ChainBreak(
                            stream: head.stream, version: version + 1, kind: .shortenedStream,
                            detail: version + 1 == head.version
                                ? "version \(head.version) is in the checkpoint but not in the database"
                                : "versions \(version + 1)–\(head.version) are in the checkpoint but not in the database"))
                    continue
                }
                try event.bind([head.stream, head.version])
                let stored = try event.step() ? event.text(0) : ""
                event.reset()
                if stored != head.hash {
                    breaks.append(
                        ChainBreak(
                            stream: head.stream, version: head.version, kind: .rewrittenChain,
                            detail: "the hash is \(stored.prefix(12))…, the checkpoint's \(head.hash.prefix(12))…: the history up to here was rewritten"))
                }
            }
            // The checkpoint's events are each stream's first versions up to its head there.
            // Another event committed before one of them was inserted into that history; the
            // log head over them, in position order, must be the checkpoint's.
            let versions = Dictionary(try checkpoint.streams.map { ($0.stream, $0.version) }, uniquingKeysWith: max)
            var head = LogHead.empty
            var pending: [ChainBreak] = []
            var pendingCount = 0
            var inserted: [ChainBreak] = []
            var insertedCount = 0
            let all = try database.prepare("SELECT stream, version, hash FROM events ORDER BY position")
            try all.forEachRow { row in
                let stream = row.text(0)
                let version = row.int(1)
                if version <= versions[stream] ?? 0 {
                    head = head.appending(row.text(2))
                    insertedCount += pendingCount
                    inserted += pending.prefix(max(0, 20 - inserted.count))
                    pending.removeAll()
                    pendingCount = 0
                } else {
                    pendingCount += 1
                    if pending.count < 20 {
                        pending.append(
                            ChainBreak(
                                stream: stream, version: version, kind: .insertedBeforeCheckpoint,
                                detail: "committed before events the checkpoint holds, but not one of them"))
                    }
                }
            }
            breaks += inserted
            if insertedCount > inserted.count {
                breaks.append(
                    ChainBreak(
                        stream: "log", version: checkpoint.logHead.eventCount, kind: .insertedBeforeCheckpoint,
                        detail: "and \(insertedCount - inserted.count) more events inserted before the checkpoint's"))
            }
            if breaks.isEmpty, head != checkpoint.logHead {
                breaks.append(
                    ChainBreak(
                        stream: "log", version: checkpoint.logHead.eventCount, kind: .logHeadDiffers,
                        detail: "the log head over the checkpoint's \(head.eventCount) events is \(head.hash.prefix(12))…, "
                            + "the checkpoint's \(checkpoint.logHead.hash.prefix(12))… over \(checkpoint.logHead.eventCount): they were reordered"))
            }
            // Content the checkpoint witnessed must still be there: an erasure of an event it
            // covers, or of a file's bytes, since it was taken is named (a forged one looks like
            // a real one; the safeguarding lead confirms a real one by taking a new checkpoint).
            if let before = checkpoint.erasures {
                let now = try erasures()
                let erased = Set(before.events)
                for event in now.events where !erased.contains(event) && event.version <= (versions[event.stream] ?? 0) {
                    breaks.append(
                        ChainBreak(
                            stream: event.stream, version: event.version, kind: .erasedSinceCheckpoint,
                            detail: "its payload was there when the checkpoint was taken and has been erased since"))
                }
                let purged = Set(before.files)
                for file in now.files where !purged.contains(file) {
                    breaks.append(
                        ChainBreak(
                            stream: "blobs", version: 0, kind: .erasedSinceCheckpoint,
                            detail: "the bytes of \(file.prefix(12))… were there when the checkpoint was taken and have been purged since"))
                }
            }
            return breaks
        }
    }

    /// Runs `body` in a read transaction of its own that is always rolled back, never
    /// committed: it takes no write lock on the database, and on a damaged file even the
    /// COMMIT of reads can fail. Writes `body` makes to `temp` tables are undone too.
    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        try database.execute("BEGIN DEFERRED")
        // Ending a snapshot that wrote nothing to `main` loses nothing; when SQLite already
        // rolled it back itself (an I/O error), ROLLBACK fails and `body`'s error, the first,
        // is the one thrown.
        defer { try? database.execute("ROLLBACK") }
        return try body()
    }

    /// Whether a transaction is open on the store's connection (a read snapshot, a write).
    public var isInTransaction: Bool { database.isInTransaction }

    /// Runs `body` in the open transaction, or in a read transaction of its own.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        database.isInTransaction ? try body() : try database.transaction(.deferred, body)
    }
}
