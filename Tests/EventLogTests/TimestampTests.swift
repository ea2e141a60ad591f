import Foundation
import Testing

import EventLog

/// Instants as stored: `YYYY-MM-DDTHH:MM:SS.mmmZ`, UTC, milliseconds.
@Suite struct TimestampTests {
    /// Known instants, as seconds since 1970, and their text.
    static let known: [(seconds: Double, text: String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        (951_782_400, "2000-02-29T00:00:00.000Z"),
        (1_709_164_799.999, "2024-02-28T23:59:59.999Z"),
        (1_795_183_500.123, "2026-11-20T14:05:00.123Z"),
        (-1, "1969-12-31T23:59:59.000Z"),
        (253_402_300_799.999, "9999-12-31T23:59:59.999Z"),
    ]

    @Test("Known instants format and parse", arguments: known)
    func knownInstants(seconds: Double, text: String) throws {
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: seconds)) == text)
        let parsed = try #require(Timestamp.date(from: text))
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.0005)
        #expect(Timestamp.isValid(text))
    }

    @Test("Text parses and formats back to itself, for every millisecond value of a day and random instants")
    func roundTrip() throws {
        var texts = (0..<1000).map { String(format: "2026-03-29T01:59:59.%03dZ", $0) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Any millisecond from 1970 to 2100.
            let milliseconds = Int64.random(in: 0..<4_102_444_800_000, using: &generator)
            texts.append(Timestamp.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
        }
        for text in texts {
            let date = try #require(Timestamp.date(from: text), "\(text)")
            #expect(Timestamp.string(from: date) == text)
        }
    }

    @Test("Formatting keeps whole milliseconds and drops the rest")
    func formattingTruncates() {
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 1_795_183_500.1239)) == "2026-11-20T14:05:00.123Z")
    }

    @Test("Text sorts in time order", arguments: [("2026-11-20T14:05:00.123Z", "2026-11-20T14:05:00.124Z"),
                                                 ("2026-09-30T23:59:59.999Z", "2026-10-01T00:00:00.000Z")])
    func sortsInTimeOrder(earlier: String, later: String) throws {
        #expect(earlier < later)
        #expect(try #require(Timestamp.date(from: earlier)) < (try #require(Timestamp.date(from: later))))
    }

    @Test("Other shapes are refused", arguments: [
        "",
        "2026-11-20T14:05:00Z",  // no milliseconds
        "2026-11-20T14:05:00.12Z",
        "2026-11-20T14:05:00.1234Z",
        "2026-11-20 14:05:00.000Z",  // space for T
        "2026-11-20t14:05:00.000Z",
        "2026-11-20T14:05:00.000z",
        "2026-11-20T14:05:00.000",  // no zone
        "2026-11-20T14:05:00.000+00:00",
        "2026-11-20T15:05:00.000+01",
        " 2026-11-20T14:05:00.000Z",
        "2026-11-20T14:05:00.000Z\n",
        "26-11-20T14:05:00.000Z",
        "2026/11/20T14:05:00.000Z",
        "2026-13-01T00:00:00.000Z",  // month 13
        "2026-00-10T00:00:00.000Z",
        "2026-11-00T00:00:00.000Z",
        "2026-11-31T00:00:00.000Z",  // November has 30 days
        "2026-02-29T00:00:00.000Z",  // not a leap year
        "1900-02-29T00:00:00.000Z",
        "2026-11-20T24:00:00.000Z",
        "2026-11-20T14:60:00.000Z",
        "2026-12-31T23:59:60.000Z",  // leap seconds are not stored
        "2026-11-2OT14:05:00.000Z",  // letter O for zero
        "2026-11-20T14:05:00.0a0Z",
        "-026-11-20T14:05:00.000Z",
        "２０２６-11-20T14:05:00.000Z",  // full-width digits
    ])
    func otherShapesAreRefused(text: String) {
        #expect(Timestamp.date(from: text) == nil)
        #expect(!Timestamp.isValid(text))
    }
}
