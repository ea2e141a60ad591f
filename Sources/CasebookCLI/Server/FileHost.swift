import Casebook
import CasebookServer
import EventLog
import Foundation

/// Where a command's files live (SPEC §8): on this machine (direct use), or on the client's
/// side of a server-mode connection, whose files arrive in the request and leave in the
/// response. A command names its files the same way in both.
enum FileHost {
    /// This machine's file system, with this process's permissions.
    case local
    /// The files of one server-mode request.
    case remote(RemoteFiles)
}

/// The files of one server-mode request: the input files the client read with its own
/// permissions, and the output files the client is to write. The server never reads or
/// writes a path the client named.
final class RemoteFiles {
    private let inputs: [String: Data]
    /// The new files for the client to write, in order.
    private(set) var outputs: [OutputFile] = []

    init(inputs: [InputFile]) {
        var byPath: [String: Data] = [:]
        for file in inputs { byPath[file.path] = file.bytes }
        self.inputs = byPath
    }

    /// The bytes the client sent for `path`, with the checks of a local file.
    func input(_ path: String) throws -> [UInt8] {
        guard let bytes = inputs[path] else {
            throw CasebookError.notFound("no file at \(path) was sent with the request")
        }
        guard bytes.count <= BlobInfo.maximumSize else {
            throw CasebookError.invalidInput("\(path) is \(bytes.count) bytes; files over 64 MiB are refused")
        }
        guard !bytes.isEmpty else { throw CasebookError.invalidInput("\(path) is empty") }
        return [UInt8](bytes)
    }

    /// Hands a delivery's files to the response and commits it (records the export): in
    /// server mode an export is recorded when it is handed to the client, which then writes
    /// it (docs/SECURITY.md). When the commit fails the files are not sent.
    func hand(_ delivery: Delivery) throws {
        let before = outputs.count
        switch delivery.content {
        case .file(let bytes): outputs.append(OutputFile(path: delivery.path, kind: .file, bytes: Data(bytes)))
        case .folder(let files):
            for file in files {
                outputs.append(OutputFile(path: delivery.path, kind: .folderEntry(file.name), bytes: Data(file.bytes)))
            }
        }
        do {
            try delivery.commit()
        } catch {
            outputs.removeSubrange(before...)
            throw error
        }
    }
}
