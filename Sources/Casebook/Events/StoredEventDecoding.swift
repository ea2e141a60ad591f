import EventLog

extension CasebookError {
    /// A stored event whose payload cannot be read as its type: damage to the file, never an
    /// internal error. Names the case (or stream) and version.
    static func undecodable(_ stored: RecordedEvent, _ error: Error) -> CasebookError {
        let place = stored.stream.hasPrefix("case/") ? "case \(stored.stream.dropFirst(5).prefix(64))" : "the \(stored.stream.prefix(64)) stream"
        return .damaged("\(place) version \(stored.version) (\(stored.type.prefix(64))) cannot be read: \(error)")
    }
}

extension CaseEvent {
    /// Decodes a stored case event; ``CasebookError/damaged(_:)`` naming the case and
    /// version when its payload cannot be read.
    init(stored: RecordedEvent) throws {
        do {
            try self.init(type: stored.type, payload: stored.payload)
        } catch {
            throw CasebookError.undecodable(stored, error)
        }
    }
}

extension StaffEvent {
    /// Decodes a stored staff event; ``CasebookError/damaged(_:)`` when it cannot be read.
    init(stored: RecordedEvent) throws {
        do {
            try self.init(type: stored.type, payload: stored.payload)
        } catch {
            throw CasebookError.undecodable(stored, error)
        }
    }
}

extension AuditEvent {
    /// Decodes a stored audit event; ``CasebookError/damaged(_:)`` when it cannot be read.
    init(stored: RecordedEvent) throws {
        do {
            try self.init(type: stored.type, payload: stored.payload)
        } catch {
            throw CasebookError.undecodable(stored, error)
        }
    }
}
