import Casebook
import EventLog
import Foundation

/// `withdraw`: correcting an entry made in error (SPEC §2.9).
enum CorrectionCommands {
    static let withdraw = CaseCommands.step(
        StepForms.form(.withdraw), name: "withdraw",
        examples: [
            "casebook --as smt.jones withdraw CB-2026-0001 R1 --reason 'Referred the affected teacher by mistake.'",
            "casebook --as smt.jones withdraw CB-2026-0001 E2 --reason 'Wrong URL: another school's page.'",
            "casebook --as smt.jones withdraw CB-2026-0001 not-applicable --reason 'The post is public after all.'",
        ],
        describe: { state, events, _ in
            guard case .withdrawn(let item, _)? = events.first else { return "Withdrawn." }
            return "\(item) on \(state.reference) withdrawn as entered in error; it stays in the timeline."
        })
}
