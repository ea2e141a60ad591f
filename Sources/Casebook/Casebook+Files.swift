import EventLog
import Foundation

extension Casebook {
    /// Stores the files' bytes (hashed once, by the blob store) and checks that every file
    /// the command refers to is among them or already stored, so no event can name a file
    /// the database does not hold.
    ///
    /// The last line of the child-sexual-imagery rule (SPEC §9): whatever the decision said,
    /// no bytes are stored for such a case or item.
    func storeFiles(
        _ bytes: [[UInt8]], referencedBy command: CaseCommand, on state: CaseState, after next: CaseState, in passage: Passage
    ) throws {
        let hasFiles = !bytes.isEmpty || !command.files.isEmpty
        if let refusal = LawfulContentTrack.fileRefusal(command, state, hasFiles: hasFiles)
            ?? LawfulContentTrack.fileRefusal(command, next, hasFiles: hasFiles)
        {
            throw CasebookError.invalidInput(refusal)
        }
        // Bytes no file of the command names, given with a step that marks child sexual imagery.
        if !bytes.isEmpty, command.files.isEmpty, next.involvesChildSexualImagery {
            throw CasebookError.invalidInput(LawfulContentTrack.noFilesMessage)
        }
        let stored = try bytes.map { try passage.storeBlob($0) }
        for info in stored where try store.isPurged(info.sha256) {
            throw CasebookError.invalidInput(
                "a file with SHA-256 \(info.sha256) may not be stored: Casebook keeps no copy of bytes it was made to erase; record the item without the file, and ask the safeguarding lead if this is unexpected")
        }
        let given = Dictionary(stored.map { ($0.sha256, $0.size) }, uniquingKeysWith: { first, _ in first })
        for file in command.files {
            try FileName.validate(file.name)
            if let size = given[file.sha256] {
                guard size == file.size else { throw CasebookError.invalidInput("\(file.name): its size does not match its bytes") }
            } else if try !store.hasBlob(file.sha256) {
                throw CasebookError.invalidInput("\(file.name): its bytes were not given (SHA-256 \(file.sha256))")
            }
        }
    }

    /// Deletes the bytes each purge event names as erased, once the events are appended
    /// (the triggers let bytes go only when a recorded purge names them).
    func purgeBlobs(_ events: [CaseEvent], firstVersion: Int, stream: String, in passage: Passage) throws {
        for (offset, event) in events.enumerated() {
            guard case .filesPurged(let purge) = event else { continue }
            for sha in purge.erased { try passage.purgeBlob(sha, recordedBy: stream, version: firstVersion + offset) }
        }
    }

    /// Whether a stored file is still held (not purged) by an item of a case other than `reference`.
    func blobHeld(_ sha256: String, outside reference: CaseReference) throws -> Bool {
        for stream in try CaseRows.streams(mentioning: sha256, outside: reference, in: store) {
            let state = try CaseState.replay(try store.events(in: stream))
            if state.heldFiles.contains(where: { $0.file.sha256 == sha256 }) { return true }
        }
        return false
    }

    /// After a purge or a redaction: gives the freed pages back and empties the write-ahead
    /// log (best effort: a reader holding a snapshot delays it; ``completeErasure()`` says so).
    func reclaimAfterPurge(_ events: [CaseEvent]) {
        let erases = events.contains {
            switch $0 {
            case .filesPurged, .redaction: return true
            default: return false
            }
        }
        guard erases else { return }
        // Safe to ignore a failure: the erasure has committed; only the freed pages and old
        // log copies wait for the next `reclaimSpace` or open (``completeErasure()`` says so).
        _ = try? store.reclaimSpace()
    }

    /// A stored file's bytes, re-checked against its SHA-256 as they are read.
    public func fileBytes(_ file: StoredFile) throws -> [UInt8] {
        try Self.translatingErrors { try store.blob(file.sha256).data }
    }

    /// How many events the log holds.
    public func eventCount() throws -> Int {
        try Self.translatingErrors { try store.eventCount() }
    }

    /// Stores a file's bytes as they would be stored, without a transaction: its identity.
    public static func fileInfo(name: String, bytes: [UInt8]) throws -> StoredFile {
        try FileName.validate(name)
        guard bytes.count <= BlobInfo.maximumSize else {
            throw CasebookError.invalidInput("\(name) is \(bytes.count) bytes; files over 64 MiB are refused")
        }
        guard !bytes.isEmpty else { throw CasebookError.invalidInput("\(name) is empty") }
        return StoredFile(
            name: name, sha256: Hex.encode(SHA256.hash(bytes)), size: bytes.count, mediaType: MediaType.sniff(bytes))
    }
}
