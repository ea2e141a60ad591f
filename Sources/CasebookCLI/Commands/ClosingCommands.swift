import Casebook
import EventLog
import Foundation

/// `police consent|refer|notified`, `support offer|response`, `close`, `reopen`.
enum ClosingCommands {
    static let consent = CaseCommands.step(
        StepForms.form(.recordConsent), name: "police consent",
        examples: ["casebook --as smt.jones police consent CB-2026-0001 --given --by t.pennington"],
        describe: { state, _, _ in "Consent \(state.consent?.rawValue ?? "?") by \(state.opened.affected) on \(state.reference)." })

    static let refer = CaseCommands.step(
        StepForms.form(.referToPolice), name: "police refer",
        examples: [
            "casebook --as smt.jones police refer CB-2026-0001 --force 'Northshire Police' --reference NP-26-118822",
            "casebook --as head police refer CB-2026-0001 --force 'Northshire Police' --unlawful --reason 'Disclosed a pupil's home address (data protection offence).'",
        ],
        describe: { state, _, _ in
            guard let referral = state.policeReferral else { return "Referred." }
            return "\(state.reference) referred to \(referral.force)"
                + (referral.overrideReason.map { " WITHOUT CONSENT (child-protection override: \($0))" } ?? "")
                + (referral.unlawfulConduct.map { " as conduct the school considers unlawful (000 §14.5): \($0)" } ?? "") + "."
        })

    static let notified = CaseCommands.step(
        StepForms.form(.notifyPolice), name: "police notified",
        examples: ["casebook --as smt.jones police notified CB-2026-0001 --at '2026-11-21 10:30'"],
        describe: { state, _, _ in "Recorded: \(state.policeReferral?.force ?? "the force") told that consent was withdrawn on \(state.reference)." })

    static let offerSupport = CaseCommands.step(
        StepForms.form(.offerSupport), name: "support offer",
        examples: ["casebook --as smt.jones support offer CB-2026-0001 --service 'Employee assistance programme' --service 'Stress counselling'"],
        describe: { state, _, _ in "Support offered on \(state.reference): \((state.supportServices ?? []).joined(separator: ", "))." })

    static let supportResponse = CaseCommands.step(
        StepForms.form(.recordSupportResponse), name: "support response",
        examples: ["casebook --as smt.jones support response CB-2026-0001 --accepted"],
        describe: { state, _, _ in "Support \(state.supportResponse?.rawValue ?? "?") on \(state.reference)." })

    static let close = CaseCommands.step(
        StepForms.form(.close), name: "close",
        examples: ["casebook --as smt.jones close CB-2026-0001 --outcome 'Post removed; pupil sanctioned.' --action behaviour-sanction"],
        describe: { state, _, _ in "\(state.reference) closed (\(state.closure?.action.rawValue ?? "?"))." })

    static let reopen = CaseCommands.step(
        StepForms.form(.reopen), name: "reopen",
        examples: ["casebook --as smt.jones reopen CB-2026-0001 --reason 'The post reappeared.'"],
        describe: { state, _, _ in
            "\(state.reference) reopened."
                + (state.investigationRound > 1 ? " Round \(state.investigationRound) of the investigation is open: the source, the assessment and the conclusion may be recorded again." : "")
        })

    static let correct = CaseCommands.step(
        StepForms.form(.correctClosure), name: "close correct",
        examples: [
            "casebook --as smt.jones close correct CB-2026-0001 --outcome 'Blocked by the ISP; pupil sanctioned.' --action behaviour-sanction --reason 'POSH was never involved.'"
        ],
        describe: { state, _, _ in
            guard let record = state.closures.last else { return "Corrected." }
            return "Closure of \(state.reference) corrected: \(record.closure.outcome) (\(record.closure.action.rawValue))"
                + (record.correctedFrom.map { "; was: \($0.outcome) (\($0.action.rawValue))" } ?? "") + "."
        })
}
