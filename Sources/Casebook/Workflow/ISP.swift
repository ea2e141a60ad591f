import EventLog
import Foundation

/// ISP escalation (SPEC §2.5, 000 §13.6): for one takedown request, when the host refused,
/// a check found the material still present, or the 24 hours passed without a check
/// confirming removal; then the ISP's response.
enum ISPTrack {
    // MARK: The step table's entries

    static let escalate = StepGuards(guards: [hostUncooperative], isPerRequest: true)
    static let response = StepGuards(guards: [escalatedAwaitingISP], isPerRequest: true)

    // MARK: Guards

    /// ISP escalation when the host did not cooperate or the deadline passed (000 §13.6).
    static let hostUncooperative = Guard("isp-needs-uncooperative-host") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        let id = takedown.request.id
        if let isp = takedown.isp {
            return Refusal(
                .ispEscalationOnce, reason: "\(id) was already escalated to \(isp)", unblock: .step(.recordISPResponse, subject: id))
        }
        if let check = takedown.check, check.confirmsRemoval {
            return Refusal(
                .ispNeedsUncooperativeHost, reason: "\(id): a check confirmed the material was \(check.rawValue)",
                unblock: .none("the request is resolved"))
        }
        let refused = takedown.response == .refused
        let stillPresent = takedown.check == .stillPresent
        let deadlinePassed = input.now >= takedown.deadline
        guard !(refused || stillPresent || deadlinePassed) else { return nil }
        return Refusal(
            .ispNeedsUncooperativeHost,
            reason: "\(id): the host has not refused, no check found the material still present, and the 24-hour deadline (\(takedown.deadline)) has not passed",
            unblock: .anyOf([
                .step(.recordHostResponse, subject: id, choice: HostResponse.refused.rawValue),
                .step(.checkRemoval, subject: id, choice: CheckResult.stillPresent.rawValue), .wait(until: takedown.deadline),
            ]))
    }

    /// The ISP's response follows an escalation and is recorded once.
    static let escalatedAwaitingISP = Guard("isp-response-needs-escalation") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        let id = takedown.request.id
        if takedown.isp == nil {
            return Refusal(
                .ispResponseNeedsEscalation, reason: "\(id) has not been escalated to an ISP",
                unblock: .step(.escalateToISP, subject: id))
        }
        if let response = takedown.ispResponse {
            return Refusal(
                .ispResponseOnce, reason: "\(id)'s ISP response is already recorded (\(response.rawValue))",
                unblock: takedown.isResolved || takedown.helpline != nil
                    ? .none("the ISP has answered") : .step(.escalateToPOSH, subject: id))
        }
        return nil
    }

    // MARK: Decisions

    static func escalate(_ id: String, isp: String, _ state: CaseState, at date: Date) throws -> Workflow.Decision {
        let isp = try Workflow.text(isp, "the ISP")
        let takedown = try Workflow.existingTakedown(id, state, at: date)
        return Workflow.Decision(events: [.ispEscalated(request: takedown.request.id, isp: isp)], takedown: takedown)
    }

    static func response(_ id: String, _ result: ISPResponse, _ state: CaseState, at date: Date) throws -> Workflow.Decision {
        let takedown = try Workflow.existingTakedown(id, state, at: date)
        return Workflow.Decision(events: [.ispResponded(request: takedown.request.id, result: result)], takedown: takedown)
    }
}
