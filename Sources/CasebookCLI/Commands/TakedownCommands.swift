import Casebook
import EventLog
import Foundation

/// `takedown request|response|check|not-applicable`, `isp escalate|response`.
enum TakedownCommands {
    static let request = CaseCommands.step(
        StepForms.form(.requestTakedown), name: "takedown request",
        summary: "Ask a host to remove or amend material (000 §13.5); prints T1, … and the 24-hour deadline.",
        examples: [
            "casebook --as smt.jones takedown request CB-2026-0001 --evidence E1 --method form --platform-reference 'Report 88213'"
        ],
        describe: { state, events, invocation in
            guard case .takedownRequested(let request)? = events.first, let takedown = state.takedown(request.id) else {
                return "Requested."
            }
            return "\(request.id) requested from \(request.host) for \(request.evidence.joined(separator: ", ")); "
                + "deadline \(invocation.localTime.format(takedown.deadline)) (24 hours)."
                + (Workflow.imageryRoute(for: request, in: state).map { "\nIWF route: \($0)" } ?? "")
        })

    static let response = CaseCommands.step(
        StepForms.form(.recordHostResponse), name: "takedown response",
        examples: ["casebook --as smt.jones takedown response CB-2026-0001 T1 --result refused --file reply.eml"],
        describe: { state, events, _ in
            guard case .hostResponded(let id, let result, let file)? = events.first else { return "Recorded." }
            return "\(id) on \(state.reference): host response \(result.rawValue)."
                + (file.map { " The platform's reply \($0.name) is kept (SHA-256 \($0.sha256))." } ?? "")
        })

    static let check = CaseCommands.step(
        StepForms.form(.checkRemoval), name: "takedown check",
        examples: ["casebook --as smt.jones takedown check CB-2026-0001 T1 --result removed --file gone.png"],
        describe: { state, events, _ in
            guard case .removalChecked(let id, let result, _)? = events.first else { return "Recorded." }
            return "\(id) on \(state.reference): check found \(result.rawValue)."
                + (result == .stillPresent ? stillPresentNext(state, id).map { "\nNext: \($0)" } ?? "" : "")
        })

    /// What to do when a check finds the material still there: the route not yet taken
    /// (000 §13.6, SPEC §10) — never an escalation already made.
    static func stillPresentNext(_ state: CaseState, _ id: String) -> String? {
        guard let takedown = state.takedown(id) else { return nil }
        var steps: [StepReference] = []
        if takedown.isp == nil {
            steps.append(.step(.escalateToISP, subject: id))
        } else if takedown.ispResponse == nil {
            steps.append(.step(.recordISPResponse, subject: id))
        }
        if takedown.helpline == nil {
            steps.append(.step(.escalateToPOSH, subject: id))
        } else if takedown.helplineResult == nil {
            steps.append(.step(.recordHelplineResponse, subject: id))
        }
        guard !steps.isEmpty else { return nil }
        return StepWords.render(.anyOf(steps), case: state.reference.description, localTime: nil)
    }

    static let notApplicable = CaseCommands.step(
        StepForms.form(.declareTakedownNotApplicable), name: "takedown not-applicable",
        examples: ["casebook --as smt.jones takedown not-applicable CB-2026-0001 --reason 'Private email, not published.'"],
        describe: { state, _, _ in "Takedown declared not applicable on \(state.reference)." })

    static let escalate = CaseCommands.step(
        StepForms.form(.escalateToISP), name: "isp escalate",
        examples: ["casebook --as smt.jones isp escalate CB-2026-0001 T1 --isp 'Example Telecom'"],
        describe: { state, events, _ in
            guard case .ispEscalated(let id, let isp)? = events.first else { return "Escalated." }
            return "\(id) on \(state.reference) escalated to \(isp)."
        })

    static let ispResponse = CaseCommands.step(
        StepForms.form(.recordISPResponse), name: "isp response",
        examples: ["casebook --as smt.jones isp response CB-2026-0001 T1 --result blocked"],
        describe: { state, events, _ in
            guard case .ispResponded(let id, let result)? = events.first else { return "Recorded." }
            // A refusal or silence leaves the material online: the helplines are next (SPEC §10).
            let next = result.removesAccess ? nil : stillPresentNext(state, id)
            return "\(id) on \(state.reference): ISP response \(result.rawValue)."
                + (next.map { "\nThe material is still online. Next: \($0)" } ?? "")
        })
}
