import CSQLite
import Casebook
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One finished child process: wall-clock time, exit status and peak memory.
struct ProcessRun {
    /// Wall-clock seconds from spawn to exit.
    var seconds: Double
    /// The exit status (or 128 + signal).
    var status: Int32
    /// The child's peak resident set size in bytes (`ru_maxrss`: the same high-water mark
    /// as `VmHWM` in its /proc status).
    var peakResidentBytes: Int
}

/// Runs programs as a shell would, without a shell, and times them.
enum ProcessTiming {
    /// Runs `executable` with `arguments`, stdout and stderr to /dev/null (or stdout to
    /// `output`), and waits for it.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, output: String? = nil)
        throws -> ProcessRun
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let code = posix_spawn(&pid, executable, &actions, nil, argv, env)
        guard code == 0 else { throw BenchmarkFailure(description: "cannot run \(executable): \(String(cString: strerror(code)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchmarkFailure(description: "wait4 failed for \(executable)") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let exited = status & 0x7f == 0
        return ProcessRun(
            seconds: seconds, status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            peakResidentBytes: Int(usage.ru_maxrss) * 1024)
    }

    /// The directory of the running benchmark executable (where `swift build` puts its siblings).
    static var executableDirectory: String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (path as NSString).deletingLastPathComponent
    }

    /// A program on PATH, or nil.
    static func onPath(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Order statistics of a sample of timings.
struct Sample {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }

    /// The value at quantile `q` (nearest rank).
    func quantile(_ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count - 1)).rounded())))]
    }

    var median: Double { quantile(0.5) }
    var count: Int { values.count }
}

/// Milliseconds with one decimal.
func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

/// Text right-aligned in `width` characters.
func leftPadded(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

/// A ratio such as `1.07×`.
func times(_ ratio: Double) -> String { String(format: "%.2f×", ratio) }

/// A few facts about a generated database, read with the C API (no Casebook connection
/// stays open while processes are timed).
struct DatabaseFacts {
    var path: String
    var cases = 0
    var openCases = 0
    var events = 0
    var bytes = 0
    /// A senior manager's id, to act as.
    var manager = ""
    /// The trust's headteacher (the first member of staff).
    var headteacher = ""
    /// An open case (the newest), for `evidence add`.
    var openCase = ""
    /// A closed case from the middle of the log with a typical number of events, for `show`.
    var closedCase = ""
    /// Whether `--as` is trusted (`claimed`, also a database made before the mode existed)
    /// or the acting member is the one mapped to the login running the command (`verified`).
    var identityMode = "claimed"
    /// The login running the benchmark, and the current member mapped to it, if any.
    var login: String?
    var loginMember: String?

    var verifiesIdentities: Bool { identityMode == "verified" }

    init(path: String) throws {
        self.path = path
        try SQLiteHandle.with(path) { db in
            cases = try db.int("SELECT count(*) FROM cases")
            openCases = try db.int("SELECT count(*) FROM cases WHERE status = 'open'")
            events = try db.int("SELECT max(position) FROM events")
            manager = try db.text("SELECT id FROM staff WHERE role = 'senior-manager' ORDER BY id LIMIT 1")
            headteacher = try db.text("SELECT actor FROM events WHERE position = 1")
            openCase = try db.text("SELECT reference FROM cases WHERE status = 'open' ORDER BY year DESC, number DESC LIMIT 1")
            closedCase = try db.text(
                "SELECT reference FROM cases WHERE status = 'closed' AND version BETWEEN 18 AND 22 ORDER BY year, number LIMIT 1 OFFSET \(cases / 4)")
            identityMode = (try? db.text(
                "SELECT json_extract(payload, '$.mode') FROM events WHERE stream = 'staff' AND type = 'IdentityModeSet' ORDER BY version LIMIT 1"))
                ?? "claimed"
            login = loginName(uid: getuid())
            if let login {
                loginMember = try? db.text(
                    "SELECT id FROM staff WHERE login = '\(login.replacingOccurrences(of: "'", with: "''"))' AND left_at IS NULL")
            }
        }
        bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    var summary: String {
        "\(path): \(grouped(cases)) cases (\(grouped(openCases)) open), \(grouped(events)) events, \(mebibytes(bytes))"
    }
}

/// A bare SQLite connection for the benchmarks' own set-up and baselines.
final class SQLiteHandle {
    let db: OpaquePointer

    init(_ path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            throw BenchmarkFailure(description: "cannot open \(path)")
        }
        db = handle
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit { sqlite3_close_v2(db) }

    static func with<T>(_ path: String, _ body: (SQLiteHandle) throws -> T) throws -> T {
        let handle = try SQLiteHandle(path)
        return try body(handle)
    }

    func execute(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchmarkFailure(description: "\(String(cString: sqlite3_errmsg(db))) in \(sql)")
        }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchmarkFailure(description: "\(String(cString: sqlite3_errmsg(db))) in \(sql)")
        }
        return statement
    }

    func int(_ sql: String) throws -> Int {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        return sqlite3_step(statement) == SQLITE_ROW ? Int(sqlite3_column_int64(statement, 0)) : 0
    }

    func text(_ sql: String) throws -> String {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else {
            throw BenchmarkFailure(description: "no row for \(sql)")
        }
        return String(cString: text)
    }

    /// Runs a query with text parameters and reads every column of every row as SQLite
    /// hands it over (the least any reader must do); returns the row count.
    func scan(_ sql: String, _ parameters: [String] = []) throws -> Int {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        for (index, value) in parameters.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), value, -1, csqlite_transient())
        }
        var rows = 0
        var bytes = 0
        let columns = sqlite3_column_count(statement)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw BenchmarkFailure(description: String(cString: sqlite3_errmsg(db))) }
            rows += 1
            for column in 0..<columns {
                if sqlite3_column_type(statement, column) == SQLITE_BLOB {
                    _ = sqlite3_column_blob(statement, column)
                } else {
                    _ = sqlite3_column_text(statement, column)
                }
                bytes &+= Int(sqlite3_column_bytes(statement, column))
            }
        }
        if bytes < 0 { print("") }  // keep the reads
        return rows
    }

    /// `EXPLAIN QUERY PLAN` of a query, one line per step.
    func plan(_ sql: String) throws -> [String] {
        let statement = try prepare("EXPLAIN QUERY PLAN " + sql)
        defer { sqlite3_finalize(statement) }
        var lines: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            lines.append(String(cString: sqlite3_column_text(statement, 3)))
        }
        return lines
    }
}
