import Foundation
import Testing

@testable import Casebook

/// Each step's inputs, declared once in the library (issue 18, item 5): every step has a
/// declaration, the declarations are well formed and speak no command line, and the values a
/// front end collects make the step's command through them.
@Suite struct StepInputsTests {
    /// Values that satisfy every required input of a form: the first value of a choice, the
    /// first mark, a plausible id or text.
    static func sample(_ form: StepForm) -> StepValues {
        var values = StepValues()
        for input in form.inputs where input.isRequired {
            switch input.kind {
            case .choice(let choices): values.texts[input.name] = [choices[0]]
            case .marks(let marks): values.texts[input.name] = [marks[0].value]
            case .flag: values.flags.insert(input.name)
            case .ids, .item: values.texts[input.name] = ["E1"]
            case .staff: values.texts[input.name] = ["t.pennington"]
            case .time: values.times[input.name] = Date(timeIntervalSince1970: 1_800_000_000)
            case .file:
                values.texts[input.name] = ["shot.png"]
                values.files[input.name] = [StoredFile(name: "shot.png", sha256: String(repeating: "a", count: 64), size: 3, mediaType: "image/png")]
            case .text, .longText: values.texts[input.name] = ["Some words."]
            }
        }
        return values
    }

    @Test func everyStepHasADeclaration() {
        for step in Step.allCases {
            #expect(!StepForms.forms(for: step).isEmpty, "\(step) has no declared form")
            #expect(StepForms.form(step) != nil, "\(step)")
        }
    }

    @Test func formsAreWellFormedAndSpeakNoCommandLine() {
        var keys: Set<String> = []
        for form in StepForms.all {
            let key = "\(form.step.rawValue)/\(form.variant ?? "")"
            #expect(keys.insert(key).inserted, "\(key) is declared twice")
            var names: Set<String> = []
            var sawOptionalInOrder = false
            for input in form.inputs {
                #expect(names.insert(input.name).inserted, "\(key): \(input.name) twice")
                // Bare names: lowercase words joined by single dashes, never a flag.
                let bare = !input.name.isEmpty && !input.name.hasPrefix("-") && !input.name.hasSuffix("-") && !input.name.contains("--")
                    && input.name.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
                #expect(bare, "\(key): '\(input.name)' is not a bare name")
                #expect(!input.help.isEmpty, "\(key): \(input.name) has no help")
                #expect(!input.help.contains("--") && !input.help.contains("casebook "), "\(key): \(input.name)'s help speaks command line")
                if case .choice(let values) = input.kind { #expect(!values.isEmpty, "\(key): \(input.name)") }
                if case .marks(let marks) = input.kind { #expect(marks.count >= 2, "\(key): \(input.name)") }
                if input.position == .inOrder {
                    #expect(!(sawOptionalInOrder && input.isRequired), "\(key): a required input follows an optional one")
                    sawOptionalInOrder = sawOptionalInOrder || !input.isRequired
                }
            }
            #expect(!form.purpose.contains("--") && !form.purpose.contains("casebook "), "\(key)'s purpose speaks command line")
            if let subject = form.subjectInput { #expect(form.input(subject) != nil, "\(key): subject \(subject) is not an input") }
            if let choice = form.choiceInput {
                #expect(form.input(choice).map { !$0.choices.isEmpty } == true, "\(key): choice \(choice) is not a choice input")
            }
        }
    }

    @Test func valuesMakeTheStepsCommandThroughTheDeclaration() throws {
        for form in StepForms.all {
            let command = try form.command(Self.sample(form))
            #expect(form.steps.contains(command.step), "\(form.step)/\(form.variant ?? ""): made \(command)")
        }
    }

    @Test func requiredInputsAndChoicesAreCheckedAsTypedErrors() throws {
        for form in StepForms.all {
            for input in form.inputs where input.isRequired {
                var values = Self.sample(form)
                values.texts[input.name] = nil
                values.flags.remove(input.name)
                values.times[input.name] = nil
                values.files[input.name] = nil
                let expected: StepInputError =
                    if case .marks = input.kind { .exactlyOne(input: input.name) } else { .missing(input: input.name) }
                #expect(throws: expected, "\(form.step) without \(input.name)") { try form.command(values) }
            }
            for input in form.inputs {
                guard case .choice(let choices) = input.kind else { continue }
                var values = Self.sample(form)
                values.texts[input.name] = ["wizardry"]
                #expect(throws: StepInputError.notAChoice(input: input.name, value: "wizardry", choices: choices)) {
                    try form.command(values)
                }
            }
        }
    }

    @Test func crossInputRulesAreTyped() throws {
        let refer = try #require(StepForms.form(.referToPolice))
        let base = StepValues(texts: ["force": ["Northshire Police"]], flags: ["unlawful"])
        #expect(throws: StepInputError.needs(input: "unlawful", other: "reason", clause: "000 §14.5")) { try refer.command(base) }
        var both = base
        both.texts["override-reason"] = ["child protection"]
        both.texts["reason"] = ["x"]
        #expect(throws: StepInputError.separateRoutes("unlawful", "override-reason")) { try refer.command(both) }
        #expect(throws: StepInputError.onlyWith(input: "reason", other: "unlawful", instead: "override-reason")) {
            try refer.command(StepValues(texts: ["force": ["N"], "reason": ["x"]]))
        }
        #expect(
            try refer.command(StepValues(texts: ["force": ["N"], "reason": ["Disclosed an address."]], flags: ["unlawful"]))
                == .referToPoliceUnlawful(force: "N", reference: nil, reason: "Disclosed an address."))

        let consent = try #require(StepForms.form(.recordConsent))
        #expect(throws: StepInputError.exactlyOne(input: "decision")) {
            try consent.command(StepValues(texts: ["decision": ["given", "declined"], "by": ["t.pennington"]]))
        }
        let triage = try #require(StepForms.form(.triage))
        #expect(throws: StepInputError.requiredWhen(input: "reason", other: "decision", value: "decline")) {
            try triage.command(StepValues(texts: ["decision": ["decline"]]))
        }
        // No file is even looked at for child sexual imagery (SPEC §9).
        let add = try #require(StepForms.form(.addEvidence))
        #expect(throws: CasebookError.self) {
            try add.validate(StepValues(texts: ["kind": ["web"], "file": ["a.png"]], flags: ["child-sexual-imagery"]))
        }
    }

    @Test func aTakedownRequestIsMadeFromItsValues() throws {
        let form = try #require(StepForms.form(.requestTakedown))
        let command = try form.command(
            StepValues(texts: ["evidence": ["E1, E2"], "method": ["FORM"], "platform-reference": ["Report 88213"]]))
        #expect(
            command == .requestTakedown(
                evidence: ["E1", "E2"], host: nil, method: .form, sentBy: .school, platformReference: "Report 88213"))
    }

    @Test func caseCommandMakeGoesThroughTheDeclaration() throws {
        #expect(
            try CaseCommand.make(.checkRemoval, values: StepValues(texts: ["request": ["T1"], "result": ["removed"]]))
                == .checkRemoval(request: "T1", .removed, file: nil))
        #expect(
            try CaseCommand.make(.changeCategory, variant: "remove", values: StepValues(texts: ["category": ["harassment"]]))
                == .changeCategory(.harassment, add: false))
        #expect(throws: StepInputError.missing(input: "result")) {
            try CaseCommand.make(.checkRemoval, values: StepValues(texts: ["request": ["T1"]]))
        }
        #expect(throws: CasebookError.self) { try CaseCommand.make(.close, variant: "sideways", values: StepValues()) }
    }
}
