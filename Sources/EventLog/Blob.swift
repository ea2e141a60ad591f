/// A stored file's identity: its SHA-256, size and sniffed media type.
public struct BlobInfo: Sendable, Equatable, Codable {
    /// Files over 64 MiB are refused (SPEC §4).
    public static let maximumSize = 64 * 1024 * 1024

    /// SHA-256 of the bytes, lowercase hex: the blob's key.
    public var sha256: String
    /// The size in bytes.
    public var size: Int
    /// The media type sniffed from the bytes.
    public var mediaType: String

    /// Creates blob information.
    public init(sha256: String, size: Int, mediaType: String) {
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
    }
}

extension EventStore {
    /// A stored file's bytes, after checking they still match their hash.
    public func blob(_ sha256: String) throws -> (info: BlobInfo, data: [UInt8]) {
        let statement = try database.cached("SELECT size, media_type, data FROM blobs WHERE sha256 = ?")
        try statement.bind([sha256])
        defer { statement.reset() }
        guard try statement.step() else { throw EventLogError.blobNotFound(sha256) }
        if statement.isNull(2) { throw EventLogError.blobPurged(sha256) }
        let data = statement.bytes(2) ?? []
        let info = BlobInfo(sha256: sha256, size: statement.int(0), mediaType: statement.text(1))
        guard data.count == info.size, Hex.encode(SHA256.hash(data)) == sha256 else {
            throw EventLogError.blobCorrupt(sha256)
        }
        return (info, data)
    }

    /// Whether a blob with that hash was purged (its row stays, its bytes are gone).
    public func isPurged(_ sha256: String) throws -> Bool {
        try database.scalarInt("SELECT data IS NULL FROM blobs WHERE sha256 = ?", [sha256]) == 1
    }

    /// Whether a blob with that hash is stored.
    public func hasBlob(_ sha256: String) throws -> Bool {
        try database.scalarInt("SELECT 1 FROM blobs WHERE sha256 = ?", [sha256]) != nil
    }
}
