import Foundation
import Testing

import EventLog

#if canImport(Glibc)
    import Glibc
#endif

/// ``NewFile``: every file a program writes for its user is made new, 0600, beside its
/// target, moved into place whole, never over what is there nor over the database.
@Suite struct NewFileTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    static func names(_ directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.url.path)) ?? []).sorted()
    }

    @Test func aFileIsMadeOnceAndNeverReplaced() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("report.txt").path
        let previous = umask(0)
        defer { umask(previous) }
        try NewFile.write(Array("first".utf8), to: path, protecting: .nothing)
        #expect(Self.mode(path) == 0o600)
        let failure = #expect(throws: NewFile.Failure.self) {
            try NewFile.write(Array("second".utf8), to: path, protecting: .nothing)
        }
        #expect(failure?.kind == .exists)
        #expect(failure?.reason == "a file already exists at \(path)")
        #expect(FileManager.default.contents(atPath: path) == Data("first".utf8))
        #expect(Self.names(directory) == ["report.txt"])
    }

    @Test func theDatabaseAndItsCompanionsAreProtectedBeforeTheyExist() throws {
        let directory = try TemporaryDirectory()
        let database = directory.url.appendingPathComponent("casebook.sqlite").path
        _ = try EventStore.create(at: database, schema: Fixture.schema)
        let protected = NewFile.Protected(database: database)
        // Through a symbolic link to the folder, and with `..`: the same files.
        try FileManager.default.createSymbolicLink(atPath: directory.url.appendingPathComponent("alias").path, withDestinationPath: directory.url.path)
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("sub"), withIntermediateDirectories: false)
        for target in ["casebook.sqlite", "alias/casebook.sqlite-wal", "sub/../casebook.sqlite-journal", "alias/casebook.sqlite-shm"] {
            let path = directory.url.appendingPathComponent(target).path
            let failure = #expect(throws: NewFile.Failure.self) { try NewFile.write([1], to: path, protecting: protected) }
            #expect(failure?.kind == .exists || failure?.kind == .refused, "\(target)")
            #expect(failure?.reason.contains("the database") == true, "\(target): \(failure?.reason ?? "")")
        }
        #expect(Self.names(directory) == ["alias", "casebook.sqlite", "sub"])
    }

    @Test func aFailedFillLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("copy.sqlite").path
        struct Stop: Error {}
        var seen = ""
        #expect(throws: Stop.self) {
            try NewFile.make(at: path, protecting: .nothing) { temporary in
                seen = temporary
                try Data("half a copy".utf8).write(to: URL(fileURLWithPath: temporary + "-wal"))
                throw Stop()
            }
        }
        #expect(seen.contains("/.copy.sqlite" + NewFile.temporaryMarker))
        #expect(Self.names(directory).isEmpty)
    }

    /// A database whose creation fails part-way never appears at its path.
    @Test func aStoreWhoseFirstEventFailsIsNotCreated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("casebook.sqlite").path
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            _ = try EventStore.create(at: path, schema: Fixture.schema, prepare: { store in
                try store.append([NewEvent(type: "Started", occurredAt: "2026-11-20T09:00:00.000Z", actor: "head", payload: Array("{}".utf8))], to: "staff", expectedVersion: 0)
                throw Stop()
            })
        }
        #expect(Self.names(directory).isEmpty)
        let store = try EventStore.create(at: path, schema: Fixture.schema, prepare: { store in
            try store.append([NewEvent(type: "Started", occurredAt: "2026-11-20T09:00:00.000Z", actor: "head", payload: Array("{}".utf8))], to: "staff", expectedVersion: 0)
        })
        #expect(try store.eventCount() == 1)
        #expect(Self.mode(path) == 0o600)
        // The store is open (its -wal and -shm beside it); no temporary file is left.
        #expect(Self.names(directory).filter { !$0.hasPrefix("casebook.sqlite") }.isEmpty, "\(Self.names(directory))")
    }

    @Test func aFolderAppearsWithEveryFileOrNotAtAll() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("E1").path
        let failure = #expect(throws: NewFile.Failure.self) {
            try NewFile.writeFolder([("a.png", [1]), ("../b.png", [2])], at: path, protecting: .nothing)
        }
        #expect(failure?.kind == .refused)
        #expect(Self.names(directory).isEmpty)
        let placed = try NewFile.writeFolder([("a.png", [1]), ("b.png", [2])], at: path, protecting: .nothing)
        #expect(Self.mode(path) == 0o700)
        #expect(Self.mode(path + "/b.png") == 0o600)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: path)) == ["a.png", "b.png"])
        // Taken away again (an export whose audit entry failed).
        placed.remove()
        #expect(Self.names(directory).isEmpty)
    }

    /// ``NewFile/Placed/remove()`` removes only the file it placed, not one put there since.
    @Test func removeLeavesAFileThatReplacedIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("t.txt").path
        let placed = try NewFile.write([1, 2, 3], to: path, protecting: .nothing)
        try FileManager.default.removeItem(atPath: path)
        try Data("someone else's".utf8).write(to: URL(fileURLWithPath: path))
        placed.remove()
        #expect(FileManager.default.contents(atPath: path) == Data("someone else's".utf8))
    }
}
