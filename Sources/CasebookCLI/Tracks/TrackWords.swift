import Casebook
import EventLog
import Foundation

/// A workflow track's command-line words (the library's `CaseTrack` is the rest of it): its
/// commands, the command that takes each of its steps, its deadlines and its part of `show`.
/// Registered with one line in ``Commands/tracks``; the browser needs nothing of it.
protocol TrackWords {
    /// Its commands, each built from its step's form (``CaseCommands/step(_:name:examples:describe:)``).
    static var commands: [Command] { get }
    /// The job `casebook help` lists its commands under.
    static var job: Commands.Job { get }
    /// The command that takes each of its steps (``StepWords/command(_:)``).
    static var stepCommands: [Step: String] { get }
    /// What one of its deadlines is about, in words for people; nil for another track's.
    static func what(_ deadline: Deadline) -> String?
    /// Its lines in `show`, after the police line; `time` formats an instant in the reader's zone.
    static func showLines(_ state: CaseState, time: (Date?) -> String) -> [String]
    /// Its fields in `show --json`.
    static func showJSON(_ state: CaseState) -> [String: JSONValue]
}

extension Commands {
    /// The registered tracks' words, by the step they name.
    static func trackCommand(_ step: Step) -> String? { tracks.lazy.compactMap { $0.stepCommands[step] }.first }

    /// The track whose command this is, if any.
    static func track(of name: String) -> (any TrackWords.Type)? {
        tracks.first { $0.commands.contains { $0.spec.name == name } }
    }
}
