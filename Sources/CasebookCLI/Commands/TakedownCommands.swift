import Casebook
import EventLog
import Foundation

/// `takedown request|response|check|not-applicable`, `isp escalate|response`.
enum TakedownCommands {
    static let requestPositional = PositionalSpec(name: "request", help: "The takedown request, e.g. T1.")

    static let request = CaseCommands.step(
        CommandSpec(
            name: "takedown request",
            summary: "Ask a host to remove or amend material (000 §13.5); prints T1, … and the 24-hour deadline.",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "evidence", valueName: "ids", isRequired: true, help: "The URL evidence it covers: E1 or E1,E2."),
                OptionSpec(name: "host", valueName: "host", help: "The host (default: the evidence URLs' host)."),
                OptionSpec(name: "method", valueName: "method", isRequired: true, help: "One of: \(TakedownMethod.choices)."),
                OptionSpec(
                    name: "by", valueName: "sender",
                    help: "school (default), or complainant when the site insists the person asks and the school supports them."),
                OptionSpec(
                    name: "platform-reference", valueName: "ref",
                    help: "The platform's own reference for the report (the helplines ask for it, SPEC §10)."),
            ],
            examples: [
                "casebook --as smt.jones takedown request CB-2026-0001 --evidence E1 --method form --platform-reference 'Report 88213'"
            ]),
        make: { invocation, _ in
            .requestTakedown(
                evidence: try invocation.value("evidence").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                host: invocation.optional("host"), method: try invocation.word("method", as: TakedownMethod.self),
                sentBy: try invocation.optional("by").map { try Invocation.word($0, option: "by", as: RequestSender.self) } ?? .school,
                platformReference: invocation.optional("platform-reference"))
        },
        describe: { state, events, invocation in
            guard case .takedownRequested(let request)? = events.first, let takedown = state.takedown(request.id) else {
                return "Requested."
            }
            return "\(request.id) requested from \(request.host) for \(request.evidence.joined(separator: ", ")); "
                + "deadline \(invocation.localTime.format(takedown.deadline)) (24 hours)."
                + (Workflow.imageryRoute(for: request, in: state).map { "\nIWF route: \($0)" } ?? "")
        })

    static let response = CaseCommands.step(
        CommandSpec(
            name: "takedown response", summary: "Record the host's response to a takedown request.",
            positionals: [CaseCommands.casePositional, requestPositional],
            options: [
                OptionSpec(name: "result", valueName: "result", isRequired: true, help: "One of: \(HostResponse.choices)."),
                OptionSpec(name: "file", valueName: "path", help: "The platform's reply (a saved email or screenshot), kept like evidence.", file: .input),
            ],
            examples: ["casebook --as smt.jones takedown response CB-2026-0001 T1 --result refused --file reply.eml"]),
        files: { invocation in
            try invocation.optional("file").map { path in
                [(name: (path as NSString).lastPathComponent, bytes: try invocation.readFile(path))]
            } ?? []
        },
        make: { invocation, files in
            .recordHostResponse(
                request: try invocation.positional(1), try invocation.word("result", as: HostResponse.self), file: files.first)
        },
        describe: { state, events, _ in
            guard case .hostResponded(let id, let result, let file)? = events.first else { return "Recorded." }
            return "\(id) on \(state.reference): host response \(result.rawValue)."
                + (file.map { " The platform's reply \($0.name) is kept (SHA-256 \($0.sha256))." } ?? "")
        })

    static let check = CaseCommands.step(
        CommandSpec(
            name: "takedown check", summary: "Record a check of whether the material was removed (000 §13.6).",
            positionals: [CaseCommands.casePositional, requestPositional],
            options: [
                OptionSpec(name: "result", valueName: "result", isRequired: true, help: "One of: \(CheckResult.choices)."),
                OptionSpec(name: "file", valueName: "path", help: "A screenshot of what the check found.", file: .input),
            ],
            examples: ["casebook --as smt.jones takedown check CB-2026-0001 T1 --result removed --file gone.png"]),
        files: { invocation in
            try invocation.optional("file").map { path in
                [(name: (path as NSString).lastPathComponent, bytes: try invocation.readFile(path))]
            } ?? []
        },
        make: { invocation, files in
            .checkRemoval(
                request: try invocation.positional(1), try invocation.word("result", as: CheckResult.self), file: files.first)
        },
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
        CommandSpec(
            name: "takedown not-applicable", summary: "Declare that host takedown does not apply, with the reason.",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why (e.g. the material was a private message).")],
            examples: ["casebook --as smt.jones takedown not-applicable CB-2026-0001 --reason 'Private email, not published.'"]),
        make: { invocation, _ in .declareTakedownNotApplicable(reason: try invocation.value("reason")) },
        describe: { state, _, _ in "Takedown declared not applicable on \(state.reference)." })

    static let escalate = CaseCommands.step(
        CommandSpec(
            name: "isp escalate",
            summary: "Escalate a takedown request to the ISP (000 §13.6): when the host refused, did not respond, the material is still present, or the deadline passed.",
            positionals: [CaseCommands.casePositional, requestPositional],
            options: [OptionSpec(name: "isp", valueName: "name", isRequired: true, help: "The internet service provider.")],
            examples: ["casebook --as smt.jones isp escalate CB-2026-0001 T1 --isp 'Example Telecom'"]),
        make: { invocation, _ in .escalateToISP(request: try invocation.positional(1), isp: try invocation.value("isp")) },
        describe: { state, events, _ in
            guard case .ispEscalated(let id, let isp)? = events.first else { return "Escalated." }
            return "\(id) on \(state.reference) escalated to \(isp)."
        })

    static let ispResponse = CaseCommands.step(
        CommandSpec(
            name: "isp response", summary: "Record the ISP's response to an escalation.",
            positionals: [CaseCommands.casePositional, requestPositional],
            options: [OptionSpec(name: "result", valueName: "result", isRequired: true, help: "One of: \(ISPResponse.choices).")],
            examples: ["casebook --as smt.jones isp response CB-2026-0001 T1 --result blocked"]),
        make: { invocation, _ in
            .recordISPResponse(request: try invocation.positional(1), try invocation.word("result", as: ISPResponse.self))
        },
        describe: { state, events, _ in
            guard case .ispResponded(let id, let result)? = events.first else { return "Recorded." }
            // A refusal or silence leaves the material online: the helplines are next (SPEC §10).
            let next = result.removesAccess ? nil : stillPresentNext(state, id)
            return "\(id) on \(state.reference): ISP response \(result.rawValue)."
                + (next.map { "\nThe material is still online. Next: \($0)" } ?? "")
        })
}
