import EventLog
import Foundation
import Testing

@testable import Casebook

@Suite("Timeline text and Markdown")
struct TimelineTextTests {
    @Test func textHasTheHeaderEveryEventAndTheConfidentialityLine() throws {
        let fixture = try ReportFixture()
        let text = try fixture.casebook.reports.timeline(
            fixture.complete, format: .text, recipient: "Governors' panel", by: Staff.dsl, localTime: fixture.localTime)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("CONFIDENTIAL") == true)
        #expect(lines.first?.contains("Governors' panel") == true)
        #expect(lines.contains { $0.hasPrefix("  Material:") && $0.contains("all material down at 2026-03-30 10:00 BST") })
        #expect(lines.contains { $0.hasPrefix("  Removed within 24 h:") && $0.hasSuffix("1 of 2 hosts within 24 h") })
        #expect(lines.contains { $0.hasPrefix("  Takedown T2:") && $0.contains("blocked by the ISP") && $0.contains("46.9 h after the request (NOT within 24 h)") })
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        // Each event starts a line with its local time, then its version right-aligned.
        let eventLines = lines.filter { $0.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (GMT|BST)  "#, options: .regularExpression) != nil }
        #expect(eventLines.count == stored.count)
        // The columns line up: "What" starts at the same column on every event line.
        let whatColumns = Set(eventLines.map { line in
            line.range(of: "(sm)  ")?.upperBound.utf16Offset(in: line) ?? -1
        })
        #expect(whatColumns.count == 1)
        for event in stored { #expect(text.contains("Hash: \(event.hash)")) }
        #expect(text.contains("due 2026-03-29 11:00 BST"))
    }

    @Test func markdownIsOneTableRowPerEventWithPipesEscaped() throws {
        let fixture = try ReportFixture()
        let markdown = try fixture.casebook.reports.timeline(
            fixture.complete, format: .md, recipient: "HR | panel", by: Staff.dsl, localTime: fixture.localTime)
        let lines = markdown.split(separator: "\n").map(String.init)
        /// Cells of a table row: split on `|` not preceded by a backslash.
        func cells(_ line: String) -> [String] {
            var cells: [String] = []
            var current = ""
            var escaped = false
            for character in line {
                if character == "|" && !escaped {
                    cells.append(current)
                    current = ""
                } else {
                    current.append(character)
                }
                escaped = character == "\\" && !escaped
            }
            cells.append(current)
            return Array(cells.dropFirst().dropLast())
        }
        let header = try #require(lines.firstIndex { $0.hasPrefix("| When |") })
        let columnCount = cells(lines[header]).count
        #expect(columnCount == 7)
        var rows: [String] = []
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("|") else { break }
            rows.append(line)
        }
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        #expect(rows.count == stored.count)
        #expect(rows.allSatisfy { cells($0).count == columnCount })
        #expect(markdown.contains(#"\<script\>alert('x')\</script\> \& "quoted" \| piped"#))
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains(#"HR \| panel"#))
        #expect(markdown.contains("Note: Spoke to Mr Jones;<br>he is shaken"))
    }
}
