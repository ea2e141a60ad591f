import EventLog
import Foundation

extension Casebook {
    /// Runs `body` in one deferred (read) transaction, or in the open one.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try store.reading(body)
    }

    /// Records that `actor` was shown these cases' content (one `CaseRead` each, in one
    /// transaction). Inside a read snapshot (``withRecord(asOf:_:)``) the record waits until
    /// the snapshot ends, and is written then, before anything is shown.
    func recordReads(_ references: [CaseReference], view: AuditEvent.CaseView, by actor: StaffMember) throws {
        var seen: Set<CaseReference> = []
        let events = references.filter { seen.insert($0).inserted }.map { AuditEvent.caseRead(case: $0, view: view, evidence: nil) }
        guard !events.isEmpty else { return }
        if store.isInTransaction {
            pendingReads.append((events, actor))
        } else {
            try record(events, by: actor)
        }
    }

    /// Writes the reads ``recordReads(_:view:by:)`` kept while a snapshot was open.
    func recordPendingReads() throws {
        let pending = pendingReads
        pendingReads.removeAll()
        for (events, actor) in pending { try record(events, by: actor) }
    }

    /// Appends audit events, in one transaction under the write lock.
    func record(_ events: [AuditEvent], by actor: StaffMember, at date: Date? = nil) throws {
        let occurred = Timestamp.string(from: date ?? now)
        try Self.translatingErrors { try door.record(events, by: actor.id, at: occurred) }
    }

    /// Records an export in the `audit` stream: `actor` exported it at `date` (default now).
    /// The stream's version is read under the write lock, so concurrent exports never conflict.
    public func recordExport(_ event: AuditEvent, by actor: StaffMember, at date: Date? = nil) throws {
        try record([event], by: actor, at: date)
    }
}
