import Casebook
import EventLog
import Foundation

/// `casebook-bench queries`: the reads of SPEC §7 — `list --open`, `overdue`, `show` — as
/// library calls on an open ``Casebook``, each against the same SQL run through the C API
/// with nothing else (its baseline: what SQLite alone takes to hand over the same rows),
/// plus `list` of every case and the HR `outcomes` of the last year for scale. Prints the
/// `EXPLAIN QUERY PLAN` of every query these commands (and `open`) run, so a scan of a
/// whole table shows.
enum QueryBenchmark {
    static let summary = "list --open, overdue, show, outcomes as library calls vs the same SQL raw: --db PATH[,PATH…] [--runs 30]"

    /// The SQL the library runs, as written in Casebook+Queries.swift, Casebook+Reports.swift,
    /// Casebook.swift, EventStore.swift and Projection.swift.
    static let listOpen = """
        SELECT reference, school, affected, status, is_urgent, categories, opened_at, closed_at, investigation, updated_at
        FROM cases WHERE status = ? ORDER BY year DESC, number DESC
        """
    static let listAll = """
        SELECT reference, school, affected, status, is_urgent, categories, opened_at, closed_at, investigation, updated_at
        FROM cases ORDER BY year DESC, number DESC
        """
    static let overdue = """
        SELECT d.case_ref, d.kind, d.subject, d.due_at, c.school
        FROM deadlines d JOIN cases c ON c.reference = d.case_ref
        WHERE d.due_at < ? ORDER BY d.due_at, d.case_ref, d.subject
        """
    static let streamEvents =
        "SELECT position, stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash FROM events WHERE stream = ? AND version >= ? ORDER BY version"
    static let sources = "SELECT case_ref FROM sources WHERE ref = ? AND case_ref <> ? ORDER BY case_ref"
    static let outcomesClosures = """
        SELECT k.reference, k.school, k.opened_at, c.closed_at, k.categories, c.source_kind, c.referrals,
            c.threat, c.police, c.finding, c.action, c.outcome, c.removed_at, c.takedowns, c.reopened_at
        FROM closures c JOIN cases k ON k.reference = c.case_ref
        WHERE c.closed_at >= ? AND c.closed_at < ? ORDER BY c.closed_at, k.year, k.number, c.number
        """
    static let plans: [(String, String)] = [
        ("list --open", listOpen), ("list", listAll), ("overdue", overdue), ("show: the case's events", streamEvents),
        ("show: repeat sources", sources), ("outcomes: closures", outcomesClosures),
        ("open: next number", "SELECT max(number) FROM cases WHERE year = ?"),
        ("append: stream head", "SELECT version, hash FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1"),
        ("staff lookup", "SELECT id, name, role FROM staff WHERE id = ?"),
        ("projection: takedowns", "DELETE FROM takedowns WHERE case_ref = ?"),
        ("projection: deadlines", "DELETE FROM deadlines WHERE case_ref = ?"),
        ("projection: sources", "DELETE FROM sources WHERE case_ref = ?"),
        ("projection: closures", "DELETE FROM closures WHERE case_ref = ?"),
    ]

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["db", "runs"])
        guard let paths = options.text("db")?.split(separator: ",").map(String.init), !paths.isEmpty else {
            throw BenchmarkUsageError(description: "Missing --db PATH[,PATH…] (make one with 'casebook-bench generate')")
        }
        let runs = try options.integer("runs", default: 30)
        print("Queries as library calls: median of \(runs) calls each, against the same SQL through the C API")
        print("machine: \(Machine.summary())")
        var scaling: [(String, [Double])] = []
        for (pathIndex, path) in paths.enumerated() {
            let facts = try DatabaseFacts(path: path)
            print("\n\(facts.summary)")
            let raw = try SQLiteHandle(path, readOnly: true)
            if pathIndex == paths.count - 1 {
                print("  query plans:")
                for (label, sql) in plans {
                    print("    \(label): " + (try raw.plan(sql)).joined(separator: "; "))
                }
            }
            var casebook: Casebook!
            let openSeconds = try measure { casebook = try Casebook.open(at: path) }
            let manager = try casebook.actor(facts.manager)
            let head = try casebook.actor(facts.headteacher)
            let localTime = try LocalTime(identifier: "Europe/London")
            let asOf = Date()
            let yearAgo = asOf.addingTimeInterval(-365 * 24 * 3600)
            let reference = CaseReference(facts.closedCase)!
            let showRaw: () throws -> Int = {
                let rows = try raw.scan(streamEvents.replacingOccurrences(of: "version >= ?", with: "version >= 1"), [reference.stream])
                _ = try raw.scan(sources, ["@nobody", reference.description])
                return rows
            }
            print("  Casebook.open: \(milliseconds(openSeconds)); show \(facts.closedCase); acting as \(facts.manager)")
            let cases: [(label: String, target: Double?, library: () throws -> Int, raw: () throws -> Int)] = [
                ("list --open", 0.1, { try casebook.cases.list(status: .open, by: manager).count }, { try raw.scan(listOpen, ["open"]) }),
                ("overdue", 0.1, { try casebook.cases.overdue(asOf: asOf, by: manager).count },
                 { try raw.scan(overdue, [Timestamp.string(from: asOf)]) }),
                ("show (state, steps, repeats)", 0.1, {
                    let state = try casebook.cases.show(reference, by: manager, recording: nil)
                    let steps = Workflow.availability(of: state, now: asOf)
                    let repeats = try casebook.cases.casesWithSameSource(as: state, visibleTo: manager)
                    return state.version + steps.count + repeats.count - steps.count - repeats.count
                }, showRaw),
                // The same, with the read recorded in the audit stream (SPEC §8): what `show` does.
                ("show + read audit", 0.1, {
                    let state = try casebook.cases.show(reference, by: manager)
                    let steps = Workflow.availability(of: state, now: asOf)
                    let repeats = try casebook.cases.casesWithSameSource(as: state, visibleTo: manager)
                    return state.version + steps.count + repeats.count - steps.count - repeats.count
                }, showRaw),
                ("list (every case)", nil, { try casebook.cases.list(by: manager).count }, { try raw.scan(listAll) }),
                ("outcomes (last 365 days)", nil, {
                    try casebook.reports.outcomesReport(since: yearAgo, until: asOf, by: head, localTime: localTime).rows.count
                }, {
                    let period = [Timestamp.string(from: yearAgo), Timestamp.string(from: asOf)]
                    return try raw.scan(outcomesClosures, period)
                }),
            ]
            print("  " + "call".padding(toLength: 30, withPad: " ", startingAt: 0) + "    rows   library      raw SQL   ratio   target")
            for (index, item) in cases.enumerated() {
                var library = Sample()
                var baseline = Sample()
                var rows = 0
                var rawRows = 0
                for round in 0..<(runs + 3) {
                    let l = try measure { rows = try item.library() }
                    let r = try measure { rawRows = try item.raw() }
                    if round >= 3 {
                        library.add(l)
                        baseline.add(r)
                    }
                }
                guard rows == rawRows else {
                    throw BenchmarkFailure(description: "\(item.label): the library gave \(rows) rows, the SQL \(rawRows)")
                }
                var target = ""
                if let bound = item.target { target = String(format: "< %.0f ms %@", bound * 1000, library.median < bound ? "ok" : "MISSED") }
                print(
                    "  " + item.label.padding(toLength: 30, withPad: " ", startingAt: 0)
                        + leftPadded(grouped(rows), 8) + String(format: " %9.2f ms %9.2f ms %6.2f×  ", grouped(rows), library.median * 1000, baseline.median * 1000,
                                 library.median / baseline.median) + target)
                if pathIndex == 0 { scaling.append((item.label, [])) }
                scaling[index].1.append(library.median)
            }
        }
        if paths.count > 1 {
            print("\nScaling from the first database to the last (library median, last/first):")
            for (label, values) in scaling {
                guard let a = values.first, let b = values.last else { continue }
                print("  " + label.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%9.2f ms → %9.2f ms  %6.1f×", a * 1000, b * 1000, b / a))
            }
        }
    }
}
