import CSQLite
import Foundation
import Testing

@testable import EventLog

/// The schema the program runs is the repository's schema.sql, and files are created,
/// opened and refused as they should be.
@Suite struct SchemaFileTests {
    /// One row of `sqlite_schema`.
    struct SchemaObject: Equatable, CustomStringConvertible {
        var type: String
        var name: String
        var table: String
        var sql: String?
        var description: String { "\(type) \(name) on \(table)" }
    }

    static let query = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"

    @Test("The embedded log schema is byte for byte Sources/EventLog/EventLog.sql, with one line for the rules")
    func embeddedSchemaIsTheFile() throws {
        let file = try Data(contentsOf: Fixture.packageRoot.appendingPathComponent("Sources/EventLog/EventLog.sql"))
        #expect(!file.isEmpty)
        #expect(Data(Schema.logSQL.utf8) == file)
        #expect(Schema.logSQL.components(separatedBy: "\n").filter { $0.hasPrefix(Schema.rulesMarker) }.count == 1)
    }

    @Test("A new database holds exactly what EventLog.sql and then the application's SQL create, with the rules inserted at their line")
    func newDatabaseMatchesSchemaFile() throws {
        let sql = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("Sources/EventLog/EventLog.sql"), encoding: .utf8)
        let log = try Self.objectsCreated(inMemoryBy: sql)
        #expect(log.contains { $0.type == "table" && $0.name == "events" })
        #expect(log.contains { $0.type == "trigger" && $0.name == "blobs_no_delete" })
        #expect(Set(log.map { $0.table }) == ["events", "blobs", "redaction_rules", "purge_rules", "blob_purges"], "the log's own tables only")
        let expected = try Self.objectsCreated(inMemoryBy: sql + Fixture.applicationSQL)
        let fixture = try StoreFixture()
        let store = fixture.store
        var actual: [SchemaObject] = []
        try store.database.forEachRow(Self.query) {
            actual.append(SchemaObject(type: $0.text(0), name: $0.text(1), table: $0.text(2), sql: $0.optionalText(3)))
        }
        #expect(actual == expected)
        var rules: [String] = []
        try store.database.forEachRow("SELECT type, recorded_by FROM redaction_rules ORDER BY type") { rules.append("\($0.text(0)) \($0.text(1))") }
        #expect(rules == Fixture.schema.redactionRules.map { "\($0.type) \($0.recordedBy)" })
        // An application's own SQL runs after the log's, in the same step, and its tables
        // are compared by verify like the log's.
        let withApp = Schema(redactionRules: [], migrations: [.init(version: 1, sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY);")])
        let fresh = try withApp.freshDatabase()
        #expect(try fresh.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('events', 'blobs', 'notes')") == 3)
        #expect(try fresh.scalarInt("SELECT count(*) FROM redaction_rules") == 0)
        let differences = try withApp.differences(in: store.database)
        #expect(differences == ["table notes is missing", "index sqlite_autoindex_staff_1 is not in the schema", "table staff is not in the schema"])
    }

    @Test("A new database is at user_version 1, in WAL mode, and private to its owner (0600)")
    func newDatabaseVersionAndMode() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("new.sqlite").path
        let store = try EventStore.create(at: path, schema: Fixture.schema)
        #expect(try store.database.scalarInt("PRAGMA user_version") == 1)
        #expect(try store.database.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try store.database.scalarInt("PRAGMA synchronous") == 2)  // FULL
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("Opening a file that is not SQLite fails with SQLite's 'not a database' and leaves it unchanged")
    func openingNonSQLiteFileFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("notes.sqlite").path
        let content = Data(String(repeating: "Minutes of the staff meeting, not a database.\n", count: 200).utf8)
        try content.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SQLiteError.self) { try EventStore.open(at: path, schema: Fixture.schema) }
        #expect(error?.isCorrupt == true)
        #expect(error?.description.contains("not a database") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
    }

    @Test("Opening a SQLite file with other tables fails as incompatible and adds nothing to it")
    func openingForeignDatabaseFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("other.sqlite").path
        do {
            let other = try Database(path: path, mode: .createNew)
            try other.execute("CREATE TABLE pupils (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO pupils VALUES (1, 'Sam')")
        }
        #expect(throws: EventLogError.incompatibleSchema("the file is a SQLite database, but not one of this program's")) {
            try EventStore.open(at: path, schema: Fixture.schema)
        }
        let other = try Database(path: path, mode: .existing)
        #expect(try other.scalarInt("SELECT count(*) FROM sqlite_schema") == 1)
        #expect(try other.scalarInt("PRAGMA user_version") == 0)
        #expect(try other.scalarText("SELECT name FROM pupils") == "Sam")
    }

    @Test("Opening a database from a newer version of the program fails as incompatible")
    func openingNewerDatabaseFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("newer.sqlite").path
        try Fixture.makeStore(in: directory.url, name: "newer.sqlite").database.execute("PRAGMA user_version = 2")
        #expect(throws: EventLogError.incompatibleSchema("the database is at schema version 2; this program knows up to 1")) {
            try EventStore.open(at: path, schema: Fixture.schema)
        }
    }

    @Test("Creating over an existing file fails with databaseExists and leaves the file as it was")
    func createOverExistingFileFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("casebook.sqlite").path
        let content = Data("keep me".utf8)
        try content.write(to: URL(fileURLWithPath: path))
        #expect(throws: EventLogError.databaseExists(path)) { try EventStore.create(at: path, schema: Fixture.schema) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
    }

    @Test("Opening a missing file fails with databaseMissing and creates nothing")
    func openMissingFileFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("missing.sqlite").path
        #expect(throws: EventLogError.databaseMissing(path)) { try EventStore.open(at: path, schema: Fixture.schema) }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(files.isEmpty)
    }

    @Test("A database created, closed and opened again keeps its events")
    func reopenKeepsEvents() throws {
        let directory = try TemporaryDirectory()
        try Fixture.makeStore(in: directory.url).append(Fixture.events(1...3), to: Fixture.stream, expectedVersion: 0)
        let path = directory.url.appendingPathComponent("casebook.sqlite").path
        let store = try EventStore.open(at: path, schema: Fixture.schema)
        #expect(try store.version(of: Fixture.stream) == 3)
        #expect(try store.database.scalarInt("PRAGMA user_version") == 1)
    }

    /// What `sql` creates in a fresh in-memory database, read through the C API directly.
    static func objectsCreated(inMemoryBy sql: String) throws -> [SchemaObject] {
        struct Failure: Error, CustomStringConvertible { let description: String }
        var handle: OpaquePointer?
        guard sqlite3_open(":memory:", &handle) == SQLITE_OK, let handle else { throw Failure(description: "open failed") }
        defer { sqlite3_close(handle) }
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw Failure(description: String(cString: sqlite3_errmsg(handle)))
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, query, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw Failure(description: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(statement) }
        func text(_ column: Int32) -> String? {
            sqlite3_column_text(statement, column).map { String(cString: $0) }
        }
        var objects: [SchemaObject] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            objects.append(SchemaObject(type: text(0) ?? "", name: text(1) ?? "", table: text(2) ?? "", sql: text(3)))
        }
        return objects
    }
}
