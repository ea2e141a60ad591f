import Foundation

/// Instants as the event log stores them: UTC, RFC 3339 with milliseconds,
/// e.g. `2026-11-20T14:05:00.000Z` (SPEC §3). Text of this one shape sorts in time order.
public enum Timestamp {
    /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
    public static func string(from date: Date) -> String {
        // Round to the microsecond before dropping the sub-millisecond part: a Date keeps
        // seconds since 2001 as a Double, so the instant `date(from:)` made for .123 may read
        // back as .12299999…, which flooring straight to milliseconds would turn into .122.
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let totalMilliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        var days = totalMilliseconds >= 0 ? totalMilliseconds / 86_400_000 : (totalMilliseconds - 86_399_999) / 86_400_000
        let dayMilliseconds = totalMilliseconds - days * 86_400_000
        let (year, month, day) = civil(fromDays: &days)
        let hour = dayMilliseconds / 3_600_000
        let minute = dayMilliseconds / 60_000 % 60
        let second = dayMilliseconds / 1000 % 60
        let millisecond = dayMilliseconds % 1000
        guard (0...9999).contains(year) else {
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2)
                + ":" + pad(second, 2) + "." + pad(millisecond, 3) + "Z"
        }
        // The 24 ASCII bytes written in place: every projected row and report formats
        // times, and joining padded strings cost about forty times as much.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int64, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            buffer[4] = 45  // -
            put(month, 2, at: 5)
            buffer[7] = 45  // -
            put(day, 2, at: 8)
            buffer[10] = 84  // T
            put(hour, 2, at: 11)
            buffer[13] = 58  // :
            put(minute, 2, at: 14)
            buffer[16] = 58  // :
            put(second, 2, at: 17)
            buffer[19] = 46  // .
            put(millisecond, 3, at: 20)
            buffer[23] = 90  // Z
            return 24
        }
    }

    /// Parses the stored shape back to an instant; nil for any other text.
    public static func date(from text: String) -> Date? {
        milliseconds(text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// Whether text is in the stored shape.
    public static func isValid(_ text: String) -> Bool { milliseconds(text) != nil }

    /// Milliseconds since 1970 of text in the stored shape; nil for any other text.
    /// Reads the string's UTF-8 in place (no copy: `append` checks every event's time).
    static func milliseconds(_ text: String) -> Int64? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ milliseconds(UnsafeRawBufferPointer($0)) }) {
            return parsed
        }
        return Array(text.utf8).withUnsafeBytes { milliseconds($0) }
    }

    private static func milliseconds(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count == 24, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58,
            bytes[16] == 58, bytes[19] == 46, bytes[23] == 90
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let millisecond = number(20..<23), (1...12).contains(month), day >= 1,
            day <= daysInMonth(year: year, month: month), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The number of days in a month of the Gregorian calendar.
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's days-from-civil algorithm).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: inout Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
