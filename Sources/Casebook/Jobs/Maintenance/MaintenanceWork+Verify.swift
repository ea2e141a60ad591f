import EventLog
import Foundation

/// `verify`, `checkpoint` and `verify --export`'s comparison: whole-record checks (trust-wide only).
extension MaintenanceWork {
    /// Checks everything a consistent rewrite of the file could hide, in one read snapshot
    /// (no write lock: writers carry on), without writing to the database.
    ///
    /// On this connection, one pass over the events grouped by stream re-computes every
    /// chain, checks every stream name, decodes every payload, checks that every erased
    /// payload has its redaction recorded and that every event's actor was a member of
    /// staff with a role allowed that step when it was committed, and replays every stream
    /// into the read models' rows, each case's compared with its stored rows as it comes (the
    /// stored tables read in key order beside the log; the staff directory replayed into a
    /// private `temp` copy, compared at the end). The schema is compared with a fresh database made as a new file is (`EventLog.sql`, then `schema.sql`). Meanwhile a second
    /// connection, on a thread of its own, runs `PRAGMA integrity_check`, re-hashes every
    /// stored file (and sniffs its media type) and computes the log head over the same
    /// events. With a checkpoint, it also proves the log still holds the checkpoint's history.
    ///
    /// The CPU-bound part (each chain's hashes, decoding, the actor checks, the replay) runs
    /// on `workers` threads, a batch of whole streams at a time, while this connection reads
    /// the next batch (whole streams of about `batchSize` events) and writes the replayed read models: one snapshot, memory flat, the
    /// same breaks in the same order for any number of workers. `progress` is called on
    /// this thread with the events checked so far and the log's total.
    public func verify(
        by actor: StaffMember, against checkpoint: LogCheckpoint? = nil, workers: Int = ParallelWork.defaultWorkers,
        batchSize: Int = 2_000, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> VerificationReport {
        try actor.requireWholeRecord(.verify)
        return try Casebook.translatingErrors {
            try core.createScratchTables(["staff"])
            defer { core.dropScratchTables() }
            // A read transaction, always rolled back: it wrote only to the private copies.
            return try core.store.readSnapshot {
                // The first read fixes the snapshot; the background connection covers the same events.
                let last = try EventRows.lastPosition(in: core.store)
                let total = try core.store.eventCount()
                let settings = try SettingsTimeline(core.store)
                let checker = DomainCheck(staff: try StaffTimeline(core.store), settings: settings)
                // An unreadable setting is a break of its own (the settings stream's check); the
                // read models use the settings the readable ones give.
                var written = DomainCheck.Written(settings: settings.current, readModels: ReadModelComparison(core.store))
                defer { written.readModels.close() }
                var background: Result<FileCheck, Error>?
                var streams: (ChainVerifier, StreamHeads)?
                var damage: [ChainBreak] = []
                do {
                    let thread = BackgroundFileCheck(path: core.store.path, through: last)
                    defer { background = thread.wait() }
                    do {
                        // The payload hashes are checked by the background connection.
                        streams = try core.store.verifyStreams(
                            schema: Casebook.schema, isStreamName: { Casebook.isStreamName($0) }, checksPayloads: false,
                            workers: workers, batchSize: batchSize, check: { events, chains in try checker.check(events, chains: &chains) },
                            consume: { outcome in try written.write(outcome, store: core.store) },
                            progress: { progress($0, total) })
                        if let (found, heads) = streams {
                            var chains = found
                            for found in written.unerased { chains.record(found) }
                            try written.checkExports(chains: &chains, store: core.store)
                            streams = (chains, heads)
                        }
                    } catch let error as SQLiteError where error.isCorrupt {
                        damage.append(ChainBreak(stream: "file", version: 0, kind: .damagedFile, detail: "cannot be read: \(error.message)"))
                    }
                }
                let file = try (background ?? .failure(CasebookError.io("the file could not be checked"))).get()
                var chains = streams?.0 ?? ChainVerifier()
                for found in file.breaks + damage { chains.record(found) }
                if let checkpoint {
                    for found in try core.store.compare(with: checkpoint) { chains.record(found) }
                }
                let differences = damage.isEmpty && file.breaks.allSatisfy { $0.kind != .damagedFile }
                    ? try core.projectionDifferences(written.readModels) : []
                return VerificationReport(
                    breaks: chains.breaks, redacted: chains.redacted, projectionDifferences: differences,
                    missingFiles: written.missingFiles, eventCount: chains.eventCount, streamCount: chains.streamCount,
                    checkpoint: LogCheckpoint(logHead: file.logHead, heads: streams?.1 ?? StreamHeads()),
                    checkedCheckpoint: checkpoint != nil, skipsWriteAheadLog: core.store.skipsWriteAheadLog || file.skipsWriteAheadLog,
                    purgedFiles: file.purged, verifiedPrivateCopy: core.store.readsPrivateCopy)
            }
        }
    }

    /// The log head and every stream's head now, for a checkpoint file (headteacher, DSL).
    public func checkpoint(by actor: StaffMember) throws -> LogCheckpoint {
        try actor.requireWholeRecord(.checkpoint)
        return try Casebook.translatingErrors { try core.store.checkpoint() }
    }

    /// Whether the database still holds the chain a timeline export was made from: the
    /// first version whose hash differs (or that the database lacks), as a
    /// ``ChainBreak/Kind/divergedFromExport`` break; none when it holds every exported event.
    public func compare(exported events: [StreamHead]) throws -> [ChainBreak] {
        try Casebook.translatingErrors {
            try core.store.reading {
                let hashes = try EventRows.HashLookup(core.store)
                for event in events.sorted(by: { $0.version < $1.version }) {
                    let stored = try hashes.hash(stream: event.stream, version: event.version)
                    if stored != event.hash {
                        return [
                            ChainBreak(
                                stream: event.stream, version: event.version, kind: .divergedFromExport,
                                detail: stored == nil
                                    ? "the export holds this version; the database does not"
                                    : "the database's hash is \(stored?.prefix(12) ?? "")…, the export's \(event.hash.prefix(12))…: the history was changed after the export")
                        ]
                    }
                }
                return []
            }
        }
    }
}
