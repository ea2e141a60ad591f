import Casebook
import EventLog
import Foundation

/// `police consent|refer|notified`, `support offer|response`, `close`, `reopen`.
enum ClosingCommands {
    static let consent = CaseCommands.step(
        CommandSpec(
            name: "police consent", summary: "Record the affected person's decision on a police referral (000 §13.7).",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "given", help: "Consent given."),
                OptionSpec(name: "declined", help: "Consent declined."),
                OptionSpec(name: "withdrawn", help: "Consent withdrawn."),
                OptionSpec(name: "by", valueName: "id", isRequired: true, help: "The affected person (consent is theirs)."),
            ],
            examples: ["casebook --as smt.jones police consent CB-2026-0001 --given --by t.pennington"]),
        make: { invocation, _ in
            .recordConsent(
                try Invocation.word(invocation.oneFlag(["given", "declined", "withdrawn"]), option: "consent", as: ConsentDecision.self),
                by: try invocation.value("by"))
        },
        describe: { state, _, _ in "Consent \(state.consent?.rawValue ?? "?") by \(state.opened.affected) on \(state.reference)." })

    static let refer = CaseCommands.step(
        CommandSpec(
            name: "police refer",
            summary: "Refer the case to the police: threatening material with consent (000 §13.7), a child-protection override, or conduct the school considers unlawful (000 §14.5).",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "force", valueName: "name", isRequired: true, help: "The police force."),
                OptionSpec(name: "reference", valueName: "crn", help: "The crime reference number."),
                OptionSpec(
                    name: "override-reason", valueName: "text",
                    help: "Refer without consent for child protection (headteacher or safeguarding lead only)."),
                OptionSpec(
                    name: "unlawful",
                    help: "Report conduct the school considers unlawful (000 §14.5): the school's decision, with --reason; needs neither threatening material nor consent (headteacher, senior manager or safeguarding lead)."),
                OptionSpec(name: "reason", valueName: "text", help: "With --unlawful: why the school considers the conduct unlawful."),
            ],
            examples: [
                "casebook --as smt.jones police refer CB-2026-0001 --force 'Northshire Police' --reference NP-26-118822",
                "casebook --as head police refer CB-2026-0001 --force 'Northshire Police' --unlawful --reason 'Disclosed a pupil's home address (data protection offence).'",
            ]),
        make: { invocation, _ in
            let force = try invocation.value("force")
            let reference = invocation.optional("reference")
            if invocation.arguments.flag("unlawful") {
                guard invocation.optional("override-reason") == nil else {
                    throw CommandError.usage("--unlawful and --override-reason are separate routes: give one")
                }
                guard let reason = invocation.optional("reason") else {
                    throw CommandError.usage("--unlawful needs --reason TEXT: the school's reasons are recorded (000 §14.5)")
                }
                return .referToPoliceUnlawful(force: force, reference: reference, reason: reason)
            }
            guard invocation.optional("reason") == nil else {
                throw CommandError.usage("--reason goes with --unlawful (for a child-protection override, use --override-reason)")
            }
            return .referToPolice(force: force, reference: reference, overrideReason: invocation.optional("override-reason"))
        },
        describe: { state, _, _ in
            guard let referral = state.policeReferral else { return "Referred." }
            return "\(state.reference) referred to \(referral.force)"
                + (referral.overrideReason.map { " WITHOUT CONSENT (child-protection override: \($0))" } ?? "")
                + (referral.unlawfulConduct.map { " as conduct the school considers unlawful (000 §14.5): \($0)" } ?? "") + "."
        })

    static let notified = CaseCommands.step(
        CommandSpec(
            name: "police notified",
            summary: "Record that the force was told the affected person withdrew consent after the referral (000 §13.7).",
            positionals: [CaseCommands.casePositional],
            examples: ["casebook --as smt.jones police notified CB-2026-0001 --at '2026-11-21 10:30'"]),
        make: { _, _ in .notifyPolice },
        describe: { state, _, _ in "Recorded: \(state.policeReferral?.force ?? "the force") told that consent was withdrawn on \(state.reference)." })

    static let offerSupport = CaseCommands.step(
        CommandSpec(
            name: "support offer", summary: "Offer support and signpost services (000 §13.8).",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "service", valueName: "name", isRepeatable: true, isRequired: true, help: "A service signposted; repeat for several.")],
            examples: ["casebook --as smt.jones support offer CB-2026-0001 --service 'Employee assistance programme' --service 'Stress counselling'"]),
        make: { invocation, _ in .offerSupport(services: invocation.arguments.values("service")) },
        describe: { state, _, _ in "Support offered on \(state.reference): \((state.supportServices ?? []).joined(separator: ", "))." })

    static let supportResponse = CaseCommands.step(
        CommandSpec(
            name: "support response", summary: "Record whether the support was accepted.",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "accepted", help: "Accepted."), OptionSpec(name: "declined", help: "Declined.")],
            examples: ["casebook --as smt.jones support response CB-2026-0001 --accepted"]),
        make: { invocation, _ in
            .recordSupportResponse(
                try Invocation.word(invocation.oneFlag(["accepted", "declined"]), option: "response", as: SupportResponse.self))
        },
        describe: { state, _, _ in "Support \(state.supportResponse?.rawValue ?? "?") on \(state.reference)." })

    static let close = CaseCommands.step(
        CommandSpec(
            name: "close", summary: "Close the case with an outcome and an action; refused (listing every missing step) until the case is complete.",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "outcome", valueName: "text", isRequired: true, help: "The outcome summary."),
                OptionSpec(name: "action", valueName: "action", isRequired: true, help: "One of: \(CloseAction.choices)."),
            ],
            examples: ["casebook --as smt.jones close CB-2026-0001 --outcome 'Post removed; pupil sanctioned.' --action behaviour-sanction"]),
        make: { invocation, _ in .close(outcome: try invocation.value("outcome"), action: try invocation.word("action", as: CloseAction.self)) },
        describe: { state, _, _ in "\(state.reference) closed (\(state.closure?.action.rawValue ?? "?"))." })

    static let reopen = CaseCommands.step(
        CommandSpec(
            name: "reopen", summary: "Reopen a closed case, with the reason.",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why it is reopened.")],
            examples: ["casebook --as smt.jones reopen CB-2026-0001 --reason 'The post reappeared.'"]),
        make: { invocation, _ in .reopen(reason: try invocation.value("reason")) },
        describe: { state, _, _ in
            "\(state.reference) reopened."
                + (state.investigationRound > 1 ? " Round \(state.investigationRound) of the investigation is open: the source, the assessment and the conclusion may be recorded again." : "")
        })

    static let correct = CaseCommands.step(
        CommandSpec(
            name: "close correct",
            summary: "Correct the latest closure's outcome and action, with the reason (SPEC §2.9); the outcome as first recorded stays in the timeline, marked superseded.",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "outcome", valueName: "text", isRequired: true, help: "The correct outcome summary."),
                OptionSpec(name: "action", valueName: "action", isRequired: true, help: "One of: \(CloseAction.choices)."),
                OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why the outcome recorded was wrong."),
            ],
            examples: [
                "casebook --as smt.jones close correct CB-2026-0001 --outcome 'Blocked by the ISP; pupil sanctioned.' --action behaviour-sanction --reason 'POSH was never involved.'"
            ]),
        make: { invocation, _ in
            .correctClosure(
                outcome: try invocation.value("outcome"), action: try invocation.word("action", as: CloseAction.self),
                reason: try invocation.value("reason"))
        },
        describe: { state, _, _ in
            guard let record = state.closures.last else { return "Corrected." }
            return "Closure of \(state.reference) corrected: \(record.closure.outcome) (\(record.closure.action.rawValue))"
                + (record.correctedFrom.map { "; was: \($0.outcome) (\($0.action.rawValue))" } ?? "") + "."
        })
}
