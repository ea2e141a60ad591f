import EventLog
import Foundation

/// Reports (SPEC §6, §8, §11): the timeline and its exports, the police bundle, the HR outcomes
/// report, the audit trail and its export records, and the deadline alerts. Reached as `casebook.reports`;
/// it holds only the shared core.
public struct ReportWork {
    let core: Casebook
}

extension Casebook {
    /// Reports: timelines, bundles, outcomes, audit, alerts.
    public var reports: ReportWork { ReportWork(core: self) }
}

extension ReportWork {
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
    ///   - verifyHow: How the front end tells a recipient to check it (``Timeline/verifyHow``).
    /// - Returns: The document. Nothing is recorded when building it fails.
    public func timeline(
        _ reference: CaseReference, format: TimelineFormat, recipient: String?, by actor: StaffMember,
        localTime: LocalTime, at: Date? = nil, verifyHow: String? = nil
    ) throws -> String {
        let export = try timelineExport(
            reference, format: format, recipient: recipient, by: actor, localTime: localTime, at: at, verifyHow: verifyHow)
        try export.record()
        return export.document
    }

    /// The same timeline, not yet recorded: deliver the document (write its file), then
    /// call ``ReportExport/record()``, so that an export that never happened is never in
    /// the audit stream.
    public func timelineExport(
        _ reference: CaseReference, format: TimelineFormat, recipient: String?, by actor: StaffMember,
        localTime: LocalTime, at: Date? = nil, verifyHow: String? = nil
    ) throws -> ReportExport {
        // HR reads the disciplinary bundle of a case referred for discipline, nothing else (SPEC §11).
        let bundleOnly = !actor.role.may(.readCases) && actor.role.may(.readDisciplinaryBundle)
        if !bundleOnly { try actor.require(.readCases) }
        try core.checkAccess(to: reference, by: actor)
        let recipient = try Self.recipientText(recipient)
        let exportedAt = core.now
        var (timeline, attachments) = try makeTimeline(
            reference, recipient: recipient, by: actor, localTime: localTime, asOf: at ?? exportedAt,
            exportedAt: exportedAt, embedImages: format == .html, filter: at != nil, bundleOnly: bundleOnly)
        timeline.verifyHow = verifyHow
        let document: String
        switch format {
        case .text: document = timeline.text()
        case .md: document = timeline.markdown()
        case .html: document = timeline.html(attachments: attachments)
        case .json: document = timeline.json()
        case .csv: document = timeline.csv()
        }
        return ReportExport(document: document) {
            try core.recordExport(
                .timelineExported(case: reference, format: format, recipient: recipient, chainHead: timeline.header.chainHead),
                by: actor, at: exportedAt)
        }
    }

    /// Reads the case's events, the staff names and (for HTML) the images in one read
    /// transaction, so they are consistent with each other.
    func makeTimeline(
        _ reference: CaseReference, recipient: String?, by actor: StaffMember, localTime: LocalTime, asOf: Date,
        exportedAt: Date, embedImages: Bool, filter: Bool, bundleOnly: Bool = false
    ) throws -> (timeline: Timeline, attachments: [String: TimelineAttachment]) {
        try Casebook.translatingErrors {
            try core.readTransaction {
                // With --as-of, the record as it stood then.
                let events = try core.events(of: reference, asOf: filter ? asOf : nil)
                let names = try StaffRows.names(in: core.store)
                var timeline = try Timeline(
                    events: events, staffNames: names, exportedBy: actor, recipient: recipient, exportedAt: exportedAt,
                    asOf: asOf, localTime: localTime, settings: try core.settings())
                timeline.identitiesClaimed = try core.identityMode() == .claimed
                // The school by its name now (the opening's row keeps the name it had then).
                timeline.header.school = try core.schoolNames().current(timeline.header.school)
                if bundleOnly {
                    let versions = try DisciplinaryBundle.versions(of: try CaseState.replay(events), events: events, by: actor)
                    timeline = DisciplinaryBundle.cut(timeline, to: versions)
                }
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
            let (info, bytes) = try core.store.blob(sha256)
            guard TimelineAttachment.imageTypes.contains(info.mediaType) else {
                return .unavailable(reason: "stored as \(info.mediaType), not shown")
            }
            return .image(mediaType: info.mediaType, bytes: bytes)
        } catch EventLogError.blobCorrupt {
            return .unavailable(reason: "NOT SHOWN: the stored file no longer matches its SHA-256; verify the database to see what changed")
        } catch EventLogError.blobPurged {
            return .unavailable(reason: "NOT SHOWN: the file was purged; its SHA-256 and size are kept")
        } catch EventLogError.blobNotFound {
            return .unavailable(reason: "NOT SHOWN: the file is not stored in the database")
        } catch {
            return .unavailable(reason: "NOT SHOWN: the file could not be read (\(error))")
        }
    }

    /// Whether `actor` may see the case: false for a case out of scope, hidden or barred
    /// from them; a failure to read is an error, never taken for "not visible".
    private func mayRead(_ reference: CaseReference, by actor: StaffMember) throws -> Bool {
        do {
            try core.checkAccess(to: reference, by: actor)
            return true
        } catch CasebookError.notFound, CasebookError.notPermitted {
            return false
        }
    }

    /// A recipient as given: trimmed, at most 200 characters, no control characters.
    static func recipientText(_ recipient: String?) throws -> String? {
        guard let text = try Workflow.optionalText(recipient, .option("recipient")) else { return nil }
        guard text.count <= 200, !text.contains("\n") else {
            throw CasebookError.invalidInput("\(option: "recipient") is a name on one line of at most 200 characters")
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
        since: Date?, until: Date?, format: OutcomesFormat, by actor: StaffMember, localTime: LocalTime, asOf: Date? = nil
    ) throws -> String {
        let export = try outcomesExport(since: since, until: until, format: format, by: actor, localTime: localTime, asOf: asOf)
        try export.record()
        return export.document
    }

    /// The same report, not yet recorded (see ``timelineExport(_:format:recipient:by:localTime:at:)``).
    public func outcomesExport(
        since: Date?, until: Date?, format: OutcomesFormat, by actor: StaffMember, localTime: LocalTime, asOf: Date? = nil,
        staff: String? = nil
    ) throws -> ReportExport {
        let report = try outcomesReport(since: since, until: until, by: actor, localTime: localTime, asOf: asOf, staff: staff)
        let document: String
        switch format {
        case .text: document = report.text()
        case .md: document = report.markdown()
        case .json: document = report.json()
        case .csv: document = report.csv()
        }
        return ReportExport(document: document) {
            try core.recordExport(
                .outcomesExported(
                    since: since.map(Timestamp.string(from:)), until: until.map(Timestamp.string(from:)), format: format),
                by: actor, at: report.exportedAt)
        }
    }

    /// The HR outcomes report as a value, without recording an export; needs
    /// ``Permission/readOutcomes``.
    /// With `asOf`, the closures as the record stood then (see ``core.withRecord(asOf:_:)``).
    /// With `staff`, only the cases where that member of staff is the source or referred for
    /// discipline (the cases a hearing about them reads).
    public func outcomesReport(
        since: Date?, until: Date?, by actor: StaffMember, localTime: LocalTime, asOf: Date? = nil, staff: String? = nil
    ) throws -> Outcomes {
        try actor.require(.readOutcomes)
        let staffID = try staff.map { id in
            guard let member = try core.member(id) else { throw CasebookError.notFound("no member of staff '\(id)'") }
            return member.id
        }
        if let since, let until, since >= until {
            throw CasebookError.invalidInput("\(option: "since") must be before \(option: "until")")
        }
        let sinceText = since.map(Timestamp.string(from:)) ?? ""
        let untilText = until.map(Timestamp.string(from:)) ?? "9999"
        // One row per closure in the period (served by closures_by_closed): a case closed,
        // reopened and closed again is in each period's report once per closure. Only the
        // cases the actor may see (their school's, none they are involved in).
        let visible = CaseAccess.visibleCases(to: actor, alias: "k")
        return try core.withRecord(asOf: asOf) {
            try core.readTransaction {
                var rows = try CaseRows.closures(since: sinceText, until: untilText, visible: visible, in: core.store)
                if let staffID { rows = rows.filter { $0.involves(staff: staffID) } }
                var report = Outcomes(
                    rows: rows, since: since, until: until, exportedBy: actor, exportedAt: core.now, localTime: localTime)
                report.identitiesClaimed = try core.identityMode() == .claimed
                report.asOf = asOf
                report.staff = staffID
                return report
            }
        }
    }

    // MARK: Audit

    /// The audit trail, oldest first: every export and every read (SPEC §8), recorded in
    /// the trail itself once read.
    ///
    /// A trust-wide headteacher reads all of it; a headteacher scoped to one school reads the
    /// entries about that school's cases and those about no case; a safeguarding lead reads
    /// the trail of one case (`reference`) they may see. Entries about a case the reader is
    /// involved in are left out.
    ///
    /// - Parameters:
    ///   - reference: Only the entries about this case.
    ///   - since: Only the entries from this instant.
    public func auditTrail(case reference: CaseReference? = nil, since: Date? = nil, by actor: StaffMember) throws -> [AuditEntry] {
        if actor.role.may(.readAudit) {
            if let reference { try core.checkAccess(to: reference, by: actor) }
        } else if actor.role == .safeguardingLead {
            guard let reference else {
                throw CasebookError.notPermitted(
                    "\(actor.id) has the safeguarding-lead role, which may read the audit trail of one case: give \(option: "case") CASE")
            }
            try core.checkAccess(to: reference, by: actor)
        } else {
            try actor.require(.readAudit)
        }
        let entries: [AuditEntry] = try Casebook.translatingErrors {
            try core.readTransaction {
                let names = try StaffRows.names(in: core.store)
                var visible: [CaseReference: Bool] = [:]
                let sinceText = since.map(Timestamp.string(from:))
                var entries: [AuditEntry] = []
                for stored in try core.store.events(in: AuditEvent.stream) {
                    if let sinceText, stored.occurredAt < sinceText { continue }
                    let event = try AuditEvent(stored: stored)
                    if let reference, !event.concerns(reference) { continue }
                    if let about = event.caseReference, reference == nil {
                        if visible[about] == nil { visible[about] = try mayRead(about, by: actor) }
                        if visible[about] != true { continue }
                    }
                    entries.append(
                        AuditEntry(
                            version: stored.version, occurredAt: Timestamp.date(from: stored.occurredAt) ?? .distantPast,
                            actor: stored.actor, actorName: names[stored.actor], event: event, hash: stored.hash))
                }
                return entries
            }
        }
        try core.recordExport(.auditRead(case: reference, since: since.map(Timestamp.string(from:))), by: actor)
        return entries
    }
}

/// A report made but not yet recorded in the audit stream. Deliver ``document`` (print it,
/// or put its file in place), then call ``record()``: an export is recorded only once it
/// has happened.
public struct ReportExport {
    /// The report.
    public let document: String
    private let recording: () throws -> Void

    init(document: String, recording: @escaping () throws -> Void) {
        self.document = document
        self.recording = recording
    }

    /// Records the export in the audit stream.
    public func record() throws { try recording() }
}
