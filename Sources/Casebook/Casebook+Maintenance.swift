import EventLog
import Foundation

/// What `casebook verify` found.
public struct VerificationReport: Sendable {
    /// Breaks in the chains and blobs.
    public var breaks: [ChainBreak]
    /// Events redacted with the chain intact (not breaks).
    public var redacted: [EventReference]
    /// Read-model rows that differ from a fresh rebuild: `table: row`.
    public var projectionDifferences: [String]
    /// Evidence files referred to by events but not stored.
    public var missingFiles: [String]
    /// What SQLite's `PRAGMA integrity_check` found wrong with the file's pages and indexes.
    public var integrityProblems: [String] = []
    /// Events and streams checked.
    public var eventCount: Int
    /// Streams checked.
    public var streamCount: Int

    /// Whether everything verified.
    public var isIntact: Bool {
        breaks.isEmpty && projectionDifferences.isEmpty && missingFiles.isEmpty && integrityProblems.isEmpty
    }
}

extension Casebook {
    /// Empties the read models and refills them from the events alone, in one transaction.
    public func rebuild(by actor: StaffMember) throws {
        try actor.require(.rebuild)
        try Self.translatingErrors { try store.write { writer in try Self.rebuildProjections(writer.database, store) } }
    }

    static func rebuildProjections(_ database: Database, _ store: EventStore) throws {
        for table in Projection.tables { try database.execute("DELETE FROM \(table)") }
        var pending: [RecordedEvent] = []
        try store.forEachEventByStream { event in
            if let last = pending.last, last.stream != event.stream {
                try project(pending, to: database) { _, _ in }
                pending.removeAll(keepingCapacity: true)
            }
            pending.append(event)
        }
        try project(pending, to: database) { _, _ in }
    }

    /// Writes the read-model rows of one stream's events (a case's, or the staff
    /// directory's), handing `visit` every case event as it is decoded.
    static func project(
        _ events: [RecordedEvent], to database: Database, visit: (RecordedEvent, CaseEvent) -> Void
    ) throws {
        guard let first = events.first else { return }
        if first.stream.hasPrefix("case/") {
            try Projection.write(try CaseState.replay(events, visit: visit), to: database)
        } else if first.stream == StaffEvent.stream {
            for event in events {
                try Projection.write(try StaffEvent(type: event.type, payload: event.payload), at: event.occurredAt, to: database)
            }
        }
    }

    /// Re-computes every chain and blob hash, runs SQLite's integrity check, checks evidence
    /// files are stored, and compares the read models with a fresh rebuild (which is then
    /// rolled back).
    ///
    /// Two passes run side by side, one per core: on a second connection, a background
    /// thread checks every chain, every blob and the file's integrity; on this one, inside
    /// the write transaction (so both see the same committed log), every stream is replayed
    /// into the read models as it is read — each payload decoded once, its evidence files
    /// looked up in the blob store — and the result compared with the stored rows.
    public func verify(by actor: StaffMember) throws -> VerificationReport {
        try actor.require(.verify)
        return try Self.translatingErrors {
            let database = store.database
            var differences: [String] = []
            var missing: [String] = []
            var logCheck: Result<LogCheck, Error>?
            do {
                try database.transaction(.immediate) {
                    // Started under the write lock: its snapshot is the log this pass reads.
                    let background = BackgroundLogCheck(path: database.path)
                    defer { logCheck = background.wait() }
                    for table in Projection.tables {
                        try database.execute("CREATE TEMP TABLE stored_\(table) AS SELECT * FROM main.\(table)")
                        try database.execute("DELETE FROM main.\(table)")
                    }
                    var rebuildError: Error?
                    var pending: [RecordedEvent] = []
                    var files: [(event: RecordedEvent, file: StoredFile)] = []
                    func flush() throws {
                        guard !pending.isEmpty else { return }
                        defer { pending.removeAll(keepingCapacity: true) }
                        files.removeAll(keepingCapacity: true)
                        var decoded = false
                        if rebuildError == nil {
                            do {
                                try Self.project(pending, to: database) { stored, event in
                                    for file in Self.files(of: event) { files.append((stored, file)) }
                                }
                                decoded = true
                            } catch {
                                rebuildError = error
                                files.removeAll(keepingCapacity: true)
                            }
                        }
                        if !decoded {
                            // The rebuild has stopped: decode the events that carry files one by one.
                            for stored in pending where stored.stream.hasPrefix("case/") && stored.payload != nil
                                && (stored.type == CaseEvent.evidenceCapturedType || stored.type == "RemovalChecked"
                                    || stored.type == CaseEventType.evidenceFilesAttached.rawValue)
                            {
                                guard let event = try? CaseEvent(type: stored.type, payload: stored.payload) else { continue }
                                for file in Self.files(of: event) { files.append((stored, file)) }
                            }
                        }
                        for (event, file) in files where try !store.hasBlob(file.sha256) {
                            missing.append("\(event.stream) v\(event.version): \(file.name) (\(file.sha256))")
                        }
                    }
                    try store.forEachEventByStream { event in
                        if let last = pending.last, last.stream != event.stream { try flush() }
                        pending.append(event)
                    }
                    try flush()
                    if let rebuildError {
                        differences.append("the read models cannot be rebuilt: \(rebuildError)")
                    } else {
                        differences = try projectionDifferences()
                    }
                    throw RollBack()
                }
            } catch is RollBack {}
            for table in Projection.tables { try? database.execute("DROP TABLE IF EXISTS temp.stored_\(table)") }
            guard let log = try logCheck?.get() else { throw CasebookError.io("the log could not be checked") }
            return VerificationReport(
                breaks: log.chains.breaks, redacted: log.chains.redacted, projectionDifferences: differences,
                missingFiles: missing, integrityProblems: log.integrityProblems, eventCount: log.chains.eventCount,
                streamCount: log.chains.streamCount)
        }
    }

    /// What needs only the committed log: every chain, every blob, and the file's pages and
    /// indexes (`PRAGMA integrity_check`).
    struct LogCheck: Sendable {
        var chains: ChainVerifier
        var integrityProblems: [String]

        /// Runs the checks on a connection of their own.
        static func run(path: String) throws -> LogCheck {
            let store = try EventStore.open(at: path, schema: Casebook.schema)
            var problems: [String] = []
            try store.database.forEachRow("PRAGMA integrity_check") { row in
                let line = row.text(0)
                if line != "ok" { problems.append(line) }
            }
            return LogCheck(chains: try store.verifyChains(), integrityProblems: problems)
        }
    }

    /// ``LogCheck/run(path:)`` on a thread of its own; ``wait()`` gives its result.
    private final class BackgroundLogCheck: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        // Written once by the thread before it signals `done`; read after `wait()`.
        private var result: Result<LogCheck, Error>?

        init(path: String) {
            let thread = Thread { [self] in
                result = Result { try LogCheck.run(path: path) }
                done.signal()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }

        func wait() -> Result<LogCheck, Error> {
            done.wait()
            return result!
        }
    }

    private struct RollBack: Error {}

    /// Rows that differ between the stored read models (copied to `temp.stored_…`) and the
    /// ones just rebuilt in `main`, at most 20 each way per table.
    private func projectionDifferences() throws -> [String] {
        let database = store.database
        var differences: [String] = []
        for table in Projection.tables {
            for (label, query) in [
                ("stored but not rebuilt", "SELECT * FROM temp.stored_\(table) EXCEPT SELECT * FROM main.\(table)"),
                ("rebuilt but not stored", "SELECT * FROM main.\(table) EXCEPT SELECT * FROM temp.stored_\(table)"),
            ] {
                let statement = try database.prepare(query + " LIMIT 20")
                try statement.forEachRow { row in
                    let cells = (0..<row.columnCount).map { index -> String in
                        switch row.value(index) {
                        case .null: return "NULL"
                        case .integer(let value): return String(value)
                        case .real(let value): return String(value)
                        case .text(let value): return value.count > 40 ? String(value.prefix(40)) + "…" : value
                        case .blob(let bytes): return "<\(bytes.count) bytes>"
                        }
                    }
                    differences.append("\(table): \(label): \(cells.joined(separator: " | "))")
                }
            }
        }
        return differences
    }

    /// The files that a case event refers to.
    private static func files(of event: CaseEvent) -> [StoredFile] {
        switch event {
        case .evidenceCaptured(let evidence): return evidence.files
        case .evidenceFilesAttached(_, let files): return files
        case .removalChecked(_, _, let file?): return [file]
        default: return []
        }
    }

    /// Erases one event's payload (UK GDPR erasure), recording the redaction as an event
    /// of the same case. Only evidence and notes can be redacted: the other events carry
    /// the workflow's state.
    public func redact(
        _ reference: CaseReference, version: Int, reason: String, by actor: StaffMember, at date: Date? = nil
    ) throws {
        try actor.require(.redact)
        let reason = try Workflow.text(reason, "--reason")
        let events = try events(of: reference)
        guard let target = events.first(where: { $0.version == version }) else {
            throw CasebookError.notFound("\(reference) has no event at version \(version) (it has 1–\(events.count))")
        }
        guard Workflow.redactableTypes.contains(target.type) else {
            throw CasebookError.refused([
                Refusal(
                    rule: "redact-evidence-and-notes-only", clause: "SPEC §4 (UK GDPR erasure)",
                    reason: "version \(version) is \(target.type), which the workflow's state depends on",
                    unblock: "redact an EvidenceCaptured or InvestigationNoteAdded event instead")
            ])
        }
        guard !target.isRedacted else { throw CasebookError.invalidInput("\(reference) version \(version) is already redacted") }
        let context = try decisionContext(actor: actor, at: date)
        try Workflow.checkNotFuture(context.occurredAt, now: context.now, field: "--at")
        // An erasure never happens before what it erases.
        if let erased = Timestamp.date(from: target.occurredAt), context.occurredAt < erased {
            throw CasebookError.invalidInput(
                "--at \(Timestamp.string(from: context.occurredAt)) is before version \(version) happened (\(target.occurredAt)): "
                    + "a redaction is dated on or after the event it erases")
        }
        let event = CaseEvent.redaction(version: version, reason: reason)
        try Self.translatingErrors {
            try store.write { writer in
                try writer.redact(stream: reference.stream, version: version)
                try writer.append(
                    [event.newEvent(occurredAt: Timestamp.string(from: context.occurredAt), actor: actor.id)],
                    to: reference.stream, expectedVersion: events.count)
                // The state no longer knows the redacted details; write what remains.
                let remaining = try CaseState.replay(try store.events(in: reference.stream))
                try Projection.write(remaining, to: writer.database)
            }
        }
    }

    /// Copies the database with SQLite's online backup API (headteacher only).
    public func backup(to path: String, by actor: StaffMember) throws {
        try actor.require(.backup)
        try Self.translatingErrors { try store.backup(to: path) }
        try recordExport(.backupMade, by: actor)
    }
}
