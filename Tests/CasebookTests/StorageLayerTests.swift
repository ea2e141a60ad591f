import Foundation
import Testing

/// Casebook's SQL lives in `Sources/Casebook/Storage/` (issue 10, item 7): the service
/// files call its named functions and run no SQL of their own.
@Suite struct StorageLayerTests {
    static let casebookSources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CasebookTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appendingPathComponent("Sources/Casebook")

    /// What marks SQL or a direct call into the SQLite wrapper.
    static let markers = [
        "forEachRow(", ".execute(", ".run(\"", "prepare(\"", "prepare(query", "scalarInt(", "scalarText(",
        "SELECT ", "INSERT ", "DELETE FROM", "UPDATE ", "CREATE TABLE", "DROP TABLE", "SAVEPOINT", "sqlite_schema",
    ]

    /// Every Swift file of the Casebook target outside `Storage/`, by its path under the target.
    static func serviceFiles() throws -> [(path: String, text: String)] {
        let root = casebookSources.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift"), !relative.hasPrefix("Storage/") else { continue }
            files.append((relative, try String(contentsOfFile: root + "/" + relative, encoding: .utf8)))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    @Test func theStorageFolderHoldsTheSQL() throws {
        let storage = Self.casebookSources.appendingPathComponent("Storage").path
        let names = try FileManager.default.contentsOfDirectory(atPath: storage).filter { $0.hasSuffix(".swift") }
        #expect(names.contains("CaseRows.swift"))
        let text = try names.map { try String(contentsOfFile: storage + "/" + $0, encoding: .utf8) }.joined()
        #expect(text.contains("SELECT "))
        #expect(text.contains("forEachRow("))
    }

    @Test func noServiceFileOutsideStorageRunsSQL() throws {
        let files = try Self.serviceFiles()
        #expect(files.count > 20, "the Casebook sources were not found under \(Self.casebookSources.path)")
        var found: [String] = []
        for (path, text) in files {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for marker in Self.markers where line.contains(marker) {
                    found.append("\(path):\(number + 1): \(marker) in \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(found.isEmpty, "SQL outside Sources/Casebook/Storage/:\n\(found.joined(separator: "\n"))")
    }
}
