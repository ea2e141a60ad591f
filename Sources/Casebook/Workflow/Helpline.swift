import EventLog
import Foundation

/// Helpline escalation (SPEC §10), beyond the host and the ISP of 000 §13.5–§13.6: for one
/// takedown request the school asks the Professionals Online Safety Helpline (POSH) or
/// Report Harmful Content to act, then records the helpline's answer. Each helpline is a
/// step of its own, because each has its own condition:
///
/// - POSH, when the platform refused, a check found the material still present, or POSH's
///   waiting time after the platform report has passed (the `helpline.posh.wait-hours`
///   setting, 48 hours unless changed);
/// - Report Harmful Content, once the platform has replied: a `refused` or `no-response`
///   host response is recorded.
///
/// A helpline's answer resolves the request for closing, as the ISP's does; a `removed`
/// answer counts as the material's removal in the outcomes and removal figures.
enum HelplineTrack {
    // MARK: The step table's entries

    static let escalatePOSH = StepGuards(guards: [notYetEscalated, unresolved, poshConditions], isPerRequest: true)
    static let escalateReportHarmfulContent = StepGuards(
        guards: [notYetEscalated, unresolved, platformReplied], isPerRequest: true)
    static let response = StepGuards(guards: [escalatedAwaitingHelpline], isPerRequest: true)

    // MARK: Guards

    /// One helpline escalation per request.
    static let notYetEscalated = Guard("helpline-escalation-once") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        guard let escalation = takedown.helpline else { return nil }
        let id = takedown.request.id
        return Refusal(
            .helplineEscalationOnce, reason: "\(id) was already escalated to \(escalation.helpline.name)",
            unblock: takedown.helplineResult == nil
                ? .step(.recordHelplineResponse, subject: id) : .none("the helpline has answered"))
    }

    /// Nothing to escalate once a check confirmed removal or the ISP answered.
    static let unresolved = Guard("helpline-needs-unresolved-request") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        guard takedown.isResolved else { return nil }
        let id = takedown.request.id
        let why: String
        if let check = takedown.check, check.confirmsRemoval {
            why = "a check confirmed the material was \(check.rawValue)"
        } else if let isp = takedown.ispResponse {
            why = "the ISP answered (\(isp.rawValue))"
        } else {
            why = "it is resolved"
        }
        return Refusal(.helplineNeedsUnresolvedRequest, reason: "\(id): \(why)", unblock: .none("the request is resolved"))
    }

    /// POSH: the platform refused, the material is still there, or POSH's wait is over.
    static let poshConditions = Guard("posh-needs-refusal-or-wait") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        let id = takedown.request.id
        let waitOver = poshWaitOver(takedown, input.settings)
        if takedown.response == .refused || takedown.check == .stillPresent || input.now >= waitOver { return nil }
        return Refusal(
            .poshNeedsRefusalOrWait,
            reason: "\(id): the platform has not refused, no check found the material still present, and POSH's "
                + "\(input.settings[.poshWaitHours]) hours after the platform report run until \(waitOver)",
            unblock: .anyOf([
                .step(.recordHostResponse, subject: id, choice: HostResponse.refused.rawValue),
                .step(.checkRemoval, subject: id, choice: CheckResult.stillPresent.rawValue), .wait(until: waitOver),
            ]))
    }

    /// Report Harmful Content: the platform's reply (a refusal, or silence once established).
    static let platformReplied = Guard("report-harmful-content-needs-platform-reply") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        let id = takedown.request.id
        if takedown.response == .refused || takedown.response == .noResponse { return nil }
        return Refusal(
            .reportHarmfulContentNeedsPlatformReply,
            reason: takedown.response.map { "\(id): the platform's response was '\($0.rawValue)', not a refusal or silence" }
                ?? "\(id): the platform's reply is not recorded (Report Harmful Content asks for it)",
            unblock: takedown.response == nil
                ? .step(.recordHostResponse, subject: id, choice: "refused|no-response") : .none("the platform did not refuse"))
    }

    /// The helpline's response follows an escalation and is recorded once.
    static let escalatedAwaitingHelpline = Guard("helpline-response-needs-escalation") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        let id = takedown.request.id
        guard let escalation = takedown.helpline else {
            return Refusal(
                .helplineResponseNeedsEscalation, reason: "\(id) has not been escalated to a helpline",
                unblock: .anyOf([.step(.escalateToPOSH, subject: id), .step(.escalateToReportHarmfulContent, subject: id)]))
        }
        guard let result = takedown.helplineResult else { return nil }
        return Refusal(
            .helplineResponseOnce, reason: "\(id)'s response from \(escalation.helpline.name) is already recorded (\(result.rawValue))",
            unblock: .none("it is resolved"))
    }

    /// When POSH's wait after the platform report ends.
    static func poshWaitOver(_ takedown: CaseState.Takedown, _ settings: Settings) -> Date {
        takedown.requestedAt.addingTimeInterval(settings.poshWait)
    }

    // MARK: Decisions

    static func escalate(_ id: String, to helpline: Helpline, reference: String?, _ state: CaseState, at date: Date) throws
        -> Workflow.Decision
    {
        let reference = try Workflow.optionalText(reference, "the helpline reference")
        let takedown = try Workflow.existingTakedown(id, state, at: date)
        return Workflow.Decision(
            events: [.helplineEscalated(request: takedown.request.id, helpline: helpline, reference: reference)], takedown: takedown)
    }

    static func response(_ id: String, _ result: HelplineResult, _ state: CaseState, at date: Date) throws -> Workflow.Decision {
        let takedown = try Workflow.existingTakedown(id, state, at: date)
        return Workflow.Decision(events: [.helplineResponded(request: takedown.request.id, result: result)], takedown: takedown)
    }
}

// MARK: Evolution

extension CaseState {
    mutating func escalateToHelpline(_ id: String, _ helpline: Helpline, reference: String?, at date: Date) {
        let version = version
        updateTakedown(id) { $0.helpline = HelplineEscalation(helpline: helpline, reference: reference, at: date, version: version) }
    }

    /// A helpline's `removed` counts as the material's removal, as a check confirming it does.
    mutating func recordHelplineResponse(_ id: String, _ result: HelplineResult, at date: Date) {
        updateTakedown(id) { takedown in
            takedown.helplineResult = result
            takedown.helplineRespondedAt = date
            if result == .removed, takedown.removalConfirmedAt == nil { takedown.removalConfirmedAt = date }
        }
    }
}

/// The helplines a school can escalate to beyond the host (SPEC §10).
public enum Helpline: String, Codable, Sendable, CaseIterable {
    /// The Professionals Online Safety Helpline, for people who work with children.
    case posh
    /// Report Harmful Content.
    case reportHarmfulContent = "report-harmful-content"

    /// Its name in words.
    public var name: String {
        switch self {
        case .posh: return "the Professionals Online Safety Helpline (POSH)"
        case .reportHarmfulContent: return "Report Harmful Content"
        }
    }
}

/// A helpline's answer to an escalation (SPEC §10).
public enum HelplineResult: String, Codable, Sendable, CaseIterable {
    case removed, refused, advice, noResponse = "no-response"
}

/// A request escalated to a helpline (SPEC §10).
public struct HelplineEscalation: Sendable, Equatable {
    /// Which helpline.
    public var helpline: Helpline
    /// The helpline's own reference, when given.
    public var reference: String?
    /// When.
    public var at: Date
    /// The version of the escalation event (its deadline's clock starts there).
    public var version: Int
}
