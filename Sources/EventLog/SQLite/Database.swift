import CSQLite
import Foundation

/// One connection to a SQLite database file.
///
/// Opens with WAL journal, `synchronous=FULL` (a committed transaction survives a crash or
/// power loss), foreign keys on and a busy timeout, so that several processes can share one
/// file. Not `Sendable`: use one connection per thread or process.
public final class Database {
    let handle: OpaquePointer
    /// The path of the file.
    public let path: String
    private var statements: [String: Statement] = [:]
    /// How many savepoints are open, for their names.
    private var savepointDepth = 0

    /// How long a write waits for another process's lock before failing as busy.
    public static let busyTimeoutMilliseconds: Int32 = 10_000

    /// How to open the file.
    public enum OpenMode: Sendable {
        /// Create a new file (mode 0600); fails when it exists.
        case createNew
        /// Open an existing file; fails when it is missing.
        case existing
        /// Open an existing file for reading only (SQLITE_OPEN_READONLY): works on a file or
        /// folder this process cannot write, and takes no write lock. When even a read-only
        /// open fails because the folder is not writable (SQLite cannot create the WAL index,
        /// `-shm`, as on a read-only filesystem), the file is opened as immutable
        /// (`?immutable=1`): SQLite then reads the main file alone, without locks and
        /// without a `-wal` file (see ``isImmutable``, ``skipsWriteAheadLog``).
        case readOnly
        /// A private database in memory.
        case memory
        /// A private copy (``privateSnapshot(of:)``): opened read-write without the connection
        /// pragmas, and only read.
        case snapshot
    }

    /// Errors opening a file, before SQLite is involved.
    public enum OpenError: Error, Equatable, Sendable {
        /// `createNew` found a file at the path.
        case exists(String)
        /// `existing` found no file at the path.
        case missing(String)
        /// The file could not be created.
        case cannotCreate(String, errno: Int32)
        /// The file, or a folder on its path, may not be read by this process (`EACCES`):
        /// it is there, but another login's.
        case permissionDenied(String)
    }

    /// Whether the file was opened as immutable (``OpenMode/readOnly`` on a folder that
    /// cannot be written).
    public private(set) var isImmutable = false
    /// Whether it was opened as immutable while a non-empty `-wal` file lies beside it:
    /// committed changes still in that file are not read.
    public private(set) var skipsWriteAheadLog = false
    /// The private folder holding a copy of a read-only database and its `-wal`
    /// (``privateSnapshot(of:)``), removed with the connection.
    public private(set) var snapshotFolder: String?
    /// The database the private copy was made of, when this connection reads one.
    public private(set) var snapshotOf: String?

    /// Opens a private copy of a database whose `-wal` file cannot be read in place (a
    /// read-only folder, where SQLite cannot create the WAL index): the file and its `-wal`
    /// are copied into a new folder of this user's (0700, files 0600) under the temporary
    /// folder, which SQLite may write, and opened read-only there, so the committed changes
    /// in the `-wal` are read too. The folder is removed when the connection is.
    public static func privateSnapshot(of path: String) throws -> Database {
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }) ?? "/tmp"
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast()) + Array("casebook-snapshot-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot make a private folder for a copy: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        chmod(folder, 0o700)
        let copy = folder + "/snapshot.sqlite"
        do {
            // The -wal first: frames appended meanwhile are not in it, and the main file then
            // holds at least every page the copied frames were checkpointed from.
            for (suffix, required) in [("-wal", false), ("", true)] {
                guard let bytes = FileManager.default.contents(atPath: path + suffix) else {
                    if required { throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot read \(path + suffix)") }
                    continue
                }
                guard FileManager.default.createFile(atPath: copy + suffix, contents: bytes, attributes: [.posixPermissions: 0o600])
                else { throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot copy \(path + suffix) into \(folder)") }
            }
            // Opened read-write (the copy is ours) so that SQLite reads the -wal and may write
            // its index; nothing else is written to it.
            let database = try Database(path: copy, mode: .snapshot)
            database.snapshotFolder = folder
            database.snapshotOf = path
            return database
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    /// Opens a database file and applies the connection pragmas.
    ///
    /// `accepting`, when given, runs on an existing file once it is open and before any
    /// pragma that writes (the journal mode): it throws to leave a file that is not the
    /// caller's untouched.
    public init(path: String, mode: OpenMode, accepting: ((Database) throws -> Void)? = nil) throws {
        switch mode {
        case .createNew:
            // Create the file ourselves so it is born private (0600); SQLite gives its
            // -wal and -shm files the same mode.
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
            if fd < 0 {
                let code = errno
                if code == EEXIST { throw OpenError.exists(path) }
                throw OpenError.cannotCreate(path, errno: code)
            }
            close(fd)
        case .existing, .readOnly, .snapshot:
            var info = stat()
            if stat(path, &info) != 0 {
                throw errno == EACCES ? OpenError.permissionDenied(path) : OpenError.missing(path)
            }
            if access(path, R_OK) != 0, errno == EACCES { throw OpenError.permissionDenied(path) }
        case .memory:
            break
        }
        var handle: OpaquePointer?
        var code: Int32
        switch mode {
        case .createNew, .existing, .snapshot:
            code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        case .memory:
            code = sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        case .readOnly:
            code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            // SQLite opens lazily: read the header now, so that a folder where the WAL index
            // cannot be created shows here rather than at the first query.
            if code == SQLITE_OK, let opened = handle, Self.cannotRead(opened), access(Self.folder(of: path), W_OK) != 0 {
                sqlite3_close_v2(opened)
                handle = nil
                code = sqlite3_open_v2(
                    Self.immutableURI(path), &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nil)
                isImmutable = code == SQLITE_OK
                let log = try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber
                skipsWriteAheadLog = isImmutable && (log?.intValue ?? 0) > 0
            }
        }
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: code, message: message)
        }
        self.handle = handle
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
        // Deleted content (a purge, a redaction, a replaced row) is overwritten with zeros on
        // every connection, always: never left on free pages or in unused cell space.
        sqlite3_exec(handle, "PRAGMA secure_delete=ON", nil, nil, nil)
        // A read-only connection changes nothing, not even the journal mode.
        if mode == .readOnly || mode == .memory || mode == .snapshot { return }
        do {
            if mode == .existing, let accepting { try accepting(self) }
            // A new (empty) file only, and before the journal mode, or it does not take: freed
            // pages (purged files) can then be given back with PRAGMA incremental_vacuum. On an
            // existing file the pragma would write its header on every open.
            if try scalarInt("PRAGMA page_count") == 0 { try execute("PRAGMA auto_vacuum=INCREMENTAL") }
            let journal = try scalarText("PRAGMA journal_mode=WAL")
            guard journal?.lowercased() == "wal" else {
                throw SQLiteError(code: SQLITE_ERROR, message: "journal_mode is \(journal ?? "unknown"), not wal")
            }
            // recursive_triggers makes the row deletions of INSERT OR REPLACE fire the
            // append-only DELETE triggers, so REPLACE cannot rewrite an event or a blob.
            try execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON;")
        } catch {
            statements.removeAll()
            sqlite3_close_v2(handle)
            throw error
        }
    }

    /// Whether a first read of the schema fails (a read-only open of a WAL file whose
    /// `-shm` cannot be created fails only then).
    private static func cannotRead(_ handle: OpaquePointer) -> Bool {
        sqlite3_exec(handle, "SELECT count(*) FROM sqlite_schema", nil, nil, nil) != SQLITE_OK
    }

    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// `file:PATH?immutable=1`, the path percent-encoded as a URI path.
    private static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file:" + encoded + "?immutable=1"
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
        if let snapshotFolder { try? FileManager.default.removeItem(atPath: snapshotFolder) }
    }

    func error(code: Int32, sql: String?) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        let message = String(cString: sqlite3_errmsg(handle))
        return SQLiteError(code: extended != 0 ? extended : code, message: message, sql: sql)
    }

    /// Runs one or more statements with no parameters.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Prepares a new statement.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement kept for the life of the connection: for statements run often.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement with parameters.
    public func run(_ sql: String, _ values: [any SQLBindable] = []) throws {
        try cached(sql).execute(values)
    }

    /// Calls `body` for every row of a query.
    public func forEachRow(_ sql: String, _ values: [any SQLBindable] = [], _ body: (Statement) throws -> Void) throws {
        try cached(sql).forEachRow(values, body)
    }

    /// The first column of the first row as an integer, or nil when there is no row or it is NULL.
    public func scalarInt(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int? {
        var result: Int?
        let statement = try cached(sql)
        try statement.bind(values)
        defer { statement.reset() }
        if try statement.step() { result = statement.optionalInt(0) }
        return result
    }

    /// The first column of the first row as text, or nil when there is no row or it is NULL.
    public func scalarText(_ sql: String, _ values: [any SQLBindable] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() ? statement.optionalText(0) : nil
    }

    /// Copies every page of the write-ahead log into the file and truncates the log to
    /// nothing (`PRAGMA wal_checkpoint(TRUNCATE)`), waiting at most `waitMilliseconds` for
    /// other connections: false when one still reads the log (it then holds old pages,
    /// which stay in the `-wal` file until a later checkpoint), true when the log is empty.
    public func checkpointTruncating(waitMilliseconds: Int32 = 0) throws -> Bool {
        sqlite3_busy_timeout(handle, waitMilliseconds)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds) }
        var busy = 1
        let statement = try prepare("PRAGMA wal_checkpoint(TRUNCATE)")
        do {
            try statement.forEachRow { busy = $0.int(0) }
        } catch let error as SQLiteError where error.isBusy {
            return false
        }
        return busy == 0
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last inserted row.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

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
