import Casebook

/// The exit codes of SPEC §5 (sysexits.h where one fits).
public enum ExitCode: Int32, Sendable {
    case success = 0
    /// Refused by the workflow: the step is not allowed now.
    case refused = 1
    /// `verify` found a break.
    case verifyFailed = 3
    /// The command line is wrong.
    case usage = 64
    /// Invalid input: bad URL, date, role, file content.
    case invalidInput = 65
    /// Not found: database, case, evidence, staff, file.
    case notFound = 66
    /// Unavailable: a tool or service the command needs is missing or cannot be reached
    /// (`evidence capture` without Chromium, or a page that cannot be fetched in time).
    case unavailable = 69
    /// Internal error.
    case internalError = 70
    /// Cannot create: the database exists.
    case cannotCreate = 73
    /// I/O error.
    case io = 74
    /// Conflict: a concurrent change; retry.
    case conflict = 75
    /// Not permitted for this role.
    case notPermitted = 77

    /// The exit code for a library error.
    init(_ error: CasebookError) {
        switch error {
        case .refused: self = .refused
        case .invalidInput, .damaged: self = .invalidInput
        case .notFound: self = .notFound
        case .notPermitted: self = .notPermitted
        case .conflict: self = .conflict
        case .cannotCreate: self = .cannotCreate
        case .io: self = .io
        }
    }
}
