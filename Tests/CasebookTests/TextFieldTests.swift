import Foundation
import Testing

@testable import Casebook

/// Control characters in text fields, and text from the database made safe for a terminal.
@Suite struct TextFieldTests {
    @Test(arguments: [
        ("plain text", false, nil),
        ("Ünïcödé and emoji 👩🏽‍🏫", false, nil),
        ("two\nlines", false, 4),
        ("two\nlines\tand a tab", true, nil),
        ("carriage\rreturn", true, 9),
        ("esc\u{1B}[2J", true, 4),
        ("bell\u{7}", false, 5),
        ("nul\u{0}", true, 4),
        ("del\u{7F}", false, 4),
        ("c1 \u{80}", false, 4),
        ("csi \u{9B}", true, 5),
        ("nbsp\u{A0}is text", false, nil),
    ] as [(String, Bool, Int?)])
    func controlCharactersAreFound(text: String, allowsNewlines: Bool, position: Int?) {
        #expect(TextField.forbiddenCharacter(in: text, allowsNewlines: allowsNewlines)?.position == position)
    }

    @Test func theMessageNamesTheFieldTheCharacterAndItsPlace() {
        #expect(throws: CasebookError.invalidInput("--platform contains the control character U+001B (ESC) at character 6; it must be one line of text")) {
            try TextField.validate("Chirp\u{1B}", field: "--platform", allowsNewlines: false)
        }
        #expect(throws: CasebookError.invalidInput("the note contains the control character U+0085 (NEL) at character 2; only line feeds and tabs are allowed")) {
            try TextField.validate("a\u{85}b", field: "the note", allowsNewlines: true)
        }
    }

    @Test func paragraphFieldsAcceptLineFeedsAndOthersDoNot() throws {
        #expect(try Workflow.text("line one\nline two", "the note") == "line one\nline two")
        #expect(try Workflow.text("line one\nline two", "the summary") == "line one\nline two")
        #expect(throws: CasebookError.self) { try Workflow.text("Hill\nPrimary", "--school") }
        #expect(throws: CasebookError.self) { try Workflow.text("Sam\tJones", "--name") }
        #expect(throws: CasebookError.self) { try Workflow.text("ok\r\nnot ok", "the note") }
    }

    @Test func escapingShowsEveryControlCharacter() {
        #expect(TextField.escaped("plain") == "plain")
        #expect(TextField.escaped("a\u{1B}[2Jb") == "a\\u{1B}[2Jb")
        #expect(TextField.escaped("fake\nE9 captured OK") == "fake\\u{A}E9 captured OK")
        #expect(TextField.escaped("over\rwrite\u{7F}\u{9B}") == "over\\u{D}write\\u{7F}\\u{9B}")
        #expect(TextField.escaped("rtl \u{202E}txt.exe") == "rtl \\u{202E}txt.exe")
        #expect(TextField.escaped("keeps\r\nlines\tand tabs\n", keepingLines: true) == "keeps\r\nlines\tand tabs\n")
        #expect(TextField.escaped("but not\ra bare CR", keepingLines: true) == "but not\\u{D}a bare CR")
    }

    @Test func categoriesRefuseEmptyItems() throws {
        #expect(try Category.list(["harassment, threat", "child-mentioned"]) == [.harassment, .threat, .childMentioned])
        #expect(try Category.list([]) == [])
        for values in [[""], [" "], ["harassment,"], [",threat"], ["harassment,,threat"]] {
            let error = casebookError { _ = try Category.list(values) }
            #expect(error?.description.contains("has an empty category") == true, "\(values)")
        }
        #expect(casebookError { _ = try Category.list(["wizardry"]) }?.description.contains("'wizardry' is not a valid <category>") == true)
    }
}
