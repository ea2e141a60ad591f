import Casebook
import EventLog
import Foundation

/// The command line's side of a step's one declaration (``StepForm``): the spec it derives
/// from the inputs, the values it reads back from the parsed arguments, the words for a
/// ``StepInputError``, and the arguments of a refusal's hint.
enum StepCommandSpec {
    /// The command's spec: the case, the inputs given in order as positionals, the named
    /// inputs as options (a marks input as one flag per mark), then `--at`.
    static func spec(for form: StepForm?, name: String, summary: String, examples: [String], discussion: String?) -> CommandSpec {
        let inputs = form?.inputs ?? []
        return CommandSpec(
            name: name, summary: summary,
            positionals: [CaseCommands.casePositional] + inputs.filter { $0.position == .inOrder }.map(positional),
            options: inputs.filter { $0.position == .named }.flatMap(options) + [.at],
            examples: examples, discussion: discussion)
    }

    /// An input given in order, as a positional.
    static func positional(_ input: StepInput) -> PositionalSpec {
        PositionalSpec(name: input.name, help: input.described, isOptional: !input.isRequired, isVariadic: input.isRepeatable)
    }

    /// A named input, as its option (or, for marks, one flag per mark).
    static func options(_ input: StepInput) -> [OptionSpec] {
        switch input.kind {
        case .marks(let marks): return marks.map { OptionSpec(name: $0.value, help: $0.help) }
        // A required flag is checked by the declaration: the parser has no required flags.
        case .flag: return [OptionSpec(name: input.name, help: input.described)]
        case .file:
            return [
                OptionSpec(
                    name: input.name, valueName: input.placeholder, isRepeatable: input.isRepeatable, isRequired: input.isRequired,
                    help: input.described, file: .input)
            ]
        case .text, .longText, .choice, .ids, .item, .staff, .time:
            return [
                OptionSpec(
                    name: input.name, valueName: input.placeholder, isRepeatable: input.isRepeatable, isRequired: input.isRequired,
                    help: input.described)
            ]
        }
    }

    /// The option names a named input takes on the command line.
    static func optionNames(_ input: StepInput) -> [String] { options(input).map(\.name) }

    /// The values given on the command line, by input name; times read in the local zone.
    /// Files are read later, once the declaration's checks pass.
    static func values(_ form: StepForm, _ invocation: Invocation) throws -> StepValues {
        var values = StepValues()
        let arguments = invocation.arguments
        for input in form.inputs {
            switch input.position {
            case .inOrder:
                let given = arguments.positionalValues(input.name)
                if !given.isEmpty { values.texts[input.name] = given }
            case .named:
                switch input.kind {
                case .flag: if arguments.flag(input.name) { values.flags.insert(input.name) }
                case .marks(let marks):
                    let given = marks.map(\.value).filter { arguments.flag($0) }
                    if !given.isEmpty { values.texts[input.name] = given }
                case .time:
                    if let time = try invocation.time(input.name) { values.times[input.name] = time }
                    if let text = arguments.value(input.name) { values.texts[input.name] = [text] }
                default:
                    let given = arguments.values(input.name)
                    if !given.isEmpty { values.texts[input.name] = given }
                }
            }
        }
        return values
    }

    /// Runs `body`, saying a ``StepInputError`` in the command line's words.
    static func words<T>(_ form: StepForm, spec: CommandSpec, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StepInputError {
            throw self.error(error, form: form, spec: spec)
        }
    }

    /// `--name` for a named input, `<name>` for one given in order.
    static func spelled(_ name: String, in form: StepForm) -> String {
        form.input(name)?.position == .inOrder ? "<\(name)>" : "--\(name)"
    }

    /// `--reason TEXT`: a named input with its placeholder, as hints write it.
    static func spelledWithValue(_ name: String, in form: StepForm) -> String {
        guard let input = form.input(name) else { return "--\(name)" }
        switch input.kind {
        case .flag, .marks: return spelled(name, in: form)
        default: return input.position == .inOrder ? input.placeholder.uppercased() : "--\(name) \(input.placeholder.uppercased())"
        }
    }

    /// A ``StepInputError`` as the command line says it: a usage error (64), or invalid input (65).
    static func error(_ error: StepInputError, form: StepForm, spec: CommandSpec) -> Error {
        switch error {
        case .missing(let name):
            guard let input = form.input(name) else { return CommandError.usage("give \(spelled(name, in: form))") }
            if input.kind == .flag { return CommandError.usage("give --\(name): it is the one mark '\(spec.name)' sets") }
            if case .marks = input.kind { return exactlyOne(input) }
            if input.position == .inOrder {
                return UsageError(message: "Missing expected argument '<\(name)>'", usage: spec.usage)
            }
            let synopsis = spec.option(named: name)?.synopsis ?? "--\(name)"
            return UsageError(message: "Missing expected argument '\(synopsis)'", usage: spec.usage)
        case .notAChoice(let name, let value, let choices):
            let what = form.input(name)?.position == .inOrder ? name : "--\(name)"
            return CasebookError.invalidInput(
                "'\(TextField.escaped(value))' is not a valid \(what): use one of \(choices.joined(separator: ", "))")
        case .exactlyOne(let name):
            guard let input = form.input(name) else { return CommandError.usage("give exactly one \(spelled(name, in: form))") }
            return exactlyOne(input)
        case .separateRoutes(let first, let second):
            return CommandError.usage("\(spelled(first, in: form)) and \(spelled(second, in: form)) are separate routes: give one")
        case .needs(let input, let other, let clause):
            return CommandError.usage(
                "\(spelled(input, in: form)) needs \(spelledWithValue(other, in: form))" + (clause.map { " (\($0))" } ?? ""))
        case .onlyWith(let input, let other, let instead):
            return CommandError.usage(
                "\(spelled(input, in: form)) goes with \(spelled(other, in: form))"
                    + (instead.map { " (otherwise, use \(spelled($0, in: form)))" } ?? ""))
        case .requiredWhen(let input, _, let value):
            return CasebookError.invalidInput("'\(TextField.escaped(value))' needs its reason: \(spelledWithValue(input, in: form))")
        }
    }

    /// `give exactly one of --given, --declined, --withdrawn`.
    private static func exactlyOne(_ input: StepInput) -> Error {
        CommandError.usage("give exactly one of " + input.choices.map { "--\($0)" }.joined(separator: ", "))
    }

    /// The arguments after the case reference that take a step, derived from its form: every
    /// required input in order — the reference's subject or choice where it names one, a
    /// choice's values when the hint is about the choice, else the input's placeholder.
    static func hint(_ form: StepForm, subject: String?, choice: String?) -> String {
        var parts: [String] = []
        for input in form.inputs where input.isRequired {
            let given = input.name == form.subjectInput ? subject : input.name == form.choiceInput ? choice : nil
            let value: String
            if let given {
                value = given
            } else if input.name == form.choiceInput, !input.choices.isEmpty {
                value = input.choices.joined(separator: "|")
            } else {
                value = input.placeholder.uppercased()
            }
            switch (input.position, input.kind) {
            case (.inOrder, _): parts.append(value)
            case (.named, .flag): parts.append("--\(input.name)")
            case (.named, .marks): parts.append(value.split(separator: "|").map { "--\($0)" }.joined(separator: "|"))
            case (.named, _): parts.append("--\(input.name) \(value)")
            }
        }
        return parts.joined(separator: " ")
    }
}
