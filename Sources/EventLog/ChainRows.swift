import CSQLite

/// The rows one ``EventWriter/append(_:to:expectedVersion:)`` call inserts, made in one
/// buffer that every row reuses (issue 25 item 3: the append at the schema's limit).
///
/// Each event's chain message (``HashChain``: `prev_hash ‖ stream ‖ LF ‖ version ‖ LF ‖ type
/// ‖ LF ‖ occurred_at ‖ LF ‖ recorded_at ‖ LF ‖ actor ‖ LF ‖ payload_sha256`) is laid out end
/// to end, the payload's hash written into it as hex, and the chain hash as hex right after
/// it. SHA-256 then runs once over the payload and once over the message (no per-field
/// hashing), and the insert's text parameters are bound in place from the same bytes
/// (`SQLITE_STATIC`, for the step only): no intermediate `String` or array per field. Only
/// the two hashes become `String`s, for the ``RecordedEvent``s returned.
enum ChainRows {
    /// Inserts `events` as versions `version + 1…` of `stream`, chained from `prevHash`, with
    /// `insert` (``EventWriter/insertSQL``, whose stream and `recorded_at` are already bound);
    /// returns them as recorded. The fields are checked as `append` documents.
    static func insert(
        _ events: [NewEvent], stream: String, recordedAt: String, after version: Int, prevHash: String,
        with insert: Statement, database: Database
    ) throws -> [RecordedEvent] {
        var longest = 0
        for event in events {
            longest = max(longest, event.type.utf8.count + event.occurredAt.utf8.count + event.actor.utf8.count)
        }
        // prev_hash, the fields and their six line feeds, a version's 20 digits, the payload's
        // hash, then the chain hash.
        let capacity = max(prevHash.utf8.count, 64) + stream.utf8.count + recordedAt.utf8.count + longest + 6 + 20 + 64 + 64
        return try withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 16) { buffer in
            guard let base = buffer.baseAddress else { throw SQLiteError(code: SQLITE_NOMEM, message: "no buffer for the rows") }
            var recorded: [RecordedEvent] = []
            recorded.reserveCapacity(events.count)
            var version = version
            var prevHashText = prevHash
            var prevLength = put(prevHash, at: base)
            for event in events {
                try EventWriter.checkField("type", event.type)
                try EventWriter.checkField("actor", event.actor)
                guard Timestamp.isValid(event.occurredAt) else {
                    throw EventLogError.invalidField(name: "occurred_at", reason: "is not UTC RFC 3339 with milliseconds")
                }
                guard EventWriter.isUTF8(event.payload) else {
                    throw EventLogError.invalidField(name: "payload", reason: "is not valid UTF-8")
                }
                version += 1
                var at = prevLength
                at += put(stream, at: base + at)
                at += newline(base + at)
                at += putDecimal(version, at: base + at)
                at += newline(base + at)
                let type = at
                at += put(event.type, at: base + at)
                let typeEnd = at
                at += newline(base + at)
                let occurredAt = at
                at += put(event.occurredAt, at: base + at)
                let occurredAtEnd = at
                at += newline(base + at)
                at += put(recordedAt, at: base + at)
                at += newline(base + at)
                let actor = at
                at += put(event.actor, at: base + at)
                let actorEnd = at
                at += newline(base + at)
                let payloadHash = at
                event.payload.withUnsafeBytes { SHA256.hexDigest(of: $0, into: base + payloadHash) }
                let hash = payloadHash + 64
                SHA256.hexDigest(of: UnsafeRawBufferPointer(start: base, count: hash), into: base + hash)

                let statement = insert.handle
                func text(_ index: Int32, _ start: Int, _ end: Int) -> Int32 {
                    // nil is SQLITE_STATIC: SQLite reads the bytes in place, during this row's step.
                    sqlite3_bind_text(statement, index, (base + start).assumingMemoryBound(to: CChar.self), Int32(end - start), nil)
                }
                var code = sqlite3_bind_int64(statement, 2, Int64(version))
                if code == SQLITE_OK { code = text(3, type, typeEnd) }
                if code == SQLITE_OK { code = text(4, occurredAt, occurredAtEnd) }
                if code == SQLITE_OK { code = text(6, actor, actorEnd) }
                if code == SQLITE_OK { code = text(8, payloadHash, hash) }
                if code == SQLITE_OK { code = text(9, 0, prevLength) }
                if code == SQLITE_OK { code = text(10, hash, hash + 64) }
                if code == SQLITE_OK {
                    code = event.payload.withUnsafeBytes { raw in
                        // A NULL pointer would bind SQL NULL: an empty payload points at the buffer instead.
                        let start = raw.count > 0 ? raw.baseAddress ?? UnsafeRawPointer(base) : UnsafeRawPointer(base)
                        let bound = sqlite3_bind_text(statement, 7, start.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil)
                        guard bound == SQLITE_OK else { return bound }
                        let stepped = sqlite3_step(statement)
                        return stepped == SQLITE_DONE ? SQLITE_OK : stepped
                    }
                }
                sqlite3_reset(statement)
                guard code == SQLITE_OK else { throw database.error(code: code, sql: insert.sql) }

                let payloadSHA256 = String(decoding: UnsafeRawBufferPointer(start: base + payloadHash, count: 64), as: UTF8.self)
                let hashText = String(decoding: UnsafeRawBufferPointer(start: base + hash, count: 64), as: UTF8.self)
                recorded.append(
                    RecordedEvent(
                        position: database.lastInsertedRowID, stream: stream, version: version, type: event.type,
                        occurredAt: event.occurredAt, recordedAt: recordedAt, actor: event.actor, payload: event.payload,
                        payloadSHA256: payloadSHA256, prevHash: prevHashText, hash: hashText))
                // This event's hash is the next one's prev_hash, at the start of its message.
                base.copyMemory(from: base + hash, byteCount: 64)
                prevLength = 64
                prevHashText = hashText
            }
            return recorded
        }
    }

    /// Copies `text`'s UTF-8 to `target`; returns its length.
    @inline(__always)
    private static func put(_ text: String, at target: UnsafeMutableRawPointer) -> Int {
        if let count = text.utf8.withContiguousStorageIfAvailable({ utf8 -> Int in
            if let source = utf8.baseAddress { target.copyMemory(from: source, byteCount: utf8.count) }
            return utf8.count
        }) {
            return count
        }
        var count = 0
        for byte in text.utf8 {
            target.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }
        return count
    }

    @inline(__always)
    private static func newline(_ target: UnsafeMutableRawPointer) -> Int {
        target.storeBytes(of: 0x0A, as: UInt8.self)
        return 1
    }

    /// Writes `value` in decimal (as ``SHA256/update(decimal:)`` hashes it); returns its length.
    private static func putDecimal(_ value: Int, at target: UnsafeMutableRawPointer) -> Int {
        SHA256.withDecimal(value) { digits in
            if let source = digits.baseAddress { target.copyMemory(from: source, byteCount: digits.count) }
            return digits.count
        }
    }
}

extension SHA256 {
    /// SHA-256 of `bytes`, written at `target` as 64 lowercase hex digits.
    static func hexDigest(of bytes: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer) {
        var hasher = SHA256()
        hasher.update(bytes)
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { raw in
            guard let digestBase = raw.baseAddress else { return }
            hasher.finalize(into: digestBase)
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            for index in 0..<32 {
                let byte = raw[index]
                target.storeBytes(of: digits[Int(byte >> 4)], toByteOffset: 2 * index, as: UInt8.self)
                target.storeBytes(of: digits[Int(byte & 0x0F)], toByteOffset: 2 * index + 1, as: UInt8.self)
            }
        }
    }
}
