import EventLog

/// What checking a JSON timeline export on its own found (`casebook verify --export FILE`).
public struct VerificationResult: Sendable, Equatable {
    /// Something wrong with the export besides a break in the hash chain: it is not a
    /// timeline, its header does not match its events, or its human-readable fields do not
    /// say what the hashed payloads say.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The event concerned, when there is one.
        public var event: EventReference?
        /// What is wrong, in words.
        public var detail: String

        /// Creates a problem.
        public init(event: EventReference?, detail: String) {
            self.event = event
            self.detail = detail
        }

        /// `case/CB-2026-0001 v5: detail`, or the detail alone.
        public var description: String { event.map { "\($0): \(detail)" } ?? detail }
    }

    /// The case the export says it is of, when readable.
    public var reference: CaseReference?
    /// Events checked.
    public var eventCount: Int
    /// The last event by version, as the events themselves give it.
    public var chainHead: Timeline.ChainHead?
    /// Breaks in the hash chain, each naming its stream, version and kind.
    public var breaks: [ChainBreak]
    /// Events whose payload was redacted while the chain holds (not breaks).
    public var redacted: [EventReference]
    /// Everything else found wrong.
    public var problems: [Problem]
    /// Every exported event's stream, version and chain hash, in version order: what
    /// ``Casebook/compare(exported:)`` looks for in a database.
    public var events: [StreamHead] = []

    /// Creates a result.
    public init(
        reference: CaseReference?, eventCount: Int, chainHead: Timeline.ChainHead?, breaks: [ChainBreak],
        redacted: [EventReference], problems: [Problem]
    ) {
        self.reference = reference
        self.eventCount = eventCount
        self.chainHead = chainHead
        self.breaks = breaks
        self.redacted = redacted
        self.problems = problems
    }

    /// Whether the export verified: an unbroken chain, a header whose chain head is the
    /// last event, and human fields that match the hashed payloads.
    public var isIntact: Bool { breaks.isEmpty && problems.isEmpty }

    /// The findings, one per line, for people.
    public var lines: [String] {
        var lines: [String] = []
        let subject = reference.map { "the timeline of \($0)" } ?? "the export"
        if isIntact {
            var line = "\(subject) verifies: \(eventCount) events, chain intact"
            if let chainHead { line += "; chain head version \(chainHead.version), hash \(chainHead.hash)" }
            lines.append(line)
        } else {
            lines.append("\(subject) does NOT verify: \(breaks.count + problems.count) problem(s) in \(eventCount) events")
        }
        lines += breaks.map(\.description)
        lines += problems.map(\.description)
        lines += redacted.map { "\($0): redacted (payload erased; its SHA-256 still verifies)" }
        return lines
    }
}
