import Foundation

/// The school's settings the workflow reads when deciding (SPEC §10): waiting times that
/// change with the outside world, not with a case. Stored as events in the `settings`
/// stream (``SettingsEvent``), so every change is in the hash chain with who made it.
public struct Settings: Sendable, Equatable {
    /// A setting's stable name, as typed (`settings set helpline.posh.wait-hours 48`).
    public enum Key: String, Sendable, CaseIterable {
        /// Hours after the platform report before the Professionals Online Safety Helpline
        /// takes an escalation (POSH asks schools to wait 48 hours).
        case poshWaitHours = "helpline.posh.wait-hours"
        /// Days after a helpline escalation before the missing response is overdue.
        case helplineResponseDays = "helpline.response-days"
        /// Hours before a deadline that its calendar reminder's alarm goes off.
        case reminderAlarmHours = "reminders.alarm-hours"

        /// The value with no SettingChanged event.
        public var defaultValue: Int {
            switch self {
            case .poshWaitHours: return 48
            case .helplineResponseDays: return 14
            case .reminderAlarmHours: return 4
            }
        }

        /// The values accepted.
        public var range: ClosedRange<Int> {
            switch self {
            case .poshWaitHours: return 0...720
            case .helplineResponseDays: return 1...365
            case .reminderAlarmHours: return 0...72
            }
        }

        /// What it means, in plain words.
        public var meaning: String {
            switch self {
            case .poshWaitHours: return "hours after the platform report before a POSH escalation (SPEC §10)"
            case .helplineResponseDays: return "days after a helpline escalation before its missing response is overdue"
            case .reminderAlarmHours: return "hours before a deadline that its calendar reminder's alarm goes off"
            }
        }
    }

    /// The values set, by key; a key not set has its default.
    public private(set) var values: [Key: Int] = [:]

    /// Every setting at its default.
    public static let defaults = Settings()

    /// Creates settings with these values set.
    public init(_ values: [Key: Int] = [:]) { self.values = values }

    /// A setting's value.
    public subscript(key: Key) -> Int { values[key] ?? key.defaultValue }

    /// Whether the value was set (rather than the default).
    public func isSet(_ key: Key) -> Bool { values[key] != nil }

    /// The POSH waiting time after the platform report.
    public var poshWait: TimeInterval { TimeInterval(self[.poshWaitHours]) * 3600 }
    /// How long before a deadline its calendar alarm goes off.
    public var reminderAlarm: TimeInterval { TimeInterval(self[.reminderAlarmHours]) * 3600 }
    /// How long a helpline has to respond before it is overdue.
    public var helplineResponseWindow: TimeInterval { TimeInterval(self[.helplineResponseDays]) * 86_400 }

    /// The state after one event.
    public func evolve(_ event: SettingsEvent) -> Settings {
        var next = self
        switch event {
        case .changed(let key, let value): next.values[key] = value
        }
        return next
    }

    /// A key and value as typed, checked: ``CasebookError/invalidInput(_:)`` otherwise.
    public static func parse(key: String, value: String) throws -> (Key, Int) {
        guard let known = Key(rawValue: key) else {
            throw CasebookError.invalidInput(
                "no setting '\(key)'; the settings are: \(Key.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard let number = Int(trimmed), known.range.contains(number) else {
            throw CasebookError.invalidInput(
                "\(key) must be a whole number from \(known.range.lowerBound) to \(known.range.upperBound), not '\(value)'")
        }
        return (known, number)
    }
}
