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
        func flush() throws {
            guard let first = pending.first else { return }
            if first.stream.hasPrefix("case/") {
                try Projection.write(try CaseState.replay(pending), to: database)
            } else if first.stream == StaffEvent.stream {
                for event in pending {
                    try Projection.write(try StaffEvent(type: event.type, payload: event.payload), at: event.occurredAt, to: database)
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
        try store.forEachEventByStream { event in
            if let last = pending.last, last.stream != event.stream { try flush() }
            pending.append(event)
        }
        try flush()
    }

    /// Re-computes every chain and blob hash, checks evidence files are stored, and compares
    /// the read models with a fresh rebuild (which is then rolled back).
    public func verify(by actor: StaffMember) throws -> VerificationReport {
        try actor.require(.verify)
        return try Self.translatingErrors {
            let chains = try store.verifyChains()
            var report = VerificationReport(
                breaks: chains.breaks, redacted: chains.redacted, projectionDifferences: [], missingFiles: [],
                eventCount: chains.eventCount, streamCount: chains.streamCount)
            try store.database.forEachRow("PRAGMA integrity_check") { row in
                let line = row.text(0)
                if line != "ok" { report.integrityProblems.append(line) }
            }
            report.projectionDifferences = try projectionDifferences()
            report.missingFiles = try missingFiles()
            return report
        }
    }

    private struct RollBack: Error {}

    /// Rows that differ between the stored read models and a rebuild from events.
    private func projectionDifferences() throws -> [String] {
        let database = store.database
        var differences: [String] = []
        do {
            try database.transaction(.immediate) {
                for table in Projection.tables {
                    try database.execute("CREATE TEMP TABLE stored_\(table) AS SELECT * FROM main.\(table)")
                }
                do {
                    try Self.rebuildProjections(database, store)
                } catch {
                    differences.append("the read models cannot be rebuilt: \(error)")
                    throw RollBack()
                }
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
                throw RollBack()
            }
        } catch is RollBack {}
        for table in Projection.tables { try? database.execute("DROP TABLE IF EXISTS temp.stored_\(table)") }
        return differences
    }

    /// Evidence files that events refer to but the blob store does not hold.
    private func missingFiles() throws -> [String] {
        var missing: [String] = []
        try store.forEachEventByStream { event in
            guard event.stream.hasPrefix("case/"), let payload = event.payload,
                event.type == CaseEvent.evidenceCapturedType || event.type == "RemovalChecked"
            else { return }
            guard let decoded = try? CaseEvent(type: event.type, payload: payload) else { return }
            var files: [StoredFile] = []
            if case .evidenceCaptured(let evidence) = decoded { files = evidence.files }
            if case .removalChecked(_, _, let file?) = decoded { files = [file] }
            for file in files where try !store.hasBlob(file.sha256) {
                missing.append("\(event.stream) v\(event.version): \(file.name) (\(file.sha256))")
            }
        }
        return missing
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
    }
}
