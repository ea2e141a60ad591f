import CSQLite
import Foundation

/// Whole streams of the log, read in order: a unit of work for ``ParallelWork``.
///
/// The reader keeps each row's columns as bytes in one buffer (no `String` or array per
/// event on the reading thread); ``streams`` makes the ``RecordedEvent``s from them, on
/// whichever thread asks — a worker, so that the thread holding the connection only reads.
public struct StreamBatch: Sendable {
    /// Every byte column of every event, one after the other.
    fileprivate var bytes: [UInt8] = []
    /// Per event: position, version, then the length of each byte column (−1: a NULL payload).
    fileprivate var fields: [Int] = []
    /// The index of each stream's first event.
    fileprivate var streamStarts: [Int] = []
    /// The events in all of them.
    public fileprivate(set) var eventCount = 0

    fileprivate static let fieldsPerEvent = 2 + StreamBatchReader.byteColumns.count

    /// Each stream's events in version order, the streams in name order.
    ///
    /// A field whose bytes equal ones already made into a `String` shares that string: the
    /// stream's name, a type or an actor seen lately, the times of the events one command
    /// recorded, and the `prev_hash` that is the previous event's `hash` — the same values
    /// as separate strings would be, with fewer allocations to make and free.
    public var streams: [[RecordedEvent]] {
        var result: [[RecordedEvent]] = []
        result.reserveCapacity(streamStarts.count)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            func take(_ count: Int) -> Field {
                defer { offset += count }
                return Field(start: offset, count: count)
            }
            var texts = Texts(buffer)
            var types = Recent()
            var actors = Recent()
            var occurred = Remembered()
            var recorded = Remembered()
            var lastHash = Remembered()
            for (index, start) in streamStarts.enumerated() {
                let end = index + 1 < streamStarts.count ? streamStarts[index + 1] : eventCount
                var events: [RecordedEvent] = []
                events.reserveCapacity(end - start)
                // One string for the stream's name, shared by its events.
                var name: String?
                for event in start..<end {
                    let field = event * Self.fieldsPerEvent
                    let stream = take(fields[field + 2])
                    let streamName = name ?? texts.make(stream)
                    name = streamName
                    let type = types.text(take(fields[field + 3]), &texts)
                    let occurredAt = occurred.text(take(fields[field + 4]), &texts)
                    let recordedField = take(fields[field + 5])
                    let recordedAt = texts.same(recordedField, occurred.field) ? occurredAt : recorded.text(recordedField, &texts)
                    let actor = actors.text(take(fields[field + 6]), &texts)
                    let payloadCount = fields[field + 7]
                    let payload = payloadCount < 0 ? nil : texts.bytes(take(payloadCount))
                    let payloadSHA256 = texts.make(take(fields[field + 8]))
                    let prevHash = lastHash.text(take(fields[field + 9]), &texts)
                    let hashField = take(fields[field + 10])
                    let hash = texts.make(hashField)
                    lastHash.remember(hashField, hash)
                    events.append(
                        RecordedEvent(
                            position: Int64(fields[field]), stream: streamName, version: fields[field + 1], type: type,
                            occurredAt: occurredAt, recordedAt: recordedAt, actor: actor, payload: payload,
                            payloadSHA256: payloadSHA256, prevHash: prevHash, hash: hash))
                }
                result.append(events)
            }
        }
        return result
    }

    /// Where one field's bytes sit in the batch's buffer.
    private struct Field {
        var start: Int
        var count: Int
    }

    /// Makes strings from the buffer's bytes, and compares fields in place.
    private struct Texts {
        let buffer: UnsafeBufferPointer<UInt8>

        init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        func slice(_ field: Field) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: buffer[field.start..<field.start + field.count])
        }
        func make(_ field: Field) -> String { String(decoding: slice(field), as: UTF8.self) }
        func bytes(_ field: Field) -> [UInt8] { [UInt8](slice(field)) }
        func same(_ one: Field, _ other: Field?) -> Bool {
            guard let other, one.count == other.count else { return false }
            guard one.count > 0, let base = buffer.baseAddress else { return true }
            return memcmp(base + one.start, base + other.start, one.count) == 0
        }
    }

    /// The last field made into a string, reused while the bytes repeat.
    private struct Remembered {
        var field: Field?
        var string = ""

        mutating func text(_ new: Field, _ texts: inout Texts) -> String {
            if !texts.same(new, field) { remember(new, texts.make(new)) } else { field = new }
            return string
        }
        mutating func remember(_ new: Field, _ made: String) {
            field = new
            string = made
        }
    }

    /// The last few distinct fields made into strings (types, actors: a handful recur).
    private struct Recent {
        var entries: [(field: Field, string: String)] = []
        var next = 0

        mutating func text(_ new: Field, _ texts: inout Texts) -> String {
            for index in entries.indices where texts.same(new, entries[index].field) { return entries[index].string }
            let made = texts.make(new)
            if entries.count < 16 {
                entries.append((new, made))
            } else {
                entries[next] = (new, made)
                next = (next + 1) % 16
            }
            return made
        }
    }
}

/// Reads the events grouped by stream (the order ``ChainVerifier`` reads) in batches of
/// whole streams of about `size` events each, one statement step at a time on the caller's
/// connection: ``next()`` inside the caller's transaction gives the same snapshot throughout.
public final class StreamBatchReader {
    /// The byte columns of ``EventStore/columns`` (all but position and version), in order.
    fileprivate static let byteColumns: [Int32] = [1, 3, 4, 5, 6, 7, 8, 9, 10]
    private static let payloadColumn: Int32 = 7

    private let statement: Statement
    private let size: Int
    /// Whether the statement's current row was read but not yet taken (it begins the next batch).
    private var holdsRow = false
    private var isDone = false

    /// Prepares the read; nothing is read until ``next()``.
    public init(_ store: EventStore, size: Int = 2_000) throws {
        statement = try store.database.prepare("SELECT \(EventStore.columns) FROM events ORDER BY stream, version")
        self.size = size
    }

    /// The next batch, or nil after the last.
    public func next() throws -> StreamBatch? {
        var batch = StreamBatch()
        batch.bytes.reserveCapacity(size * 512)
        batch.fields.reserveCapacity(size * StreamBatch.fieldsPerEvent + 64)
        // Where the last stream's name sits in the buffer, to tell when the next one begins.
        var lastStream = (start: 0, count: -1)
        while true {
            if !holdsRow {
                guard !isDone, try statement.step() else {
                    isDone = true
                    break
                }
            }
            holdsRow = false
            let handle = statement.handle
            let name = UnsafeRawPointer(sqlite3_column_text(handle, 1))
            let nameCount = Int(sqlite3_column_bytes(handle, 1))
            let isNewStream = batch.bytes.withUnsafeBytes { buffer in
                guard lastStream.count == nameCount else { return true }
                guard nameCount > 0, let name, let base = buffer.baseAddress else { return false }
                return memcmp(base + lastStream.start, name, nameCount) != 0
            }
            if isNewStream {
                if batch.eventCount >= size {
                    holdsRow = true
                    break
                }
                batch.streamStarts.append(batch.eventCount)
                lastStream = (batch.bytes.count, nameCount)
            }
            batch.fields.append(Int(sqlite3_column_int64(handle, 0)))
            batch.fields.append(Int(sqlite3_column_int64(handle, 2)))
            for column in Self.byteColumns {
                if column == Self.payloadColumn, sqlite3_column_type(handle, column) == SQLITE_NULL {
                    batch.fields.append(-1)
                    continue
                }
                // As ``Statement/text(_:)`` and ``Statement/bytes(_:)`` read them.
                let pointer: UnsafeRawPointer? =
                    column == Self.payloadColumn && sqlite3_column_type(handle, column) != SQLITE_TEXT
                    ? sqlite3_column_blob(handle, column) : UnsafeRawPointer(sqlite3_column_text(handle, column))
                let count = Int(sqlite3_column_bytes(handle, column))
                if let pointer, count > 0 {
                    batch.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: count))
                    batch.fields.append(count)
                } else {
                    batch.fields.append(0)
                }
            }
            batch.eventCount += 1
        }
        return batch.eventCount == 0 ? nil : batch
    }
}
