import Foundation

/// Working days in England (SPEC §11): not Saturdays, Sundays or the bank holidays of
/// England and Wales. Used for the clocks measured in working days (an untriaged concern,
/// a track's referral), each due one working day after it starts.
///
/// "One working day after" an instant is the same wall-clock time in London on the next
/// working day after that instant's date: a source identified on Friday 27 August 2027 at
/// 10:00 is due on Tuesday 31 August at 10:00, Monday 30 August being the summer bank holiday.
/// A date past the table's end has no answer: an error, never a guess.
public enum WorkingDays {
    /// Where the table comes from.
    public static let source =
        "GOV.UK, UK bank holidays, England and Wales (https://www.gov.uk/bank-holidays, england-and-wales), 2024–2028"
    /// The first and last dates the table covers (London dates).
    public static let firstDate = "2024-01-01"
    public static let lastDate = "2028-12-31"

    /// The bank holidays of England and Wales, 2024–2028, with substitute days. The years
    /// GOV.UK had not yet published when this table was made (2028) follow the same
    /// statutory pattern (Banking and Financial Dealings Act 1971 and the royal
    /// proclamations); a one-off holiday proclaimed later must be added here.
    public static let bankHolidays: Set<String> = [
        // 2024
        "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26",
        // 2025
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
        // 2026 (Boxing Day is a Saturday: substitute Monday 28 December)
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
        // 2027 (Christmas Day and Boxing Day fall at a weekend: substitutes 27 and 28 December)
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
        // 2028 (New Year's Day is a Saturday: substitute Monday 3 January)
        "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26",
    ]

    /// England's clock.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? .gmt
        return calendar
    }()

    /// `2027-08-30` for an instant, in London.
    static func dateText(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Whether an instant's London date is a working day; nil outside the table.
    public static func isWorkingDay(_ date: Date) -> Bool? {
        let text = dateText(date)
        guard text >= firstDate, text <= lastDate else { return nil }
        let weekday = calendar.component(.weekday, from: date)
        return weekday != 1 && weekday != 7 && !bankHolidays.contains(text)
    }

    /// The same London wall-clock time on the next working day after the instant's date;
    /// nil when that day is past the table's end (or before its start).
    public static func oneWorkingDay(after date: Date) -> Date? {
        var day = date
        for _ in 0..<14 {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = next
            guard let working = isWorkingDay(day) else { return nil }
            if working { return day }
        }
        return nil
    }

    /// As ``oneWorkingDay(after:)``, or invalid input naming the table's end.
    public static func requireOneWorkingDay(after date: Date, for what: String) throws -> Date {
        guard let due = oneWorkingDay(after: date) else {
            throw CasebookError.invalidInput(
                "cannot count working days for \(what) from \(dateText(date)): the bank-holiday table covers \(firstDate) to \(lastDate) only (\(source)); add the next years' bank holidays to WorkingDays.swift")
        }
        return due
    }
}
