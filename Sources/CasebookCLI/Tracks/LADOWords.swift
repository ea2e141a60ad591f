import Casebook
import EventLog
import Foundation

/// The LADO track's words (KCSIE Part 4; SPEC §11): `refer lado`, `lado advice`,
/// `lado outcome`, its deadline and its part of `show`. Registered in ``Commands/tracks``.
enum LADOWords: TrackWords {
    static let commands = [refer, advice, outcome]
    static let job = Commands.Job.investigate
    static let stepCommands: [Step: String] = [
        .referToLADO: "refer lado", .recordLADOAdvice: "lado advice", .recordLADOOutcome: "lado outcome",
    ]

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

    static func what(_ deadline: Deadline) -> String? {
        deadline.kind == .ladoReferral ? "LADO referral due (one working day)" : nil
    }

    static func showLines(_ state: CaseState, time: (Date?) -> String) -> [String] {
        if let lado = state.lado {
            return [
                "LADO:        referred \(time(lado.at)): \(lado.reason); outcome \(lado.result?.rawValue ?? "NOT RECORDED")"
                    + lado.advice.map { "; advice: \($0)" }.joined()
            ]
        }
        guard state.needsLADOReferral else { return [] }
        return ["LADO:        REQUIRED (a staff source; the material concerns a child): casebook refer lado \(state.reference) --reason TEXT"]
    }

    static func showJSON(_ state: CaseState) -> [String: JSONValue] {
        [
            "lado": state.lado.map { lado in
                [
                    "reason": .string(lado.reason), "at": JSONOutput.time(lado.at), "advice": .array(lado.advice.map(JSONValue.string)),
                    "result": JSONValue(lado.result?.rawValue),
                ]
            } ?? (state.needsLADOReferral ? ["required": true] : .null)
        ]
    }
}
