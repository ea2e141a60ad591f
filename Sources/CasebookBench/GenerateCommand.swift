import Casebook
import EventLog
import Foundation

/// `casebook-bench generate`: writes a realistic database through the library, for the
/// benchmarks that need a trust's worth of cases (and for trying the CLI on one).
///
/// The staff directory is added with ``Casebook/addStaff(_:by:at:)``; the cases go through
/// ``Casebook/importCases(_:by:)`` in batches (one transaction each), so every event is
/// decided by the workflow, hash-chained and projected exactly as the CLI would.
enum GenerateCommand {
    static let summary =
        "write a realistic database through the library: --cases N --db PATH [--schools N] [--years N] [--seed N] [--batch N] [--identities claimed|verified]"

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["cases", "db", "schools", "years", "seed", "batch", "identities"])
        guard let path = options.text("db") else { throw BenchmarkUsageError(description: "Missing --db PATH") }
        let cases = try options.integer("cases", default: 1000)
        let batch = try options.integer("batch", default: 500)
        // verified: the headteacher is mapped to the login running generate, so that
        // `casebook serve` serves the database (see the `server` benchmark).
        guard let identities = IdentityMode(rawValue: options.text("identities") ?? "claimed") else {
            throw BenchmarkUsageError(description: "--identities is claimed or verified")
        }
        let result = try generate(
            cases: cases, at: path, schools: try options.integer("schools", default: 8),
            years: try options.integer("years", default: 5), seed: UInt64(try options.integer("seed", default: 2026)),
            batch: batch, identities: identities)
        print(result.description)
    }

    /// What a generated database holds.
    struct Result: CustomStringConvertible {
        var path: String
        var cases = 0
        var open = 0
        var urgent = 0
        var events = 0
        var blobs = 0
        var fileReferences = 0
        var overdue = 0
        var staff = 0
        var seconds = 0.0
        var bytes = 0

        var description: String {
            """
            generated \(path): \(grouped(cases)) cases (\(grouped(cases - open)) closed, \(grouped(open)) open, \(grouped(urgent)) urgent), \
            \(grouped(events)) events (\(String(format: "%.1f", Double(events) / Double(max(cases, 1)))) a case), \
            \(grouped(fileReferences)) file references to \(grouped(blobs)) stored files, \(grouped(overdue)) overdue items now, \
            \(grouped(staff)) staff; \(mebibytes(bytes)) in \(String(format: "%.1f", seconds)) s \
            (\(grouped(Int(Double(events) / max(seconds, 0.001)))) events/s)
            """
        }
    }

    /// Generates `cases` cases into a new database at `path`.
    static func generate(
        cases: Int, at path: String, schools: Int = 8, years: Int = 5, seed: UInt64 = 2026, batch: Int = 500,
        progress: Bool = true, identities: IdentityMode = .claimed
    ) throws -> Result {
        var result = Result(path: path)
        let start = DispatchTime.now().uptimeNanoseconds
        var generator = CaseGenerator(cases: cases, schools: schools, years: years, seed: seed, now: Date())
        let casebook = try Casebook.create(
            at: path, admin: generator.admin.id, name: generator.admin.name, identities: identities,
            adminLogin: identities == .verified ? loginName(uid: getuid()) : nil)
        let setup = generator.firstReport.addingTimeInterval(-30 * 24 * 3600)
        for member in generator.staffToAdd { try casebook.staff.addStaff(member, by: generator.admin, at: setup) }
        var done = 0
        var scripts: [CaseScript] = []
        scripts.reserveCapacity(batch)
        while done < cases {
            scripts.removeAll(keepingCapacity: true)
            for index in done..<min(done + batch, cases) { scripts.append(try generator.script(index)) }
            for script in scripts {
                for step in script.steps {
                    if case .addEvidence(let draft) = step.command { result.fileReferences += draft.files.count }
                    if case .checkRemoval(_, _, _?) = step.command { result.fileReferences += 1 }
                }
            }
            let states = try casebook.maintenance.importCases(scripts, by: generator.admin)
            for state in states {
                if state.status == .open { result.open += 1 }
                if state.isUrgent { result.urgent += 1 }
            }
            done += scripts.count
            if progress, done % (batch * 20) == 0 || done == cases {
                FileHandle.standardError.write(Data("  \(grouped(done)) cases\n".utf8))
            }
        }
        let database = casebook.store.database
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        result.cases = try database.scalarInt("SELECT count(*) FROM cases") ?? 0
        result.events = try casebook.store.eventCount()
        result.blobs = try database.scalarInt("SELECT count(*) FROM blobs") ?? 0
        result.staff = try database.scalarInt("SELECT count(*) FROM staff") ?? 0
        result.overdue = try casebook.cases.overdue(asOf: casebook.now, by: generator.admin).count
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        result.bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return result
    }
}
