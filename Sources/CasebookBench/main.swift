// casebook-bench: the performance figures of SPEC §7, each a subcommand in its own file.
//
//     swift run -c release casebook-bench <benchmark> [options]

import Foundation

/// The benchmarks by subcommand name. Each lives in its own file and takes the arguments
/// after its name.
let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("eventlog", EventLogBenchmark.summary, EventLogBenchmark.run),
    ("generate", GenerateCommand.summary, GenerateCommand.run),
    ("process", ProcessBenchmark.summary, ProcessBenchmark.run),
    ("server", ServerBenchmark.summary, ServerBenchmark.run),
    ("queries", QueryBenchmark.summary, QueryBenchmark.run),
    ("maintenance", MaintenanceBenchmark.summary, MaintenanceBenchmark.run),
    ("timeline", TimelineBenchmark.summary, TimelineBenchmark.run),
    ("sha256", SHA256Benchmark.summary, SHA256Benchmark.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
var usage = "Usage: casebook-bench <benchmark> [options]\n\nBenchmarks:\n"
for benchmark in benchmarks {
    usage += "  \(benchmark.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(benchmark.summary)\n"
}
if arguments.first == "--help" || arguments.first == "-h" {
    print(usage, terminator: "")
    exit(0)
}
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    let problem = arguments.first.map { "Unknown benchmark '\($0)'" } ?? "Missing benchmark name"
    FileHandle.standardError.write(Data("Error: \(problem)\n\(usage)".utf8))
    exit(64)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
} catch let error as BenchmarkUsageError {
    FileHandle.standardError.write(Data("Error: \(error)\n\(usage)".utf8))
    exit(64)
} catch {
    FileHandle.standardError.write(Data("casebook-bench \(name): \(error)\n".utf8))
    exit(1)
}
