import Casebook
import EventLog
import Foundation

/// `helpline escalate|response` (SPEC §10).
enum HelplineCommands {
    static let escalate = CaseCommands.step(
        StepForms.form(.escalateToPOSH), name: "helpline escalate",
        examples: ["casebook --as smt.jones helpline escalate CB-2026-0001 T1 --to posh --reference 'POSH-2211'"],
        discussion: """
            POSH (the Professionals Online Safety Helpline) takes a request once the platform refused, a \
            check found the material still present, or helpline.posh.wait-hours (48 unless changed with \
            'settings set') have passed since the platform report. Report Harmful Content needs the \
            platform's reply: a 'refused' or 'no-response' takedown response. Give the platform's \
            reference (takedown request --platform-reference) and its reply (takedown response --file).
            """,
        describe: { state, events, invocation in
            guard case .helplineEscalated(let id, let helpline, _)? = events.first, let takedown = state.takedown(id) else {
                return "Escalated."
            }
            var text = "\(id) on \(state.reference) escalated to \(helpline.name)."
            if let platform = takedown.request.platformReference { text += " Platform reference: \(platform)." }
            return text + "\nNext: casebook helpline response \(state.reference) \(id) --result \(HelplineResult.allCases.map(\.rawValue).joined(separator: "|"))"
        })

    static let response = CaseCommands.step(
        StepForms.form(.recordHelplineResponse), name: "helpline response",
        examples: ["casebook --as smt.jones helpline response CB-2026-0001 T1 --result removed"],
        describe: { state, events, _ in
            guard case .helplineResponded(let id, let result)? = events.first else { return "Recorded." }
            return "\(id) on \(state.reference): helpline response \(result.rawValue)"
                + (result == .removed ? " (counted as the material's removal)." : ".")
        })
}
