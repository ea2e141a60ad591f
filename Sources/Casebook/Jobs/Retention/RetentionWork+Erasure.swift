import EventLog
import Foundation

extension RetentionWork {
    /// Whether erased content (purged bytes, redacted payloads) has left every file of the
    /// database, after trying once more to empty the write-ahead log.
    public enum ErasureCompletion: Sendable, Equatable {
        /// Nothing erased remains in the database, its write-ahead log or its index.
        case complete
        /// Another connection (a server, a running verify) is reading the write-ahead log at
        /// this path, which still holds copies of the erased content until that reader
        /// finishes; the next command after it empties the log.
        case remainsInWriteAheadLog(String)
    }

    /// Empties the write-ahead log now if no other connection reads it: call after an
    /// erasing step, and say ``ErasureCompletion/remainsInWriteAheadLog(_:)`` to the user.
    public func completeErasure() -> ErasureCompletion {
        let log = core.store.path + "-wal"
        // Whatever stopped the truncation (a reader, an error), the answer is the log's size:
        // a log that cannot be measured is one that is not there.
        if (try? core.store.reclaimSpace()) == true { return .complete }
        let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.intValue ?? 0
        return size == 0 ? .complete : .remainsInWriteAheadLog(log)
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
        let events = try core.events(of: reference)
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
        let context = try core.decisionContext(actor: actor, at: date)
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
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // Authorised again on the case now, under the write lock; the version below
                // refuses (75) a case that moved on since the checks above.
                try passage.authorise { _ = try core.visibleState(of: reference, by: actor) }
                // The record first: the trigger lets a payload be erased only once a later
                // event of the same stream records the redaction.
                let occurred = Timestamp.string(from: context.occurredAt)
                try passage.append(
                    recorded.map { $0.newEvent(occurredAt: occurred, actor: actor.id) }, to: reference.stream,
                    expectedVersion: events.count)
                try core.purgeBlobs(recorded, firstVersion: events.count + 1, stream: reference.stream, in: passage)
                try passage.redact(stream: reference.stream, version: version)
                // The state no longer knows the redacted details; write what remains.
                let remaining = try CaseState.replay(try core.store.events(in: reference.stream))
                try Projection.write(remaining, settings: try core.settings(), to: passage)
            }
        }
        core.reclaimAfterPurge(recorded)
    }
}
