import EventLog

/// Events of the `settings` stream (SPEC §10). Type names are stable (stored and hashed);
/// every payload carries `"v": 1`.
public enum SettingsEvent: Sendable, Equatable {
    /// A setting was given a value (`settings set`).
    case changed(key: Settings.Key, value: Int)

    /// The stream that holds the settings.
    public static let stream = "settings"

    /// The stable type name.
    public static let changedType = "SettingChanged"

    /// The stable type name.
    public var typeName: String { Self.changedType }

    /// The payload.
    public var payload: JSONValue {
        switch self {
        case .changed(let key, let value): return ["key": .string(key.rawValue), "value": .int(value), "v": .int(1)]
        }
    }

    /// Decodes a stored event.
    public init(type: String, payload bytes: [UInt8]?) throws {
        guard type == Self.changedType, let bytes else { throw CaseEvent.PayloadError(type: type, field: "type") }
        let json = try JSONValue.parse(bytes)
        guard let name = json["key"]?.string, let key = Settings.Key(rawValue: name) else {
            throw CaseEvent.PayloadError(type: type, field: "key")
        }
        // In the setting's range, as `settings set` accepts: a stored value outside it is damage.
        guard let value = json["value"]?.int, key.range.contains(value) else { throw CaseEvent.PayloadError(type: type, field: "value") }
        self = .changed(key: key, value: value)
    }
}

extension Settings {
    /// The settings after the `settings` stream's events, oldest first;
    /// ``CasebookError/damaged(_:)`` naming the version of one that cannot be read.
    public static func replay(_ events: [RecordedEvent]) throws -> Settings {
        try events.reduce(Settings.defaults) { $0.evolve(try SettingsEvent(stored: $1)) }
    }
}
