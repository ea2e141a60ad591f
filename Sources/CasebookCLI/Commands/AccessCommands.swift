import Casebook
import EventLog
import Foundation

/// `restrict`: conflicts of interest beyond those Casebook knows (SPEC §8).
enum AccessCommands {
    static let restrict = Command(
        spec: CommandSpec(
            name: "restrict",
            summary: "Exclude a member of staff from a case (e.g. the line manager of the accused), or undo it (headteacher, safeguarding lead).",
            positionals: [CaseCommands.casePositional],
            options: [
                OptionSpec(name: "exclude", valueName: "id", help: "The member to exclude: they may no longer see or act on the case."),
                OptionSpec(name: "include", valueName: "id", help: "The member whose exclusion is undone."),
                OptionSpec(name: "reason", valueName: "text", help: "Why (required with --exclude)."), .at,
            ],
            examples: [
                "casebook restrict CB-2026-0001 --exclude smt.patel --reason 'Line manager of the member of staff identified as the source'",
                "casebook restrict CB-2026-0001 --include smt.patel --reason 'Line management changed'",
            ],
            discussion: """
                The affected person, a member of staff identified as the source (investigate source \
                --kind staff --ref ID) and anyone referred for discipline on the case are kept out \
                without it; --include undoes only an exclusion made here. Recorded as a case event and \
                shown in the timeline.
                """)
    ) { invocation in
        let exclude = invocation.optional("exclude")
        let include = invocation.optional("include")
        guard (exclude == nil) != (include == nil), let staff = exclude ?? include else {
            throw CommandError.usage("give exactly one of --exclude ID, --include ID")
        }
        if exclude != nil, invocation.optional("reason") == nil { throw CommandError.usage("--exclude needs --reason TEXT") }
        let reference = try invocation.caseReference()
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let state = try casebook.staff.restrict(
            reference, staff: staff, exclude: exclude != nil, reason: invocation.optional("reason"), by: actor,
            at: try invocation.at())
        let member = try casebook.member(staff)
        let name = member.map { "\($0.id) (\($0.name))" } ?? staff
        return Output(
            text: exclude != nil
                ? "\(name) is excluded from \(reference): they may no longer see or act on it."
                : "\(name) is no longer excluded from \(reference).",
            json: [
                "case": .string(reference.description), "version": .int(state.version),
                "excluded": .array(state.excluded.map { .string($0) }),
            ])
    }
}
