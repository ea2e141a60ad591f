import EventLog
import Foundation

/// One entry of the audit trail: an export, who made it and when, with its place in the
/// `audit` stream's hash chain.
public struct AuditEntry: Sendable, Equatable {
    /// The version within the `audit` stream, from 1.
    public var version: Int
    /// When the export was made.
    public var occurredAt: Date
    /// Who made it (a staff id).
    public var actor: String
    /// Their name from the staff directory, when known.
    public var actorName: String?
    /// What was exported, in which format, for whom.
    public var event: AuditEvent
    /// The event's chain hash.
    public var hash: String

    /// Creates an entry.
    public init(version: Int, occurredAt: Date, actor: String, actorName: String?, event: AuditEvent, hash: String) {
        self.version = version
        self.occurredAt = occurredAt
        self.actor = actor
        self.actorName = actorName
        self.event = event
        self.hash = hash
    }

    /// What happened, in plain words, e.g. "exported the timeline of CB-2026-0001 as html
    /// for DC Rao, Metropolitan Police".
    public var summary: String {
        switch event {
        case .timelineExported(let reference, let format, let recipient, _):
            return "exported the timeline of \(reference) as \(format.rawValue)"
                + (recipient.map { " for \($0)" } ?? " (no recipient named)")
        case .bundleExported(let reference, let recipient, let exhibits, let omitted, let sha256, _):
            return "handed over the bundle of \(reference) to \(recipient): exhibits "
                + (exhibits.isEmpty ? "none" : exhibits.joined(separator: ", "))
                + (omitted.isEmpty ? "" : "; left out " + omitted.joined(separator: ", ")) + "; SHA256SUMS \(sha256.prefix(16))…"
        case .outcomesExported(let since, let until, let format):
            let from = since.map { "from \($0)" } ?? "from the start"
            let to = until.map { "until \($0)" } ?? "until now"
            return "exported the outcomes report (cases closed \(from) \(to)) as \(format.rawValue)"
        case .caseRead(let reference, let view, let evidence):
            switch view {
            case .show: return "read \(reference) (show)"
            case .evidenceList: return "listed the evidence of \(reference)"
            case .evidenceGet: return "wrote out the files of \(reference) \(evidence ?? "evidence")"
            case .digest: return "was shown \(reference) in a digest"
            case .search: return "found \(reference) in a search of the case list"
            }
        case .auditRead(let reference, let since):
            return "read the audit trail" + (reference.map { " of \($0)" } ?? "") + (since.map { " since \($0)" } ?? "")
        case .backupMade:
            return "backed up the whole database"
        case .checkpointTaken(let events, let hash):
            return "took a checkpoint of the log (\(events) events, log head \(hash.prefix(12))…)"
        case .subjectAccessExported(let subject, let receivedAt, let deadline, let format, let entries, _):
            return "answered the subject access request of \(subject) (received \(receivedAt), due by \(deadline)): \(entries) entries as \(format)"
        case .alertSent(let key, let staff, let address): return "sent the alert \(key) to \(staff) at \(address)"
        case .alertFailed(let key, let staff, let reason): return "could not send the alert \(key) to \(staff): \(reason)"
        }
    }
}
