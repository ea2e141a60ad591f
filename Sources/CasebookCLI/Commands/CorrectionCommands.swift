import Casebook
import EventLog
import Foundation

/// `withdraw`: correcting an entry made in error (SPEC §2.9).
enum CorrectionCommands {
    static let withdraw = CaseCommands.step(
        CommandSpec(
            name: "withdraw",
            summary: "Withdraw an entry made in error, with the reason; it stays in the timeline, marked withdrawn (SPEC §2.9).",
            positionals: [
                CaseCommands.casePositional,
                PositionalSpec(
                    name: "item",
                    help: "E1… evidence, N1… notes, R1… referrals, T1… takedown requests, or source, assessment, consent, not-applicable."),
            ],
            options: [OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why it was an error.")],
            examples: [
                "casebook --as smt.jones withdraw CB-2026-0001 R1 --reason 'Referred the affected teacher by mistake.'",
                "casebook --as smt.jones withdraw CB-2026-0001 E2 --reason 'Wrong URL: another school's page.'",
                "casebook --as smt.jones withdraw CB-2026-0001 not-applicable --reason 'The post is public after all.'",
            ]),
        make: { invocation, _ in
            .withdraw(item: try invocation.positional(1), reason: try invocation.value("reason"))
        },
        describe: { state, events, _ in
            guard case .withdrawn(let item, _)? = events.first else { return "Withdrawn." }
            return "\(item) on \(state.reference) withdrawn as entered in error; it stays in the timeline."
        })
}
