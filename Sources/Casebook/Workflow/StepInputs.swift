import Foundation

/// One input of a step, declared once in the library: its name, its type, whether it is
/// required or repeated, its help and the policy clause it comes from. Every front end
/// derives what it needs from it: the command line its options, positionals, usage, help and
/// usage errors; the browser its form fields. Names are bare words (`evidence`, `result`):
/// how a front end spells them is its own business.
public struct StepInput: Sendable, Equatable {
    /// What kind of value an input takes, which decides how it is parsed and shown.
    public enum Kind: Sendable, Equatable {
        /// One line of text.
        case text
        /// Free text that may run to paragraphs.
        case longText
        /// One word of a vocabulary (the values of one of the vocabulary enums).
        case choice([String])
        /// Exactly one of these marks (given as the mark itself, e.g. `given`).
        case marks([Mark])
        /// A yes-or-no mark.
        case flag
        /// A list of ids on the case, separated by commas (`E1,E2`).
        case ids
        /// One id on the case: an evidence item, a request, a note (`E1`, `T1`, `N1`).
        case item
        /// A member of staff's id.
        case staff
        /// An instant: local time or RFC 3339.
        case time
        /// A file's bytes (a screenshot, a saved email), hashed and kept.
        case file
    }

    /// One of the marks of a ``Kind/marks(_:)`` input.
    public struct Mark: Sendable, Equatable {
        /// The mark (`threatening`).
        public var value: String
        /// What it means, one sentence.
        public var help: String

        /// Creates a mark.
        public init(_ value: String, help: String) {
            self.value = value
            self.help = help
        }
    }

    /// Whether the input is given by its name, or without it, in order after the case (the
    /// subject a step acts on, such as `T1`, or a note's text).
    public enum Position: Sendable, Equatable {
        case named
        case inOrder
    }

    /// The bare name (`evidence`, `platform-reference`).
    public var name: String
    /// The kind of value.
    public var kind: Kind
    /// Whether the step cannot be taken without it.
    public var isRequired: Bool
    /// Whether it may be given more than once (its values kept in order).
    public var isRepeatable: Bool
    /// One sentence for people.
    public var help: String
    /// The policy clause the input comes from (`000 §14.5`), if it comes from one.
    public var clause: String?
    /// A word for the value (`ids`, `host`, `sender`), shown where the value goes.
    public var placeholder: String
    /// Named, or in order after the case.
    public var position: Position

    /// Declares an input.
    public init(
        _ name: String, _ kind: Kind, placeholder: String? = nil, required: Bool = false, repeatable: Bool = false,
        inOrder: Bool = false, clause: String? = nil, help: String
    ) {
        self.name = name
        self.kind = kind
        self.isRequired = required
        self.isRepeatable = repeatable
        self.help = help
        self.clause = clause
        self.position = inOrder ? .inOrder : .named
        self.placeholder = placeholder ?? (inOrder ? name : Self.defaultPlaceholder(name, kind))
    }

    private static func defaultPlaceholder(_ name: String, _ kind: Kind) -> String {
        switch kind {
        case .text, .longText: return "text"
        case .ids: return "ids"
        case .item, .staff: return "id"
        case .time: return "time"
        case .file: return "path"
        case .choice, .marks, .flag: return name
        }
    }

    /// A vocabulary's values, as a ``Kind/choice(_:)``.
    public static func values<T: RawRepresentable & CaseIterable>(of type: T.Type) -> Kind where T.RawValue == String {
        .choice(type.allCases.map(\.rawValue))
    }

    /// The help, citing the clause when the help does not already: what every front end shows.
    public var described: String {
        guard let clause, !help.contains(clause) else { return help }
        return help.hasSuffix(".") ? "\(help.dropLast()) (\(clause))." : "\(help) (\(clause))"
    }

    /// The values a choice or marks input accepts; empty for other kinds.
    public var choices: [String] {
        switch kind {
        case .choice(let values): return values
        case .marks(let marks): return marks.map(\.value)
        default: return []
        }
    }
}

/// One way to take a step: the inputs it declares and how their values make the
/// ``CaseCommand``. Most steps have one form; some have variants (evidence is added or
/// attached to; a category is added or removed; a referral decision names its route), and
/// one form may take either of two steps (`escalateToPOSH` and
/// `escalateToReportHarmfulContent`, by the helpline chosen).
public struct StepForm: Sendable {
    /// The step it takes.
    public var step: Step
    /// Further steps it may take, by its values.
    public var alsoTakes: [Step]
    /// Which variant of the step (`attach`, `remove`, a referral route), or nil for the step itself.
    public var variant: String?
    /// What the step does, in words for people, and the policy clause it follows.
    public var purpose: String
    /// The policy clause the step follows, if any.
    public var clause: String?
    /// The inputs after the case, in the order they are listed.
    public var inputs: [StepInput]
    /// The input a ``StepReference``'s `subject` fills (`T1`, `E3`), if any.
    public var subjectInput: String?
    /// The input a ``StepReference``'s `choice` fills, if any.
    public var choiceInput: String?
    /// Checks that need no file's bytes, run before any file is read (e.g. no file for
    /// child sexual imagery, SPEC §9).
    public var check: @Sendable (StepValues) throws -> Void
    /// The command the values make; throws a ``StepInputError`` (or a ``CasebookError``)
    /// when they do not make one.
    public var make: @Sendable (StepValues) throws -> CaseCommand

    /// Declares a form.
    public init(
        _ step: Step, variant: String? = nil, alsoTakes: [Step] = [], purpose: String, clause: String? = nil,
        inputs: [StepInput] = [], subject: String? = nil, choice: String? = nil,
        check: @escaping @Sendable (StepValues) throws -> Void = { _ in },
        make: @escaping @Sendable (StepValues) throws -> CaseCommand
    ) {
        self.step = step
        self.alsoTakes = alsoTakes
        self.variant = variant
        self.purpose = purpose
        self.clause = clause
        self.inputs = inputs
        self.subjectInput = subject
        self.choiceInput = choice
        self.check = check
        self.make = make
    }

    /// Every step the form may take.
    public var steps: [Step] { [step] + alsoTakes }

    /// The input with this name.
    public func input(_ name: String) -> StepInput? { inputs.first { $0.name == name } }

    /// The command these values make, after checking every required input is there and
    /// every choice is one of its values.
    public func command(_ values: StepValues) throws -> CaseCommand {
        try validate(values)
        return try make(values)
    }

    /// Checks what the declaration says, before any file is read: required inputs given,
    /// choices among their values, then the form's own check.
    public func validate(_ values: StepValues) throws {
        for input in inputs {
            let given = values.all(input.name)
            switch input.kind {
            case .flag:
                if input.isRequired, !values.flag(input.name) { throw StepInputError.missing(input: input.name) }
                continue
            case .marks:
                if input.isRequired || !given.isEmpty, given.count != 1 { throw StepInputError.exactlyOne(input: input.name) }
            case .time:
                if input.isRequired, values.time(input.name) == nil { throw StepInputError.missing(input: input.name) }
            case .file:
                if input.isRequired, given.isEmpty, values.files(input.name).isEmpty {
                    throw StepInputError.missing(input: input.name)
                }
            default:
                if input.isRequired, given.isEmpty { throw StepInputError.missing(input: input.name) }
            }
            if case .choice(let choices) = input.kind {
                for value in given where !choices.contains(value.lowercased()) {
                    throw StepInputError.notAChoice(input: input.name, value: String(value.prefix(60)), choices: choices)
                }
            }
        }
        try check(values)
    }
}

/// The values a front end collected for a form's inputs, by input name: texts (and the
/// marks given, and the names of the files given), the flags set, times already read in
/// the person's zone, and the files already hashed.
public struct StepValues: Sendable, Equatable {
    /// Every value given for each input, in order.
    public var texts: [String: [String]]
    /// The flags set.
    public var flags: Set<String>
    /// The instants given, read by the front end in the person's zone.
    public var times: [String: Date]
    /// The files given, hashed.
    public var files: [String: [StoredFile]]

    /// Creates values.
    public init(
        texts: [String: [String]] = [:], flags: Set<String> = [], times: [String: Date] = [:], files: [String: [StoredFile]] = [:]
    ) {
        self.texts = texts
        self.flags = flags
        self.times = times
        self.files = files
    }

    /// Every value given for an input.
    public func all(_ name: String) -> [String] { texts[name] ?? [] }

    /// The value given for an input (the last, if repeated), or nil.
    public func optional(_ name: String) -> String? { texts[name]?.last }

    /// The value of a required input.
    public func required(_ name: String) throws -> String {
        guard let value = optional(name) else { throw StepInputError.missing(input: name) }
        return value
    }

    /// Whether a flag was set.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The instant given for a time input.
    public func time(_ name: String) -> Date? { times[name] }

    /// The files given for a file input.
    public func files(_ name: String) -> [StoredFile] { files[name] ?? [] }

    /// The one mark given for a marks input.
    public func mark(_ name: String) throws -> String {
        let given = all(name)
        guard given.count == 1 else { throw StepInputError.exactlyOne(input: name) }
        return given[0]
    }

    /// A required choice, as its vocabulary's value.
    public func word<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T where T.RawValue == String {
        try Self.word(required(name), input: name, as: type)
    }

    /// An optional choice, as its vocabulary's value.
    public func optionalWord<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T?
    where T.RawValue == String {
        try optional(name).map { try Self.word($0, input: name, as: type) }
    }

    /// One word of a vocabulary, or a ``StepInputError/notAChoice(input:value:choices:)``.
    public static func word<T: RawRepresentable & CaseIterable>(_ text: String, input: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text.lowercased()) else {
            throw StepInputError.notAChoice(input: input, value: String(text.prefix(60)), choices: type.allCases.map(\.rawValue))
        }
        return value
    }

    /// A required list of ids, split on commas (`E1, E2` → `["E1", "E2"]`).
    public func ids(_ name: String) throws -> [String] {
        try required(name).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// Why the values given do not make a step's command: typed, so each front end says it in
/// its own words (the command line with its option names, the browser by its fields).
public enum StepInputError: Error, Sendable, Equatable {
    /// A required input was not given.
    case missing(input: String)
    /// A choice's value is not one of its values.
    case notAChoice(input: String, value: String, choices: [String])
    /// A marks input needs exactly one of its marks.
    case exactlyOne(input: String)
    /// Two inputs are separate routes: give one.
    case separateRoutes(String, String)
    /// An input needs another (the unlawful route needs its reason), with the clause.
    case needs(input: String, other: String, clause: String?)
    /// An input only goes with another; `instead` is the one to use otherwise.
    case onlyWith(input: String, other: String, instead: String?)
    /// An input is required when another has this value (a declined concern needs its reason).
    case requiredWhen(input: String, other: String, value: String)
}

/// Every step's forms, one registration line per track.
public enum StepForms {
    /// Every form of every step.
    public static let all: [StepForm] =
        EvidenceTrack.forms + InvestigationTrack.forms + TakedownTrack.forms + ISPTrack.forms + HelplineTrack.forms
        + PoliceTrack.forms + SupportTrack.forms + ClosingTrack.forms + CorrectionsTrack.forms + LawfulContentTrack.forms
        + ConcernTrack.forms + Tracks.forms

    /// The forms that take a step.
    public static func forms(for step: Step) -> [StepForm] { all.filter { $0.steps.contains(step) } }

    /// The form of a step and variant; without a variant, the step's own form, else its first.
    public static func form(_ step: Step, variant: String? = nil) -> StepForm? {
        all.first { $0.step == step && $0.variant == variant } ?? all.first { $0.steps.contains(step) && $0.variant == variant }
            ?? (variant == nil ? forms(for: step).first : nil)
    }
}

extension CaseCommand {
    /// The command a front end's values make for a step (and variant), through the step's one
    /// declaration: every front end builds its command the same way.
    /// - Throws: ``StepInputError`` when the values do not fit the declaration;
    ///   ``CasebookError/invalidInput(_:)`` for a step and variant with no form.
    public static func make(_ step: Step, variant: String? = nil, values: StepValues) throws -> CaseCommand {
        guard let form = StepForms.form(step, variant: variant) else {
            throw CasebookError.invalidInput("\(step.rawValue) has no form '\(variant ?? "")'")
        }
        return try form.command(values)
    }
}
