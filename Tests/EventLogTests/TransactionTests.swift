import EventLog
import Foundation
import Testing

/// Transactions nest as savepoints and keep the first error (issue 18, item 7), as GRDB's
/// `inSavepoint` does: a failed rollback never hides why the body failed.
@Suite struct TransactionTests {
    struct BodyFailed: Error, Equatable {}

    private func database() throws -> Database {
        let database = try Database(path: ":memory:", mode: .memory)
        try database.execute("CREATE TABLE t (n INTEGER)")
        return database
    }

    private func count(_ database: Database) throws -> Int { try database.scalarInt("SELECT count(*) FROM t") ?? -1 }

    @Test func aNestedTransactionIsASavepointRolledBackAlone() throws {
        let database = try database()
        try database.transaction {
            try database.run("INSERT INTO t VALUES (1)")
            #expect(throws: BodyFailed.self) {
                try database.transaction {
                    try database.run("INSERT INTO t VALUES (2)")
                    throw BodyFailed()
                }
            }
            try database.savepoint { try database.run("INSERT INTO t VALUES (3)") }
        }
        #expect(try count(database) == 2)
        #expect(!database.isInTransaction)
    }

    @Test func theBodysErrorIsThrownWhenTheRollbackFailsToo() throws {
        let database = try database()
        try database.transaction {
            // The body releases the savepoint itself, so ROLLBACK TO fails: still the body's error.
            #expect(throws: BodyFailed.self) {
                try database.savepoint {
                    try database.run("INSERT INTO t VALUES (1)")
                    try database.execute("RELEASE eventlog_savepoint_1")
                    throw BodyFailed()
                }
            }
        }
        // The outermost: the body ends the transaction itself, so ROLLBACK fails.
        #expect(throws: BodyFailed.self) {
            try database.transaction {
                try database.execute("COMMIT")
                throw BodyFailed()
            }
        }
        #expect(!database.isInTransaction)
    }

    @Test func aFailedTransactionWritesNothing() throws {
        let database = try database()
        #expect(throws: BodyFailed.self) {
            try database.transaction {
                try database.run("INSERT INTO t VALUES (1)")
                try database.savepoint { try database.run("INSERT INTO t VALUES (2)") }
                throw BodyFailed()
            }
        }
        #expect(try count(database) == 0)
    }
}
