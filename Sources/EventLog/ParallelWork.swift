import CSQLite
import Foundation

/// Work on a pool of threads between a reader and a writer that stay on the calling thread:
/// the shape of `verify` and `rebuild`, where one SQLite connection reads the log (one
/// snapshot) and writes the read models, and the CPU-bound part in between (hashing,
/// decoding, replaying) runs on every core.
public enum ParallelWork {
    /// The worker threads to use by default: one per core the process may run on.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `next` on this thread until it returns nil, `transform` on each item on one of
    /// `workers` threads, and `consume` on this thread with each result in the order the
    /// items came. At most two items per worker are read ahead and not yet consumed, so
    /// memory stays flat however long the input. With one worker (or fewer) everything runs
    /// on this thread, in turn: the sequential reference the parallel runs must equal.
    ///
    /// An error from any of the three stops the reading, waits for the threads to finish,
    /// and is thrown here (the first in item order for `transform`).
    public static func orderedMap<Item: Sendable, Output: Sendable>(
        workers: Int, next: () throws -> Item?, transform: @escaping @Sendable (Item) throws -> Output,
        consume: (Output) throws -> Void
    ) throws {
        guard workers > 1 else {
            while let item = try next() { try consume(try transform(item)) }
            return
        }
        let pool = Pool<Item, Output>(workers: workers, transform: transform)
        defer { pool.shutDown() }
        let limit = 2 * workers
        var submitted = 0
        var consumed = 0
        var exhausted = false
        while true {
            if !exhausted, submitted - consumed < limit {
                if let item = try next() {
                    pool.submit(item, index: submitted)
                    submitted += 1
                    continue
                }
                exhausted = true
            }
            if exhausted, consumed == submitted { return }
            try consume(try pool.result(consumed).get())
            consumed += 1
        }
    }

    /// The threads, the queue of items and the finished results, under one lock.
    private final class Pool<Item: Sendable, Output: Sendable>: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`.
        private var queue: [(index: Int, item: Item)] = []
        private var finished: [Int: Result<Output, Error>] = [:]
        private var closed = false
        private var running: Int

        init(workers: Int, transform: @escaping @Sendable (Item) throws -> Output) {
            running = workers
            for _ in 0..<workers {
                let thread = Thread { [self] in
                    while let (index, item) = take() {
                        let output = Result { try transform(item) }
                        condition.lock()
                        finished[index] = output
                        condition.broadcast()
                        condition.unlock()
                    }
                    condition.lock()
                    running -= 1
                    condition.broadcast()
                    condition.unlock()
                }
                // Decoding nested JSON recurses: the same stack as the main thread's.
                thread.stackSize = 8 << 20
                thread.start()
            }
        }

        func submit(_ item: Item, index: Int) {
            condition.lock()
            queue.append((index, item))
            condition.broadcast()
            condition.unlock()
        }

        /// The next item for a worker, or nil once the pool is shut down.
        private func take() -> (Int, Item)? {
            condition.lock()
            defer { condition.unlock() }
            while queue.isEmpty, !closed { condition.wait() }
            guard !queue.isEmpty, !closed else { return nil }
            // At most two items a worker wait here: taking from the front is cheap, and
            // nothing taken stays referenced.
            return queue.removeFirst()
        }

        /// Waits for the result of item `index`.
        func result(_ index: Int) -> Result<Output, Error> {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let output = finished.removeValue(forKey: index) { return output }
                condition.wait()
            }
        }

        /// Stops the workers (items not yet taken are dropped) and waits until every thread
        /// has finished its current item and returned.
        func shutDown() {
            condition.lock()
            closed = true
            condition.broadcast()
            while running > 0 { condition.wait() }
            condition.unlock()
        }
    }
}

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
    public var streams: [[RecordedEvent]] {
        var result: [[RecordedEvent]] = []
        result.reserveCapacity(streamStarts.count)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            func take(_ count: Int) -> UnsafeBufferPointer<UInt8> {
                let slice = UnsafeBufferPointer(rebasing: buffer[offset..<offset + count])
                offset += count
                return slice
            }
            func text(_ count: Int) -> String { String(decoding: take(count), as: UTF8.self) }
            for (index, start) in streamStarts.enumerated() {
                let end = index + 1 < streamStarts.count ? streamStarts[index + 1] : eventCount
                var events: [RecordedEvent] = []
                events.reserveCapacity(end - start)
                // One string for the stream's name, shared by its events.
                var name: String?
                for event in start..<end {
                    let field = event * Self.fieldsPerEvent
                    let stream = fields[field + 2]
                    let streamName: String
                    if let name {
                        offset += stream
                        streamName = name
                    } else {
                        streamName = text(stream)
                        name = streamName
                    }
                    let type = text(fields[field + 3])
                    let occurredAt = text(fields[field + 4])
                    let recordedAt = text(fields[field + 5])
                    let actor = text(fields[field + 6])
                    let payloadCount = fields[field + 7]
                    let payload = payloadCount < 0 ? nil : [UInt8](take(payloadCount))
                    events.append(
                        RecordedEvent(
                            position: Int64(fields[field]), stream: streamName, version: fields[field + 1], type: type,
                            occurredAt: occurredAt, recordedAt: recordedAt, actor: actor, payload: payload,
                            payloadSHA256: text(fields[field + 8]), prevHash: text(fields[field + 9]), hash: text(fields[field + 10])))
                }
                result.append(events)
            }
        }
        return result
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
