import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The append-only, hash-chained event log over one SQLite file (SPEC §4).
///
/// Knows nothing of what the events mean: streams, versions, types, payload bytes.
/// Callers update their read models inside the same write transaction through
/// ``write(_:)``, so events and read models change together or not at all.
public final class EventStore {
    /// The connection: the package's own (the application's storage layer reads and writes
    /// its tables through it), never a service's. Applications outside the package use the
    /// store's API.
    package let database: Database
    /// The database file's path.
    public var path: String { database.path }
    /// Whether this read-only connection reads the file without its write-ahead log
    /// (opened `immutable` on a read-only filesystem).
    public var skipsWriteAheadLog: Bool { database.skipsWriteAheadLog }
    /// Whether this connection reads a private copy of the file and its write-ahead log
    /// (made when the log could not be shared), rather than the file itself.
    public var readsPrivateCopy: Bool { database.snapshotOf != nil }
    /// The clock that stamps `recorded_at` (injected so tests never sleep).
    public let clock: @Sendable () -> Date

    private init(database: Database, schema: Schema, isNew: Bool, clock: @escaping @Sendable () -> Date) throws {
        self.database = database
        self.clock = clock
        try schema.migrate(database, isNew: isNew)
    }

    /// A store over a connection opened read-only (``openReadOnly(at:schema:clock:)``).
    init(readOnly database: Database, clock: @escaping @Sendable () -> Date) {
        self.database = database
        self.clock = clock
    }

    /// Creates a new database file (mode 0600) with the schema, and whatever `prepare`
    /// writes into it (a first event); fails if anything is at the path.
    ///
    /// The database is built at a temporary name in the same folder and moved into place
    /// only when complete (``NewFile``): a full disk or a killed process never leaves an
    /// empty or half-made database at `path` to block the next attempt.
    public static func create(
        at path: String, schema: Schema, clock: @escaping @Sendable () -> Date = { Date() },
        prepare: (EventStore) throws -> Void = { _ in }
    ) throws -> EventStore {
        do {
            try NewFile.make(at: path, protecting: .nothing) { temporary in
                let database = try Database(path: temporary, mode: .existing)
                let store = try EventStore(database: database, schema: schema, isNew: true, clock: clock)
                try prepare(store)
                try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch let failure as NewFile.Failure where failure.kind == .exists {
            throw EventLogError.databaseExists(path)
        }
        return try open(at: path, schema: schema, clock: clock)
    }

    /// Gives the pages freed by purges back to the file system and empties the write-ahead
    /// log, so no copy of purged bytes stays in either file: `PRAGMA incremental_vacuum`
    /// (files created with auto_vacuum=INCREMENTAL), then a truncating checkpoint. Returns
    /// whether the checkpoint completed (a reader in the middle of a snapshot holds it back).
    ///
    /// `waitMilliseconds` bounds the wait for another connection's read (a server, a running
    /// `verify`): false then says the log still holds old copies, until that reader finishes
    /// and a later command (``open(at:schema:clock:)`` tries at once) completes the truncation.
    @discardableResult
    public func reclaimSpace(waitMilliseconds: Int32 = 0) throws -> Bool {
        try database.execute("PRAGMA incremental_vacuum")
        let emptied = try database.checkpointTruncating(waitMilliseconds: waitMilliseconds)
        Self.markTruncationOwed(database.path, !emptied)
        return emptied
    }

    /// The file beside the database that says a truncation of the write-ahead log is owed:
    /// an erasure could not empty it while another connection read it. Only then does
    /// opening the database try to empty the log, so ordinary commands pay nothing for it.
    static func truncationOwedMarker(_ path: String) -> String { path + "-truncate-wal" }

    private static func markTruncationOwed(_ path: String, _ owed: Bool) {
        let marker = truncationOwedMarker(path)
        if owed {
            let descriptor = Glibc.open(marker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 { Glibc.close(descriptor) }
        } else {
            unlink(marker)
        }
    }

    /// Empties the write-ahead log when it holds anything and no other connection reads it
    /// (never waits); true when it is empty afterwards.
    @discardableResult
    public func truncateWriteAheadLog() -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { return true }
        return (try? database.checkpointTruncating(waitMilliseconds: 0)) ?? false
    }

    /// Opens an existing database file, migrating it to the schema's current version.
    public static func open(
        at path: String, schema: Schema, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> EventStore {
        // Opening an empty file would write a database header into it: refuse it untouched.
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber, size.intValue == 0 {
            throw EventLogError.incompatibleSchema("the file is empty: it is not a database of this program's")
        }
        do {
            let database = try Database(path: path, mode: .existing, accepting: schema.checkOwnership)
            let store = try EventStore(database: database, schema: schema, isNew: false, clock: clock)
            // What an interrupted erasure or backup left: old pages in the write-ahead log
            // (once its reader has finished; only when an erasure said so, so that ordinary
            // commands do no checkpoint at start), a killed backup's temporary copy.
            if access(truncationOwedMarker(path), F_OK) == 0, store.truncateWriteAheadLog() {
                markTruncationOwed(path, false)
            }
            NewFile.removeAbandoned(besideDatabase: path)
            return store
        } catch Database.OpenError.missing(let path) {
            throw EventLogError.databaseMissing(path)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: every append, blob and read-model
    /// change it makes commits together, or none does when it throws.
    public func write<T>(_ body: (EventWriter) throws -> T) throws -> T {
        try database.transaction(.immediate) {
            try body(EventWriter(store: self, recordedAt: Timestamp.string(from: clock())))
        }
    }

    /// Appends events to one stream in one transaction, after checking its version, and
    /// lets `project` update read models in that same transaction.
    @discardableResult
    public func append(
        _ events: [NewEvent], to stream: String, expectedVersion: Int,
        project: (EventWriter, [RecordedEvent]) throws -> Void = { _, _ in }
    ) throws -> [RecordedEvent] {
        try write { writer in
            let recorded = try writer.append(events, to: stream, expectedVersion: expectedVersion)
            try project(writer, recorded)
            return recorded
        }
    }

    static let columns =
        "position, stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash"

    static func event(from row: Statement) -> RecordedEvent {
        RecordedEvent(
            position: Int64(row.int(0)), stream: row.text(1), version: row.int(2), type: row.text(3),
            occurredAt: row.text(4), recordedAt: row.text(5), actor: row.text(6), payload: row.bytes(7),
            payloadSHA256: row.text(8), prevHash: row.text(9), hash: row.text(10))
    }

    /// The stream's current version (0 when it has no events).
    public func version(of stream: String) throws -> Int {
        try database.scalarInt("SELECT max(version) FROM events WHERE stream = ?", [stream]) ?? 0
    }

    /// The events of one stream from a version on, in version order.
    public func events(in stream: String, from version: Int = 1) throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try database.forEachRow(
            "SELECT \(Self.columns) FROM events WHERE stream = ? AND version >= ? ORDER BY version", [stream, version]
        ) { events.append(Self.event(from: $0)) }
        return events
    }

    /// Calls `body` for every event after a global position, in position order, reading
    /// `pageSize` rows at a time so the whole log never sits in memory.
    public func forEachEvent(
        after position: Int64 = 0, pageSize: Int = 1000, _ body: (RecordedEvent) throws -> Void
    ) throws {
        var last = position
        while true {
            var page: [RecordedEvent] = []
            page.reserveCapacity(pageSize)
            try database.forEachRow(
                "SELECT \(Self.columns) FROM events WHERE position > ? ORDER BY position LIMIT ?", [last, pageSize]
            ) { page.append(Self.event(from: $0)) }
            for event in page { try body(event) }
            guard page.count == pageSize, let tail = page.last else { return }
            last = tail.position
        }
    }

    /// Calls `body` for every event grouped by stream, in version order within each stream
    /// (the order ``ChainVerifier`` reads), one row at a time inside one read transaction.
    public func forEachEventByStream(_ body: (RecordedEvent) throws -> Void) throws {
        let statement = try database.prepare("SELECT \(Self.columns) FROM events ORDER BY stream, version")
        if database.isInTransaction {
            try statement.forEachRow { try body(Self.event(from: $0)) }
        } else {
            try database.transaction(.deferred) { try statement.forEachRow { try body(Self.event(from: $0)) } }
        }
    }

    /// The number of events in the log.
    public func eventCount() throws -> Int {
        try database.scalarInt("SELECT count(*) FROM events") ?? 0
    }

    /// Copies the database to a new file with SQLite's online backup API.
    public func backup(to path: String) throws {
        try database.backup(to: path)
    }
}
