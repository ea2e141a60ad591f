import EventLog

/// What `casebook verify` found.
public struct VerificationReport: Sendable {
    /// Every break, each naming its stream and version (`file`, `schema`, `blobs` and `log`
    /// for what belongs to no stream): chains, stored files, schema, stream names, payloads,
    /// erasures, actors, the file's pages, and a checkpoint's or the audit trail's exports.
    public var breaks: [ChainBreak]
    /// Events redacted with the chain intact and the redaction recorded (not breaks).
    public var redacted: [EventReference]
    /// Read-model rows that differ from a fresh rebuild: `table: row`.
    public var projectionDifferences: [String]
    /// Evidence files referred to by events but not stored.
    public var missingFiles: [String]
    /// Events checked.
    public var eventCount: Int
    /// Streams checked.
    public var streamCount: Int
    /// The log head and every stream's head in the snapshot verified.
    public var checkpoint: LogCheckpoint
    /// Whether a checkpoint was compared.
    public var checkedCheckpoint: Bool
    /// Whether the file was read without the `-wal` file beside it (opened immutable: a
    /// read-only folder where SQLite cannot create its WAL index): changes still in that
    /// file were not checked.
    public var skipsWriteAheadLog: Bool
    /// Stored files whose bytes were purged with the purge recorded (SHA-256; not breaks).
    public var purgedFiles: [String] = []
    /// Whether a private copy of the file and its `-wal` was verified, because the `-wal`
    /// could not be read in place (a read-only folder): the committed changes in it were checked.
    public var verifiedPrivateCopy = false

    /// The log head.
    public var logHead: LogHead { checkpoint.logHead }

    /// Whether everything verified.
    public var isIntact: Bool { breaks.isEmpty && projectionDifferences.isEmpty && missingFiles.isEmpty }
}
