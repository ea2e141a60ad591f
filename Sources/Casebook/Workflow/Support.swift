import Foundation

/// Support (SPEC §2.7, 000 §13.8): offered at any time while the case is open, with the
/// services signposted; then the affected person's answer.
enum SupportTrack {
    // MARK: The step table's entries

    static let offer = StepGuards(guards: [])
    static let response = StepGuards(guards: [offered])

    // MARK: Guards

    /// The answer to support follows the offer.
    static let offered = Guard("support-response-needs-offer") { input in
        guard input.state.supportServices == nil else { return nil }
        return Refusal(.supportResponseNeedsOffer, reason: "no support has been offered", unblock: .step(.offerSupport))
    }

    // MARK: Decisions

    static func offer(_ services: [String]) throws -> Workflow.Decision {
        let services = try services.map { try Workflow.text($0, "the service") }
        guard !services.isEmpty else {
            throw CasebookError.invalidInput("name at least one service signposted, e.g. 'Employee assistance programme'")
        }
        return Workflow.Decision(events: [.supportOffered(services: services)])
    }
}
