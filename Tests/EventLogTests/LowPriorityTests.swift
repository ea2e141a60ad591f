import Foundation
import Testing

import EventLog

#if canImport(Glibc)
    import Glibc
#endif

/// Long reads run on a thread of lowered CPU priority (`list --as-of`, issue 18 item 3).
@Suite struct LowPriorityTests {
    struct Failed: Error, Equatable {}

    /// This thread's nice value (per thread under Linux).
    static func niceValue() -> Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    @Test("The work runs on another thread, niced by LowPriority.niceness, and its result comes back")
    func runsLowered() throws {
        let caller = Self.niceValue()
        var ran = false
        let callerThread = pthread_self()
        let (value, inside, thread) = try LowPriority.run { () -> (Int, Int32, pthread_t) in
            ran = true
            return (42, Self.niceValue(), pthread_self())
        }
        #expect(ran && value == 42)
        #expect(inside == min(19, caller + LowPriority.niceness))
        #expect(pthread_equal(thread, callerThread) == 0)
        // The caller's own priority is untouched.
        #expect(Self.niceValue() == caller)
    }

    @Test("An error thrown by the work is thrown to the caller")
    func errorsComeBack() {
        #expect(throws: Failed()) { try LowPriority.run { () -> Int in throw Failed() } }
    }
}
