import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Long reads that must not slow writers down: `body` runs on a thread of its own whose CPU
/// priority is lowered (`nice`), while the calling thread waits for it.
///
/// On a machine with few cores a long read (`list --as-of` rebuilding every read model from
/// the log, issue 18 item 3) takes a core a writer would use: the writer's own process
/// start-up and its commit are CPU. Under Linux the nice value is a per-thread attribute, so
/// only this thread is lowered, and it ends with the work (a thread's priority cannot be
/// raised again without privilege, so a server's request threads are never lowered
/// themselves). The work gets the whole core whenever nothing else wants it.
public enum LowPriority {
    /// How much the thread's nice value is raised: 10 gives it about a tenth of the CPU a
    /// normal thread gets when both want the same core.
    public static let niceness: Int32 = 10

    /// Runs `body` on a new thread at ``niceness`` and returns what it returns (or throws
    /// what it throws). `body` may use this thread's SQLite connection: this thread waits,
    /// so the two never use it at once.
    public static func run<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { escapable in
            let job = Job(escapable)
            let thread = Thread { job.run() }
            // Decoding nested JSON recurses: the same stack as the main thread's.
            thread.stackSize = 8 << 20
            thread.start()
            return try job.outcome().get()
        }
    }

    /// The work and its result, handed between the two threads under one lock.
    private final class Job<T>: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`; the work is dropped before the result is handed over, so
        // nothing holds it once the caller returns.
        private var body: (() throws -> T)?
        private var result: Result<T, Error>?

        init(_ body: @escaping () throws -> T) { self.body = body }

        func run() {
            _ = nice(LowPriority.niceness)
            let outcome = perform()
            condition.lock()
            result = outcome
            condition.broadcast()
            condition.unlock()
        }

        private func perform() -> Result<T, Error> {
            condition.lock()
            let work = body
            body = nil
            condition.unlock()
            guard let work else { return .failure(CancellationError()) }
            return Result { try work() }
        }

        func outcome() -> Result<T, Error> {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let result { return result }
                condition.wait()
            }
        }
    }
}
