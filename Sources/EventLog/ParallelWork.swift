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
