import Casebook
import Foundation
import Testing

@testable import CasebookCLI
@testable import CasebookWeb

/// The command line and the browser derive every step's command and form from the step's
/// one declaration in the library (issue 18, item 5; issue 22).
@Suite struct StepInputCommandTests {
    /// Every command taking a workflow step, with its form.
    static var stepCommands: [(command: Command, form: StepForm)] {
        Commands.all.compactMap { command in command.form.map { (command, $0) } }
    }

    /// The option names a form's named inputs take (a marks input: one flag per mark).
    static func optionNames(_ form: StepForm) -> [String] {
        form.inputs.filter { $0.position == .named }.flatMap(StepCommandSpec.optionNames)
    }

    /// The distinct names of a rendered form's fields (radio buttons share one), without the
    /// form's own hidden fields.
    static func fieldNames(_ html: String) -> [String] {
        var names: [String] = []
        guard let form = html.range(of: "<form method=\"post\"") else { return [] }
        var rest = html[form.lowerBound...]
        while let range = rest.range(of: "name=\"") {
            rest = rest[range.upperBound...]
            let name = String(rest.prefix { $0 != "\"" })
            if !name.hasPrefix("_"), !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// A step's form as the browser renders it.
    static func renderedForm(_ command: WebCommand) -> String {
        let app = WebApp(door: WebDoor(commands: [command.name: command]) { _, _, _ in WebRun(exitCode: 0, stdout: "{}", stderr: "") })
        let query = "command=" + command.name.replacingOccurrences(of: " ", with: "+") + "&case=CB-2026-0001"
        let response = app.respond(WebRequest(method: "GET", path: "/step", query: query, variables: ["HTTP_HOST": "school.example"], body: Data(), remoteUser: "dsl.khan"))
        return String(decoding: response.body, as: UTF8.self)
    }

    @Test func everyStepFormHasExactlyOneCommand() {
        for form in StepForms.all {
            let commands = Self.stepCommands.filter { $0.form.step == form.step && $0.form.variant == form.variant }
            #expect(commands.count == 1, "\(form.step)/\(form.variant ?? ""): \(commands.map(\.command.spec.name))")
        }
        for step in Step.allCases {
            #expect(Self.stepCommands.contains { $0.form.steps.contains(step) }, "no command takes \(step)")
        }
    }

    @Test func eachStepCommandHasExactlyTheDeclaredInputsPlusTheCommandLinesOwn() {
        for (command, form) in Self.stepCommands {
            let spec = command.spec
            #expect(spec.problems.isEmpty, "\(spec.name): \(spec.problems)")
            #expect(spec.positionals.map(\.name) == ["case"] + form.inputs.filter { $0.position == .inOrder }.map(\.name), "\(spec.name)")
            // The command line adds only --at.
            #expect(spec.options.map(\.name) == Self.optionNames(form) + ["at"], "\(spec.name)")
            for input in form.inputs where input.position == .named {
                for option in StepCommandSpec.options(input) {
                    let declared = spec.option(named: option.name)
                    #expect(declared?.isRequired == option.isRequired && declared?.isRepeatable == input.isRepeatable, "\(spec.name) --\(option.name)")
                    #expect(declared?.file == (input.kind == .file ? .input : OptionSpec.FileUse.none), "\(spec.name) --\(option.name)")
                }
            }
            // Help names every input with its help.
            let help = spec.helpText
            for input in form.inputs {
                switch input.kind {
                case .marks(let marks): for mark in marks { #expect(help.contains("--\(mark.value)"), "\(spec.name): --\(mark.value)") }
                default: #expect(help.contains(input.position == .inOrder ? "<\(input.name)>" : "--\(input.name)"), "\(spec.name): \(input.name)")
                }
                let helps = if case .marks(let marks) = input.kind { marks.map(\.help) } else { [input.help] }
                let flowed = help.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
                for text in helps {
                    #expect(flowed.contains(text.split(separator: " ").prefix(3).joined(separator: " ")), "\(spec.name): \(input.name)'s help")
                }
            }
        }
    }

    @Test func eachStepsWebFormHasOneFieldPerDeclaredInput() {
        for (command, form) in Self.stepCommands {
            let web = WebFrontEnd.webCommand(command)
            #expect(web.positionals.map(\.name) == ["case"] + form.inputs.filter { $0.position == .inOrder }.map(\.name), "\(web.name)")
            #expect(web.options.map(\.name) == form.inputs.filter { $0.position == .named }.map(\.name), "\(web.name)")
            let html = Self.renderedForm(web)
            let expected = ["p.case"] + form.inputs.map { ($0.position == .inOrder ? "p." : "o.") + $0.name }
            #expect(Set(Self.fieldNames(html)) == Set(expected), "\(web.name): \(Self.fieldNames(html))")
            #expect(Self.fieldNames(html).count == expected.count, "\(web.name)")
        }
    }

    @Test func eachKindBecomesItsElement() {
        let form = StepForm(
            .addNote, purpose: "Every kind.",
            inputs: [
                StepInput("words", .longText, help: "Paragraphs."), StepInput("pick", .choice(["a", "b"]), required: true, help: "A or B."),
                StepInput("mark", .marks([StepInput.Mark("yes", help: "Yes."), StepInput.Mark("no", help: "No.")]), help: "Which."),
                StepInput("when", .time, help: "When."), StepInput("shot", .file, repeatable: true, help: "A file."),
                StepInput("sure", .flag, help: "Sure."), StepInput("line", .text, help: "One line."),
            ],
            make: { _ in .startInvestigation })
        let html = Self.renderedForm(WebFrontEnd.webCommand(form, name: "investigate note", summary: "Every kind."))
        for expected in [
            "<textarea id=\"f-o-words\" name=\"o.words\"", "<select id=\"f-o-pick\" name=\"o.pick\"", "<option value=\"b\">b</option>",
            "type=\"radio\" id=\"f-o-mark-1\" name=\"o.mark\" value=\"yes\"", "type=\"datetime-local\"", "type=\"file\"", "multiple=\"multiple\"",
            "type=\"checkbox\"", "enctype=\"multipart/form-data\"",
        ] {
            #expect(html.contains(expected), "\(expected)\n\(html)")
        }
    }

    /// A new input added to any step's declaration appears in its help, usage, parsing and web
    /// form with no other edit: shown by construction over every step.
    @Test func aNewInputAppearsEverywhereWithNoOtherEdit() throws {
        for (command, form) in Self.stepCommands {
            var grown = form
            grown.inputs.append(StepInput("witness-statement", .longText, help: "A statement added to the declaration only."))
            let spec = StepCommandSpec.spec(
                for: grown, name: command.spec.name, summary: command.spec.summary, examples: [], discussion: nil)
            #expect(spec.helpText.contains("--witness-statement <text>"), "\(spec.name)")
            #expect(spec.helpText.contains("A statement added to the declaration only."), "\(spec.name)")
            #expect(spec.usage.contains("[--witness-statement <text>]"), "\(spec.name)")
            let parsed = try parse(["CB-2026-0001", "--witness-statement", "Seen at 9."] + Self.minimal(grown), as: spec)
            #expect(parsed.value("witness-statement") == "Seen at 9.", "\(spec.name)")
            let html = Self.renderedForm(WebFrontEnd.webCommand(grown, name: command.spec.name, summary: command.spec.summary))
            #expect(html.contains("<textarea id=\"f-o-witness-statement\" name=\"o.witness-statement\""), "\(spec.name)")
        }
    }

    /// The arguments a form's required inputs need on the command line.
    static func minimal(_ form: StepForm) -> [String] {
        var positionals: [String] = []
        var options: [String] = []
        for input in form.inputs where input.isRequired {
            let value = input.choices.first ?? "E1"
            switch (input.position, input.kind) {
            case (.inOrder, _): positionals.append(value)
            case (.named, .flag): options.append("--\(input.name)")
            case (.named, .marks): options.append("--\(value)")
            case (.named, _): options += ["--\(input.name)", value]
            }
        }
        return options + positionals
    }

    @Test func refusalHintsNameOnlyDeclaredInputs() {
        for step in Step.allCases {
            let hint = StepWords.render(.step(step), case: "CB-2026-0001", localTime: nil)
            let forms = StepForms.forms(for: step)
            let declared = Set(forms.flatMap { $0.inputs.filter { $0.position == .named }.flatMap(StepCommandSpec.optionNames) })
            // Every --option the hint names is one of the step's declared inputs.
            for word in hint.split(whereSeparator: { $0 == " " || $0 == "|" || $0 == "[" || $0 == "]" || $0 == "'" }) where word.hasPrefix("--") {
                #expect(declared.contains(String(word.dropFirst(2))), "\(step): \(word) in '\(hint)'")
            }
        }
        #expect(StepWords.render(.step(.requestTakedown, subject: "E3"), case: "CB-2026-0001", localTime: nil)
            == "casebook takedown request CB-2026-0001 --evidence E3 --method METHOD")
        #expect(StepWords.render(.step(.recordConsent, subject: "t.pennington", choice: "given|declined"), case: "CB-2026-0001", localTime: nil)
            == "casebook police consent CB-2026-0001 --given|--declined --by t.pennington")
    }

    /// The browser posts a step's fields as the same command line: a mark as its own flag
    /// (only a declared one), a choice and a time as attached values.
    @Test func aPostedStepFormIsTheSameCommandLine() throws {
        final class Runs: @unchecked Sendable {
            var last: [String] = []
            let lock = NSLock()
        }
        let runs = Runs()
        let consent = try #require(Commands.byName["police consent"])
        let evidence = try #require(Commands.byName["evidence add"])
        let commands = [consent, evidence].map(WebFrontEnd.webCommand)
        let app = WebApp(
            door: WebDoor(commands: Dictionary(uniqueKeysWithValues: commands.map { ($0.name, $0) })) { arguments, _, _ in
                runs.lock.lock()
                runs.last = arguments
                runs.lock.unlock()
                return WebRun(exitCode: 0, stdout: #"{"case":"CB-2026-0001"}"#, stderr: "")
            }, key: Array(repeating: 7, count: 32))
        func post(_ command: String, _ fields: [(String, String)]) -> Int {
            let all = [("_command", command), ("_csrf", app.token(user: "dsl.khan", form: command))] + fields
            let body = all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            return app.respond(
                WebRequest(
                    method: "POST", path: "/step", query: "",
                    variables: ["HTTP_HOST": "school.example", "CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_SEC_FETCH_SITE": "same-origin"],
                    body: Data(body.utf8), remoteUser: "dsl.khan")
            ).status
        }
        #expect(post("police consent", [("p.case", "CB-2026-0001"), ("o.decision", "given"), ("o.by", "t.pennington")]) == 303)
        #expect(runs.last == ["--json", "police", "consent", "--given", "--by=t.pennington", "--", "CB-2026-0001"])
        // A value that is not one of the marks is never passed on as an option.
        #expect(post("police consent", [("p.case", "CB-2026-0001"), ("o.decision", "db"), ("o.by", "t.pennington")]) == 303)
        #expect(runs.last == ["--json", "police", "consent", "--by=t.pennington", "--", "CB-2026-0001"])
        #expect(
            post("evidence add", [("p.case", "CB-2026-0001"), ("o.kind", "social"), ("o.captured-at", "2026-11-20T14:05")]) == 303)
        #expect(runs.last == ["--json", "evidence", "add", "--kind=social", "--captured-at=2026-11-20T14:05", "--", "CB-2026-0001"])
    }

    /// The typed input errors, said by the command line with its own option names.
    @Test func inputErrorsAreSaidInTheCommandLinesWords() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let cases: [(arguments: [String], status: Int32, message: String)] = [
            (["police", "consent", r, "--given", "--declined", "--by", Staff.affected], 64, "give exactly one of --given, --declined, --withdrawn"),
            (["police", "refer", r, "--force", "N", "--unlawful"], 64, "--unlawful needs --reason TEXT (000 §14.5)"),
            (["police", "refer", r, "--force", "N", "--reason", "x"], 64, "--reason goes with --unlawful (otherwise, use --override-reason)"),
            (["police", "refer", r, "--force", "N", "--unlawful", "--reason", "x", "--override-reason", "y"], 64,
             "--unlawful and --override-reason are separate routes: give one"),
            (["takedown", "request", r, "--evidence", "E1", "--method", "pigeon"], 65,
             "'pigeon' is not a valid --method: use one of form, email, letter, phone"),
            (["category", "add", r, "nudes"], 65, "'nudes' is not a valid category: use one of"),
            (["evidence", "flag", r, "E1"], 64, "give --child-sexual-imagery: it is the one mark 'evidence flag' sets"),
            (["evidence", "add", r, "--kind", "web", "--url", "https://x.example/", "--child-sexual-imagery", "--file", "missing.png"], 65,
             "child sexual imagery"),
        ]
        let before = try sandbox.dump()
        for row in cases {
            let result = try sandbox.run(row.arguments, as: Staff.head)
            #expect(result.status == row.status && result.stderr.contains(row.message), "\(row.arguments): \(result)")
        }
        #expect(try sandbox.dump() == before)
    }
}
