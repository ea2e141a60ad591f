import EventLog
import Foundation
import Testing

@testable import Casebook

/// The one door (issue 18, item 1): every append passes `Door/`, and nothing can be
/// appended before the action is authorised.
@Suite struct DoorTests {
    /// Names that reach the event log's writer: only the door's files may use them.
    static let writerMarkers = [
        "EventWriter", "store.write", "writer.append(", "store.append(", "writer.storeBlob(", "writer.purgeBlob(",
        "writer.redact(", "Passage(writer",
    ]

    /// The connection: only the storage layer and the door reach it, with no exception.
    static let connectionExceptions: Set<String> = []

    static func files() throws -> [(path: String, text: String)] {
        let root = StorageLayerTests.casebookSources.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            files.append((relative, try String(contentsOfFile: root + "/" + relative, encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    static func findings(_ markers: [String], in files: [(path: String, text: String)]) -> [String] {
        var found: [String] = []
        for (path, text) in files {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for marker in markers where line.contains(marker) {
                    found.append("\(path):\(number + 1): \(marker) in \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        return found
    }

    @Test func onlyTheDoorHoldsTheEventWriter() throws {
        let all = try Self.files()
        #expect(all.count > 20, "the Casebook sources were not found")
        let door = all.filter { $0.path.hasPrefix("Door/") }
        #expect(!Self.findings(["store.write"], in: door).isEmpty, "the door no longer opens the write transaction")
        let others = all.filter { !$0.path.hasPrefix("Door/") }
        let found = Self.findings(Self.writerMarkers, in: others)
        #expect(found.isEmpty, "the event writer reached outside Sources/Casebook/Door/:\n\(found.joined(separator: "\n"))")
    }

    @Test func onlyTheStorageLayerAndTheDoorReachTheConnection() throws {
        let others = try Self.files().filter {
            !$0.path.hasPrefix("Door/") && !$0.path.hasPrefix("Storage/") && !Self.connectionExceptions.contains($0.path)
        }
        let found = Self.findings([".database.", ".database)", ".database\n", "= store.database", "writer.database"], in: others)
            + others.compactMap { file in file.text.contains(".database ") ? "\(file.path): .database" : nil }
        #expect(found.isEmpty, "the connection reached outside Storage/ and Door/:\n\(found.joined(separator: "\n"))")
    }

    @Test func nothingIsAppendedBeforeTheActionIsAuthorised() throws {
        let fixture = try ServiceFixture()
        let before = try fixture.casebook.eventCount()
        let event = NewEvent(type: "SchoolAdded", occurredAt: Timestamp.string(from: fixture.casebook.now), actor: "x", payload: Array("{}".utf8))
        #expect(throws: DoorError.self) {
            try fixture.casebook.door.pass(by: "x") { passage in
                try passage.append([event], to: "schools", expectedVersion: 0)
            }
        }
        #expect(throws: DoorError.self) {
            try fixture.casebook.door.pass(by: "x") { passage in _ = try passage.storeBlob([1, 2, 3]) }
        }
        #expect(try fixture.casebook.eventCount() == before)
    }
}
