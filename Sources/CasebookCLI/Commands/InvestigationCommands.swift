import Casebook
import EventLog
import Foundation

/// `investigate start|note|source|assess|conclude`, `refer behaviour|disciplinary`.
enum InvestigationCommands {
    static let start = CaseCommands.step(
        StepForms.form(.startInvestigation), name: "investigate start",
        examples: ["casebook --as smt.jones investigate start CB-2026-0001"],
        describe: { state, _, _ in "Investigation of \(state.reference) started." })

    static let note = CaseCommands.step(
        StepForms.form(.addNote), name: "investigate note",
        examples: ["casebook --as smt.jones investigate note CB-2026-0001 'Spoke to the head of year.'"],
        describe: { state, _, _ in
            "Note \(state.notes.last?.id ?? "?") added to \(state.reference) (\(state.notes.count) in all)."
        })

    static let source = CaseCommands.step(
        StepForms.form(.identifySource), name: "investigate source",
        examples: ["casebook --as smt.jones investigate source CB-2026-0001 --kind pupil --ref @hf_truthteller"],
        describe: { state, _, _ in
            "Source of \(state.reference): \(state.source?.kind.rawValue ?? "?")" + (state.source?.ref.map { " (\($0))" } ?? "") + "."
        })

    static let assess = CaseCommands.step(
        StepForms.form(.assessThreat), name: "investigate assess",
        examples: ["casebook --as smt.jones investigate assess CB-2026-0001 --threatening --rationale 'Names her home street.'"],
        describe: { state, _, _ in
            "Assessed \(state.reference): \(state.isThreatening == true ? "threatening or intimidating" : "not threatening")."
        })

    static let conclude = CaseCommands.step(
        StepForms.form(.concludeInvestigation), name: "investigate conclude",
        examples: ["casebook --as smt.jones investigate conclude CB-2026-0001 --finding substantiated --summary 'Year 10 pupil admitted posting.'"],
        describe: { state, _, _ in "Investigation of \(state.reference) concluded." })

    static let referBehaviour = CaseCommands.step(
        StepForms.form(.referBehaviour), name: "refer behaviour",
        examples: ["casebook --as smt.jones refer behaviour CB-2026-0001 --pupil Y10-0423"],
        describe: { state, _, _ in "Behaviour referral \(state.referrals.last?.id ?? "?") recorded on \(state.reference)." })

    static let referDisciplinary = CaseCommands.step(
        StepForms.form(.referDisciplinary), name: "refer disciplinary",
        examples: ["casebook --as smt.jones refer disciplinary CB-2026-0001 --staff k.marsh"],
        describe: { state, _, _ in "Disciplinary referral \(state.referrals.last?.id ?? "?") recorded on \(state.reference)." })
}
