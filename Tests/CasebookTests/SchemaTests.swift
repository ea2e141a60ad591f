import CasebookSchema
import EventLog
import Foundation
import Testing

@testable import Casebook

/// The schema the program runs is EventLog's own part and then the repository's
/// schema.sql, each compiled in from its file.
@Suite struct SchemaTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CasebookTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    @Test func theEmbeddedApplicationSchemaIsByteForByteSchemaSQL() throws {
        let file = try Data(contentsOf: Self.packageRoot.appendingPathComponent("schema.sql"))
        #expect(!file.isEmpty)
        #expect(Data(String(cString: casebook_schema_sql()).utf8) == file)
        // One step per version, in order; joined, they are the file.
        let text = String(decoding: file, as: UTF8.self)
        #expect(Casebook.schema.migrations.map(\.sql).joined() == text)
        #expect(Casebook.schema.migrations.map(\.version) == Array(1...Casebook.schema.currentVersion))
        #expect(Casebook.schema.currentVersion >= 2)
        #expect(SchemaSteps.markedVersions(of: text) == Array(2...Casebook.schema.currentVersion).map { Optional($0) })
        #expect(Casebook.schema.migrations.dropFirst().allSatisfy { $0.sql.hasPrefix(SchemaSteps.marker) })
    }

    @Test func aFileWithoutLaterVersionsIsOneStep() {
        let steps = SchemaSteps.migrations(of: "CREATE TABLE a (x);\n")
        #expect(steps.map(\.version) == [1] && steps.map(\.sql) == ["CREATE TABLE a (x);\n"])
        let two = SchemaSteps.migrations(of: "CREATE TABLE a (x);\n-- >>> version 2: b\nCREATE TABLE b (y);\n")
        #expect(two.map(\.sql) == ["CREATE TABLE a (x);\n", "-- >>> version 2: b\nCREATE TABLE b (y);\n"])
    }

    @Test func schemaSQLCreatesNoneOfTheLogsTablesAndANewDatabaseHoldsBothParts() throws {
        let sql = try String(contentsOf: Self.packageRoot.appendingPathComponent("schema.sql"), encoding: .utf8)
        for table in ["events", "blobs", "redaction_rules"] {
            #expect(!sql.contains("CREATE TABLE \(table) "), "\(table) belongs to EventLog.sql")
            #expect(!sql.contains("ON \(table)"), "\(table)'s triggers and indexes belong to EventLog.sql")
        }
        let fresh = try Casebook.schema.freshDatabase()
        var names: Set<String> = []
        try fresh.forEachRow("SELECT name FROM sqlite_schema") { names.insert($0.text(0)) }
        #expect(names.isSuperset(of: ["events", "blobs", "redaction_rules", "events_no_update", "blobs_no_delete", "cases", "staff"]))
        #expect(try fresh.scalarInt("PRAGMA user_version") == Casebook.schema.currentVersion)
    }
}
