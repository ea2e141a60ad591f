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
        #expect(Casebook.schema.migrations.map(\.sql) == [String(decoding: file, as: UTF8.self)])
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
        #expect(try fresh.scalarInt("PRAGMA user_version") == 1)
    }
}
