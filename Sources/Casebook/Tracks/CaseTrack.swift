import EventLog
import Foundation

/// A track that plugs into the workflow: it supplies its steps (the step table's entries,
/// with their permission), their forms, its rules, permissions and deadline kinds, its
/// commands' decisions (``TrackCommand``), its events with their coding, evolution and
/// narration (``TrackEvent``), its state (``TrackState``, kept in ``CaseState/tracks``), and
/// its hooks into closing, deadlines and clocks. Registered with one line in
/// ``Tracks/all``; the command line registers its words the same way (`TrackWords`).
protocol CaseTrack {
    /// The step table's entries, in the order `show` lists them; each names its `step`.
    static var stepTable: [StepGuards] { get }
    /// The steps' forms (``StepForms``).
    static var forms: [StepForm] { get }
    /// The rules its refusals name.
    static var rules: [Rule] { get }
    /// Permissions of its own, if its steps need one (default none).
    static var permissions: [Permission] { get }
    /// Kinds of deadline of its own (default none).
    static var deadlineKinds: [Deadline.Kind] { get }
    /// How to read each of its events back, by stored type name.
    static var eventDecoders: [String: @Sendable (CaseEvent.Fields) throws -> any TrackEvent] { get }
    /// Why the case cannot close yet, as far as this track is concerned (default none).
    static func closeRefusals(_ state: CaseState) -> [Refusal]
    /// What is due on an open case (default nothing).
    static func deadlines(_ state: CaseState, settings: Settings) -> [Deadline]
    /// Throws when a clock the track counts cannot be counted (default never): checked on the
    /// state after each step, before anything is written.
    static func checkClocks(_ state: CaseState) throws
    /// Its event types that are referrals (the police bundle's front page; default none).
    static var referralTypes: [String] { get }
}

extension CaseTrack {
    static var permissions: [Permission] { [] }
    static var deadlineKinds: [Deadline.Kind] { [] }
    static func closeRefusals(_ state: CaseState) -> [Refusal] { [] }
    static func deadlines(_ state: CaseState, settings: Settings) -> [Deadline] { [] }
    static func checkClocks(_ state: CaseState) throws {}
    static var referralTypes: [String] { [] }
}

/// A command of a registered track, carried by ``CaseCommand/track(_:)``.
protocol TrackCommand: Sendable {
    /// The step it takes.
    var step: Step { get }
    /// What the acting role needs (default: the step table's permission for its step).
    var permission: Permission { get }
    /// Its events, or why not (the step table's guards run after, as for every step).
    func decide(_ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision
    /// Whether it equals another track command.
    func isEqual(_ other: any TrackCommand) -> Bool
}

extension TrackCommand {
    var permission: Permission { Workflow.permission(for: step) }
    /// The command as a ``CaseCommand``.
    var caseCommand: CaseCommand { .track(AnyTrackCommand(self)) }
}

extension TrackCommand where Self: Equatable {
    func isEqual(_ other: any TrackCommand) -> Bool { (other as? Self) == self }
}

/// An event of a registered track, carried by ``CaseEvent/track(_:)``.
protocol TrackEvent: Sendable {
    /// The stable type name stored in `events.type` and hashed into the chain.
    var typeName: String { get }
    /// The payload's fields (the coding adds `"v"`), read back by the track's decoder.
    var fields: [String: JSONValue] { get }
    /// The step that records it, for verify's re-decision; nil when it is no step.
    var step: Step? { get }
    /// The staff ids it names (default none).
    var staffIDs: [String] { get }
    /// Its evolution of the case.
    func apply(to state: inout CaseState, at date: Date, actor: String)
    /// The timeline's words for it.
    func narrate(_ narrator: TimelineNarrator) -> TimelineNarrator.Narration
    /// Whether it equals another track event.
    func isEqual(_ other: any TrackEvent) -> Bool
}

extension TrackEvent {
    var staffIDs: [String] { [] }
    /// What the actor's role needed to record it: its step's permission.
    var permission: Permission { step.map(Workflow.permission(for:)) ?? .advanceCase }
    /// The event as a ``CaseEvent``.
    var caseEvent: CaseEvent { .track(AnyTrackEvent(self)) }
}

extension TrackEvent where Self: Equatable {
    func isEqual(_ other: any TrackEvent) -> Bool { (other as? Self) == self }
}

/// A track's part of a case's state, kept in ``CaseState/tracks`` under the track's key.
protocol TrackState: Sendable {
    func isEqual(_ other: any TrackState) -> Bool
}

extension TrackState where Self: Equatable {
    func isEqual(_ other: any TrackState) -> Bool { (other as? Self) == self }
}

/// A track command as a value of ``CaseCommand``.
public struct AnyTrackCommand: Sendable, Equatable {
    let command: any TrackCommand

    init(_ command: any TrackCommand) { self.command = command }

    public static func == (a: Self, b: Self) -> Bool { a.command.isEqual(b.command) }
}

/// A track event as a value of ``CaseEvent``.
public struct AnyTrackEvent: Sendable, Equatable {
    let event: any TrackEvent

    init(_ event: any TrackEvent) { self.event = event }

    public static func == (a: Self, b: Self) -> Bool { a.event.isEqual(b.event) }
}

/// The registered tracks' parts of a case's state, by key (one field per track without a
/// stored property in ``CaseState`` for each).
public struct TrackStates: Sendable, Equatable {
    private var values: [String: any TrackState] = [:]

    subscript(key: String) -> (any TrackState)? {
        get { values[key] }
        set { values[key] = newValue }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.values.count == b.values.count
            && a.values.allSatisfy { key, value in b.values[key].map { value.isEqual($0) } ?? false }
    }
}

extension Tracks {
    /// Every registered track's steps, in order.
    static let steps: [Step] = all.flatMap { $0.stepTable.map(\.step) }
    /// The registered tracks' step-table entries, by step.
    static let stepTable: [Step: StepGuards] = Dictionary(
        all.flatMap { $0.stepTable.map { ($0.step, $0) } }, uniquingKeysWith: { first, _ in first })
    static let forms: [StepForm] = all.flatMap { $0.forms }
    static let rules: [Rule] = all.flatMap { $0.rules }
    static let permissions: [Permission] = all.flatMap { $0.permissions }
    static let deadlineKinds: [Deadline.Kind] = all.flatMap { $0.deadlineKinds }
    static let eventDecoders: [String: @Sendable (CaseEvent.Fields) throws -> any TrackEvent] = Dictionary(
        all.flatMap { $0.eventDecoders.map { ($0.key, $0.value) } }, uniquingKeysWith: { first, _ in first })
    static let referralTypes: [String] = all.flatMap { $0.referralTypes }
}
