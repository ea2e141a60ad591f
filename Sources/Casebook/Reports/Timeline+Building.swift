import EventLog
import Foundation

extension Timeline {
    /// Builds a case's chronology from its stored events alone.
    ///
    /// - Parameters:
    ///   - events: The case stream's events (any order; they are replayed in version order).
    ///   - staffNames: Names from the staff directory, by id.
    ///   - exportedBy: Who exports it.
    ///   - recipient: Who it is being shared with, when named.
    ///   - exportedAt: When it is exported.
    ///   - asOf: The instant deadlines are evaluated at.
    ///   - localTime: The zone times are shown in.
    ///   - settings: The waiting times deadlines read (SPEC §10).
    /// - Throws: ``CasebookError/notFound(_:)`` for no events; ``CasebookError/invalidInput(_:)``
    ///   or ``CaseEvent/PayloadError`` when the events do not make a case.
    public init(
        events: [RecordedEvent], staffNames: [String: String], exportedBy: StaffMember, recipient: String?,
        exportedAt: Date, asOf: Date, localTime: LocalTime, settings: Settings = .defaults
    ) throws {
        let ordered = events.sorted { $0.version < $1.version }
        guard let first = ordered.first, let last = ordered.last else {
            throw CasebookError.notFound("the case has no events")
        }
        let decoded = try ordered.map { try CaseEvent(stored: $0) }
        guard case .opened(let opened) = decoded[0], let openedAt = Timestamp.date(from: first.occurredAt) else {
            throw CasebookError.invalidInput("\(first.stream) does not begin with CaseOpened")
        }
        // Which event erased which: a redacted row points at its EventRedacted event.
        var erasures: [Int: (version: Int, reason: String)] = [:]
        for (stored, event) in zip(ordered, decoded) {
            if case .redaction(let version, let reason) = event { erasures[version] = (stored.version, reason) }
        }
        let narrator = TimelineNarrator(names: staffNames, localTime: localTime, erasures: erasures)
        var state = CaseState(opened: opened, at: openedAt)
        var rows: [Row] = []
        rows.reserveCapacity(ordered.count)
        for (index, (stored, event)) in zip(ordered, decoded).enumerated() {
            let occurredAt = Timestamp.date(from: stored.occurredAt) ?? state.updatedAt
            let before = state
            if index > 0 { state = state.evolve(event, at: occurredAt, actor: stored.actor) }
            let narration = narrator.narrate(event, stored: stored, before: before, at: occurredAt)
            if case .withdrawn(let item, let reason) = event, let entry = CorrectionsTrack.Item(item),
                let version = CorrectionsTrack.version(of: entry, in: before),
                let index = rows.firstIndex(where: { $0.event.version == version })
            {
                // The entry's own row stays, marked withdrawn with who, when and why.
                let flag = narrator.withdrawnFlag(item, by: stored.actor, at: occurredAt, reason: reason, version: stored.version)
                rows[index].flags.append(flag)
            }
            // A revised source or assessment, or a corrected closure, supersedes the entry before it.
            let replaced: (version: Int, what: String)?
            switch event {
            case .sourceIdentified: replaced = before.source.map { ($0.version, "source identified") }
            case .threatAssessed: replaced = before.assessment.map { ($0.version, "threat assessment") }
            case .closureCorrected: replaced = before.closures.last.map { ($0.closure.version, "closure correction") }
            default: replaced = nil
            }
            if let replaced, let index = rows.firstIndex(where: { $0.event.version == replaced.version }) {
                rows[index].flags.append(narrator.supersededFlag(by: replaced.what, at: occurredAt, version: stored.version))
            }
            var flags = narration.flags
            if let recordedAt = Timestamp.date(from: stored.recordedAt),
                let late = Timeline.lateEntryText(occurredAt: occurredAt, recordedAt: recordedAt, localTime: localTime)
            {
                flags.append(Flag(kind: .lateEntry, text: late))
            }
            rows.append(
                Row(
                    event: stored, occurredAt: occurredAt, when: localTime.formatWithSeconds(occurredAt),
                    actor: narrator.person(stored.actor), what: narration.what, details: narration.details,
                    files: narration.files, flags: flags))
        }
        // Flag what is past due at the as-of instant on the row that started the clock.
        var overdue: [OverdueStep] = []
        for deadline in Deadline.of(state, settings: settings) where deadline.isOverdue(at: asOf) {
            let hoursLate = Timeline.hours(asOf.timeIntervalSince(deadline.due))
            overdue.append(OverdueStep(deadline: deadline, hoursLate: hoursLate))
            let flag = Flag(
                kind: .overdue,
                text: "OVERDUE since \(localTime.format(deadline.due)) (\(Timeline.hoursText(hoursLate)) late): \(deadline.nextAction)")
            // Rows are still in version order here, one per event: the deadline names its row.
            if let version = deadline.startedBy, let index = rows.firstIndex(where: { $0.event.version == version }) {
                rows[index].flags.append(flag)
            }
        }
        // Exhibit labels beside the item's id (issue 23), in every format.
        let exhibits = try ExhibitLabels.exhibits(events: ordered, staffNames: staffNames)
        for exhibit in exhibits {
            if let index = rows.firstIndex(where: { $0.event.version == exhibit.version }) {
                rows[index].details.insert("Exhibit \(exhibit.label) (\(exhibit.id))", at: 0)
            }
        }
        self.exhibits = exhibits
        rows.sort { ($0.event.occurredAt, $0.event.version) < ($1.event.occurredAt, $1.event.version) }

        self.header = Header(
            reference: opened.reference, school: opened.school, affected: narrator.person(opened.affected),
            status: state.status, isUrgent: state.isUrgent, categories: opened.categories, summary: opened.summary,
            openedAt: openedAt, closedAt: state.closure?.at, removal: state.removal,
            chainHead: ChainHead(stream: last.stream, version: last.version, hash: last.hash))
        self.rows = rows
        self.overdue = overdue
        self.exportedBy = exportedBy
        self.recipient = recipient
        self.exportedAt = exportedAt
        self.asOf = asOf
        var mentioned: [String: String] = [:]
        for id in TimelineNarrator.staffIDs(in: decoded) + ordered.map(\.actor) + [exportedBy.id] {
            if let name = staffNames[id] { mentioned[id] = name }
        }
        self.staffNames = mentioned
        self.localTime = localTime
    }
}
