import EventLog
import Foundation

extension Casebook {
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
        try Self.translatingErrors {
            // Appends nothing: it rewrites the read models under the write lock, through the door.
            try door.pass(by: actor.id) { passage in
                passage.authorise {}  // the role, checked above, is all a rebuild needs
                try Self.rebuildProjections(passage, store, workers: workers, batchSize: batchSize, progress: progress)
            }
        }
    }

    static func rebuildProjections(
        _ database: some RowSource, _ store: EventStore, workers: Int = 1, batchSize: Int = 2_000,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        try Projection.clear(database)
        let settings = try Settings.replay(try store.events(in: SettingsEvent.stream))
        let total = try store.eventCount()
        var done = 0
        let reader = try StreamBatchReader(store, size: batchSize)
        let connection = database.connection
        let statements = try Projection.Statements(connection)
        // Schools by their names now: a renamed school's cases are written under its new name.
        let schools = try SchoolRows.names(in: database)
        try ParallelWork.orderedMap(
            workers: workers, next: reader.next,
            transform: { batch in (try batch.streams.map { try Rows($0, settings: settings, schools: schools) }, batch.eventCount) },
            consume: { streams, count in
                // Each case once, into emptied tables: nothing to replace.
                for rows in streams { try rows.write(with: statements, to: connection, replacing: false) }
                done += count
                progress(done, total)
            })
    }

    /// Writes the read-model rows of one stream's events (a case's, or the staff directory's).
    static func project(_ events: [RecordedEvent], settings: Settings, to source: some RowSource) throws {
        let database = source.connection
        try Rows(events, settings: settings, schools: try SchoolRows.names(in: database))
            .write(with: try Projection.Statements(database), to: database)
    }

    /// The read-model rows of one stream's events (a case's, or the staff directory's),
    /// worked out on any thread and written on the connection's.
    private enum Rows: Sendable {
        case none
        case projected(ProjectedRows)
        case staff([(event: StaffEvent, occurredAt: String)])

        init(_ events: [RecordedEvent], settings: Settings, schools: SchoolNames) throws {
            guard let first = events.first else {
                self = .none
                return
            }
            if first.stream.hasPrefix("case/") {
                var state = try CaseState.replay(events)
                state.opened.school = schools.current(state.opened.school)
                self = .projected(ProjectedRows(state, settings: settings))
            } else if first.stream == StaffEvent.stream {
                self = .staff(try events.map { (try StaffEvent(stored: $0), $0.occurredAt) })
            } else {
                self = .none
            }
        }

        func write(with statements: Projection.Statements, to database: Database, replacing: Bool = true) throws {
            switch self {
            case .none: break
            case .projected(let rows): try rows.write(with: statements, replacing: replacing)
            case .staff(let changes):
                for change in changes { try Projection.write(change.event, at: change.occurredAt, to: database) }
            }
        }
    }

    /// Erases one event's payload (UK GDPR erasure), recording the redaction as an event
    /// of the same case. Only evidence and notes can be redacted: the other events carry
    /// the workflow's state.
    public func redact(
        _ reference: CaseReference, version: Int, reason: String, by actor: StaffMember, at date: Date? = nil
    ) throws {
        try actor.require(.redact)
        // Scope, involvement and visibility first, as for every step: an out-of-scope case
        // answers like a missing one, before anything about its events is said.
        let events = try events(of: reference)
        let state = try CaseState.replay(events)
        try CaseAccess.check(state, by: actor)
        let reason = try Workflow.text(reason, .option("reason"))
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
        try Workflow.checkNotFuture(context.occurredAt, now: context.now, field: .option("at"))
        // An erasure never happens before what it erases.
        if let erased = Timestamp.date(from: target.occurredAt), context.occurredAt < erased {
            throw CasebookError.invalidInput(
                "\(option: "at") \(context.occurredAt) is before version \(version) happened (\(stamp: target.occurredAt)): "
                    + "a redaction is dated on or after the event it erases")
        }
        // Redacting an evidence item purges its files first (SPEC §9): their bytes go too.
        var recorded: [CaseEvent] = []
        if let item = state.evidence.first(where: { $0.version == version }),
            case let decision = try LawfulContentTrack.purge(item.id, reason: "redacted: \(reason)", state, context),
            decision.refusals.isEmpty
        {
            recorded += decision.events
        }
        recorded.append(CaseEvent.redaction(version: version, reason: reason))
        try Self.translatingErrors {
            try door.pass(by: actor.id) { passage in
                // Authorised again on the case now, under the write lock; the version below
                // refuses (75) a case that moved on since the checks above.
                try passage.authorise { _ = try visibleState(of: reference, by: actor) }
                // The record first: the trigger lets a payload be erased only once a later
                // event of the same stream records the redaction.
                let occurred = Timestamp.string(from: context.occurredAt)
                try passage.append(
                    recorded.map { $0.newEvent(occurredAt: occurred, actor: actor.id) }, to: reference.stream,
                    expectedVersion: events.count)
                try purgeBlobs(recorded, firstVersion: events.count + 1, stream: reference.stream, in: passage)
                try passage.redact(stream: reference.stream, version: version)
                // The state no longer knows the redacted details; write what remains.
                let remaining = try CaseState.replay(try store.events(in: reference.stream))
                try Projection.write(remaining, settings: try settings(), to: passage)
            }
        }
        reclaimAfterPurge(recorded)
    }

    /// Copies the database with SQLite's online backup API (headteacher only).
    public func backup(to path: String, by actor: StaffMember) throws {
        try actor.requireWholeRecord(.backup)
        try Self.translatingErrors { try store.backup(to: path) }
        try recordExport(.backupMade, by: actor)
    }
}
