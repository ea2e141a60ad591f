import EventLog
import Foundation

/// A checkpoint's witness file (`casebook checkpoint --out FILE`): the log head and every
/// stream's head at one moment, with when and by whom it was taken. A safeguarding lead
/// keeps it away from the database; `casebook verify --checkpoint FILE` later proves the
/// database still holds exactly that history.
///
/// ```json
/// {"format": "casebook-checkpoint", "version": 1, "takenAt": "…Z", "takenBy": "dsl.khan",
///  "logHead": {"events": 42, "hash": "…"},
///  "streams": [{"stream": "audit", "version": 3, "hash": "…"}, …],
///  "erased": {"events": [{"stream": "case/CB-2026-0001", "version": 4}], "files": ["…"]}}
/// ```
public struct CheckpointFile: Sendable, Equatable {
    /// The `format` field.
    public static let formatName = "casebook-checkpoint"
    /// The `version` field.
    public static let formatVersion = 1

    /// What it witnesses.
    public var checkpoint: LogCheckpoint
    /// When it was taken (UTC text).
    public var takenAt: String
    /// Who took it (a staff id).
    public var takenBy: String

    /// Creates a witness.
    public init(checkpoint: LogCheckpoint, takenAt: String, takenBy: String) {
        self.checkpoint = checkpoint
        self.takenAt = takenAt
        self.takenBy = takenBy
    }

    /// The file's text: pretty JSON ending in a line feed.
    public func json() throws -> String {
        let value: JSONValue = [
            "format": .string(Self.formatName), "version": .int(Self.formatVersion), "takenAt": .string(takenAt),
            "takenBy": .string(takenBy),
            "logHead": ["events": .int(checkpoint.logHead.eventCount), "hash": .string(checkpoint.logHead.hash)],
            "streams": .array(
                try checkpoint.streams.map { ["stream": .string($0.stream), "version": .int($0.version), "hash": .string($0.hash)] }),
        ]
        guard case .object(var fields) = value else { return value.prettySerialized() + "\n" }
        if let erasures = checkpoint.erasures {
            fields["erased"] = [
                "events": .array(erasures.events.map { ["stream": .string($0.stream), "version": .int($0.version)] }),
                "files": .array(erasures.files.map { .string($0) }),
            ]
        }
        return JSONValue.object(fields).prettySerialized() + "\n"
    }

    /// Reads a witness file; ``CasebookError/invalidInput(_:)`` when it is not one.
    public static func parse(_ bytes: [UInt8], name: String) throws -> CheckpointFile {
        func invalid(_ why: String) -> CasebookError {
            .invalidInput("\(name) is not a Casebook checkpoint (\(why)): make one with '\(command: .makeCheckpoint)'")
        }
        guard let json = try? JSONValue.parse(bytes) else { throw invalid("it is not JSON") }
        guard json["format"]?.string == formatName else { throw invalid("its \"format\" is not \"\(formatName)\"") }
        guard json["version"]?.int == formatVersion else { throw invalid("its version is not \(formatVersion)") }
        func isHash(_ text: String) -> Bool {
            text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        guard let events = json["logHead"]?["events"]?.int, events >= 0, let head = json["logHead"]?["hash"]?.string,
            isHash(head)
        else { throw invalid("its log head is not a count and a SHA-256") }
        guard let items = json["streams"]?.array else { throw invalid("it has no list of streams") }
        var streams: [StreamHead] = []
        var seen: Set<String> = []
        for item in items {
            guard let stream = item["stream"]?.string, let version = item["version"]?.int, version >= 1,
                let hash = item["hash"]?.string, isHash(hash), seen.insert(stream).inserted
            else { throw invalid("a stream's head is not a name, a version and a SHA-256") }
            streams.append(StreamHead(stream: stream, version: version, hash: hash))
        }
        var erasures: LogCheckpoint.Erasures?
        if let erased = json["erased"], !erased.isNull {
            guard let items = erased["events"]?.array, let files = erased["files"]?.array else {
                throw invalid("its \"erased\" is not a list of events and files")
            }
            var events: [EventReference] = []
            for item in items {
                guard let stream = item["stream"]?.string, let version = item["version"]?.int, version >= 1 else {
                    throw invalid("an erased event is not a stream and a version")
                }
                events.append(EventReference(stream: stream, version: version))
            }
            let hashes = files.compactMap(\.string)
            guard hashes.count == files.count, hashes.allSatisfy(isHash) else { throw invalid("an erased file is not a SHA-256") }
            erasures = LogCheckpoint.Erasures(events: events, files: hashes)
        }
        return CheckpointFile(
            checkpoint: LogCheckpoint(logHead: LogHead(eventCount: events, hash: head), streams: streams, erasures: erasures),
            takenAt: json["takenAt"]?.string ?? "", takenBy: json["takenBy"]?.string ?? "")
    }
}
