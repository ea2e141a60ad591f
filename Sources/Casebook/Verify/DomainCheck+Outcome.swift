import EventLog
import Foundation

extension DomainCheck {
    /// What one stream's check leaves for the connection.
    struct Outcome: Sendable {
        enum Rows: Sendable {
            case none
            /// The case of the stream `case/<reference>` replayed: its read-model rows, made on the worker.
            case projected(ProjectedRows, reference: String)
            /// A case that could not be replayed: its stored rows are carried over.
            case carriedOver(reference: String)
            /// The staff directory's events, each with when it happened.
            case staff([StaffChange])
        }
        struct StaffChange: Sendable {
            var event: StaffEvent
            var occurredAt: String
        }
        struct FileReference: Sendable {
            var label: String
            var sha256: String
        }
        struct Export: Sendable {
            var head: StreamHead
            var audit: Int
        }
        /// A file a recorded purge erased: its bytes must stay gone, its size and media type as recorded.
        struct ErasedFile: Sendable {
            var stream: String
            var version: Int
            var file: StoredFile
        }
        var rows: Rows = .none
        /// Every file the stream's events refer to.
        var files: [FileReference] = []
        /// Every file the stream's purges erased.
        var erased: [ErasedFile] = []
        /// The chain heads the audit trail says were exported.
        var exports: [Export] = []
    }

    /// What the connection's side has written and found, in stream order.
    struct Written {
        /// The settings the workflow read (waiting times), for the deadlines in the read models.
        let settings: Settings

        init(settings: Settings, readModels: ReadModelComparison) {
            self.settings = settings
            self.readModels = readModels
        }

        /// Files found stored so far (the first 4,096: memory stays flat; the files shared by many events come early).
        private var storedFiles: Set<String> = []
        /// The case tables' stored rows, compared with the replayed ones as they come.
        let readModels: ReadModelComparison

        /// Evidence files referred to but not stored.
        private(set) var missingFiles: [String] = []
        private var exports: [Outcome.Export] = []

        mutating func write(_ outcome: Outcome, store: EventStore) throws {
            switch outcome.rows {
            case .none: break
            case .projected(let rows, let reference):
                readModels.compare(rows, stream: reference)
            case .carriedOver(let reference):
                readModels.carryOver(reference)
            case .staff(let changes):
                for change in changes { try Projection.write(change.event, at: change.occurredAt, to: store) }
            }
            for file in outcome.files where !storedFiles.contains(file.sha256) {
                if try store.hasBlob(file.sha256) {
                    // Many events share a file (the same screenshot): looked up once.
                    if storedFiles.count < 4_096 { storedFiles.insert(file.sha256) }
                } else {
                    missingFiles.append(file.label)
                }
            }
            for erased in outcome.erased {
                guard let blob = try BlobRows.state(of: erased.file.sha256, in: store) else { continue }
                let label = "\(erased.file.sha256)"
                if blob.hasBytes {
                    unerased.append(
                        ChainBreak(
                            stream: erased.stream, version: erased.version, kind: .unerased,
                            detail: "the bytes of \(label), purged by this FilesPurged, are present again"))
                } else if blob.size != erased.file.size || blob.mediaType != erased.file.mediaType {
                    unerased.append(
                        ChainBreak(
                            stream: erased.stream, version: erased.version, kind: .unerased,
                            detail: "the purged file \(label) is stored as \(blob.size) bytes of \(blob.mediaType.prefix(60)), "
                                + "but this FilesPurged recorded \(erased.file.size) bytes of \(erased.file.mediaType.prefix(60))"))
                }
            }
            exports += outcome.exports
        }

        /// Purged files whose bytes are back, or whose size or media type changed since.
        private(set) var unerased: [ChainBreak] = []

        /// Every chain head the audit trail says was exported is still in the database.
        func checkExports(chains: inout ChainVerifier, store: EventStore) throws {
            let hashes = try EventRows.HashLookup(store)
            for export in exports {
                let head = export.head
                let stored = try hashes.hash(stream: head.stream, version: head.version)
                if stored != head.hash {
                    chains.record(
                        ChainBreak(
                            stream: head.stream, version: head.version, kind: .divergedFromExport,
                            detail: "audit v\(export.audit) records an export of this chain up to here with hash \(head.hash.prefix(12))…; the database "
                                + (stored.map { "holds \($0.prefix(12))…" } ?? "no longer holds this version")))
                }
            }
        }
    }
}
