import EventLog
import Foundation

/// The one door every change to the record passes (issue 18, item 1): nothing else in
/// Casebook holds the event log's writer.
///
/// An action passes it in this order:
///
/// 1. **Identify**: the actor is named when the passage opens (``Casebook/resolveActor(login:named:)``
///    for every front end, ``Casebook/actor(_:)`` for the library).
/// 2. **Authorise on the current state**: under the write lock (one `BEGIN IMMEDIATE`), the
///    action reads the state **now** and checks it in ``Passage/authorise(_:)``: role, school
///    scope, involvement and exclusion, `restrict`, sight of child sexual imagery
///    (`Access/`: ``Casebook/visibleState(of:by:asOf:)``, ``CaseAccess``, ``StaffMember/require(_:)``,
///    ``StaffMember/requireWholeRecord()``). Nothing can be appended, stored or erased before
///    it returns: ``Passage`` refuses with an internal error.
/// 3. **Decide**: the step table for a case step (``Workflow/decide(_:state:context:)``), the
///    existing checks for the others, on the state read in step 2.
/// 4. **Append** through ``Passage/append(_:to:expectedVersion:)`` at the version read, with
///    the files and read models, in the same transaction: all of it commits, or none.
/// 5. **Record the read or export**: ``record(_:by:at:)`` appends the `audit` stream's
///    entries for what was shown, once the read they record was authorised and made.
///
/// `DoorTests` fails if any other file of the Casebook target names the writer.
struct Door {
    private let store: EventStore

    init(store: EventStore) {
        self.store = store
    }

    /// Passes one action through the door: `action` runs inside one write transaction with
    /// a ``Passage`` for `actor`; it authorises, decides and appends through it. When it
    /// throws, nothing it appended, stored or erased is kept.
    func pass<T>(by actor: String, _ action: (Passage) throws -> T) throws -> T {
        try store.write { writer in try action(Passage(writer: writer, actor: actor)) }
    }

    /// Records reads or exports in the hash-chained `audit` stream (SPEC §8), in one
    /// transaction under the write lock, at the stream's version read under it (so
    /// concurrent records never conflict). The read itself was authorised before it was
    /// made; this is the record's own passage.
    func record(_ events: [AuditEvent], by actor: String, at occurredAt: String) throws {
        try pass(by: actor) { passage in
            let version = try passage.authorise { try store.version(of: AuditEvent.stream) }
            try passage.append(
                events.map { $0.newEvent(occurredAt: occurredAt, actor: actor) }, to: AuditEvent.stream, expectedVersion: version)
        }
    }
}

/// One action inside the door's write transaction: what it may change, once authorised.
final class Passage {
    private let writer: EventWriter
    /// The identified actor's id.
    let actor: String
    private var isAuthorised = false

    fileprivate init(writer: EventWriter, actor: String) {
        self.writer = writer
        self.actor = actor
    }

    /// The clock's reading when the transaction began: every event appended records it.
    var recordedAt: String { writer.recordedAt }

    /// Runs the authorisation on the state read now, under the write lock; returns what it
    /// read (the state to decide on). Until it returns, the passage appends nothing.
    @discardableResult
    func authorise<T>(_ check: () throws -> T) rethrows -> T {
        let result = try check()
        isAuthorised = true
        return result
    }

    /// Appends events to `stream` at `expectedVersion` (a conflict, exit 75, when another
    /// writer got there first).
    @discardableResult
    func append(_ events: [NewEvent], to stream: String, expectedVersion: Int) throws -> [RecordedEvent] {
        try requireAuthorised()
        return try writer.append(events, to: stream, expectedVersion: expectedVersion)
    }

    /// Stores a file's bytes, content-addressed.
    func storeBlob(_ bytes: [UInt8]) throws -> BlobInfo {
        try requireAuthorised()
        return try writer.storeBlob(bytes)
    }

    /// Deletes a file's bytes, once a purge event appended in this transaction names it.
    func purgeBlob(_ sha256: String, recordedBy stream: String, version: Int) throws {
        try requireAuthorised()
        try writer.purgeBlob(sha256, recordedBy: stream, version: version)
    }

    /// Erases one event's payload, once the redaction event is appended in this transaction.
    func redact(stream: String, version: Int) throws {
        try requireAuthorised()
        try writer.redact(stream: stream, version: version)
    }

    /// The connection inside the transaction, for the storage layer (`Storage/`) only.
    var connection: Database { writer.database }

    private func requireAuthorised() throws {
        guard isAuthorised else {
            throw DoorError.unauthorisedWrite("a change was attempted before the action was authorised")
        }
    }
}

/// A programmer error caught by the door: an action that tried to change the record before
/// it was authorised. It is not a `CasebookError`, so the command line answers 70
/// (internal error) and nothing is written.
struct DoorError: Error, CustomStringConvertible {
    let description: String
    static func unauthorisedWrite(_ text: String) -> DoorError { DoorError(description: text) }
}
