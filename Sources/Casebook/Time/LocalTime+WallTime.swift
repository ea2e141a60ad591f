import EventLog
import Foundation

/// A local time as written (`2026-10-25 01:30`): a reading of the wall clock, which names
/// one instant, two (when the clocks go back) or none (when they go forward).
struct WallTime: Sendable, Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// Whether the seconds were written (they are shown back as written).
    var hasSeconds: Bool

    /// The reading as seconds since 1970 as if the zone were UTC.
    var secondsAsUTC: Int {
        let days = Timestamp.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        return Int(days) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// `01:30` or `01:30:15`.
    var clock: String {
        LocalTime.padded(hour, 2) + ":" + LocalTime.padded(minute, 2) + (hasSeconds ? ":" + LocalTime.padded(second, 2) : "")
    }

    /// `25 October 2026`.
    var longDate: String { "\(day) \(WallTime.monthNames[month - 1]) \(year)" }

    /// `2026-10-25`.
    var isoDate: String { LocalTime.padded(year, 4) + "-" + LocalTime.padded(month, 2) + "-" + LocalTime.padded(day, 2) }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
}

extension LocalTime {
    /// What a wall-clock reading names in this zone.
    enum Resolution: Equatable {
        /// One instant: the usual case.
        case one(Date)
        /// Two instants, earlier first: the clocks went back over this reading.
        case twice(Date, Date)
        /// None: the clocks went forward over this reading at `transition` (nil when the
        /// zone's change is not a daylight-saving one and its instant is not known).
        case never(transition: Date?)
    }

    /// The instants at which the wall clock of this zone read `wall`.
    ///
    /// Every offset the zone used within two days of the reading is tried: an instant
    /// counts when the zone's offset at that instant is the one tried.
    func resolve(_ wall: WallTime) -> Resolution {
        let reading = wall.secondsAsUTC
        var offsets = Set<Int>()
        for days in -2...2 {
            offsets.insert(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(reading + days * 86_400))))
        }
        let instants = offsets.compactMap { offset -> Int? in
            let instant = reading - offset
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) == offset ? instant : nil
        }.sorted()
        switch instants.count {
        case 0:
            return .never(transition: transition(around: reading, offsets: offsets))
        case 1:
            return .one(Date(timeIntervalSince1970: Double(instants[0])))
        default:
            return .twice(Date(timeIntervalSince1970: Double(instants[0])), Date(timeIntervalSince1970: Double(instants[instants.count - 1])))
        }
    }

    /// The daylight-saving change nearest the reading (within two days), if the zone knows it.
    private func transition(around reading: Int, offsets: Set<Int>) -> Date? {
        var after = Date(timeIntervalSince1970: Double(reading - (offsets.max() ?? 0) - 2 * 86_400))
        for _ in 0..<4 {
            guard let next = zone.nextDaylightSavingTimeTransition(after: after) else { return nil }
            let before = zone.secondsFromGMT(for: next.addingTimeInterval(-1))
            let now = zone.secondsFromGMT(for: next)
            let instant = Int(next.timeIntervalSince1970)
            // The readings skipped run from the transition on the old clock to it on the new.
            if instant + before <= reading && reading < instant + now { return next }
            after = next
        }
        return nil
    }

    /// `02:00`: the wall clock's hours and minutes at `instant` with `offset`.
    private static func clock(at instant: Date, offset: Int) -> String {
        let seconds = Int(instant.timeIntervalSince1970) + offset
        let minutes = ((seconds % 86_400) + 86_400) % 86_400 / 60
        return padded(minutes / 60, 2) + ":" + padded(minutes % 60, 2)
    }

    /// `+01:00`.
    private static func offsetText(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        return (seconds < 0 ? "-" : "+") + padded(minutes / 60, 2) + ":" + padded(minutes % 60, 2)
    }

    /// Why a reading that happens twice is refused, and how to say which is meant.
    func ambiguous(_ text: String, field: String, wall: WallTime, _ first: Date, _ second: Date) -> CasebookError {
        let reading = wall.secondsAsUTC
        let firstOffset = reading - Int(first.timeIntervalSince1970)
        let secondOffset = reading - Int(second.timeIntervalSince1970)
        let (a, b) = (abbreviation(at: first), abbreviation(at: second))
        let rfc = wall.isoDate + "T" + LocalTime.padded(wall.hour, 2) + ":" + LocalTime.padded(wall.minute, 2) + ":"
            + LocalTime.padded(wall.second, 2)
        return CasebookError.invalidInput(
            "\(field) '\(text)' happens twice in \(identifier): the clocks go back on \(wall.longDate), so the clock reads "
                + "\(wall.clock) first in \(a) and again in \(b) (\(wall.clock) \(a) and \(wall.clock) \(b)); "
                + "give the offset to say which: \(rfc)\(Self.offsetText(firstOffset)) for \(a), "
                + "or \(rfc)\(Self.offsetText(secondOffset)) for \(b)")
    }

    /// Why a reading that never happens is refused.
    func skipped(_ text: String, field: String, wall: WallTime, _ transition: Date?) -> CasebookError {
        guard let transition else {
            return CasebookError.invalidInput(
                "\(field) '\(text)' does not exist in \(identifier): the clocks changed and skipped \(wall.clock) on \(wall.longDate); give another time, or RFC 3339 with an offset")
        }
        let before = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
        let after = zone.secondsFromGMT(for: transition)
        let from = Self.clock(at: transition, offset: before)
        let to = Self.clock(at: transition, offset: after)
        let (a, b) = (abbreviation(at: transition.addingTimeInterval(-1)), abbreviation(at: transition))
        return CasebookError.invalidInput(
            "\(field) '\(text)' never happens in \(identifier): the clocks go forward at \(from) \(a) (to \(to) \(b)), "
                + "so \(wall.clock) does not exist on \(wall.longDate); give a time before \(from) or from \(to), or RFC 3339 with an offset")
    }
}
