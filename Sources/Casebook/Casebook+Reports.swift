import EventLog
import Foundation

extension Casebook {
    // MARK: Timeline

    /// A case's chronology in one format (SPEC §6), recorded in the `audit` stream in the
    /// same call: who exported which case, for whom, when, in which format.
    ///
    /// - Parameters:
    ///   - reference: The case.
    ///   - format: text, md, html, json or csv.
    ///   - recipient: Who it is being shared with (named in its confidentiality line).
    ///   - actor: Who exports it; needs ``Permission/readCases``.
    ///   - localTime: The zone people's times are shown in.
    ///   - at: The as-of instant at which deadlines are evaluated (`--as-of`); default now.
    /// - Returns: The document. Nothing is recorded when building it fails.
    public func timeline(
        _ reference: CaseReference, format: TimelineFormat, recipient: String?, by actor: StaffMember,
        localTime: LocalTime, at: Date? = nil
    ) throws -> String {
        try actor.require(.readCases)
        let recipient = try Self.recipientText(recipient)
        let exportedAt = now
        let (timeline, attachments) = try makeTimeline(
            reference, recipient: recipient, by: actor, localTime: localTime, asOf: at ?? exportedAt,
            exportedAt: exportedAt, embedImages: format == .html)
        let document: String
        switch format {
        case .text: document = timeline.text()
        case .md: document = timeline.markdown()
        case .html: document = timeline.html(attachments: attachments)
        case .json: document = timeline.json()
        case .csv: document = timeline.csv()
        }
        try recordExport(
            .timelineExported(case: reference, format: format, recipient: recipient, chainHead: timeline.header.chainHead),
            by: actor, at: exportedAt)
        return document
    }

    /// Reads the case's events, the staff names and (for HTML) the images in one read
    /// transaction, so they are consistent with each other.
    private func makeTimeline(
        _ reference: CaseReference, recipient: String?, by actor: StaffMember, localTime: LocalTime, asOf: Date,
        exportedAt: Date, embedImages: Bool
    ) throws -> (timeline: Timeline, attachments: [String: TimelineAttachment]) {
        try Self.translatingErrors {
            try readTransaction {
                let events = try events(of: reference)
                var names: [String: String] = [:]
                try store.database.forEachRow("SELECT id, name FROM staff") { names[$0.text(0)] = $0.text(1) }
                let timeline = try Timeline(
                    events: events, staffNames: names, exportedBy: actor, recipient: recipient, exportedAt: exportedAt,
                    asOf: asOf, localTime: localTime)
                var attachments: [String: TimelineAttachment] = [:]
                if embedImages {
                    for file in timeline.rows.flatMap(\.files) where attachments[file.sha256] == nil {
                        guard TimelineAttachment.imageTypes.contains(file.mediaType) else { continue }
                        attachments[file.sha256] = attachment(file.sha256)
                    }
                }
                return (timeline, attachments)
            }
        }
    }

    /// A stored image, checked against its hash; why not, when it cannot be shown.
    private func attachment(_ sha256: String) -> TimelineAttachment {
        do {
            let (info, bytes) = try store.blob(sha256)
            guard TimelineAttachment.imageTypes.contains(info.mediaType) else {
                return .unavailable(reason: "stored as \(info.mediaType), not shown")
            }
            return .image(mediaType: info.mediaType, bytes: bytes)
        } catch EventLogError.blobCorrupt {
            return .unavailable(reason: "NOT SHOWN: the stored file no longer matches its SHA-256; run 'casebook verify'")
        } catch EventLogError.blobNotFound {
            return .unavailable(reason: "NOT SHOWN: the file is not stored in the database")
        } catch {
            return .unavailable(reason: "NOT SHOWN: the file could not be read (\(error))")
        }
    }

    /// Runs `body` in one deferred (read) transaction, or in the open one.
    private func readTransaction<T>(_ body: () throws -> T) throws -> T {
        store.database.isInTransaction ? try body() : try store.database.transaction(.deferred, body)
    }

    /// A recipient as given: trimmed, at most 200 characters, no control characters.
    private static func recipientText(_ recipient: String?) throws -> String? {
        guard let text = try Workflow.optionalText(recipient, "--recipient") else { return nil }
        guard text.count <= 200, !text.contains("\n") else {
            throw CasebookError.invalidInput("--recipient is a name on one line of at most 200 characters")
        }
        return text
    }

    // MARK: Outcomes

    /// The HR outcomes report (SPEC §6) for cases closed in `[since, until)`, from the
    /// `cases` and `takedowns` read models, recorded in the `audit` stream in the same call.
    ///
    /// - Parameters:
    ///   - since: The period's start (inclusive); nil for no bound.
    ///   - until: The period's end (exclusive); nil for no bound.
    ///   - format: text, md, json or csv.
    ///   - actor: Who exports it; needs ``Permission/readOutcomes``.
    ///   - localTime: The zone people's times are shown in.
    public func outcomes(
        since: Date?, until: Date?, format: OutcomesFormat, by actor: StaffMember, localTime: LocalTime
    ) throws -> String {
        let report = try outcomesReport(since: since, until: until, by: actor, localTime: localTime)
        let document: String
        switch format {
        case .text: document = report.text()
        case .md: document = report.markdown()
        case .json: document = report.json()
        case .csv: document = report.csv()
        }
        try recordExport(
            .outcomesExported(
                since: since.map(Timestamp.string(from:)), until: until.map(Timestamp.string(from:)), format: format),
            by: actor, at: report.exportedAt)
        return document
    }

    /// The HR outcomes report as a value, without recording an export; needs
    /// ``Permission/readOutcomes``.
    public func outcomesReport(since: Date?, until: Date?, by actor: StaffMember, localTime: LocalTime) throws -> Outcomes {
        try actor.require(.readOutcomes)
        if let since, let until, since >= until {
            throw CasebookError.invalidInput("--since must be before --until")
        }
        let sinceText = since.map(Timestamp.string(from:)) ?? ""
        let untilText = until.map(Timestamp.string(from:)) ?? "9999"
        // `+c.status` keeps SQLite from reading every closed case through the status index:
        // the period is the selective condition, served by cases_by_closed.
        let period = "+c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?"
        return try Self.translatingErrors {
            try readTransaction {
                var timings: [String: [Outcomes.TakedownTiming]] = [:]
                try store.database.forEachRow(
                    """
                    SELECT t.case_ref, t.requested_at, t.removed_at FROM takedowns t JOIN cases c ON c.reference = t.case_ref
                    WHERE \(period) ORDER BY t.case_ref, t.requested_at
                    """, [sinceText, untilText]
                ) { row in
                    guard let requested = Timestamp.date(from: row.text(1)) else { return }
                    timings[row.text(0), default: []].append(
                        Outcomes.TakedownTiming(requestedAt: requested, removedAt: row.optionalText(2).flatMap(Timestamp.date(from:))))
                }
                var rows: [Outcomes.Row] = []
                try store.database.forEachRow(
                    """
                    SELECT c.reference, c.school, c.opened_at, c.closed_at, c.categories, c.source_kind, c.referrals,
                        c.threat, c.police, c.finding, c.action, c.outcome, c.removed_at
                    FROM cases c WHERE \(period) ORDER BY c.closed_at, c.year, c.number
                    """, [sinceText, untilText]
                ) { row in
                    guard let reference = CaseReference(row.text(0)), let opened = Timestamp.date(from: row.text(2)),
                        let closed = row.optionalText(3).flatMap(Timestamp.date(from:))
                    else { return }
                    func list(_ index: Int32) -> [String] { row.text(index).split(separator: ",").map(String.init) }
                    rows.append(
                        Outcomes.Row(
                            reference: reference, school: row.text(1), openedAt: opened, closedAt: closed,
                            categories: list(4), sourceKind: row.optionalText(5), referrals: list(6),
                            threat: row.optionalText(7), police: row.text(8), finding: row.optionalText(9),
                            action: row.optionalText(10), outcome: row.optionalText(11),
                            removedAt: row.optionalText(12).flatMap(Timestamp.date(from:)),
                            takedowns: timings[reference.description] ?? []))
                }
                return Outcomes(
                    rows: rows, since: since, until: until, exportedBy: actor, exportedAt: now, localTime: localTime)
            }
        }
    }

    // MARK: Audit

    /// Records an export in the `audit` stream: `actor` exported it at `date` (default now).
    /// The stream's version is read under the write lock, so concurrent exports never conflict.
    public func recordExport(_ event: AuditEvent, by actor: StaffMember, at date: Date? = nil) throws {
        let occurred = Timestamp.string(from: date ?? now)
        try Self.translatingErrors {
            try store.write { writer in
                let version = try store.version(of: AuditEvent.stream)
                try writer.append(
                    [event.newEvent(occurredAt: occurred, actor: actor.id)], to: AuditEvent.stream, expectedVersion: version)
            }
        }
    }

    /// Every export ever made, oldest first (headteacher only: ``Permission/readAudit``).
    public func auditTrail(by actor: StaffMember) throws -> [AuditEntry] {
        try actor.require(.readAudit)
        return try Self.translatingErrors {
            try readTransaction {
                var names: [String: String] = [:]
                try store.database.forEachRow("SELECT id, name FROM staff") { names[$0.text(0)] = $0.text(1) }
                return try store.events(in: AuditEvent.stream).map { stored in
                    AuditEntry(
                        version: stored.version, occurredAt: Timestamp.date(from: stored.occurredAt) ?? .distantPast,
                        actor: stored.actor, actorName: names[stored.actor],
                        event: try AuditEvent(stored: stored), hash: stored.hash)
                }
            }
        }
    }
}
