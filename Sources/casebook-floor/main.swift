// casebook-floor: the floor of SPEC §7 for one `casebook` command — the least any program
// linking the same libraries (Foundation and the system's libsqlite3) must do to record
// something in a Casebook database: start, open the file with the connection pragmas
// Casebook uses (WAL, synchronous=FULL, foreign keys, recursive triggers, busy timeout),
// insert one row in one BEGIN IMMEDIATE transaction, commit (one fsync), and exit.
//
//     casebook-floor PATH
//
// The row goes into `bench_floor (id INTEGER PRIMARY KEY, at TEXT, stream TEXT,
// payload TEXT)`, a table `casebook-bench process` creates before it measures and drops
// afterwards, so that the case log itself is untouched. The payload is the size of a
// typical event's.

import CSQLite
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("casebook-floor: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else { fail("usage: casebook-floor PATH") }
let path = arguments[1]
// As Casebook does: an existing file only.
guard FileManager.default.fileExists(atPath: path) else { fail("no database at \(path)") }

var handle: OpaquePointer?
guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db = handle else {
    fail("cannot open \(path)")
}
func execute(_ sql: String) {
    guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { fail(String(cString: sqlite3_errmsg(db))) }
}
sqlite3_extended_result_codes(db, 1)
sqlite3_busy_timeout(db, 10_000)
execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON;")

let now = String(Int(Date().timeIntervalSince1970 * 1000))
let payload = #"{"capturedAt":"\#(now)","description":"Saved email","files":[],"host":null,"id":"E1","kind":"email","platform":null,"postedAt":null,"url":null,"v":1}"#
var insert: OpaquePointer?
guard sqlite3_prepare_v2(db, "INSERT INTO bench_floor (at, stream, payload) VALUES (?, ?, ?)", -1, &insert, nil) == SQLITE_OK else {
    fail(String(cString: sqlite3_errmsg(db)))
}
execute("BEGIN IMMEDIATE")
sqlite3_bind_text(insert, 1, now, -1, csqlite_transient())
sqlite3_bind_text(insert, 2, "case/CB-0000-0001", -1, csqlite_transient())
sqlite3_bind_text(insert, 3, payload, -1, csqlite_transient())
guard sqlite3_step(insert) == SQLITE_DONE else { fail(String(cString: sqlite3_errmsg(db))) }
sqlite3_finalize(insert)
execute("COMMIT")
print("inserted row \(sqlite3_last_insert_rowid(db))")
sqlite3_close_v2(db)
