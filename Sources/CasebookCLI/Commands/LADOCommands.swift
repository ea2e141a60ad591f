import Casebook
import EventLog
import Foundation

/// `refer lado`, `lado advice`, `lado outcome` (KCSIE Part 4; SPEC §11).
enum LADOCommands {
    static let refer = CaseCommands.step(
        StepForms.form(.referToLADO), name: "refer lado",
        examples: ["casebook --as dsl.khan refer lado CB-2026-0001 --reason 'A teacher shared an image of a pupil'"],
        describe: { state, _, _ in "\(state.reference) referred to the LADO. Record the LADO's advice and outcome: casebook lado outcome \(state.reference) --result RESULT" })

    static let advice = CaseCommands.step(
        StepForms.form(.recordLADOAdvice), name: "lado advice",
        examples: ["casebook --as dsl.khan lado advice CB-2026-0001 --text 'Suspend pending the police strategy meeting'"],
        describe: { state, _, _ in "LADO advice recorded on \(state.reference)." })

    static let outcome = CaseCommands.step(
        StepForms.form(.recordLADOOutcome), name: "lado outcome",
        examples: ["casebook --as dsl.khan lado outcome CB-2026-0001 --result substantiated"],
        describe: { state, _, _ in "LADO outcome on \(state.reference): \(state.lado?.result?.rawValue ?? "?")." })
}
