import EventLog

extension CasebookError {
    /// A stored event whose payload cannot be read as its type: damage to the file, never an
    /// internal error. Names the case (or stream) and version.
    static func undecodable(_ stored: RecordedEvent, _ error: Error) -> CasebookError {
        let place = stored.stream.hasPrefix("case/") ? "case \(stored.stream.dropFirst(5).prefix(64))" : "the \(stored.stream.prefix(64)) stream"
        return .damaged("\(place) version \(stored.version) (\(stored.type.prefix(64))) cannot be read: \(error)")
    }
}

/// A stored time that is not a real instant in the stored shape (`2026-13-45T99:99:99.999Z`).
struct DamagedTime: Error, CustomStringConvertible {
    var field: String
    var text: String
    var description: String { "its \(field) '\(text.prefix(40))' is not a real instant" }
}

extension RecordedEvent {
    /// Throws ``DamagedTime`` unless both times are real instants in the stored shape: every
    /// decoding of a stored event checks them, so a damaged row is invalid input (65), never
    /// taken for another time.
    func checkTimes() throws {
        if !Timestamp.isValid(occurredAt) { throw DamagedTime(field: "occurred_at", text: occurredAt) }
        if !Timestamp.isValid(recordedAt) { throw DamagedTime(field: "recorded_at", text: recordedAt) }
    }
}

/// An event type decoded from its stored type name and payload: every stream's events are.
protocol StoredEventDecodable {
    init(type: String, payload: [UInt8]?) throws
}

extension StoredEventDecodable {
    /// Decodes a stored event, its times checked first; ``CasebookError/damaged(_:)`` naming
    /// the case (or stream) and version when its payload or its times cannot be read.
    init(stored: RecordedEvent) throws {
        do {
            try stored.checkTimes()
            try self.init(type: stored.type, payload: stored.payload)
        } catch {
            throw CasebookError.undecodable(stored, error)
        }
    }
}

extension CaseEvent: StoredEventDecodable {}
/// Its value in the setting's range.
extension SettingsEvent: StoredEventDecodable {}
/// 1 to 100 years.
extension RetentionEvent: StoredEventDecodable {}
extension StaffEvent: StoredEventDecodable {}
extension AuditEvent: StoredEventDecodable {}
