import EventLog

/// Why a Casebook operation did not happen. Each case maps to one exit code of SPEC §5.
public enum CasebookError: Error, Equatable, Sendable {
    /// The workflow does not allow the step now (exit 1); every rule that blocks it.
    case refused([Refusal])
    /// The input is malformed: a bad URL, date, role, file content (exit 65).
    case invalidInput(String)
    /// Something named does not exist: database, case, evidence, request, staff, file (exit 66).
    case notFound(String)
    /// The acting member of staff's role does not allow this (exit 77).
    case notPermitted(String)
    /// Another process changed the case first; retry (exit 75).
    case conflict(String)
    /// A database exists where a new one was to be created (exit 73).
    case cannotCreate(String)
    /// The file could not be read or written (exit 74).
    case io(String)
    /// A stored record cannot be read: the database is damaged or was edited (exit 65);
    /// `casebook verify` says what and where.
    case damaged(String)
}

extension CasebookError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .refused(let refusals): return refusals.map(\.description).joined(separator: "\n")
        case .invalidInput(let message), .notFound(let message), .notPermitted(let message),
            .conflict(let message), .cannotCreate(let message), .io(let message), .damaged(let message):
            return message
        }
    }
}
