import EventLog
import Foundation

/// What `casebook verify` found.
public struct VerificationReport: Sendable {
    /// Every break, each naming its stream and version (`file`, `schema`, `blobs` and `log`
    /// for what belongs to no stream): chains, stored files, schema, stream names, payloads,
    /// erasures, actors, the file's pages, and a checkpoint's or the audit trail's exports.
    public var breaks: [ChainBreak]
    /// Events redacted with the chain intact and the redaction recorded (not breaks).
    public var redacted: [EventReference]
    /// Read-model rows that differ from a fresh rebuild: `table: row`.
    public var projectionDifferences: [String]
    /// Evidence files referred to by events but not stored.
    public var missingFiles: [String]
    /// Events checked.
    public var eventCount: Int
    /// Streams checked.
    public var streamCount: Int
    /// The log head and every stream's head in the snapshot verified.
    public var checkpoint: LogCheckpoint
    /// Whether a checkpoint was compared.
    public var checkedCheckpoint: Bool
    /// Whether the file was read without the `-wal` file beside it (opened immutable: a
    /// read-only folder where SQLite cannot create its WAL index): changes still in that
    /// file were not checked.
    public var skipsWriteAheadLog: Bool
    /// Stored files whose bytes were purged with the purge recorded (SHA-256; not breaks).
    public var purgedFiles: [String] = []
    /// Whether a private copy of the file and its `-wal` was verified, because the `-wal`
    /// could not be read in place (a read-only folder): the committed changes in it were checked.
    public var verifiedPrivateCopy = false

    /// The log head.
    public var logHead: LogHead { checkpoint.logHead }

    /// Whether everything verified.
    public var isIntact: Bool { breaks.isEmpty && projectionDifferences.isEmpty && missingFiles.isEmpty }
}

extension Casebook {
    /// Opens an existing database for reading only (no write lock, no migration): for
    /// `verify`, which works on a read-only file, folder or copy.
    public static func openReadOnly(at path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Casebook {
        Casebook(store: try translatingErrors { try EventStore.openReadOnly(at: path, schema: schema, clock: clock) })
    }

    /// Whether a stream name is one Casebook writes: `staff`, `audit`, or `case/CB-YYYY-NNNN`.
    public static func isStreamName(_ name: String) -> Bool {
        if name == StaffEvent.stream || name == AuditEvent.stream || name == SettingsEvent.stream || name == RetentionEvent.stream
            || name == SchoolEvent.stream
        {
            return true
        }
        guard name.hasPrefix("case/"), let reference = CaseReference(String(name.dropFirst(5))) else { return false }
        return reference.stream == name
    }

    /// Checks everything a consistent rewrite of the file could hide, in one read snapshot
    /// (no write lock: writers carry on), without writing to the database.
    ///
    /// On this connection, one pass over the events grouped by stream re-computes every
    /// chain, checks every stream name, decodes every payload, checks that every erased
    /// payload has its redaction recorded and that every event's actor was a member of
    /// staff with a role allowed that step when it was committed, and replays every stream
    /// into private (`temp`) copies of the read models, compared with the stored ones at the
    /// end. The schema is compared with a fresh database made as a new file is (`EventLog.sql`, then `schema.sql`). Meanwhile a second
    /// connection, on a thread of its own, runs `PRAGMA integrity_check`, re-hashes every
    /// stored file (and sniffs its media type) and computes the log head over the same
    /// events. With a checkpoint, it also proves the log still holds the checkpoint's history.
    ///
    /// The CPU-bound part (each chain's hashes, decoding, the actor checks, the replay) runs
    /// on `workers` threads, a batch of whole streams at a time, while this connection reads
    /// the next batch (whole streams of about `batchSize` events) and writes the replayed read models: one snapshot, memory flat, the
    /// same breaks in the same order for any number of workers. `progress` is called on
    /// this thread with the events checked so far and the log's total.
    public func verify(
        by actor: StaffMember, against checkpoint: LogCheckpoint? = nil, workers: Int = ParallelWork.defaultWorkers,
        batchSize: Int = 2_000, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> VerificationReport {
        try actor.requireWholeRecord(.verify)
        return try Self.translatingErrors {
            let database = store.database
            try createScratchTables()
            defer { dropScratchTables() }
            // A read transaction, always rolled back: it wrote only to the private copies.
            return try store.readSnapshot {
                // The first read fixes the snapshot; the background connection covers the same events.
                let last = try EventRows.lastPosition(in: database)
                let total = try store.eventCount()
                let checker = DomainCheck(staff: try StaffTimeline(store), settings: try SettingsTimeline(store))
                // An undecodable setting is reported as a break; the read models then use the defaults.
                var written = DomainCheck.Written(
                    settings: (try? Settings.replay(try store.events(in: SettingsEvent.stream))) ?? .defaults)
                var background: Result<FileCheck, Error>?
                var streams: (ChainVerifier, [StreamHead])?
                var damage: [ChainBreak] = []
                do {
                    let thread = BackgroundFileCheck(path: database.path, through: last)
                    defer { background = thread.wait() }
                    do {
                        // The payload hashes are checked by the background connection.
                        streams = try store.verifyStreams(
                            schema: Self.schema, isStreamName: { Self.isStreamName($0) }, checksPayloads: false,
                            workers: workers, batchSize: batchSize, check: { events, chains in try checker.check(events, chains: &chains) },
                            consume: { outcome in try written.write(outcome, store: store) },
                            progress: { progress($0, total) })
                        if let (found, heads) = streams {
                            var chains = found
                            for found in written.unerased { chains.record(found) }
                            try written.checkExports(chains: &chains, store: store)
                            streams = (chains, heads)
                        }
                    } catch let error as SQLiteError where error.isCorrupt {
                        damage.append(ChainBreak(stream: "file", version: 0, kind: .damagedFile, detail: "cannot be read: \(error.message)"))
                    }
                }
                let file = try (background ?? .failure(CasebookError.io("the file could not be checked"))).get()
                var chains = streams?.0 ?? ChainVerifier()
                for found in file.breaks + damage { chains.record(found) }
                if let checkpoint {
                    for found in try store.compare(with: checkpoint) { chains.record(found) }
                }
                let differences = damage.isEmpty && file.breaks.allSatisfy { $0.kind != .damagedFile }
                    ? try projectionDifferences() : []
                return VerificationReport(
                    breaks: chains.breaks, redacted: chains.redacted, projectionDifferences: differences,
                    missingFiles: written.missingFiles, eventCount: chains.eventCount, streamCount: chains.streamCount,
                    checkpoint: LogCheckpoint(logHead: file.logHead, streams: streams?.1 ?? []),
                    checkedCheckpoint: checkpoint != nil, skipsWriteAheadLog: database.skipsWriteAheadLog || file.skipsWriteAheadLog,
                    purgedFiles: file.purged, verifiedPrivateCopy: database.snapshotOf != nil)
            }
        }
    }

    /// The log head and every stream's head now, for a checkpoint file (headteacher, DSL).
    public func checkpoint(by actor: StaffMember) throws -> LogCheckpoint {
        try actor.requireWholeRecord(.checkpoint)
        return try Self.translatingErrors { try store.checkpoint() }
    }

    /// Whether the database still holds the chain a timeline export was made from: the
    /// first version whose hash differs (or that the database lacks), as a
    /// ``ChainBreak/Kind/divergedFromExport`` break; none when it holds every exported event.
    public func compare(exported events: [StreamHead]) throws -> [ChainBreak] {
        try Self.translatingErrors {
            try store.reading {
                let hashes = try EventRows.HashLookup(store.database)
                for event in events.sorted(by: { $0.version < $1.version }) {
                    let stored = try hashes.hash(stream: event.stream, version: event.version)
                    if stored != event.hash {
                        return [
                            ChainBreak(
                                stream: event.stream, version: event.version, kind: .divergedFromExport,
                                detail: stored == nil
                                    ? "the export holds this version; the database does not"
                                    : "the database's hash is \(stored?.prefix(12) ?? "")…, the export's \(event.hash.prefix(12))…: the history was changed after the export")
                        ]
                    }
                }
                return []
            }
        }
    }
}

/// What the second connection checks: the file's pages, every stored file, the log head.
private struct FileCheck: Sendable {
    var breaks: [ChainBreak]
    var logHead: LogHead
    var skipsWriteAheadLog: Bool
    var purged: [String] = []

    static func run(path: String, through position: Int64) throws -> FileCheck {
        let store = try EventStore.openReadOnly(at: path, schema: Casebook.schema)
        return try store.readSnapshot {
            let damage = try store.integrityBreaks()
            var verifier = ChainVerifier()
            try EventStore.recordingDamage(isDamaged: !damage.isEmpty, into: &verifier) { verifier in
                try store.checkBlobs(into: &verifier)
                for found in try PurgeRows.unrecordedPurges(store) { verifier.record(found) }
            }
            var head = LogHead.empty
            try EventStore.recordingDamage(isDamaged: !damage.isEmpty, into: &verifier) { verifier in
                let (logHead, tampered) = try store.checkPayloadsAndLogHead(through: position)
                head = logHead
                for found in tampered { verifier.record(found) }
            }
            return FileCheck(
                breaks: damage + verifier.breaks, logHead: head, skipsWriteAheadLog: store.database.skipsWriteAheadLog,
                purged: verifier.purgedBlobs)
        }
    }
}

/// ``FileCheck/run(path:through:)`` on a thread of its own; ``wait()`` gives its result.
private final class BackgroundFileCheck: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the thread before it signals `done`; read after `wait()`.
    private var result: Result<FileCheck, Error> = .failure(CasebookError.io("the file check did not run"))

    init(path: String, through position: Int64) {
        let thread = Thread { [self] in
            result = Result { try FileCheck.run(path: path, through: position) }
            done.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    func wait() -> Result<FileCheck, Error> {
        done.wait()
        return result
    }
}

/// Who was a member of staff, with which role, scope and status, from which position of the
/// log: the staff stream replayed, so each event's actor is judged by the directory when it
/// was committed.
private struct StaffTimeline: Sendable {
    /// Each member as they were from each position on (left members included, marked so).
    private var members: [String: [(position: Int64, member: StaffMember)]] = [:]
    /// Schools by their names now, so a scope and a case compare across a rename.
    let schools: SchoolNames

    init(_ store: EventStore) throws {
        schools = try SchoolRows.names(in: store.database)
        var directory = StaffDirectory()
        for stored in try store.events(in: StaffEvent.stream) {
            guard let event = try? StaffEvent(type: stored.type, payload: stored.payload) else { continue }
            directory.apply(event)
            let id: String
            switch event {
            case .added(let member): id = member.id
            case .roleChanged(let changed, _), .loginChanged(let changed, _), .scopeChanged(let changed, _), .left(let changed),
                .emailSet(let changed, _), .alertsSet(let changed, _), .aliasAdded(let changed, _):
                id = changed
            case .identityModeSet: continue
            }
            if var member = directory.member(id) {
                member.scope = schools.current(member.scope)
                members[id, default: []].append((stored.position, member))
            }
        }
    }

    /// The member as they were just before `position`, or nil when they were not (or no longer) staff.
    func member(_ id: String, before position: Int64) -> StaffMember? {
        guard let member = members[id]?.last(where: { $0.position < position })?.member, !member.hasLeft else { return nil }
        return member
    }

    /// The member's role just before `position`, or nil when they were not (or no longer) staff.
    func role(of id: String, before position: Int64) -> Role? { member(id, before: position)?.role }
}

/// The settings in force from each position of the log (undecodable changes are breaks of
/// their own and left out).
private struct SettingsTimeline: Sendable {
    private var changes: [(position: Int64, settings: Settings)] = []

    init(_ store: EventStore) throws {
        var settings = Settings.defaults
        for stored in try store.events(in: SettingsEvent.stream) {
            guard let event = try? SettingsEvent(type: stored.type, payload: stored.payload) else { continue }
            settings = settings.evolve(event)
            changes.append((stored.position, settings))
        }
    }

    /// The settings just before `position`.
    func settings(before position: Int64) -> Settings {
        changes.last { $0.position < position }?.settings ?? .defaults
    }
}

/// The checks that need to know what events mean, one stream at a time on any thread:
/// decoding, recorded erasures, actors, the replay. What needs the connection (writing the
/// replayed read models, looking up stored files) is handed back as a ``Outcome`` for
/// ``Written`` to do on the connection's thread.
private struct DomainCheck: Sendable {
    let staff: StaffTimeline
    let settings: SettingsTimeline

    /// What one stream's check leaves for the connection.
    struct Outcome: Sendable {
        enum Rows: Sendable {
            case none
            /// The case replayed: its read-model rows.
            case state(CaseState)
            /// A case that could not be replayed: its stored rows are carried over.
            case carriedOver(reference: String)
            /// The staff directory's events, each with when it happened.
            case staff([StaffChange])
        }
        struct StaffChange: Sendable {
            var event: StaffEvent
            var occurredAt: String
        }
        struct FileReference: Sendable {
            var label: String
            var sha256: String
        }
        struct Export: Sendable {
            var head: StreamHead
            var audit: Int
        }
        /// A file a recorded purge erased: its bytes must stay gone, its size and media type as recorded.
        struct ErasedFile: Sendable {
            var stream: String
            var version: Int
            var file: StoredFile
        }
        var rows: Rows = .none
        /// Every file the stream's events refer to.
        var files: [FileReference] = []
        /// Every file the stream's purges erased.
        var erased: [ErasedFile] = []
        /// The chain heads the audit trail says were exported.
        var exports: [Export] = []
    }

    /// What the connection's side has written and found, in stream order.
    struct Written {
        /// The settings the workflow read (waiting times), for the deadlines in the read models.
        let settings: Settings

        init(settings: Settings) { self.settings = settings }

        /// Evidence files referred to but not stored.
        private(set) var missingFiles: [String] = []
        private var exports: [Outcome.Export] = []

        mutating func write(_ outcome: Outcome, store: EventStore) throws {
            switch outcome.rows {
            case .none: break
            case .state(let state): try Projection.write(state, settings: settings, to: store.database)
            case .carriedOver(let reference):
                try Projection.carryOver(reference, in: store.database)
            case .staff(let changes):
                for change in changes { try Projection.write(change.event, at: change.occurredAt, to: store.database) }
            }
            for file in outcome.files where try !store.hasBlob(file.sha256) {
                missingFiles.append(file.label)
            }
            for erased in outcome.erased {
                guard let blob = try BlobRows.state(of: erased.file.sha256, in: store.database) else { continue }
                let label = "\(erased.file.sha256)"
                if blob.hasBytes {
                    unerased.append(
                        ChainBreak(
                            stream: erased.stream, version: erased.version, kind: .unerased,
                            detail: "the bytes of \(label), purged by this FilesPurged, are present again"))
                } else if blob.size != erased.file.size || blob.mediaType != erased.file.mediaType {
                    unerased.append(
                        ChainBreak(
                            stream: erased.stream, version: erased.version, kind: .unerased,
                            detail: "the purged file \(label) is stored as \(blob.size) bytes of \(blob.mediaType.prefix(60)), "
                                + "but this FilesPurged recorded \(erased.file.size) bytes of \(erased.file.mediaType.prefix(60))"))
                }
            }
            exports += outcome.exports
        }

        /// Purged files whose bytes are back, or whose size or media type changed since.
        private(set) var unerased: [ChainBreak] = []

        /// Every chain head the audit trail says was exported is still in the database.
        func checkExports(chains: inout ChainVerifier, store: EventStore) throws {
            let hashes = try EventRows.HashLookup(store.database)
            for export in exports {
                let head = export.head
                let stored = try hashes.hash(stream: head.stream, version: head.version)
                if stored != head.hash {
                    chains.record(
                        ChainBreak(
                            stream: head.stream, version: head.version, kind: .divergedFromExport,
                            detail: "audit v\(export.audit) records an export of this chain up to here with hash \(head.hash.prefix(12))…; the database "
                                + (stored.map { "holds \($0.prefix(12))…" } ?? "no longer holds this version")))
                }
            }
        }
    }

    /// Checks one whole stream (its chain already checked into `chains`).
    func check(_ pending: [RecordedEvent], chains: inout ChainVerifier) throws -> Outcome {
        guard let first = pending.first else { return Outcome() }
        for stored in pending { checkTimes(stored, chains: &chains) }
        if first.stream == StaffEvent.stream {
            return checkStaff(pending, chains: &chains)
        } else if first.stream == AuditEvent.stream {
            return checkAudit(pending, chains: &chains)
        } else if first.stream == SchoolEvent.stream {
            for stored in pending {
                do {
                    _ = try SchoolEvent(type: stored.type, payload: stored.payload)
                    checkActor(stored, needs: .manageStaff, chains: &chains)
                } catch {
                    record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                }
            }
            return Outcome()
        } else if first.stream == RetentionEvent.stream {
            for stored in pending {
                do {
                    _ = try RetentionEvent(type: stored.type, payload: stored.payload)
                    checkActor(stored, needs: .applyRetention, chains: &chains)
                } catch {
                    record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                }
            }
            return Outcome()
        } else if first.stream == SettingsEvent.stream {
            for stored in pending {
                do {
                    _ = try SettingsEvent(type: stored.type, payload: stored.payload)
                } catch {
                    // Out of its range (what `settings set` refuses) or not a number at all.
                    record(
                        stored, .undecodablePayload,
                        "the \(stored.type.prefix(64)) payload cannot be read, or its value is outside the setting's range: \(error)",
                        in: &chains)
                }
                checkActor(stored, needs: .manageSettings, chains: &chains)
            }
            return Outcome()
        } else if Casebook.isStreamName(first.stream) {
            return checkCase(pending, chains: &chains)
        }
        return Outcome()
    }

    /// Both times are real instants, and the event did not happen after it was recorded
    /// (beyond the clock skew a command accepts).
    private func checkTimes(_ stored: RecordedEvent, chains: inout ChainVerifier) {
        do {
            try stored.checkTimes()
        } catch {
            record(stored, .brokenRule, "rule event-time: \(error)", in: &chains)
            return
        }
        if let occurred = Timestamp.date(from: stored.occurredAt), let recorded = Timestamp.date(from: stored.recordedAt),
            occurred > recorded.addingTimeInterval(Workflow.futureTolerance)
        {
            record(
                stored, .brokenRule, "rule event-time: it happened at \(stored.occurredAt), after it was recorded at \(stored.recordedAt)",
                in: &chains)
        }
    }

    private func record(_ stored: RecordedEvent, _ kind: ChainBreak.Kind, _ detail: String, in chains: inout ChainVerifier) {
        chains.record(ChainBreak(stream: stored.stream, version: stored.version, kind: kind, detail: detail))
    }

    /// Whether the actor could take this step when the event was committed.
    private func checkActor(_ stored: RecordedEvent, needs permission: Permission, chains: inout ChainVerifier) {
        guard let role = staff.role(of: stored.actor, before: stored.position) else {
            record(stored, .unauthorisedActor, "\(stored.actor.prefix(64)) was not a member of staff when this \(stored.type) was committed", in: &chains)
            return
        }
        if !role.may(permission) {
            record(stored, .unauthorisedActor, "\(stored.actor) had the \(role.rawValue) role, which may not \(permission.rawValue)", in: &chains)
        }
    }

    private func checkStaff(_ pending: [RecordedEvent], chains: inout ChainVerifier) -> Outcome {
        var changes: [Outcome.StaffChange] = []
        for stored in pending {
            let event: StaffEvent
            do {
                event = try StaffEvent(type: stored.type, payload: stored.payload)
            } catch {
                record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                continue
            }
            // `init` adds the first headteacher, who acts as themselves: the one bootstrap.
            var isBootstrap = false
            if case .added(let member) = event {
                isBootstrap = stored.version == 1 && member.role == .headteacher && member.id == stored.actor
            }
            // The identity mode is set once, by `init`, right after the first headteacher (SPEC §8).
            if case .identityModeSet(let mode) = event, stored.version != 2 || pending.first?.actor != stored.actor {
                record(
                    stored, .brokenRule,
                    "rule identity-mode-set-once: the identity mode is set once, by init; this later IdentityModeSet (\(mode.rawValue)) is not honoured",
                    in: &chains)
            }
            // A member turns their own alerts on or off (SPEC §11).
            if case .alertsSet(let id, _) = event, id == stored.actor { isBootstrap = true }
            if !isBootstrap { checkActor(stored, needs: .manageStaff, chains: &chains) }
            changes.append(Outcome.StaffChange(event: event, occurredAt: stored.occurredAt))
        }
        return Outcome(rows: .staff(changes))
    }

    private func checkAudit(_ pending: [RecordedEvent], chains: inout ChainVerifier) -> Outcome {
        var outcome = Outcome()
        for stored in pending {
            let event: AuditEvent
            do {
                event = try AuditEvent(type: stored.type, payload: stored.payload)
            } catch {
                record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                continue
            }
            switch event {
            case .timelineExported(let reference, _, _, let head):
                checkActor(stored, needs: .readCases, chains: &chains)
                if let head {
                    outcome.exports.append(
                        Outcome.Export(head: StreamHead(stream: reference.stream, version: head.version, hash: head.hash), audit: stored.version))
                }
            case .bundleExported(let reference, _, _, _, _, let head):
                checkActor(stored, needs: .readCases, chains: &chains)
                outcome.exports.append(
                    Outcome.Export(head: StreamHead(stream: reference.stream, version: head.version, hash: head.hash), audit: stored.version))
            case .outcomesExported:
                checkActor(stored, needs: .readOutcomes, chains: &chains)
            case .caseRead:
                checkActor(stored, needs: .readCases, chains: &chains)
            case .auditRead(let reference, _):
                // The headteacher reads any audit; the safeguarding lead one case's (SPEC §8).
                checkActor(stored, needs: reference == nil ? .readAudit : .readCases, chains: &chains)
            case .backupMade:
                checkActor(stored, needs: .backup, chains: &chains)
            case .checkpointTaken:
                checkActor(stored, needs: .checkpoint, chains: &chains)
            case .subjectAccessExported:
                checkActor(stored, needs: .answerSubjectAccess, chains: &chains)
            case .alertSent, .alertFailed:
                checkActor(stored, needs: .sendAlerts, chains: &chains)
            }
        }
        return outcome
    }

    private func checkCase(_ pending: [RecordedEvent], chains: inout ChainVerifier) -> Outcome {
        var decoded: [(stored: RecordedEvent, event: CaseEvent)] = []
        decoded.reserveCapacity(pending.count)
        for stored in pending {
            do {
                decoded.append((stored, try CaseEvent(type: stored.type, payload: stored.payload)))
            } catch {
                record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
            }
        }
        // Every erased payload: a redactable type, and a later EventRedacted naming it.
        var recordedBy: [Int: Int] = [:]
        for (stored, event) in decoded {
            if case .redaction(let version, _) = event, version < stored.version, recordedBy[version] == nil {
                recordedBy[version] = stored.version
            }
        }
        for stored in pending where stored.payload == nil {
            let reference = EventReference(stream: stored.stream, version: stored.version)
            if !Workflow.redactableTypes.contains(stored.type) {
                chains.removeRedacted(reference)
                record(stored, .unrecordedErasure, "the payload was erased, but a \(stored.type.prefix(64)) event cannot be redacted", in: &chains)
            } else if recordedBy[stored.version] == nil {
                chains.removeRedacted(reference)
                record(stored, .unrecordedErasure, "the payload was erased, but no EventRedacted event of the case records it", in: &chains)
            }
        }
        for (stored, event) in decoded { checkActor(stored, needs: event.permission, chains: &chains) }
        // The read models, replayed into the private copies.
        let reference = String(pending[0].stream.dropFirst("case/".count))
        guard decoded.count == pending.count, case .opened(let opened)? = decoded.first?.event,
            let openedAt = Timestamp.date(from: pending[0].occurredAt)
        else {
            if decoded.count == pending.count {
                record(pending[0], .undecodablePayload, "the case does not begin with CaseOpened", in: &chains)
            }
            // Not rebuilt: its stored rows are carried over, so only the break is reported.
            return Outcome(rows: .carriedOver(reference: reference))
        }
        // The history re-decided while it is replayed: every event one the workflow would
        // have accepted then, by someone who could act on the case then.
        var named = opened
        named.school = staff.schools.current(opened.school)
        let (state, broken) = HistoryRules.replay(
            decoded, opened: named, openedAt: openedAt, member: { staff.member($0, before: $1) },
            settings: { settings.settings(before: $0) })
        for found in broken + HistoryRules.unerasedPayloads(decoded, in: pending) { chains.record(found) }
        var outcome = Outcome(rows: .state(state))
        for (stored, event) in decoded {
            for file in event.files {
                outcome.files.append(
                    Outcome.FileReference(label: "\(stored.stream) v\(stored.version): \(file.name) (\(file.sha256))", sha256: file.sha256))
            }
            if case .filesPurged(let purge) = event {
                for file in purge.files where purge.erased.contains(file.sha256) {
                    outcome.erased.append(Outcome.ErasedFile(stream: stored.stream, version: stored.version, file: file))
                }
            }
        }
        return outcome
    }
}

extension CaseEvent {
    /// What the actor's role needed to record this event: the permission of the command
    /// that gives it (``CaseCommand/permission``), opening, or redaction.
    var permission: Permission {
        switch self {
        case .opened(let opened): return opened.concern == nil ? .openCase : .reportConcern
        case .concernTriaged: return .triageConcerns
        case .assigned: return .assignCases
        case .ladoReferred, .ladoAdvised, .ladoOutcome: return .referToLADO
        case .redaction: return .redact
        case .evidenceCaptured, .evidenceFilesAttached: return .addEvidence
        case .policeReferred(let force, let reference, let overrideReason):
            return CaseCommand.referToPolice(force: force, reference: reference, overrideReason: overrideReason).permission
        case .policeReferredUnlawful: return .referUnlawfulConduct
        case .redacted(let type): return type == Self.evidenceCapturedType ? .addEvidence : .advanceCase
        case .withdrawn(let item, let reason): return CaseCommand.withdraw(item: item, reason: reason).permission
        case .accessRestricted, .accessRestored: return .restrictAccess
        case .categoryAdded, .categoryRemoved: return .classifyCase
        case .retentionDateRecorded: return .recordRetentionDate
        case .held, .holdReleased: return .holdCases
        case .retentionApplied: return .applyRetention
        case .evidenceFlagged: return .addEvidence
        case .referralDecision: return .recordReferralDecision
        case .filesPurged(let purge):
            // Child sexual imagery is purged by whoever marks it (category add, evidence flag).
            return purge.reason == LawfulContentTrack.imageryPurgeReason ? .addEvidence : .purgeFiles
        default: return .advanceCase
        }
    }

    /// The files the event refers to (evidence files, a removal check's screenshot).
    var files: [StoredFile] {
        switch self {
        case .evidenceCaptured(let evidence): return evidence.files
        case .opened(let opened): return opened.concern?.files ?? []
        case .evidenceFilesAttached(_, let files): return files
        case .removalChecked(_, _, let file?), .hostResponded(_, _, let file?): return [file]
        default: return []
        }
    }
}
