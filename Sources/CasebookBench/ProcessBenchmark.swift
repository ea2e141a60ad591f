import Foundation

/// `casebook-bench process`: one `casebook` command as a whole process against the floor
/// of SPEC §7 (`casebook-floor`: a minimal Swift program linking Foundation and libsqlite3
/// that opens the same file with the same pragmas and inserts one row), with the `sqlite3`
/// shell doing the same insert beside it.
///
/// For each database given, every program runs `--runs` times, round-robin (so drift in
/// the machine's speed touches them all alike), after `--warmup` untimed rounds; the
/// figures are medians. The commands: `evidence add` without files on the newest open case
/// (a write: the floor's like), and the reads `show` (a closed case of about 20 events; it
/// records the read), `list --open` and `overdue` (the newest 50, as by default), and the
/// actor's task list (`tasks --limit 100`, as the browser's first page asks, and `tasks`,
/// all of it). Given several databases (e.g. 1,000 and 100,000 cases), it ends with how
/// each median scales from the first to the last: start-up must do no work that grows
/// with the database.
///
/// Who acts: on a claimed-identities database, a senior manager named with `--as`; on a
/// verified-identities one (`generate --identities verified`), `--as` names only the
/// member mapped to the login running the command, so the commands run without it as that
/// member (the generated headteacher is mapped to the login that ran `generate`; for
/// another login, map one on a copy with the headteacher's `staff login ID LOGIN`).
///
/// `--before P --before-db COPY` (one `--db` only) adds every `casebook` command of another
/// build (P, e.g. main's) on COPY, a copy of the database it can open, to the same
/// round-robin: old and new binaries measured alternately in the same machine state.
enum ProcessBenchmark {
    static let summary =
        "one casebook command as a whole process vs the floor: --db PATH[,PATH…] [--runs 30] [--warmup 3] [--casebook P] [--floor P] [--sqlite3 P] [--before P --before-db COPY]"

    struct Program {
        let label: String
        let executable: String
        let arguments: [String]
        /// The target, as a ratio to the floor's median, or a bound in seconds.
        let ratioTarget: Double?
        let secondsTarget: Double?
    }

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["db", "runs", "warmup", "casebook", "floor", "sqlite3", "before", "before-db"])
        guard let paths = options.text("db")?.split(separator: ",").map(String.init), !paths.isEmpty else {
            throw BenchmarkUsageError(description: "Missing --db PATH[,PATH…] (make one with 'casebook-bench generate')")
        }
        let runs = try options.integer("runs", default: 30)
        let warmup = try options.integer("warmup", default: 3)
        let directory = ProcessTiming.executableDirectory
        let casebook = options.text("casebook") ?? "\(directory)/casebook"
        let floor = options.text("floor") ?? "\(directory)/casebook-floor"
        let sqlite3 = options.text("sqlite3") ?? ProcessTiming.onPath("sqlite3")
        let before = options.text("before")
        let beforeDatabase = options.text("before-db")
        if (before == nil) != (beforeDatabase == nil) || (before != nil && paths.count != 1) {
            throw BenchmarkUsageError(description: "--before P goes with --before-db COPY, and with one --db")
        }
        for program in [casebook, floor] where !FileManager.default.isExecutableFile(atPath: program) {
            throw BenchmarkFailure(description: "no executable at \(program): swift build -c release first")
        }
        print("Whole-process commands: median of \(runs) runs each (after \(warmup) warm-up rounds), round-robin")
        print("machine: \(Machine.summary())")
        print("casebook: \(casebook)\nfloor:    \(floor)\nsqlite3:  \(sqlite3 ?? "not found")")
        if let before, let beforeDatabase { print("before:   \(before) on \(beforeDatabase)") }

        var medians: [[String: Double]] = []
        var labels: [String] = []
        for path in paths {
            let facts = try DatabaseFacts(path: path)
            print("\n\(facts.summary)")
            try SQLiteHandle.with(path) { db in
                try db.execute(
                    "CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, at TEXT, stream TEXT, payload TEXT)")
            }
            defer { try? SQLiteHandle.with(path) { try $0.execute("DROP TABLE IF EXISTS bench_floor") } }
            let environment = ["TZ": "Europe/London", "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
            let actor: [String]
            let actingAs: String
            if facts.verifiesIdentities {
                guard let member = facts.loginMember else {
                    throw BenchmarkFailure(
                        description: "\(path) verifies identities and no member is mapped to the login \(facts.login ?? "?"): "
                            + "on a copy, map the headteacher with: casebook --db COPY staff login \(facts.headteacher) \(facts.login ?? "LOGIN")")
                }
                actor = ["--db", path]
                actingAs = "\(member) (mapped to the login \(facts.login ?? "?"); identities verified, no --as)"
            } else {
                actor = ["--db", path, "--as", facts.manager]
                actingAs = "\(facts.manager) (--as; identities claimed)"
            }
            var programs = [
                Program(label: "casebook-floor (open, insert 1 row)", executable: floor, arguments: [path], ratioTarget: nil, secondsTarget: nil)
            ]
            if let sqlite3 {
                programs.append(
                    Program(
                        label: "sqlite3 shell (same pragmas, 1 row)", executable: sqlite3,
                        arguments: [
                            "-batch", "-init", "/dev/null", path,
                            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON; PRAGMA busy_timeout=10000; "
                                + "BEGIN IMMEDIATE; INSERT INTO bench_floor (at, stream, payload) VALUES (strftime('%s','now'), 'case/CB-0000-0001', "
                                + "'{\"capturedAt\":\"2026-11-20T14:05:00.000Z\",\"description\":\"Saved email\",\"files\":[],\"id\":\"E1\",\"kind\":\"email\",\"v\":1}'); COMMIT;",
                        ], ratioTarget: nil, secondsTarget: nil))
            }
            programs += [
                Program(
                    label: "casebook evidence add (no files)", executable: casebook,
                    arguments: actor + ["evidence", "add", facts.openCase, "--kind", "email", "--description", "Saved email"],
                    ratioTarget: 1.5, secondsTarget: nil),
                Program(label: "casebook show", executable: casebook, arguments: actor + ["show", facts.closedCase], ratioTarget: 1.5, secondsTarget: 0.1),
                Program(label: "casebook list --open", executable: casebook, arguments: actor + ["list", "--open"], ratioTarget: 1.5, secondsTarget: 0.1),
                Program(label: "casebook overdue", executable: casebook, arguments: actor + ["overdue"], ratioTarget: 1.5, secondsTarget: 0.1),
                Program(label: "casebook tasks --limit 100", executable: casebook, arguments: actor + ["tasks", "--limit", "100"], ratioTarget: 1.5, secondsTarget: nil),
                Program(label: "casebook tasks (all)", executable: casebook, arguments: actor + ["tasks"], ratioTarget: 1.5, secondsTarget: nil),
                Program(label: "casebook help (no database)", executable: casebook, arguments: ["help"], ratioTarget: nil, secondsTarget: nil),
            ]
            if let before, let beforeDatabase {
                programs += programs.filter { $0.executable == casebook }.map { program in
                    Program(
                        label: "before: " + program.label.dropFirst("casebook ".count), executable: before,
                        arguments: program.arguments.map { $0 == path ? beforeDatabase : $0 }, ratioTarget: nil, secondsTarget: nil)
                }
            }
            var samples = Array(repeating: Sample(), count: programs.count)
            var peaks = Array(repeating: 0, count: programs.count)
            for round in 0..<(warmup + runs) {
                for (index, program) in programs.enumerated() {
                    let result = try ProcessTiming.run(program.executable, program.arguments, environment: environment)
                    guard result.status == 0 else {
                        throw BenchmarkFailure(
                            description: "\(program.label) exited with \(result.status): \(program.executable) \(program.arguments.joined(separator: " "))")
                    }
                    if round >= warmup {
                        samples[index].add(result.seconds)
                        peaks[index] = max(peaks[index], result.peakResidentBytes)
                    }
                }
            }
            let floorMedian = samples[0].median
            print("  evidence add on \(facts.openCase); show \(facts.closedCase); acting as \(actingAs)")
            print("  " + "program".padding(toLength: 38, withPad: " ", startingAt: 0) + "  median     p10      p90    ×floor   peak RSS  target")
            var row: [String: Double] = [:]
            for (index, program) in programs.enumerated() {
                let sample = samples[index]
                let ratio = sample.median / floorMedian
                var target = ""
                if let bound = program.ratioTarget { target += String(format: "≤ %.1f× floor %@", bound, ratio <= bound ? "ok" : "MISSED") }
                if let bound = program.secondsTarget {
                    target += (target.isEmpty ? "" : "; ") + String(format: "< %.0f ms %@", bound * 1000, sample.median < bound ? "ok" : "MISSED")
                }
                print(
                    "  " + program.label.padding(toLength: 38, withPad: " ", startingAt: 0)
                        + String(format: "%7.1f ms %6.1f ms %6.1f ms %6.2f× %8.1f MiB  ", sample.median * 1000, sample.quantile(0.1) * 1000,
                                 sample.quantile(0.9) * 1000, ratio, Double(peaks[index]) / 1_048_576) + target)
                row[program.label] = sample.median
            }
            medians.append(row)
            labels = programs.map(\.label)
        }
        if paths.count > 1, let first = medians.first, let last = medians.last {
            print("\nScaling from the first database to the last (median, last/first):")
            for label in labels {
                guard let a = first[label], let b = last[label] else { continue }
                print("  " + label.padding(toLength: 38, withPad: " ", startingAt: 0) + String(format: "%7.1f ms → %7.1f ms  %5.2f×", a * 1000, b * 1000, b / a))
            }
        }
    }
}
