import Casebook
import Testing

/// Evidence file names are single plain names (SPEC §5, issue 9).
@Suite struct FileNameTests {
    @Test(arguments: ["post.png", "Screenshot 2026-11-20 at 14.05.png", "réponse.eml", ".hidden", "a..b", "名前.jpg", String(repeating: "é", count: 127)])
    func plainNamesAreAccepted(name: String) throws {
        #expect(FileName.problem(name) == nil)
        #expect(try FileName.validate(name) == name)
    }

    @Test(arguments: [
        ("", "is empty"), (".", "is '.', which names a folder"), ("..", "is '..', which names a folder"),
        ("../../../x.txt", "contains '/'"), ("a/b", "contains '/'"), (#"a\b"#, #"contains '\'"#), ("a\u{0}b", "contains a NUL character"),
        ("x\u{1B}[2J", "contains the control character U+001B"), ("bell\u{07}", "contains the control character U+0007"),
        ("line\nbreak", "contains the control character U+000A"), ("cr\r", "contains the control character U+000D"),
        ("del\u{7F}", "contains the control character U+007F"), ("c1\u{9B}", "contains the control character U+009B"),
        (String(repeating: "é", count: 128), "is 256 bytes long; at most 255 bytes of UTF-8"),
    ])
    func otherNamesAreRefused(name: String, problem: String) throws {
        #expect(FileName.problem(name)?.hasPrefix(problem) == true)
        let error = #expect(throws: CasebookError.self) { try FileName.validate(name) }
        guard case .invalidInput(let message)? = error else {
            Issue.record("\(String(describing: error)) is not invalid input")
            return
        }
        #expect(message.contains(problem))
        #expect(!message.contains("\u{1B}") && !message.contains("\u{7}") && !message.contains("\u{9B}"))
    }

    @Test func aLibraryCallerCannotStoreABadName() throws {
        let error = #expect(throws: CasebookError.self) { try Casebook.fileInfo(name: "../x.png", bytes: [1, 2, 3]) }
        #expect(error == .invalidInput("the file name '../x.png' contains '/': rename the file to a plain name without '/', '\\', control or bidirectional characters"))
    }
}
