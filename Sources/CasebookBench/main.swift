// casebook-bench: the performance figures of SPEC §7, each a subcommand in its own file.
//
//     swift run -c release casebook-bench <benchmark> [options]

import Foundation

/// The benchmarks by subcommand name. Each lives in its own file and takes the arguments
/// after its name.
let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("eventlog", EventLogBenchmark.summary, EventLogBenchmark.run)
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    var usage = "Usage: casebook-bench <benchmark> [options]\n\nBenchmarks:\n"
    for benchmark in benchmarks {
        usage += "  \(benchmark.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(benchmark.summary)\n"
    }
    FileHandle.standardError.write(Data(usage.utf8))
    exit(arguments.isEmpty || arguments.first == "--help" ? 0 : 64)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("casebook-bench \(name): \(error)\n".utf8))
    exit(1)
}
