import Casebook
import EventLog
import Foundation

/// `refer lado`, `lado advice`, `lado outcome` (KCSIE Part 4; SPEC §11).
enum LADOCommands {
    static let refer = CaseCommands.step(
        CommandSpec(
            name: "refer lado",
            summary: "Refer an allegation against a member of staff to the LADO (KCSIE Part 4): due one working day after a staff source is identified on a case that concerns a child.",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why: what the member of staff is alleged to have done.")],
            examples: ["casebook --as dsl.khan refer lado CB-2026-0001 --reason 'A teacher shared an image of a pupil'"]),
        make: { invocation, _ in .referToLADO(reason: try invocation.value("reason")) },
        describe: { state, _, _ in "\(state.reference) referred to the LADO. Record the LADO's advice and outcome: casebook lado outcome \(state.reference) --result RESULT" })

    static let advice = CaseCommands.step(
        CommandSpec(
            name: "lado advice", summary: "Record the LADO's advice on a referral.",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "text", valueName: "text", isRequired: true, help: "The advice, in your words.")],
            examples: ["casebook --as dsl.khan lado advice CB-2026-0001 --text 'Suspend pending the police strategy meeting'"]),
        make: { invocation, _ in .recordLADOAdvice(text: try invocation.value("text")) },
        describe: { state, _, _ in "LADO advice recorded on \(state.reference)." })

    static let outcome = CaseCommands.step(
        CommandSpec(
            name: "lado outcome", summary: "Record the LADO's outcome; the case cannot close without it once referred.",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "result", valueName: "result", isRequired: true, help: "One of: \(LADOResult.choices).")],
            examples: ["casebook --as dsl.khan lado outcome CB-2026-0001 --result substantiated"]),
        make: { invocation, _ in .recordLADOOutcome(try invocation.word("result", as: LADOResult.self)) },
        describe: { state, _, _ in "LADO outcome on \(state.reference): \(state.lado?.result?.rawValue ?? "?")." })
}
