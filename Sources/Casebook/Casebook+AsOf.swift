import EventLog
import Foundation

/// `--as-of T`: the record as it stood at T (SPEC §6; issue 12 item 2).
///
/// Every event has two times: when it happened (`occurred_at`, which `--at` can set in the
/// past) and when it was typed in (`recorded_at`, always the clock). The record as it
/// stood at T holds the events that had both happened and been recorded by T; deadlines are
/// then evaluated at T. A case's own reads (`show`, `timeline`) replay its events so
/// filtered; the reads that go through the read models (`list`, `overdue`, `outcomes`)
/// run against private copies of the read models rebuilt from the filtered events —
/// slower (a rebuild of the whole log), but what a copy of the database made at T would
/// answer, with who may see each case decided as it is now; nothing is written.
extension Casebook {
    /// Whether an event was on record at `instant` (a `Timestamp` string): it had happened
    /// and been recorded by then.
    static func wasOnRecord(_ event: RecordedEvent, at instant: String) -> Bool {
        event.occurredAt <= instant && event.recordedAt <= instant
    }

    /// A case's stored events as the record stood at `asOf` (all of them when nil);
    /// ``CasebookError/notFound(_:)`` when the case was not on record then.
    func events(of reference: CaseReference, asOf: Date?) throws -> [RecordedEvent] {
        let events = try events(of: reference)
        guard let asOf else { return events }
        return try Self.events(events, of: reference, asOf: asOf)
    }

    /// The events of `events` (one case's) on record at `asOf`; ``CasebookError/notFound(_:)``
    /// when none was.
    static func events(_ events: [RecordedEvent], of reference: CaseReference, asOf: Date) throws -> [RecordedEvent] {
        let instant = Timestamp.string(from: asOf)
        let kept = events.filter { Self.wasOnRecord($0, at: instant) }
        guard !kept.isEmpty else {
            throw CasebookError.notFound("\(reference) was not on record at \(asOf)")
        }
        return kept
    }

    /// A case's state as the record stood at `asOf` (now when nil).
    func state(of reference: CaseReference, asOf: Date?) throws -> CaseState {
        try withCurrentSchool(try CaseState.replay(try events(of: reference, asOf: asOf)))
    }

    /// Runs `body` against the read models as they stood at `asOf` (the current ones when
    /// nil).
    ///
    /// They are rebuilt from the events on record then into private `temp` copies of the
    /// read-model tables (unqualified names resolve to `temp` first), inside a read snapshot
    /// that is rolled back: the stored read models are never touched and no write lock is
    /// taken, so writers carry on (issue 18 item 3). Who may see each case is then taken
    /// from the case as it is now — its school, its child-sexual-imagery marking and
    /// everyone barred from it now — so `list --as-of` never shows a case hidden today
    /// (issue 18 L2). Record audit entries after it returns, not inside `body`.
    public func withRecord<T>(asOf: Date?, _ body: () throws -> T) throws -> T {
        guard let asOf else { return try Self.translatingErrors(body) }
        let instant = Timestamp.string(from: asOf)
        pendingReads.removeAll()
        // On a thread of lowered priority: writers on the same cores go first (LowPriority).
        let result: T = try Self.translatingErrors {
            try LowPriority.run { try rebuilt(asOf: instant, body) }
        }
        // The reads `body` made, recorded now that the snapshot is closed.
        try recordPendingReads()
        return result
    }

    /// The read models rebuilt as they stood at `instant` into `temp` tables, inside a read
    /// snapshot, and `body` run against them (``withRecord(asOf:_:)``).
    private func rebuilt<T>(asOf instant: String, _ body: () throws -> T) throws -> T {
        let database = store
        return try store.readSnapshot {
            try createScratchTables()
            defer { dropScratchTables() }
            // The waiting times as they were set then.
            let settings = try Settings.replay(
                try store.events(in: SettingsEvent.stream).filter { Self.wasOnRecord($0, at: instant) })
            var pending: [RecordedEvent] = []
            func flush() throws {
                guard !pending.isEmpty else { return }
                try Self.project(pending, settings: settings, to: database)
                pending.removeAll(keepingCapacity: true)
            }
            try store.forEachEventByStream { event in
                guard Self.wasOnRecord(event, at: instant) else { return }
                if let last = pending.last, last.stream != event.stream { try flush() }
                pending.append(event)
            }
            try flush()
            try Projection.applyCurrentAccess(database)
            return try body()
        }
    }
}
