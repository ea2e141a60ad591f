/// What can go wrong in the event log, apart from SQLite's own errors.
public enum EventLogError: Error, Equatable, Sendable {
    /// Another writer appended to the stream first (optimistic concurrency): retry.
    case conflict(stream: String, expected: Int, actual: Int)
    /// A field holds a line feed or is otherwise not storable in the chain.
    case invalidField(name: String, reason: String)
    /// No database file at the path.
    case databaseMissing(String)
    /// A file already exists where a new database was to be created.
    case databaseExists(String)
    /// The file is not a Casebook database, or its schema version is unknown.
    case incompatibleSchema(String)
    /// The event to redact does not exist.
    case eventNotFound(stream: String, version: Int)
    /// The event is already redacted.
    case alreadyRedacted(stream: String, version: Int)
    /// A blob larger than ``BlobStore/maximumSize``.
    case blobTooLarge(size: Int)
    /// No blob with that hash.
    case blobNotFound(String)
    /// A blob's bytes no longer match their hash.
    case blobCorrupt(String)
    /// A blob's bytes were purged (its hash and size stay).
    case blobPurged(String)
}

extension EventLogError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .conflict(let stream, let expected, let actual):
            return "\(stream) changed while this command ran (expected version \(expected), found \(actual))"
        case .invalidField(let name, let reason): return "\(name) \(reason)"
        case .databaseMissing(let path): return "no database at \(path)"
        case .databaseExists(let path): return "a file already exists at \(path)"
        case .incompatibleSchema(let reason): return reason
        case .eventNotFound(let stream, let version): return "\(stream) has no event at version \(version)"
        case .alreadyRedacted(let stream, let version): return "\(stream) version \(version) is already redacted"
        case .blobTooLarge(let size): return "the file is \(size) bytes; files over 64 MiB are refused"
        case .blobNotFound(let hash): return "no stored file with SHA-256 \(hash)"
        case .blobCorrupt(let hash): return "the stored file \(hash) no longer matches its hash"
        case .blobPurged(let hash): return "the stored file \(hash) was purged: its bytes are gone, its hash and size stay"
        }
    }
}
