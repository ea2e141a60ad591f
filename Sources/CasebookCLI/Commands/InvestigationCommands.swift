import Casebook
import EventLog
import Foundation

/// `investigate start|note|source|assess|conclude`, `refer behaviour|disciplinary`.
enum InvestigationCommands {
    static let start = CaseCommands.step(
        CommandSpec(
            name: "investigate start", summary: "Start the investigation (000 §13.3); needs at least one evidence item.",
            positionals: [CaseCommands.casePositional], examples: ["casebook --as smt.jones investigate start CB-2026-0001"]),
        make: { _, _ in .startInvestigation },
        describe: { state, _, _ in "Investigation of \(state.reference) started." })

    static let note = CaseCommands.step(
        CommandSpec(
            name: "investigate note", summary: "Add a note to the investigation.",
            positionals: [CaseCommands.casePositional, PositionalSpec(name: "text", help: "The note.")],
            examples: ["casebook --as smt.jones investigate note CB-2026-0001 'Spoke to the head of year.'"]),
        make: { invocation, _ in .addNote(try invocation.positional(1)) },
        describe: { state, _, _ in
            "Note \(state.notes.last?.id ?? "?") added to \(state.reference) (\(state.notes.count) in all)."
        })

    static let source = CaseCommands.step(
        CommandSpec(
            name: "investigate source", summary: "Record who posted the material (000 §13.4).",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "kind", valueName: "kind", isRequired: true, help: "One of: \(SourceKind.choices)."),
                OptionSpec(name: "ref", valueName: "text", help: "A reference such as an account handle."),
            ],
            examples: ["casebook --as smt.jones investigate source CB-2026-0001 --kind pupil --ref @hf_truthteller"]),
        make: { invocation, _ in .identifySource(try invocation.word("kind", as: SourceKind.self), ref: invocation.optional("ref")) },
        describe: { state, _, _ in
            "Source of \(state.reference): \(state.source?.kind.rawValue ?? "?")" + (state.source?.ref.map { " (\($0))" } ?? "") + "."
        })

    static let assess = CaseCommands.step(
        CommandSpec(
            name: "investigate assess", summary: "Assess whether the material is threatening or intimidating (000 §13.7).",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "threatening", help: "The material is threatening or intimidating."),
                OptionSpec(name: "not-threatening", help: "It is not."),
                OptionSpec(name: "rationale", valueName: "text", isRequired: true, help: "Why."),
            ],
            examples: ["casebook --as smt.jones investigate assess CB-2026-0001 --threatening --rationale 'Names her home street.'"]),
        make: { invocation, _ in
            .assessThreat(
                isThreatening: try invocation.oneFlag(["threatening", "not-threatening"]) == "threatening",
                rationale: try invocation.value("rationale"))
        },
        describe: { state, _, _ in
            "Assessed \(state.reference): \(state.isThreatening == true ? "threatening or intimidating" : "not threatening")."
        })

    static let conclude = CaseCommands.step(
        CommandSpec(
            name: "investigate conclude", summary: "Conclude the investigation with a finding; needs the source and the threat assessment.",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "finding", valueName: "finding", isRequired: true, help: "One of: \(Finding.choices)."),
                OptionSpec(name: "summary", valueName: "text", isRequired: true, help: "The conclusion."),
            ],
            examples: ["casebook --as smt.jones investigate conclude CB-2026-0001 --finding substantiated --summary 'Year 10 pupil admitted posting.'"]),
        make: { invocation, _ in
            .concludeInvestigation(try invocation.word("finding", as: Finding.self), summary: try invocation.value("summary"))
        },
        describe: { state, _, _ in "Investigation of \(state.reference) concluded." })

    static let referBehaviour = CaseCommands.step(
        CommandSpec(
            name: "refer behaviour", summary: "Refer a pupil source under the behaviour policy (000 §13.4).",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "pupil", valueName: "ref", isRequired: true, help: "The pupil's reference in the school's records.")],
            examples: ["casebook --as smt.jones refer behaviour CB-2026-0001 --pupil Y10-0423"]),
        make: { invocation, _ in .referBehaviour(pupil: try invocation.value("pupil")) },
        describe: { state, _, _ in "Behaviour referral \(state.referrals.last?.id ?? "?") recorded on \(state.reference)." })

    static let referDisciplinary = CaseCommands.step(
        CommandSpec(
            name: "refer disciplinary", summary: "Refer a staff source to the disciplinary procedure (000 §14).",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "staff", valueName: "id", isRequired: true, help: "The member of staff referred.")],
            examples: ["casebook --as smt.jones refer disciplinary CB-2026-0001 --staff k.marsh"]),
        make: { invocation, _ in .referDisciplinary(staff: try invocation.value("staff")) },
        describe: { state, _, _ in "Disciplinary referral \(state.referrals.last?.id ?? "?") recorded on \(state.reference)." })
}
