import EventLog
import Foundation

/// What the second connection checks: the file's pages, every stored file, the log head.
struct FileCheck: Sendable {
    var breaks: [ChainBreak]
    var logHead: LogHead
    var skipsWriteAheadLog: Bool
    var purged: [String] = []

    static func run(path: String, through position: Int64) throws -> FileCheck {
        let store = try EventStore.openReadOnly(at: path, schema: Casebook.schema)
        return try store.readSnapshot {
            let damage = try store.integrityBreaks()
            var verifier = ChainVerifier()
            try EventStore.recordingDamage(isDamaged: !damage.isEmpty, into: &verifier) { verifier in
                try store.checkBlobs(into: &verifier)
                for found in try PurgeRows.unrecordedPurges(store) { verifier.record(found) }
            }
            var head = LogHead.empty
            try EventStore.recordingDamage(isDamaged: !damage.isEmpty, into: &verifier) { verifier in
                let (logHead, tampered) = try store.checkPayloadsAndLogHead(through: position)
                head = logHead
                for found in tampered { verifier.record(found) }
            }
            return FileCheck(
                breaks: damage + verifier.breaks, logHead: head, skipsWriteAheadLog: store.skipsWriteAheadLog,
                purged: verifier.purgedBlobs)
        }
    }
}

/// ``FileCheck/run(path:through:)`` on a thread of its own; ``wait()`` gives its result.
final class BackgroundFileCheck: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the thread before it signals `done`; read after `wait()`.
    private var result: Result<FileCheck, Error> = .failure(CasebookError.io("the file check did not run"))

    init(path: String, through position: Int64) {
        let thread = Thread { [self] in
            result = Result { try FileCheck.run(path: path, through: position) }
            done.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    func wait() -> Result<FileCheck, Error> {
        done.wait()
        return result
    }
}
