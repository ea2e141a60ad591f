import EventLog
import Foundation

/// What an error or a refusal says, as data: text, and the values a front end words its own
/// way — instants (the command line shows local time, the browser its own), options
/// (`--evidence` on the command line, a form field in the browser) and commands to run
/// (`casebook staff list`, or a link). The domain never writes a flag or a command: it
/// writes `"\(option: "evidence")"` or `"\(command: .listStaff)"`, and a `Date`
/// interpolated is an instant.
///
/// A message may carry a ``hint``: what to do about it, which a front end shows in place of
/// its usual one.
public struct Message: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// One piece of a message.
    public enum Segment: Sendable, Equatable {
        /// Words, shown as they are.
        case text(String)
        /// An instant, shown in the reader's time.
        case instant(Date)
        /// An input of the command by its name (`evidence`), shown as the front end names it.
        case option(String)
        /// A command to run, shown as the front end names it.
        case command(CommandReference)
    }

    /// The pieces, in order.
    public private(set) var segments: [Segment]
    /// At most one: a struct cannot hold itself directly.
    private var hints: [Message] = []

    /// What to do about it, when the message says so itself.
    public var hint: Message? { hints.first }

    /// A message of these pieces.
    public init(_ segments: [Segment]) { self.segments = segments }

    /// Words only.
    public init(_ text: String) { segments = text.isEmpty ? [] : [.text(text)] }

    public init(stringLiteral value: String) { self.init(value) }

    public init(stringInterpolation: StringInterpolation) { segments = stringInterpolation.segments }

    /// An input of the command, alone (`Workflow.text(reason, .option("reason"))`).
    public static func option(_ name: String) -> Message { Message([.option(name)]) }

    /// A command to run, alone.
    public static func command(_ command: CommandReference) -> Message { Message([.command(command)]) }

    /// This message with `hint` as what to do about it.
    public func hint(_ hint: Message) -> Message {
        var copy = self
        copy.hints = [hint]
        return copy
    }

    /// The message rendered piece by piece; the hint is not included.
    public func rendered(_ render: (Segment) -> String) -> String { segments.map(render).joined() }

    /// A plain form for logs and tests, in no front end's words: instants in the stored form
    /// (UTC), options as `<name>`, commands by ``CommandReference/description``; the hint is
    /// not included.
    public var description: String {
        rendered { segment in
            switch segment {
            case .text(let text): return text
            case .instant(let date): return Timestamp.string(from: date)
            case .option(let name): return "<" + name + ">"
            case .command(let command): return command.description
            }
        }
    }

    /// Whether the plain form contains `text`.
    public func contains(_ text: String) -> Bool { description.contains(text) }

    public static func + (lhs: Message, rhs: Message) -> Message {
        var joined = lhs
        for piece in rhs.segments { Self.append(piece, to: &joined.segments) }
        if joined.hints.isEmpty { joined.hints = rhs.hints }
        return joined
    }

    public static func + (lhs: Message, rhs: String) -> Message { lhs + Message(rhs) }

    public static func + (lhs: String, rhs: Message) -> Message { Message(lhs) + rhs }

    /// Appends a piece, joining adjacent words and dropping empty ones.
    static func append(_ piece: Segment, to segments: inout [Segment]) {
        guard case .text(let more) = piece else { return segments.append(piece) }
        if more.isEmpty { return }
        if case .text(let text)? = segments.last {
            segments[segments.count - 1] = .text(text + more)
        } else {
            segments.append(piece)
        }
    }

    /// Builds a message from a string literal with interpolations.
    public struct StringInterpolation: StringInterpolationProtocol {
        var segments: [Segment] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func add(_ piece: Segment) { Message.append(piece, to: &segments) }

        public mutating func appendLiteral(_ literal: String) { add(.text(literal)) }

        /// An instant.
        public mutating func appendInterpolation(_ date: Date) { add(.instant(date)) }

        /// An instant in the log's stored form (`2026-10-20T15:00:00.000Z`); other text as it is.
        public mutating func appendInterpolation(stamp: String) {
            add(Timestamp.date(from: stamp).map(Segment.instant) ?? .text(stamp))
        }

        /// Another message's pieces.
        public mutating func appendInterpolation(_ message: Message) {
            for piece in message.segments { add(piece) }
        }

        /// An input of the command, by name (`evidence`).
        public mutating func appendInterpolation(option name: String) { add(.option(name)) }

        /// A command to run.
        public mutating func appendInterpolation(command: CommandReference) { add(.command(command)) }

        /// Any other value, as its description.
        public mutating func appendInterpolation<T>(_ value: T) { add(.text(String(describing: value))) }
    }
}

/// A command a message tells someone to run, named by what it does; each front end words it
/// (the command line: `casebook staff list`; the browser: a link).
public enum CommandReference: Sendable, Equatable, CustomStringConvertible {
    /// List the cases.
    case listCases
    /// List the staff directory.
    case listStaff
    /// Map an operating-system login to a member of staff.
    case mapLogin
    /// Create a new database.
    case createDatabase
    /// Verify the whole database.
    case verify
    /// Write a checkpoint (a witness file).
    case makeCheckpoint
    /// Export a case's timeline as JSON.
    case exportTimelineJSON(CaseReference)
    /// Verify an exported JSON timeline.
    case verifyExport
    /// Record child sexual imagery as evidence without a file: where it is and what it is.
    case recordChildSexualImagery

    /// A plain name for logs and tests: `list-staff`, `export-timeline-json CB-2026-0001`.
    public var description: String {
        switch self {
        case .listCases: return "list-cases"
        case .listStaff: return "list-staff"
        case .mapLogin: return "map-login"
        case .createDatabase: return "create-database"
        case .verify: return "verify"
        case .makeCheckpoint: return "make-checkpoint"
        case .exportTimelineJSON(let reference): return "export-timeline-json \(reference)"
        case .verifyExport: return "verify-export"
        case .recordChildSexualImagery: return "record-child-sexual-imagery"
        }
    }
}
