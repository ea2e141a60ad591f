import EventLog
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Times for people: input in RFC 3339 or `YYYY-MM-DD HH:MM[:SS]` in the local zone, and
/// output in the local zone with its abbreviation (GMT/BST) (SPEC §3).
///
/// The zone is `TZ` (default Europe/London). Abbreviations are the zone's short names in
/// British English (GMT and BST; CET and CEST; elsewhere an offset such as GMT-5), read once
/// per value, so nothing process-wide is changed and values for several zones can coexist.
public struct LocalTime: Sendable {
    /// The IANA zone name, e.g. `Europe/London`.
    public let identifier: String
    let zone: TimeZone
    private let calendar: Calendar
    private let standardName: String
    private let daylightName: String

    /// The zone named by `TZ`, or Europe/London.
    public static func fromEnvironment() throws -> LocalTime {
        // getenv, not ProcessInfo's environment, which copies every variable into a dictionary.
        try fromTZ(getenv("TZ").map { String(cString: $0) })
    }

    /// The zone a `TZ` value names (`Europe/London` when it is nil or empty).
    public static func fromTZ(_ value: String?) throws -> LocalTime {
        let name = value.flatMap { $0.isEmpty ? nil : $0 } ?? "Europe/London"
        return try LocalTime(identifier: name.hasPrefix(":") ? String(name.dropFirst()) : name)
    }

    /// A named zone; ``CasebookError/invalidInput(_:)`` when the name is unknown.
    public init(identifier: String) throws {
        guard let zone = TimeZone(identifier: identifier) else {
            throw CasebookError.invalidInput("unknown time zone '\(identifier)' in TZ; use a name such as Europe/London")
        }
        self.identifier = identifier
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        let british = Locale(identifier: "en_GB")
        let fallback = zone.abbreviation() ?? identifier
        self.standardName = zone.localizedName(for: .shortStandard, locale: british) ?? fallback
        self.daylightName = zone.localizedName(for: .shortDaylightSaving, locale: british) ?? fallback
    }

    /// The zone's abbreviation at an instant, e.g. `GMT` or `BST`.
    public func abbreviation(at date: Date) -> String {
        zone.isDaylightSavingTime(for: date) ? daylightName : standardName
    }

    /// `2026-11-20 14:05 GMT`: minutes, for tables and sentences.
    public func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return Self.padded((c.year ?? 0), 4) + "-" + Self.padded((c.month ?? 0), 2) + "-" + Self.padded((c.day ?? 0), 2) + " "
            + Self.padded((c.hour ?? 0), 2) + ":" + Self.padded((c.minute ?? 0), 2) + " " + abbreviation(at: date)
    }

    /// `2026-11-20 14:05:09 GMT`: seconds, for chronologies.
    public func formatWithSeconds(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return Self.padded((c.year ?? 0), 4) + "-" + Self.padded((c.month ?? 0), 2) + "-" + Self.padded((c.day ?? 0), 2) + " "
            + Self.padded((c.hour ?? 0), 2) + ":" + Self.padded((c.minute ?? 0), 2) + ":" + Self.padded((c.second ?? 0), 2) + " "
            + abbreviation(at: date)
    }

    /// `2026-11-20`: the local date.
    public func formatDate(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Self.padded((c.year ?? 0), 4) + "-" + Self.padded((c.month ?? 0), 2) + "-" + Self.padded((c.day ?? 0), 2)
    }

    /// A number in at least `width` digits, zero-padded as `%0*d` would (without the cost of
    /// `String(format:)`, which dominated listing thousands of rows).
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - (value < 0 ? 1 : 0) - digits.utf8.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    /// Parses RFC 3339 (`2026-11-20T14:05:00Z`, `…+01:00`, optional fraction), or
    /// `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]` / `YYYY-MM-DD` in the local zone, or
    /// the UK form `DD/MM/YYYY[ HH:MM[:SS]]` (four-digit year) in the local zone.
    ///
    /// A local time must name one instant: one that happens twice (the hour repeated when
    /// the clocks go back) is refused unless an offset is given, and one that never happens
    /// (the hour skipped when they go forward) is refused; each message says which and why.
    public func parse(_ text: String, field: String = "time") throws -> Date {
        let typed = text.trimmingCharacters(in: .whitespaces)
        let trimmed = Self.isoFromUKDate(typed) ?? typed
        if let date = Self.parseRFC3339(trimmed) { return date }
        if let wall = Self.parseLocalFields(trimmed) {
            switch resolve(wall) {
            case .one(let date): return date
            case .twice(let first, let second): throw ambiguous(typed, field: field, wall: wall, first, second)
            case .never(let transition): throw skipped(typed, field: field, wall: wall, transition)
            }
        }
        throw CasebookError.invalidInput(
            "\(field) '\(text.prefix(60))' is not a valid time: use 2026-11-20 14:05 or 20/11/2026 14:05 (local, \(identifier)) or RFC 3339 such as 2026-11-20T14:05:00Z")
    }

    /// `20/11/2026 14:05` → `2026-11-20 14:05` (the rest unchanged); nil when the text does
    /// not start with `DD/MM/YYYY` followed by its end or a space.
    static func isoFromUKDate(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[2] == 47, bytes[5] == 47, bytes.count == 10 || bytes[10] == 32,
            digits(bytes, 0, 2) != nil, digits(bytes, 3, 2) != nil, digits(bytes, 6, 4) != nil
        else { return nil }
        let iso = bytes[6..<10] + [45] + bytes[3..<5] + [45] + bytes[0..<2] + bytes[10...]
        return String(decoding: iso, as: UTF8.self)
    }

    /// The fields of `YYYY-MM-DD[( |T)HH:MM[:SS]]`, checked for range (no 31 February).
    private static func parseLocalFields(_ text: String) -> WallTime? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || bytes.count == 16 || bytes.count == 19 else { return nil }
        guard let (year, month, day) = Self.parseDate(bytes) else { return nil }
        var hour = 0, minute = 0, second = 0
        if bytes.count > 10 {
            guard bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58, let h = Self.digits(bytes, 11, 2),
                let m = Self.digits(bytes, 14, 2), h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
            if bytes.count == 19 {
                guard bytes[16] == 58, let s = Self.digits(bytes, 17, 2), s < 60 else { return nil }
                second = s
            }
        }
        return WallTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, hasSeconds: bytes.count == 19)
    }

    static func parseRFC3339(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32, bytes[13] == 58,
            bytes[16] == 58, let (year, month, day) = parseDate(bytes), let hour = digits(bytes, 11, 2),
            let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var milliseconds = 0
        if bytes[index] == 46 {
            index += 1
            var scale = 100
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                milliseconds += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case 90, 122:
            guard index == bytes.count - 1 else { return nil }
        case 43, 45:
            guard bytes.count - index == 6, bytes[index + 3] == 58, let h = digits(bytes, index + 1, 2),
                let m = digits(bytes, index + 4, 2), h < 24, m < 60
            else { return nil }
            offset = (h * 60 + m) * 60 * (bytes[index] == 45 ? -1 : 1)
        default: return nil
        }
        guard day <= Int(Timestamp.daysInMonth(year: Int64(year), month: Int64(month))) else { return nil }
        let days = Timestamp.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = Int(days) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000)
    }

    private static func parseDate(_ bytes: [UInt8]) -> (Int, Int, Int)? {
        guard bytes.count >= 10, bytes[4] == 45, bytes[7] == 45, let year = digits(bytes, 0, 4),
            let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2), year >= 1900, (1...12).contains(month),
            day >= 1, day <= Int(Timestamp.daysInMonth(year: Int64(year), month: Int64(month)))
        else { return nil }
        return (year, month, day)
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
