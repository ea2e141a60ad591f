import Casebook
import EventLog
import Foundation

/// `casebook-bench maintenance`: `casebook verify` and `casebook rebuild` as whole
/// processes — wall time and peak resident memory (the child's `ru_maxrss`, its `VmHWM`)
/// — against a raw scan of the same events (every column of every row, in the order
/// verify reads them, through the C API: what SQLite alone takes to hand the log over).
///
/// Given several databases (e.g. 100,000 and 1,000,000 events), it ends with how time
/// and memory scale: time should grow with the events, memory should stay flat.
enum MaintenanceBenchmark {
    static let summary = "verify and rebuild as whole processes (time, peak RSS) vs a raw scan: --db PATH[,PATH…] [--runs 3] [--casebook P] [--phases yes]"

    /// Where verify's time goes, phase by phase, as library calls in this process.
    static func phases(_ facts: DatabaseFacts) throws {
        let casebook = try Casebook.open(at: facts.path)
        let store = casebook.store
        let head = try casebook.actor(facts.headteacher)
        var count = 0
        print("  phases (library calls in this process):")
        func show(_ label: String, _ seconds: Double) {
            print("    " + label.padding(toLength: 46, withPad: " ", startingAt: 0) + String(format: "%7.2f s", seconds))
        }
        show("read every event (forEachEventByStream)", try measure { try store.forEachEventByStream { _ in count += 1 } })
        var verifier = ChainVerifier()
        show("read + check every chain (ChainVerifier)", try measure { try store.forEachEventByStream { verifier.check($0) } })
        show("check every blob (verifyBlobs)", try measure { try store.verifyBlobs(into: &verifier) })
        var pending: [RecordedEvent] = []
        show("read + decode + replay every case", try measure {
            try store.forEachEventByStream { event in
                if let last = pending.last, last.stream != event.stream {
                    if last.stream.hasPrefix("case/") { _ = try CaseState.replay(pending) }
                    pending.removeAll(keepingCapacity: true)
                }
                pending.append(event)
            }
        })
        show("PRAGMA integrity_check", try measure { _ = try store.database.scalarText("PRAGMA integrity_check") })
        // One worker (everything on this thread, in turn) against one per core, interleaved:
        // wall time, and the CPU time (user + system) of the whole process meanwhile.
        let cores = ParallelWork.defaultWorkers
        var report: VerificationReport?
        func timed(_ label: String, _ body: () throws -> Void) throws {
            let cpu = processCPUSeconds()
            let wall = try measure(body)
            show(label, wall)
            print(String(format: "      CPU %.2f s (%.2f cores busy)", processCPUSeconds() - cpu, (processCPUSeconds() - cpu) / wall))
        }
        for round in 1...2 {
            for workers in [1, cores] {
                let name = "\(workers) worker\(workers == 1 ? "" : "s")"
                try timed("rebuild (library, \(name)) round \(round)") { try casebook.maintenance.rebuild(by: head, workers: workers) }
                try timed("verify (library, \(name)) round \(round)") { report = try casebook.maintenance.verify(by: head, workers: workers) }
                guard report?.isIntact == true else { throw BenchmarkFailure(description: "verify found the database altered") }
            }
        }
    }

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["db", "runs", "casebook", "phases"])
        guard let paths = options.text("db")?.split(separator: ",").map(String.init), !paths.isEmpty else {
            throw BenchmarkUsageError(description: "Missing --db PATH[,PATH…] (make one with 'casebook-bench generate')")
        }
        let runs = try options.integer("runs", default: 3)
        let casebook = options.text("casebook") ?? "\(ProcessTiming.executableDirectory)/casebook"
        guard FileManager.default.isExecutableFile(atPath: casebook) else {
            throw BenchmarkFailure(description: "no executable at \(casebook): swift build -c release first")
        }
        print("verify and rebuild as whole processes: median of \(runs) runs each; raw scan in this process")
        print("machine: \(Machine.summary())")
        var rows: [(events: Int, scan: Double, verify: Double, verifyRSS: Int, rebuild: Double, rebuildRSS: Int)] = []
        for path in paths {
            let facts = try DatabaseFacts(path: path)
            print("\n\(facts.summary)")
            let environment = ["TZ": "Europe/London", "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
            var scan = Sample()
            var scanned = 0
            for _ in 0..<runs {
                let raw = try SQLiteHandle(path, readOnly: true)
                scan.add(try measure {
                    scanned = try raw.scan(
                        "SELECT position, stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash FROM events ORDER BY stream, version")
                })
            }
            var results: [(Sample, Int)] = []
            for command in ["verify", "rebuild"] {
                var sample = Sample()
                var peak = 0
                for _ in 0..<runs {
                    let run = try ProcessTiming.run(casebook, ["--db", path, "--as", facts.headteacher, command], environment: environment)
                    guard run.status == 0 else { throw BenchmarkFailure(description: "casebook \(command) exited with \(run.status)") }
                    sample.add(run.seconds)
                    peak = max(peak, run.peakResidentBytes)
                }
                results.append((sample, peak))
            }
            print(String(format: "  raw scan of %@ events  %7.2f s", grouped(scanned), scan.median))
            for (index, command) in ["verify", "rebuild"].enumerated() {
                let (sample, peak) = results[index]
                // The bar is for 1,000,000 events: judged on logs of about that size or more,
                // as the time per million events.
                var target = ""
                if facts.events >= 900_000 {
                    let perMillion = sample.median * 1_000_000 / Double(facts.events)
                    target = String(format: "  %.2f s per 1,000,000 events (target < 10 s) %@", perMillion, perMillion < 10 ? "ok" : "MISSED")
                }
                print(
                    "  casebook \(command.padding(toLength: 8, withPad: " ", startingAt: 0))"
                        + String(format: "%14.2f s  (%.1f× the raw scan, %@ events/s)  peak RSS %@%@", sample.median,
                                 sample.median / scan.median, grouped(Int(Double(facts.events) / sample.median)),
                                 mebibytes(peak), target))
            }
            rows.append((facts.events, scan.median, results[0].0.median, results[0].1, results[1].0.median, results[1].1))
            if options.text("phases") == "yes" { try phases(facts) }
        }
        if rows.count > 1, let a = rows.first, let b = rows.last {
            print("\nScaling from \(grouped(a.events)) to \(grouped(b.events)) events (\(String(format: "%.1f", Double(b.events) / Double(a.events)))× the events):")
            print(String(format: "  verify   time %.1f×, peak RSS %@ → %@ (%.2f×)", b.verify / a.verify, mebibytes(a.verifyRSS), mebibytes(b.verifyRSS),
                         Double(b.verifyRSS) / Double(a.verifyRSS)))
            print(String(format: "  rebuild  time %.1f×, peak RSS %@ → %@ (%.2f×)", b.rebuild / a.rebuild, mebibytes(a.rebuildRSS), mebibytes(b.rebuildRSS),
                         Double(b.rebuildRSS) / Double(a.rebuildRSS)))
        }
    }
}

/// The CPU time this process has used so far, user and system, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
