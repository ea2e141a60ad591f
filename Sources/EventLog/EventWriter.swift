import Foundation

/// What a caller may do inside one write transaction of the ``EventStore``: append to
/// streams, store blobs, redact a payload, and update its own read models through
/// ``database``.
public struct EventWriter {
    /// The store this transaction belongs to.
    public unowned let store: EventStore
    /// The clock's reading when the transaction began; every event it appends records it.
    public let recordedAt: String

    /// The connection, inside the open transaction: the package's own, for the
    /// application's storage layer.
    package var database: Database { store.database }

    /// Appends events to `stream` when its current version is `expectedVersion`.
    ///
    /// - Throws: ``EventLogError/conflict(stream:expected:actual:)`` when another writer
    ///   got there first; ``EventLogError/invalidField(name:reason:)`` for a field the
    ///   chain cannot hold.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: String, expectedVersion: Int) throws -> [RecordedEvent] {
        try Self.checkField("stream", stream)
        var version = 0
        var prevHash = HashChain.genesis
        let head = try database.cached(
            "SELECT version, hash FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1")
        try head.bind([stream])
        if try head.step() {
            version = head.int(0)
            prevHash = head.text(1)
        }
        head.reset()
        guard version == expectedVersion else {
            throw EventLogError.conflict(stream: stream, expected: expectedVersion, actual: version)
        }
        let insert = try database.cached(Self.insertSQL)
        // The stream and recorded_at are the same for every event: bound once (SQLite keeps
        // a copy across resets). The other texts are bound in place for each row's step
        // (ChainRows), and unbound when this call ends.
        insert.reset()
        try insert.bindText(stream, at: 1)
        try insert.bindText(recordedAt, at: 5)
        defer { insert.clearBindings() }
        return try ChainRows.insert(
            events, stream: stream, recordedAt: recordedAt, after: version, prevHash: prevHash, with: insert, database: database)
    }

    static let insertSQL = """
        INSERT INTO events (stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Whether bytes are valid UTF-8: a word at a time while they are ASCII (as JSON
    /// payloads mostly are), the standard library's check from the first byte that is not.
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            // 32 bytes a step, then 8: one test of four words' high bits.
            while offset + 32 <= raw.count {
                let words =
                    raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)
                if words & 0x8080_8080_8080_8080 != 0 { break }
                offset += 32
            }
            while offset + 8 <= raw.count {
                if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                offset += 8
            }
            while offset < raw.count, raw[offset] < 0x80 { offset += 1 }
            if offset == raw.count { return true }
            return String(validating: raw, as: UTF8.self) != nil
        }
    }

    /// Erases one event's payload (UK GDPR erasure, retention), keeping its
    /// `payload_sha256` so the chain still verifies; the only update the triggers allow.
    /// The caller records the redaction as an event in the same transaction.
    public func redact(stream: String, version: Int) throws {
        let statement = try database.cached("SELECT payload IS NULL FROM events WHERE stream = ? AND version = ?")
        try statement.bind([stream, version])
        defer { statement.reset() }
        guard try statement.step() else { throw EventLogError.eventNotFound(stream: stream, version: version) }
        if statement.int(0) == 1 { throw EventLogError.alreadyRedacted(stream: stream, version: version) }
        statement.reset()
        try database.run("UPDATE events SET payload = NULL WHERE stream = ? AND version = ?", [stream, version])
    }

    /// Deletes a blob's bytes, keeping its hash, size and media type: the one update the
    /// triggers allow, once the event at `stream`/`version` (appended first, in the same
    /// transaction) names the blob in its payload's `erased` array. A blob already purged,
    /// or not stored, is left as it is. SQLite reuses the freed pages; the file shrinks with
    /// `PRAGMA incremental_vacuum` or `VACUUM`.
    public func purgeBlob(_ sha256: String, recordedBy stream: String, version: Int) throws {
        guard try database.scalarInt("SELECT data IS NOT NULL FROM blobs WHERE sha256 = ?", [sha256]) == 1 else { return }
        try database.run(
            "INSERT OR IGNORE INTO blob_purges (sha256, stream, version) VALUES (?, ?, ?)", [sha256, stream, version])
        // The freed pages are overwritten with zeros, not left on the free list: every
        // connection has secure_delete on (``Database``); the write-ahead log's older copies
        // go with the checkpoint after the commit (``EventStore/reclaimSpace(waitMilliseconds:)``).
        try database.run("UPDATE blobs SET data = NULL WHERE sha256 = ?", [sha256])
    }

    /// Stores a file's bytes content-addressed by SHA-256 (kept once however often stored),
    /// with the media type sniffed from the bytes.
    public func storeBlob(_ bytes: [UInt8]) throws -> BlobInfo {
        guard bytes.count <= BlobInfo.maximumSize else { throw EventLogError.blobTooLarge(size: bytes.count) }
        let info = BlobInfo(sha256: Hex.encode(SHA256.hash(bytes)), size: bytes.count, mediaType: MediaType.sniff(bytes))
        // The same bytes are kept once: store them only when the key is new (the triggers
        // refuse to replace a stored file).
        if try database.scalarInt("SELECT 1 FROM blobs WHERE sha256 = ?", [info.sha256]) == nil {
            try database.run(
                "INSERT INTO blobs (sha256, size, media_type, data) VALUES (?, ?, ?, ?)",
                [info.sha256, info.size, info.mediaType, SQLValue.blob(bytes)])
        }
        return info
    }

    static func checkField(_ name: String, _ value: String) throws {
        guard !value.isEmpty else { throw EventLogError.invalidField(name: name, reason: "is empty") }
        let hasLineFeed =
            value.utf8.withContiguousStorageIfAvailable { utf8 in
                utf8.baseAddress.map { memchr($0, 0x0A, utf8.count) != nil } ?? false
            }
            ?? value.utf8.contains(0x0A)
        guard !hasLineFeed else {
            throw EventLogError.invalidField(name: name, reason: "contains a line feed, the chain's separator")
        }
    }
}
