import Casebook
import EventLog
import Foundation

/// `open`, and the shared shape of every workflow step command.
enum CaseCommands {
    static let open = Command(
        spec: CommandSpec(
            name: "open", summary: "Open a case when a member of staff reports material; prints its reference.",
            options: [
                OptionSpec(name: "affected", valueName: "id", isRequired: true, help: "The affected member of staff."),
                OptionSpec(name: "reported-by", valueName: "id", isRequired: true, help: "Who reported it."),
                OptionSpec(name: "summary", valueName: "text", isRequired: true, help: "What was reported."),
                OptionSpec(
                    name: "category", valueName: "category", isRepeatable: true,
                    help: "One of: \(Category.choices); repeat or separate with commas. child-mentioned makes the case urgent."),
                OptionSpec(name: "school", valueName: "name", help: "The school (a trust has several)."),
                OptionSpec(name: "discovered-at", valueName: "time", help: "When the material was discovered."),
                .at,
            ],
            examples: [
                "casebook --as smt.jones open --affected t.pennington --reported-by t.pennington --summary 'Abusive post naming me' --category harassment --school 'Harrowgate Fields'"
            ])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let categories = try Category.list(invocation.arguments.values("category"))
        let draft = CaseDraft(
            affected: try invocation.value("affected"), reportedBy: try invocation.value("reported-by"),
            summary: try invocation.value("summary"), categories: categories, school: invocation.optional("school") ?? "",
            discoveredAt: try invocation.time("discovered-at"))
        let state = try casebook.cases.openCase(draft, by: actor, at: try invocation.at())
        var text = "Opened \(state.reference) for \(state.opened.affected)."
        if state.isUrgent { text += "\nURGENT: a child is mentioned (001 §8.6): start the investigation now." }
        if state.opened.categories.contains(.childSexualImagery) {
            // No file is ever kept for child sexual imagery (SPEC §9): never suggest one.
            text += "\nNext: casebook evidence add \(state.reference) --kind KIND [--url URL] --description TEXT"
                + " (describe it only: no screenshot or file is kept for child sexual imagery)"
        } else {
            text += "\nNext: casebook evidence add \(state.reference) --kind KIND [--url URL] [--file PATH]"
        }
        return Output(
            text: text, json: ["reference": .string(state.reference.description), "case": JSONOutput.state(state)],
            recorded: "recorded as \(state.reference)")
    }

    /// A workflow step's command, derived from the step's one declaration in the library
    /// (``StepForm``): its positionals and options are the form's inputs (the case first,
    /// then the inputs given in order; named inputs as options, a marks input as one flag per
    /// mark), plus `--at`. The command line adds only its own words: the command's name,
    /// examples, a summary when it says more than the form's purpose, and what it prints.
    static func step(
        _ form: StepForm?, name: String, summary: String? = nil, examples: [String] = [], discussion: String? = nil,
        describe: @escaping @Sendable (CaseState, [CaseEvent], Invocation) -> String
    ) -> Command {
        let spec = StepCommandSpec.spec(
            for: form, name: name, summary: summary ?? form?.purpose ?? name, examples: examples, discussion: discussion)
        return Command(spec: spec, form: form) { invocation in
            guard let form else { throw CommandError.programmer("'\(name)' has no step form in the library") }
            let casebook = try invocation.casebook()
            let actor = try invocation.actor()
            let reference = try invocation.caseReference()
            var values = try StepCommandSpec.values(form, invocation)
            try StepCommandSpec.words(form, spec: spec) { try form.validate(values) }
            var read: [[UInt8]] = []
            for input in form.inputs where input.kind == .file {
                let files = try values.all(input.name).map { path in
                    (name: (path as NSString).lastPathComponent, bytes: try invocation.readFile(path))
                }
                values.files[input.name] = try files.map { try Casebook.fileInfo(name: $0.name, bytes: $0.bytes) }
                read += files.map(\.bytes)
            }
            let command = try StepCommandSpec.words(form, spec: spec) { try form.make(values) }
            let (events, state) = try casebook.cases.execute(command, on: reference, by: actor, at: try invocation.at(), files: read)
            return Output(
                text: describe(state, events, invocation),
                json: [
                    "case": .string(reference.description), "version": .int(state.version),
                    "status": .string(state.status.rawValue), "events": .array(events.map(JSONOutput.event)),
                ],
                recorded: "recorded as " + recordedName(events, state: state, reference: reference))
        }
    }

    /// What a step recorded, as a script would look for it: `E3 on CB-2026-0001`,
    /// `T1 on …`, or the event and the case's version.
    static func recordedName(_ events: [CaseEvent], state: CaseState, reference: CaseReference) -> String {
        switch events.first {
        case .evidenceCaptured(let evidence)?: return "\(evidence.id) on \(reference)"
        case .takedownRequested(let request)?: return "\(request.id) on \(reference)"
        case .noteAdded?: if let note = state.notes.last { return "\(note.id) on \(reference)" }
        case .behaviourReferral?, .disciplinaryReferral?: if let referral = state.referrals.last { return "\(referral.id) on \(reference)" }
        default: break
        }
        switch events.first {
        default: return "\(events.map(\.typeName).joined(separator: " and ")) (version \(state.version)) on \(reference)"
        }
    }

    /// The case positional every step takes.
    static let casePositional = PositionalSpec(name: "case", help: "The case reference, e.g. CB-2026-0001.")
}
