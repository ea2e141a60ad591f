import Foundation

/// An iCalendar document (RFC 5545) of reminders: one VEVENT per event, each with a
/// stable UID so that a calendar importing the file again updates its events rather than
/// adding copies. Pure: the caller gives the events in its own words.
///
/// Text values are escaped (`\\`, `\;`, `\,`, `\n`), content lines are folded at 75 octets
/// without splitting a UTF-8 sequence, and every line ends in CR LF (RFC 5545 §3.1, §3.3.11).
public enum ICalendar {
    /// One reminder.
    public struct Event: Sendable, Equatable {
        /// Stable across exports: the same deadline always has the same UID.
        public var uid: String
        /// When it is due.
        public var start: Date
        /// One line in plain words.
        public var summary: String
        /// What to do, with the command to run.
        public var description: String
        /// How long before ``start`` the alarm goes off (0: at the start).
        public var alarmBefore: TimeInterval

        /// Creates an event.
        public init(uid: String, start: Date, summary: String, description: String, alarmBefore: TimeInterval = 0) {
            self.uid = uid
            self.start = start
            self.summary = summary
            self.description = description
            self.alarmBefore = alarmBefore
        }

        /// A deadline's reminder as of `now`: at the deadline, with its alarm `alarmBefore`
        /// it (a 24-hour window needs the warning while there is still time); a deadline
        /// already past is placed now, today, marked overdue, with its alarm at once — a
        /// reminder in the past never goes off.
        public static func deadline(
            uid: String, due: Date, now: Date, summary: String, description: String, alarmBefore: TimeInterval, overdueSince: String
        ) -> Event {
            guard due <= now else {
                return Event(uid: uid, start: due, summary: summary, description: description, alarmBefore: alarmBefore)
            }
            let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            return Event(
                uid: uid, start: start, summary: "OVERDUE: " + summary, description: "Overdue since \(overdueSince).\n" + description)
        }
    }

    /// How every calendar ``document(_:stamp:name:)`` makes begins.
    static let opening = "BEGIN:VCALENDAR\r\nPRODID:-//Casebook//Deadlines//EN\r\n"

    /// Whether a file's first bytes begin as this program's calendars do: a file it may
    /// replace when asked to refresh a calendar.
    public static func isOwnCalendar(_ head: [UInt8]) -> Bool { head.starts(with: Array(opening.utf8)) }

    /// The calendar: `VCALENDAR` with `PRODID`, `VERSION:2.0`, `CALSCALE:GREGORIAN`, then
    /// the events; `stamp` is every event's `DTSTAMP` (when the file was made).
    public static func document(_ events: [Event], stamp: Date, name: String = "Casebook deadlines") -> String {
        var lines = [
            "BEGIN:VCALENDAR", "PRODID:-//Casebook//Deadlines//EN", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:" + escape(event.uid), "DTSTAMP:" + utc(stamp), "DTSTART:" + utc(event.start),
                "DURATION:PT30M", "SUMMARY:" + escape(event.summary), "DESCRIPTION:" + escape(event.description),
                "TRANSP:TRANSPARENT", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:" + trigger(event.alarmBefore),
                "DESCRIPTION:" + escape(event.summary), "END:VALARM", "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map { fold($0) + "\r\n" }.joined()
    }

    /// An alarm's trigger relative to the start (RFC 5545 §3.8.6.3): `-PT4H`, `-PT90M`, `PT0S`.
    public static func trigger(_ before: TimeInterval) -> String {
        let minutes = Int((before / 60).rounded())
        guard minutes > 0 else { return "PT0S" }
        return minutes % 60 == 0 ? "-PT\(minutes / 60)H" : "-PT\(minutes)M"
    }

    /// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": break
            default:
                // Other control characters have no place in a content line.
                if scalar.value < 0x20 || scalar.value == 0x7F { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// One content line folded (RFC 5545 §3.1): at most 75 octets a line, each continuation
    /// starting with one space, never inside a UTF-8 sequence. No line ending.
    public static func fold(_ line: String) -> String {
        let bytes = Array(line.utf8)
        guard bytes.count > 75 else { return line }
        var pieces: [[UInt8]] = []
        var start = 0
        var limit = 75
        while start < bytes.count {
            var end = min(start + limit, bytes.count)
            // Back off to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
            while end < bytes.count, end > start + 1, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            pieces.append(Array(bytes[start..<end]))
            start = end
            limit = 74  // the leading space counts
        }
        return pieces.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\r\n ")
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    public static func utc(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + two(parts.month) + two(parts.day) + "T" + two(parts.hour)
            + two(parts.minute) + two(parts.second) + "Z"
    }
}

extension Deadline {
    /// A UID that names this deadline, the same in every export: `<case>-<kind>-<subject>@casebook`.
    public var calendarUID: String { "\(reference)-\(kind.rawValue)-\(subject)@casebook" }
}
