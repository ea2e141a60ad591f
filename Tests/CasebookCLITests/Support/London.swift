import Foundation

/// Expected human times, worked out independently of Casebook's own formatter:
/// `2026-11-20 14:05 GMT` or `… BST` in Europe/London.
enum London {
    static let zone = TimeZone(identifier: "Europe/London")!

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// `YYYY-MM-DD HH:MM GMT|BST`.
    static func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let abbreviation = zone.secondsFromGMT(for: date) == 0 ? "GMT" : "BST"
        return String(format: "%04d-%02d-%02d %02d:%02d ", c.year!, c.month!, c.day!, c.hour!, c.minute!) + abbreviation
    }

    /// `YYYY-MM-DD HH:MM:SS GMT|BST`, as chronologies show times.
    static func formatWithSeconds(_ date: Date) -> String {
        let c = calendar.dateComponents([.second], from: date)
        let short = format(date)
        return short.dropLast(4) + String(format: ":%02d ", c.second!) + short.suffix(3)
    }

    /// The last time the clocks went forward (the last Sunday of March, 01:00 UTC) at least
    /// four days before `before`.
    static func lastSpringForward(before: Date) -> Date {
        var year = Calendar.utcForTests.component(.year, from: before)
        while true {
            let switchover = (25...31).compactMap { day -> Date? in
                let date = Calendar.utcForTests.date(from: DateComponents(year: year, month: 3, day: day, hour: 1))!
                return Calendar.utcForTests.component(.weekday, from: date) == 1 ? date : nil
            }.last!
            if switchover.addingTimeInterval(4 * 86_400) < before { return switchover }
            year -= 1
        }
    }
}
