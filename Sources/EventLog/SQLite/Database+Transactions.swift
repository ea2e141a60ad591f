import CSQLite
import Foundation

extension Database {
    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at once: the default for writes, so two writers never deadlock.
        case immediate = "IMMEDIATE"
        /// Takes locks as statements need them: for consistent reads.
        case deferred = "DEFERRED"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws
    /// and rethrows that first error. Inside an open transaction it is a savepoint of it
    /// (``savepoint(_:)``): `kind` then changes nothing, the outer transaction holds the locks.
    ///
    /// The first error wins, as in GRDB's `inSavepoint`: when `body` (or COMMIT) throws and
    /// the ROLLBACK that follows throws too, the error thrown is `body`'s (or COMMIT's), never
    /// the rollback's. A ROLLBACK can fail only when SQLite has already rolled the
    /// transaction back itself (after SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY or SQLITE_NOMEM),
    /// so nothing is left uncommitted either way.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if isInTransaction { return try savepoint(body) }
        try execute("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            rollBack("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollBack("ROLLBACK")
            throw error
        }
        return result
    }

    /// Runs `body` in a savepoint nested in the open transaction (or a transaction of its
    /// own when none is open): released when it returns; rolled back to and released when it
    /// throws, leaving the outer transaction as it was before, and that first error rethrown.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "eventlog_savepoint_\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        let result: T
        do {
            result = try body()
        } catch {
            rollBack("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
        do {
            try execute("RELEASE \(name)")
        } catch {
            rollBack("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
        return result
    }

    /// Rolls back after a first error, which is the one the caller throws: a failure here
    /// means SQLite already rolled back (see ``transaction(_:_:)``), and reporting it would
    /// hide why.
    private func rollBack(_ sql: String) {
        do { try execute(sql) } catch { return }
    }
}
