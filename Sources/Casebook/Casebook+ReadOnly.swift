import EventLog
import Foundation

extension Casebook {
    /// Opens an existing database for reading only (no write lock, no migration): for
    /// `verify`, which works on a read-only file, folder or copy.
    public static func openReadOnly(at path: String, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Casebook {
        Casebook(store: try translatingErrors { try EventStore.openReadOnly(at: path, schema: schema, clock: clock) })
    }

    /// Whether a stream name is one Casebook writes: `staff`, `audit`, or `case/CB-YYYY-NNNN`.
    public static func isStreamName(_ name: String) -> Bool {
        if name == StaffEvent.stream || name == AuditEvent.stream || name == SettingsEvent.stream || name == RetentionEvent.stream
            || name == SchoolEvent.stream
        {
            return true
        }
        guard name.hasPrefix("case/"), let reference = CaseReference(String(name.dropFirst(5))) else { return false }
        return reference.stream == name
    }
}
