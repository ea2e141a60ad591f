import EventLog
import Foundation

/// Maintenance: rebuilding the read models, backups, giving back space, importing cases
/// from another system, and `verify`, `checkpoint` and `compare` (`MaintenanceWork+Verify.swift`;
/// the checks themselves are in `Verify/`). Reached as `casebook.maintenance`;
/// it holds only the shared core.
public struct MaintenanceWork {
    let core: Casebook
}

extension Casebook {
    /// Maintenance: rebuild, backup, reclaim space, import, verify, checkpoint.
    public var maintenance: MaintenanceWork { MaintenanceWork(core: self) }
}

extension MaintenanceWork {
    /// Empties the read models and refills them from the events alone, in one transaction.
    ///
    /// This connection reads the events (in the write transaction) a batch of whole streams
    /// at a time and writes the rows; decoding and replaying each stream runs on `workers`
    /// threads in between (a batch of whole streams of about `batchSize` events at a time), and the rows are written in stream order, so the result is the
    /// same for any number of workers. `progress` is called on this thread with the events
    /// done so far and the log's total.
    public func rebuild(
        by actor: StaffMember, workers: Int = ParallelWork.defaultWorkers, batchSize: Int = 2_000,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws {
        try actor.require(.rebuild)
        try Casebook.translatingErrors {
            // Appends nothing: it rewrites the read models under the write lock, through the door.
            try core.door.pass(by: actor.id) { passage in
                passage.authorise {}  // the role, checked above, is all a rebuild needs
                try Casebook.rebuildProjections(passage, core.store, workers: workers, batchSize: batchSize, progress: progress)
            }
        }
    }

    /// Copies the database with SQLite's online backup API (headteacher only).
    public func backup(to path: String, by actor: StaffMember) throws {
        try actor.requireWholeRecord(.backup)
        try Casebook.translatingErrors { try core.store.backup(to: path) }
        try core.recordExport(.backupMade, by: actor)
    }

    /// Gives back the space of purged files and empties the write-ahead log (headteacher,
    /// safeguarding lead). Returns whether the log was emptied.
    @discardableResult
    public func reclaimSpace(by actor: StaffMember) throws -> Bool {
        try actor.require(.purgeFiles)
        // Asked for: waits for a reader as long as any write would.
        return try Casebook.translatingErrors { try core.store.reclaimSpace(waitMilliseconds: Database.busyTimeoutMilliseconds) }
    }
}
