import EventLog
import Foundation

// The LADO track's commands and events: their decisions, stored type names and payloads,
// evolution and words in the timeline.

/// A command of the LADO track.
enum LADOCommand: TrackCommand, Equatable {
    case refer(reason: String)
    case advice(text: String)
    case outcome(LADOResult)

    var step: Step {
        switch self {
        case .refer: return .referToLADO
        case .advice: return .recordLADOAdvice
        case .outcome: return .recordLADOOutcome
        }
    }

    func decide(_ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision {
        switch self {
        case .refer(let reason): return Workflow.Decision(events: [LADOEvent.referred(reason: try Workflow.text(reason, "the reason")).caseEvent])
        case .advice(let text): return Workflow.Decision(events: [LADOEvent.advised(text: try Workflow.text(text, "the advice")).caseEvent])
        case .outcome(let result): return Workflow.Decision(events: [LADOEvent.outcome(result).caseEvent])
        }
    }
}

extension CaseCommand {
    /// Refer the allegation to the LADO (KCSIE Part 4).
    public static func referToLADO(reason: String) -> CaseCommand { LADOCommand.refer(reason: reason).caseCommand }
    /// Record the LADO's advice.
    public static func recordLADOAdvice(text: String) -> CaseCommand { LADOCommand.advice(text: text).caseCommand }
    /// Record the LADO's outcome.
    public static func recordLADOOutcome(_ result: LADOResult) -> CaseCommand { LADOCommand.outcome(result).caseCommand }
}

/// An event of the LADO track. Its type names and payloads are stored and hashed: never change them.
enum LADOEvent: TrackEvent, Equatable {
    /// The allegation was referred to the LADO (KCSIE Part 4).
    case referred(reason: String)
    /// The LADO's advice.
    case advised(text: String)
    /// The LADO's outcome.
    case outcome(LADOResult)

    static let referredType = "LADOReferred"
    static let advisedType = "LADOAdvised"
    static let outcomeType = "LADOOutcomeRecorded"

    var typeName: String {
        switch self {
        case .referred: return Self.referredType
        case .advised: return Self.advisedType
        case .outcome: return Self.outcomeType
        }
    }

    var fields: [String: JSONValue] {
        switch self {
        case .referred(let reason): return ["reason": .string(reason)]
        case .advised(let text): return ["text": .string(text)]
        case .outcome(let result): return ["result": .string(result.rawValue)]
        }
    }

    var step: Step? { command.step }

    /// The command that records it.
    private var command: LADOCommand {
        switch self {
        case .referred(let reason): return .refer(reason: reason)
        case .advised(let text): return .advice(text: text)
        case .outcome(let result): return .outcome(result)
        }
    }

    func apply(to state: inout CaseState, at date: Date, actor: String) {
        switch self {
        case .referred(let reason): state.lado = CaseState.LADOReferral(reason: reason, at: date)
        case .advised(let text): state.lado?.advice.append(text)
        case .outcome(let result): state.lado?.result = result
        }
    }

    func narrate(_ narrator: TimelineNarrator) -> TimelineNarrator.Narration {
        switch self {
        case .referred(let reason): return .init(what: "Referred to the LADO (KCSIE Part 4)", details: ["Reason: \(reason)"])
        case .advised(let text): return .init(what: "LADO advice recorded", details: ["Advice: \(text)"])
        case .outcome(let result): return .init(what: "LADO outcome: \(result.rawValue)")
        }
    }
}

extension LADOTrack {
    static let eventDecoders: [String: @Sendable (CaseEvent.Fields) throws -> any TrackEvent] = [
        LADOEvent.referredType: { LADOEvent.referred(reason: try $0.string("reason")) },
        LADOEvent.advisedType: { LADOEvent.advised(text: try $0.string("text")) },
        LADOEvent.outcomeType: { LADOEvent.outcome(try $0.word("result", as: LADOResult.self)) },
    ]

    /// The referral is one of the case's referrals (the police bundle's front page).
    static let referralTypes = [LADOEvent.referredType]
}
