import EventLog

/// Why a Casebook operation did not happen. Each case maps to one exit code of SPEC §5.
///
/// Errors are data: each carries a ``Message`` (words with instants, options and commands as
/// values, and perhaps a hint), or the typed ``Refusal``s; each front end words them.
public enum CasebookError: Error, Equatable, Sendable {
    /// The workflow does not allow the step now (exit 1); every rule that blocks it.
    case refused([Refusal])
    /// The input is malformed: a bad URL, date, role, file content (exit 65).
    case invalidInput(Message)
    /// Something named does not exist: database, case, evidence, request, staff, file (exit 66).
    case notFound(Message)
    /// The acting member of staff's role does not allow this (exit 77).
    case notPermitted(Message)
    /// Another process changed the case first; retry (exit 75).
    case conflict(Message)
    /// A database exists where a new one was to be created (exit 73).
    case cannotCreate(Message)
    /// The file could not be read or written (exit 74).
    case io(Message)
    /// A stored record cannot be read: the database is damaged or was edited (exit 65);
    /// verifying the database says what and where.
    case damaged(Message)

    /// The message of any case but ``refused(_:)``.
    public var message: Message? {
        switch self {
        case .refused: return nil
        case .invalidInput(let message), .notFound(let message), .notPermitted(let message),
            .conflict(let message), .cannotCreate(let message), .io(let message), .damaged(let message):
            return message
        }
    }
}

extension CasebookError: CustomStringConvertible {
    /// A plain form for logs and tests (``Message/description``), with the hint on a line of
    /// its own after `hint: `.
    public var description: String {
        switch self {
        case .refused(let refusals): return refusals.map(\.description).joined(separator: "\n")
        default:
            guard let message else { return "" }
            return message.description + (message.hint.map { "\nhint: " + $0.description } ?? "")
        }
    }
}
