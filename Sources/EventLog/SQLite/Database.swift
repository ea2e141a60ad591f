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
    var statements: [String: Statement] = [:]
    /// How many savepoints are open, for their names.
    var savepointDepth = 0

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
}
