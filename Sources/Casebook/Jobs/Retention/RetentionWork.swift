import EventLog
import Foundation

/// The retention classes of SPEC §9.
public enum RetentionClass: String, Sendable, CaseIterable {
    /// An allegation about a member of staff's conduct (a staff source): kept 10 years from
    /// the allegation or until the accused's normal retirement date, whichever is later
    /// (KCSIE Part 4).
    case staffConduct = "staff-conduct"
    /// Every other case: kept 6 years after closing.
    case standard

    /// The periods `retention set` accepts, in years.
    static let yearsRange = 1...100

    /// The period a trust starts with, in years.
    public var defaultYears: Int {
        switch self {
        case .staffConduct: return 10
        case .standard: return 6
        }
    }
}

/// Events of the `retention` stream: the trust's retention periods (`retention set`).
public enum RetentionEvent: Sendable, Equatable {
    /// A class's period, in years.
    case periodSet(RetentionClass, years: Int)

    /// The stream that holds the retention settings.
    public static let stream = "retention"
    static let periodSetType = "RetentionPeriodSet"

    var newEventPayload: JSONValue {
        switch self {
        case .periodSet(let retentionClass, let years):
            return ["class": .string(retentionClass.rawValue), "years": .int(years), "v": .int(1)]
        }
    }

    init(type: String, payload: [UInt8]?) throws {
        guard type == Self.periodSetType, let payload, case let json = try JSONValue.parse(payload),
            let word = json["class"]?.string, let retentionClass = RetentionClass(rawValue: word), let years = json["years"]?.int,
            RetentionClass.yearsRange.contains(years)
        else { throw CaseEvent.PayloadError(type: type, field: "class") }
        self = .periodSet(retentionClass, years: years)
    }
}

/// One closed case in the retention schedule.
public struct RetentionEntry: Sendable, Equatable {
    /// The case.
    public var reference: CaseReference
    /// Its class.
    public var retentionClass: RetentionClass
    /// When it (last) closed.
    public var closedAt: Date
    /// When its retention period ends.
    public var reviewDate: Date
    /// Why it is held, while it is.
    public var hold: String?
    /// When the retention period was applied, once it was.
    public var appliedAt: Date?
    /// Whether it is due now: past its review date, not held, not yet applied.
    public var isDue: Bool
}

extension CaseState {
    /// The retention class: a live staff source makes it an allegation about staff conduct.
    public var retentionClass: RetentionClass { source?.kind == .staff ? .staffConduct : .standard }

    /// When the retention period ends, for a closed case; nil while open.
    public func reviewDate(years: [RetentionClass: Int]) -> Date? {
        guard status == .closed, let closedAt = closure?.at else { return nil }
        let retentionClass = self.retentionClass
        let period = years[retentionClass] ?? retentionClass.defaultYears
        switch retentionClass {
        case .staffConduct:
            let fromAllegation = Calendar.utc.date(byAdding: .year, value: period, to: openedAt) ?? openedAt
            return max(fromAllegation, retentionDate ?? fromAllegation)
        case .standard:
            return Calendar.utc.date(byAdding: .year, value: period, to: closedAt) ?? closedAt
        }
    }
}

/// Retention and erasure (UK GDPR, SPEC §8): retention periods and dates, holds, the
/// schedule and `retention apply`, redaction, and whether erased content has left the files. Reached as `casebook.retention`;
/// it holds only the shared core.
public struct RetentionWork {
    let core: Casebook
}

extension Casebook {
    /// Retention and erasure: periods, holds, redaction, erasure completion.
    public var retention: RetentionWork { RetentionWork(core: self) }
}

extension RetentionWork {
    // MARK: Settings

    /// The trust's retention periods: each class's latest `retention set`, or its default.
    public func retentionPeriods() throws -> [RetentionClass: Int] {
        var years = Dictionary(uniqueKeysWithValues: RetentionClass.allCases.map { ($0, $0.defaultYears) })
        for stored in try core.store.events(in: RetentionEvent.stream) {
            if case .periodSet(let retentionClass, let value) = try RetentionEvent(stored: stored) {
                years[retentionClass] = value
            }
        }
        return years
    }

    /// Changes a class's period (headteacher), as an event of the `retention` stream.
    public func setRetentionPeriod(_ retentionClass: RetentionClass, years: Int, by actor: StaffMember) throws {
        try actor.require(.applyRetention)
        guard RetentionClass.yearsRange.contains(years) else { throw CasebookError.invalidInput("\(option: "years") is \(years); give 1 to 100 years") }
        let event = RetentionEvent.periodSet(retentionClass, years: years)
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // The role (checked above) is the authorisation: the stream is the trust's.
                let version = try passage.authorise { try core.store.version(of: RetentionEvent.stream) }
                try passage.append(
                    [NewEvent(type: RetentionEvent.periodSetType, occurredAt: Timestamp.string(from: core.now), actor: actor.id,
                              payload: event.newEventPayload.serializedBytes())],
                    to: RetentionEvent.stream, expectedVersion: version)
            }
        }
    }

    // MARK: Case events

    /// Records the accused's normal retirement date (HR, headteacher).
    @discardableResult
    public func recordRetentionDate(_ reference: CaseReference, date: Date, by actor: StaffMember) throws -> CaseState {
        try actor.require(.recordRetentionDate)
        return try appendRetentionEvent(.retentionDateRecorded(date: Timestamp.string(from: date)), to: reference, by: actor)
    }

    /// Holds a case from erasure (headteacher, safeguarding lead).
    @discardableResult
    public func hold(_ reference: CaseReference, reason: String, by actor: StaffMember) throws -> CaseState {
        try actor.require(.holdCases)
        let reason = try Workflow.text(reason, .option("reason"))
        return try appendRetentionEvent(.held(reason: reason), to: reference, by: actor) { state in
            if let hold = state.hold { throw CasebookError.invalidInput("\(reference) is already held (\(hold))") }
        }
    }

    /// Releases a hold (headteacher, safeguarding lead).
    @discardableResult
    public func releaseHold(_ reference: CaseReference, reason: String?, by actor: StaffMember) throws -> CaseState {
        try actor.require(.holdCases)
        let reason = try Workflow.optionalText(reason, .option("reason"))
        return try appendRetentionEvent(.holdReleased(reason: reason), to: reference, by: actor) { state in
            if state.hold == nil { throw CasebookError.invalidInput("\(reference) is not held") }
        }
    }

    private func appendRetentionEvent(
        _ event: CaseEvent, to reference: CaseReference, by actor: StaffMember, check: (CaseState) throws -> Void = { _ in }
    ) throws -> CaseState {
        try core.appendCaseEvent(to: reference, by: actor, at: core.now) { state in
            try check(state)
            return event
        }
    }

    // MARK: The schedule

    /// Every closed case `actor` may see, with its class, review date and whether it is held
    /// or due at `asOf` (headteacher, safeguarding lead, senior managers: readers).
    public func retentionSchedule(asOf: Date? = nil, by actor: StaffMember) throws -> [RetentionEntry] {
        try actor.require(.readCases)
        let asOf = asOf ?? core.now
        let years = try retentionPeriods()
        let references = try CaseRows.closedCases(visibleTo: actor, in: core.store)
        return try references.compactMap { reference in
            let state = try core.state(of: reference)
            guard let closedAt = state.closure?.at, let reviewDate = state.reviewDate(years: years) else { return nil }
            return RetentionEntry(
                reference: reference, retentionClass: state.retentionClass, closedAt: closedAt, reviewDate: reviewDate,
                hold: state.hold, appliedAt: state.retentionAppliedAt,
                isDue: reviewDate <= asOf && state.hold == nil && state.retentionAppliedAt == nil)
        }
    }

    /// Applies the schedule (headteacher): for every case due at `asOf`, in one transaction
    /// per case, purges its files, records `RetentionApplied`, and redacts every evidence
    /// item and note (each with its `EventRedacted`). The case's stub — its opening, its
    /// workflow steps, the purge and the redactions — stays and still verifies. Returns
    /// the cases it applied to.
    public func applyRetention(asOf: Date, by actor: StaffMember) throws -> [RetentionEntry] {
        try actor.require(.applyRetention)
        try Workflow.checkNotFuture(asOf, now: core.now, field: .option("as-of"))
        var applied: [RetentionEntry] = []
        for entry in try retentionSchedule(asOf: asOf, by: actor) where entry.isDue {
            try applyRetention(to: entry, by: actor)
            applied.append(entry)
        }
        return applied
    }

    private func applyRetention(to entry: RetentionEntry, by actor: StaffMember) throws {
        let reason = "retention period ended (\(entry.retentionClass.rawValue), review date \(Timestamp.string(from: entry.reviewDate)))"
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // The case was chosen from those the actor may see (``retentionSchedule``) by
                // a role that may apply retention; its state is read again now, under the lock.
                let (stored, state) = try passage.authorise {
                    let stored = try core.events(of: entry.reference)
                    return (stored, try CaseState.replay(stored))
                }
                // Re-checked under the write lock: a hold placed meanwhile wins.
                guard state.hold == nil, state.retentionAppliedAt == nil else { return }
                let context = try core.decisionContext(actor: actor, at: nil)
                var events: [CaseEvent] = []
                let held = state.heldFiles
                if !held.isEmpty {
                    let others = held.map(\.file.sha256)
                    var erased: [String] = []
                    for sha in Set(others).sorted() where try !context.blobHeldElsewhere(sha, entry.reference) { erased.append(sha) }
                    var items: [String] = []
                    for (item, _) in held where !items.contains(item) { items.append(item) }
                    events.append(.filesPurged(CaseEvent.Purge(items: items, files: held.map(\.file), erased: erased, reason: reason)))
                }
                events.append(
                    .retentionApplied(retentionClass: entry.retentionClass.rawValue, reviewDate: Timestamp.string(from: entry.reviewDate)))
                let redactable = stored.filter { Workflow.redactableTypes.contains($0.type) && !$0.isRedacted }.map(\.version)
                events += redactable.map { CaseEvent.redaction(version: $0, reason: reason) }
                let occurred = Timestamp.string(from: core.now)
                try passage.append(
                    events.map { $0.newEvent(occurredAt: occurred, actor: actor.id) }, to: entry.reference.stream,
                    expectedVersion: stored.count)
                try core.purgeBlobs(events, firstVersion: stored.count + 1, stream: entry.reference.stream, in: passage)
                for version in redactable { try passage.redact(stream: entry.reference.stream, version: version) }
                try Projection.write(
                    try CaseState.replay(try core.store.events(in: entry.reference.stream)), settings: try core.settings(), to: passage)
            }
        }
        // Best effort after the commit: the erasure is recorded and the bytes gone from the
        // database; a failure only leaves the freed pages and old log copies until the next
        // `reclaimSpace` or open (the owed-truncation marker), never an unrecorded change.
        _ = try? core.store.reclaimSpace()
    }
}
