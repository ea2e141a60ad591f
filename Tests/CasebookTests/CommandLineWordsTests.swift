import Casebook
import Foundation
import Testing

/// The domain does not speak command line (issue 18, item 4): no string literal in
/// `Sources/Casebook` holds a `--flag` or a `casebook …` command. Messages carry options
/// and commands as values (``Message``) and each front end words them.
@Suite struct CommandLineWordsTests {
    /// What a literal may not hold: a flag, a command, or the first half of one split over
    /// two literals (`"casebook " + "list"`, `"--" + name`). Stricter than the project's
    /// before-stop check, which reads one line at a time and only `"…"` literals on it.
    static func violations(in literal: String) -> [String] {
        var found: [String] = []
        if literal.range(of: #"--[a-zA-Z]"#, options: .regularExpression) != nil { found.append("a --flag") }
        if literal.range(of: #"\bcasebook +[a-z]"#, options: .regularExpression) != nil { found.append("a casebook command") }
        // Halves of one, to be joined with another literal or a value.
        if literal.range(of: #"(^|[\s'"(\[])--$"#, options: .regularExpression) != nil { found.append("a flag's dashes") }
        if literal.range(of: #"\bcasebook +$"#, options: .regularExpression) != nil { found.append("a command's first word") }
        return found
    }

    /// Every string literal of Swift source, with its line: plain, multi-line and raw
    /// (`#"…"#`), including literals nested in interpolations; comments skipped. An
    /// interpolation's place in its literal reads as U+FFFC.
    static func literals(in source: String) -> [(line: Int, text: String)] {
        let characters = Array(source)
        var index = 0
        var line = 1
        var found: [(Int, String)] = []

        func peek(_ offset: Int = 0) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        func advance() {
            if characters[index] == "\n" { line += 1 }
            index += 1
        }
        func starts(_ text: String) -> Bool {
            let want = Array(text)
            guard index + want.count <= characters.count else { return false }
            return Array(characters[index..<index + want.count]) == want
        }

        /// Code until `)` at depth zero (or the end), handling literals and comments in it.
        func code(untilClosingParenthesis: Bool) {
            var depth = 0
            while index < characters.count {
                if starts("//") {
                    while let c = peek(), c != "\n" { _ = c; advance() }
                } else if starts("/*") {
                    while index < characters.count, !starts("*/") { advance() }
                    if index < characters.count { advance(); advance() }
                } else if let hashes = literalStart() {
                    literal(hashes: hashes)
                } else if peek() == "(" {
                    depth += 1
                    advance()
                } else if peek() == ")" {
                    if untilClosingParenthesis && depth == 0 { advance(); return }
                    depth -= 1
                    advance()
                } else {
                    advance()
                }
            }
        }

        /// The number of `#`s when a literal starts here.
        func literalStart() -> Int? {
            var count = 0
            while peek(count) == "#" { count += 1 }
            return peek(count) == "\"" ? count : nil
        }

        func literal(hashes: Int) {
            let startLine = line
            for _ in 0..<hashes { advance() }
            let multiline = starts("\"\"\"")
            let quote = multiline ? "\"\"\"" : "\""
            for _ in 0..<quote.count { advance() }
            let closing = quote + String(repeating: "#", count: hashes)
            let escape = "\\" + String(repeating: "#", count: hashes)
            var text = ""
            while index < characters.count {
                if starts(closing) {
                    for _ in 0..<closing.count { advance() }
                    break
                }
                if starts(escape) {
                    for _ in 0..<escape.count { advance() }
                    if peek() == "(" {
                        advance()
                        code(untilClosingParenthesis: true)
                        text.append("\u{FFFC}")
                    } else if let c = peek() {
                        text.append(c == "n" ? "\n" : c)
                        advance()
                    }
                    continue
                }
                if !multiline && peek() == "\n" { break }
                if let c = peek() { text.append(c) }
                advance()
            }
            found.append((startLine, text))
        }

        code(untilClosingParenthesis: false)
        return found
    }

    @Test func theScannerFindsEveryKindOfLiteral() {
        let source = #"""
            // a comment with --flag and casebook list is not a literal
            /* nor --this */
            let a = "give --reason"
            let b = "see \(x ? "casebook staff list" : "nothing")"
            let c = #"raw --raw "quoted" "#
            let d = """
                several lines
                with --inside
                """
            let e = "casebook " + "list"
            let f = "-" + "-" + "reason"
            let g = "--"
            let h = "a text - with dashes -- and casebook: a word"
            let i = "xn--" + "Casebook keeps no copy"
            """#
        let found = Self.literals(in: source)
        let flagged = found.filter { !Self.violations(in: $0.text).isEmpty }.map(\.text)
        #expect(flagged.contains("give --reason"))
        #expect(flagged.contains("casebook staff list"))
        #expect(flagged.contains(#"raw --raw "quoted" "#))
        #expect(flagged.contains { $0.contains("with --inside") })
        #expect(flagged.contains("casebook "))
        #expect(flagged.contains("--"))
        #expect(!flagged.contains { $0.contains("a comment") || $0.contains("nor --this") })
        #expect(!flagged.contains("a text - with dashes -- and casebook: a word"))
        #expect(!flagged.contains("xn--") && !flagged.contains("Casebook keeps no copy"), "a punycode prefix, the product's name")
        #expect(found.first { $0.text == "give --reason" }?.line == 3)
    }

    @Test func noLiteralInTheDomainSpeaksCommandLine() throws {
        let root = StorageLayerTests.casebookSources.standardizedFileURL.path
        let walker = try #require(FileManager.default.enumerator(atPath: root))
        var files = 0
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            files += 1
            let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            for (line, literal) in Self.literals(in: text) {
                for what in Self.violations(in: literal) {
                    found.append("Sources/Casebook/\(relative):\(line): \(what) in \"\(literal.prefix(100))\"")
                }
            }
        }
        #expect(files > 50, "the Casebook sources were not found under \(root)")
        #expect(
            found.isEmpty,
            "the domain speaks command line (say it with \\(option:) or \\(command:) in a Message):\n\(found.joined(separator: "\n"))")
    }

    @Test func messagesCarryInstantsOptionsAndCommandsAsValues() {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let message: Message = "\(option: "at") \(at) is in the future; see '\(command: .listStaff)'"
        #expect(message.segments == [
            .option("at"), .text(" "), .instant(at), .text(" is in the future; see '"), .command(.listStaff), .text("'"),
        ])
        #expect(message.hint == nil)
        let hinted = message.hint("give \(option: "at") again")
        #expect(hinted.hint?.segments == [.text("give "), .option("at"), .text(" again")])
        #expect(hinted != message, "the hint is part of the value")
        // A stored-form stamp read from an event is an instant too.
        let stamped: Message = "happened at \(stamp: "2026-10-20T15:00:00.000Z")"
        #expect(stamped.segments == [.text("happened at "), .instant(Date(timeIntervalSince1970: 1_792_508_400))])
    }
}
