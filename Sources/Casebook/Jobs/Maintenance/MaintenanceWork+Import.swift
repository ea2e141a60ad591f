import EventLog
import Foundation

/// One case to import: how it was opened and every step taken on it, in order, each with
/// its own time and actor. Used to load a school's earlier records, or to build a large
/// realistic database for benchmarks, through the same rules as ``Casebook/execute(_:on:by:at:files:)``.
public struct CaseScript: Sendable {
    /// One step on the case.
    public struct Step: Sendable {
        /// What to do.
        public var command: CaseCommand
        /// When it happened (`--at`).
        public var at: Date
        /// Who did it; nil for the member of staff running the import.
        public var actor: StaffMember?
        /// The bytes of the files the command refers to (evidence files, a check's screenshot).
        public var files: [[UInt8]]

        /// Creates a step.
        public init(_ command: CaseCommand, at: Date, by actor: StaffMember? = nil, files: [[UInt8]] = []) {
            self.command = command
            self.at = at
            self.actor = actor
            self.files = files
        }
    }

    /// The case as reported.
    public var draft: CaseDraft
    /// When it was reported (the `open` command's `--at`).
    public var openedAt: Date
    /// Who opened it; nil for the member of staff running the import.
    public var openedBy: StaffMember?
    /// The steps after the opening, oldest first.
    public var steps: [Step]

    /// Creates a script.
    public init(draft: CaseDraft, openedAt: Date, openedBy: StaffMember? = nil, steps: [Step] = []) {
        self.draft = draft
        self.openedAt = openedAt
        self.openedBy = openedBy
        self.steps = steps
    }
}

extension MaintenanceWork {
    /// Opens and advances several cases in ONE write transaction: every case is opened with
    /// ``Workflow/open(_:reference:context:)`` (the next `CB-YYYY-NNNN` of its year, allocated
    /// under the write lock), every step is decided by ``Workflow/decide(_:state:context:)``
    /// and folded into the state as ``CaseState/evolve(_:at:actor:)`` does, and each case's
    /// read-model rows are written by the same projection as ``execute(_:on:by:at:files:)``.
    /// The events of a case are appended to its stream with their own times and actors; they
    /// share one `recorded_at` (the moment of the transaction).
    ///
    /// The rules hold as they do one command at a time: a step the workflow refuses, an
    /// actor without the permission, a time in the future or before the opening, or a file
    /// the command refers to whose bytes the step does not carry (and the database does not
    /// hold), throws, and the whole batch is rolled back (nothing of it is written).
    ///
    /// One transaction (one `fsync`) per batch instead of one per command: call it with
    /// batches of a few hundred cases to load a large history.
    ///
    /// - Parameters:
    ///   - scripts: The cases, in the order their references are allocated.
    ///   - actor: Who runs the import; acts for every step without an actor of its own.
    /// - Returns: The state of each case after its last step, in order.
    @discardableResult
    public func importCases(_ scripts: [CaseScript], by actor: StaffMember) throws -> [CaseState] {
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                var states: [CaseState] = []
                states.reserveCapacity(scripts.count)
                var events: [NewEvent] = []
                // Read once for the batch: the settings cannot change inside this transaction.
                let settings = try core.settings()
                for script in scripts {
                    let opener = script.openedBy ?? actor
                    let openContext = try core.decisionContext(actor: opener, at: script.openedAt, settings: settings)
                    let draft = try passage.authorise { try core.draftForOpening(script.draft, by: opener) }
                    let year = Calendar.utc.component(.year, from: openContext.occurredAt)
                    let number = try CaseRows.nextNumber(in: year, school: draft.school, in: passage)
                    let reference = CaseReference(year: year, number: number)
                    let opened = try Workflow.open(draft, reference: reference, context: openContext)
                    var state = CaseState(opened: opened, at: openContext.occurredAt)
                    events.removeAll(keepingCapacity: true)
                    var purges: [(events: [CaseEvent], firstVersion: Int)] = []
                    events.append(
                        CaseEvent.opened(opened).newEvent(
                            occurredAt: Timestamp.string(from: openContext.occurredAt), actor: opener.id))
                    for step in script.steps {
                        let stepActor = step.actor ?? actor
                        try passage.authorise {
                            try stepActor.require(step.command.permission)
                            try CaseAccess.check(state, by: stepActor)
                        }
                        // Named members by their own ids, as `execute` does.
                        let command = try core.checkNamedStaff(in: step.command)
                        let context = try core.decisionContext(actor: stepActor, at: step.at, settings: settings)
                        let decided = try Workflow.decide(command, state: state, context: context)
                        // The state after the step matters only for bytes given with it (a bulk import gives few).
                        let next =
                            step.files.isEmpty ? state : decided.reduce(state) { $0.evolve($1, at: context.occurredAt, actor: stepActor.id) }
                        try core.storeFiles(step.files, referencedBy: command, on: state, after: next, in: passage)
                        purges.append((decided, events.count + 1))
                        let occurred = Timestamp.string(from: context.occurredAt)
                        for event in decided {
                            events.append(event.newEvent(occurredAt: occurred, actor: stepActor.id))
                            state.apply(event, at: context.occurredAt, actor: stepActor.id)
                        }
                    }
                    try passage.append(events, to: reference.stream, expectedVersion: 0)
                    for purge in purges where purge.events.contains(where: { if case .filesPurged = $0 { true } else { false } }) {
                        try core.purgeBlobs(purge.events, firstVersion: purge.firstVersion, stream: reference.stream, in: passage)
                    }
                    try Projection.write(state, settings: settings, to: passage)
                    states.append(state)
                }
                return states
            }
        }
    }
}
