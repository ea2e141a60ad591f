import CSQLite
import Foundation

extension Database {
    /// Copies the whole database to a new file with SQLite's online backup API,
    /// consistent even while other processes write. The copy is made at a temporary name
    /// beside `path` and moved into place only once whole and checked (``NewFile``), so a
    /// failed or killed backup leaves nothing at `path`; an existing path is never replaced.
    public func backup(to path: String) throws {
        try NewFile.make(at: path, protecting: NewFile.Protected(database: self.path)) { temporary in
            try copy(into: temporary)
        }
    }

    /// The backup itself, into an empty file; the copy's connection is closed on return
    /// (which checkpoints and removes its write-ahead log).
    private func copy(into path: String) throws {
        let target = try Database(path: path, mode: .existing)
        guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw target.error(code: SQLITE_ERROR, sql: nil)
        }
        var code: Int32
        repeat {
            code = sqlite3_backup_step(backup, 256)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { sqlite3_sleep(20) }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE else { throw target.error(code: code, sql: nil) }
        // The copy keeps this file's pragmas; check that it is whole.
        guard try target.scalarText("PRAGMA integrity_check") == "ok" else {
            throw SQLiteError(code: SQLITE_CORRUPT, message: "the backup failed its integrity check")
        }
        // Move everything into the file itself while the connection is open, so a full
        // disk is reported here rather than lost when the connection closes.
        try target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
