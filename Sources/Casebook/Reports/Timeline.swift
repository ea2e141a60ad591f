import EventLog
import Foundation

/// A case's chronology as a safeguarding lead shares it (SPEC §6): a header, one row per
/// event in time order, what is overdue, and who exported it for whom.
///
/// A pure value built from the case's stored events (see ``init(events:staffNames:exportedBy:recipient:exportedAt:asOf:localTime:)``);
/// each format's renderer only lays it out.
public struct Timeline: Sendable {
    /// A member of staff as a chronology names them: name and id.
    public struct Person: Sendable, Equatable {
        /// The staff id.
        public var id: String
        /// Their name from the staff directory, when known.
        public var name: String?

        /// Creates a person.
        public init(id: String, name: String?) {
            self.id = id
            self.name = name
        }

        /// `Ada Pennington (ada)`, or the bare id when the name is unknown.
        public var label: String { name.map { "\($0) (\(id))" } ?? id }
    }

    /// The last event of the case's stream: the value a recipient compares.
    public struct ChainHead: Sendable, Equatable {
        /// The stream, e.g. `case/CB-2026-0001`.
        public var stream: String
        /// The last version.
        public var version: Int
        /// The last event's chain hash.
        public var hash: String

        /// Creates a chain head.
        public init(stream: String, version: Int, hash: String) {
            self.stream = stream
            self.version = version
            self.hash = hash
        }
    }

    /// The facts at the top of a chronology.
    public struct Header: Sendable, Equatable {
        /// The case reference.
        public var reference: CaseReference
        /// The school.
        public var school: String
        /// The affected member of staff.
        public var affected: Person
        /// Open or closed.
        public var status: CaseState.Status
        /// Urgent because a child is mentioned (001 §8.6).
        public var isUrgent: Bool
        /// The categories.
        public var categories: [Category]
        /// The summary as reported.
        public var summary: String
        /// When the case was opened (the report).
        public var openedAt: Date
        /// When it was closed, if it is.
        public var closedAt: Date?
        /// The removal figures, per request and for the case (see ``Removal``).
        public var removal: Removal
        /// The last event of the stream.
        public var chainHead: ChainHead
    }

    /// Something a reader must not miss on a row.
    public struct Flag: Sendable, Equatable {
        /// What kind of flag.
        public enum Kind: String, Sendable, CaseIterable {
            /// A step past its deadline at the as-of instant.
            case overdue
            /// A police referral made without the affected person's consent.
            case childProtectionOverride = "child-protection-override"
            /// The event's payload was erased; the chain still verifies.
            case redacted
            /// The entry was withdrawn as entered in error (SPEC §2.9): kept, but ignored by
            /// the workflow from the withdrawal on.
            case withdrawn
            /// Recorded more than an hour after it happened (typed in later, `--at`):
            /// backdating is allowed, and always visible.
            case lateEntry = "late-entry"
            /// A later entry replaced this one: a revised source or threat assessment, a
            /// corrected closure outcome. Kept, and read only as history.
            case superseded
        }

        /// What kind of flag.
        public var kind: Kind
        /// What it means here, in words.
        public var text: String
    }

    /// One event of the chronology.
    public struct Row: Sendable, Equatable {
        /// The event as stored, with every field the hash chain needs.
        public var event: RecordedEvent
        /// When it happened.
        public var occurredAt: Date
        /// When it happened, in the local zone with its abbreviation.
        public var when: String
        /// Who did it.
        public var actor: Person
        /// What happened, in plain words (`[redacted]` when the payload was erased).
        public var what: String
        /// The action's details and the reasons given (URL, host, deadline, response,
        /// consent, finding, rationale…), one per line.
        public var details: [String]
        /// Files attached by the event (screenshots, saved emails, audio).
        public var files: [StoredFile]
        /// Overdue, override and redaction flags.
        public var flags: [Flag]

        /// Whether the payload was erased.
        public var isRedacted: Bool { event.isRedacted }
    }

    /// A step past its deadline at the as-of instant.
    public struct OverdueStep: Sendable, Equatable {
        /// What was due.
        public var deadline: Deadline
        /// How late, in hours to a tenth, at the as-of instant.
        public var hoursLate: Double
    }

    /// The facts at the top.
    public var header: Header
    /// The events, in time order (occurred_at, then version).
    public var rows: [Row]
    /// Steps past their deadline at ``asOf``.
    public var overdue: [OverdueStep]
    /// Who exported it.
    public var exportedBy: StaffMember
    /// Who it is being shared with, when named.
    public var recipient: String?
    /// When it was exported.
    public var exportedAt: Date
    /// The instant deadlines are evaluated at.
    public var asOf: Date
    /// The staff directory's names of everyone the chronology mentions, by id.
    public var staffNames: [String: String]
    /// The zone times are shown in.
    public var localTime: LocalTime
    /// Whether the database trusts `--as` as given (SPEC §8): the notice then says so.
    public var identitiesClaimed = false
    /// Every evidence item's exhibit label (`IK/1`), in capture order.
    public var exhibits: [ExhibitLabels.Exhibit] = []
    /// Whether this is HR's disciplinary bundle (SPEC §11): only the entries a hearing needs.
    public var isDisciplinaryBundle = false

    /// Police referrals made under the child-protection override, in time order.
    public var overrides: [Row] { rows.filter { $0.flags.contains { $0.kind == .childProtectionOverride } } }

    /// A time in the local zone, to the minute: `2026-03-28 10:00 GMT`.
    public func local(_ date: Date) -> String { localTime.format(date) }

    /// The confidentiality line every format carries: who exported it, for whom, and when.
    public var confidentialityNotice: String {
        let by = Person(id: exportedBy.id, name: exportedBy.name).label
        let when = localTime.formatWithSeconds(exportedAt)
        let opening =
            (isDisciplinaryBundle
                ? "CONFIDENTIAL — disciplinary bundle of case \(header.reference) (the referral, its evidence, the findings and the outcome only)"
                : "CONFIDENTIAL — safeguarding record of case \(header.reference)") + ". Exported by \(by)"
        let claimed = identitiesClaimed ? " " + IdentityMode.claimedNotice : ""
        guard let recipient else {
            return "\(opening) with no recipient named (internal use) on \(when). Do not share it outside the "
                + "school's safeguarding and senior leadership team." + claimed
        }
        return "\(opening) for \(recipient) on \(when). Share only with the named recipient; do not copy or forward "
            + "it further." + claimed
    }

    /// How the front end that exports it tells a recipient to check it with Casebook (the
    /// command line: its two commands); nil: the recipe by hand only.
    public var verifyHow: String?

    /// How to check that the chronology was not altered, with the chain head to compare.
    public var verificationStatement: String {
        "Chain head: \(header.chainHead.stream) version \(header.chainHead.version), hash \(header.chainHead.hash). "
            + "To check this chronology has not been altered, " + (verifyHow.map { $0 + ", or " } ?? "")
            + "re-compute each event's SHA-256 chain hash by hand with the README's recipe: the last event's hash "
            + "must equal the chain head above."
    }

    /// Hours to a tenth.
    static func hours(_ interval: TimeInterval) -> Double { (interval / 360).rounded() / 10 }

    /// `26.5 hours`.
    static func hoursText(_ hours: Double) -> String { String(format: "%.1f hours", hours) }

    /// More than this between happening and being recorded makes an entry late.
    static let lateEntryThreshold: TimeInterval = 3600

    /// `recorded 2026-04-02 13:00 BST (3 days after)` for an entry recorded more than an
    /// hour after it happened; nil otherwise.
    static func lateEntryText(occurredAt: Date, recordedAt: Date, localTime: LocalTime) -> String? {
        let gap = recordedAt.timeIntervalSince(occurredAt)
        guard gap > lateEntryThreshold else { return nil }
        let days = Int(gap / 86_400)
        let hours = Int(gap / 3600)
        let after = days >= 1 ? "\(days) day\(days == 1 ? "" : "s") after" : "\(hours) hour\(hours == 1 ? "" : "s") after"
        return "recorded \(localTime.format(recordedAt)) (\(after))"
    }
}
