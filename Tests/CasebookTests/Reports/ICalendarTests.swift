import EventLog
import Foundation
import Testing

@testable import Casebook

// The RFC 5545 writer (SPEC §10 reminders): escaping, folding at 75 octets without splitting
// a UTF-8 sequence, CR LF line ends, UTC times, stable UIDs.
@Suite("iCalendar writer")
struct ICalendarTests {
    @Test func textIsEscaped() {
        #expect(ICalendar.escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf")
        #expect(ICalendar.escape("tab\there") == "tab here")
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingUTF8() {
        // "§" is two octets: put one across every possible 75-octet boundary.
        for prefix in 70...76 {
            let line = "SUMMARY:" + String(repeating: "x", count: prefix) + String(repeating: "§é€😀", count: 12)
            let folded = ICalendar.fold(line)
            let physical = folded.components(separatedBy: "\r\n")
            for (index, piece) in physical.enumerated() {
                #expect(piece.utf8.count <= 75, "\(prefix): \(piece.utf8.count) octets")
                if index > 0 { #expect(piece.hasPrefix(" ")) }
                #expect(!piece.unicodeScalars.contains("\u{FFFD}"))
            }
            // Unfolding gives the line back.
            #expect(physical.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
        }
        #expect(ICalendar.fold("SHORT:line") == "SHORT:line")
    }

    @Test func documentHasCRLFLinesUTCTimesAndOneEventPerDeadline() throws {
        let due = try #require(Timestamp.date(from: "2026-03-29T10:30:00.000Z"))
        let deadline = Deadline(reference: CaseReference(year: 2026, number: 7), kind: .helpline, subject: "T2", due: due)
        #expect(deadline.calendarUID == "CB-2026-0007-helpline-T2@casebook")
        let document = ICalendar.document(
            [ICalendar.Event(uid: deadline.calendarUID, start: due, summary: "CB-2026-0007: escalate, now", description: "Run: casebook x")],
            stamp: due)
        #expect(document.hasPrefix("BEGIN:VCALENDAR\r\nPRODID:-//Casebook//Deadlines//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\n"))
        #expect(document.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!document.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(document.contains("\r\nDTSTART:20260329T103000Z\r\n"))
        #expect(document.contains("\r\nUID:CB-2026-0007-helpline-T2@casebook\r\n"))
        #expect(document.contains("\r\nSUMMARY:CB-2026-0007: escalate\\, now\r\n"))
        #expect(document.components(separatedBy: "BEGIN:VEVENT").count == 2)
    }
}
