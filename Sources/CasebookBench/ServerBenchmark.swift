import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `casebook-bench server`: one command through `casebook serve`'s socket against the same
/// command run directly, each as a whole client process (SPEC §8; target: within 1.2× of
/// direct). The database must verify identities (`generate --identities verified`): the
/// commands act as its headteacher, mapped to the login running the benchmark.
///
/// Round-robin as in `process`: every pair runs `--runs` times after `--warmup` untimed
/// rounds; medians. The server is started once, before, and stopped with SIGTERM after.
enum ServerBenchmark {
    static let summary =
        "one command through casebook serve's socket vs direct: --db PATH (generate --identities verified) [--runs 30] [--warmup 3] [--casebook P]"

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["db", "runs", "warmup", "casebook"])
        guard let path = options.text("db") else {
            throw BenchmarkUsageError(description: "Missing --db PATH (make one with 'casebook-bench generate --identities verified')")
        }
        let runs = try options.integer("runs", default: 30)
        let warmup = try options.integer("warmup", default: 3)
        let casebook = options.text("casebook") ?? "\(ProcessTiming.executableDirectory)/casebook"
        guard FileManager.default.isExecutableFile(atPath: casebook) else {
            throw BenchmarkFailure(description: "no executable at \(casebook): swift build -c release first")
        }
        let facts = try DatabaseFacts(path: path)
        let socket = NSTemporaryDirectory() + "/casebook-bench-\(getpid()).sock"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: casebook)
        server.arguments = ["--db", path, "serve", "--socket", socket]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
        }
        while !FileManager.default.fileExists(atPath: socket) {
            guard server.isRunning else {
                throw BenchmarkFailure(description: "casebook serve exited \(server.terminationStatus) (is \(path) made with --identities verified?)")
            }
            usleep(10_000)
        }

        print("One command through the server's socket vs direct: median of \(runs) runs each (after \(warmup) warm-up rounds), round-robin")
        print("machine: \(Machine.summary())")
        print("casebook: \(casebook)\n\(facts.summary)")
        let environment = ["TZ": "Europe/London", "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let commands: [(label: String, arguments: [String])] = [
            ("show \(facts.closedCase)", ["show", facts.closedCase]),
            ("evidence add (no files)", ["evidence", "add", facts.openCase, "--kind", "email", "--description", "Saved email"]),
            ("list --open", ["list", "--open"]),
        ]
        var direct = Array(repeating: Sample(), count: commands.count)
        var served = Array(repeating: Sample(), count: commands.count)
        for round in 0..<(warmup + runs) {
            for (index, command) in commands.enumerated() {
                for throughServer in [false, true] {
                    let arguments = (throughServer ? ["--server", socket] : ["--db", path]) + command.arguments
                    let result = try ProcessTiming.run(casebook, arguments, environment: environment)
                    guard result.status == 0 else {
                        throw BenchmarkFailure(description: "casebook \(arguments.joined(separator: " ")) exited with \(result.status)")
                    }
                    guard round >= warmup else { continue }
                    if throughServer { served[index].add(result.seconds) } else { direct[index].add(result.seconds) }
                }
            }
        }
        print("  " + "command".padding(toLength: 30, withPad: " ", startingAt: 0) + "  direct (p10–p90)          server (p10–p90)          ratio  target")
        for (index, command) in commands.enumerated() {
            let (d, s) = (direct[index], served[index])
            let ratio = s.median / d.median
            print(
                "  " + command.label.padding(toLength: 30, withPad: " ", startingAt: 0)
                    + String(
                        format: "%7.1f ms (%5.1f–%5.1f)   %7.1f ms (%5.1f–%5.1f)   %5.2f×  ≤ 1.2× %@", d.median * 1000, d.quantile(0.1) * 1000,
                        d.quantile(0.9) * 1000, s.median * 1000, s.quantile(0.1) * 1000, s.quantile(0.9) * 1000, ratio,
                        ratio <= 1.2 ? "ok" : "MISSED"))
        }
    }
}
