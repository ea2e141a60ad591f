import Foundation

/// A usage error in a benchmark's options (exit 64).
struct BenchmarkUsageError: Error, CustomStringConvertible {
    let description: String
}

/// A benchmark that could not run or whose result was wrong (exit 1).
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
}

/// `--name value` options for a benchmark, with defaults.
struct BenchmarkOptions {
    private var values: [String: String] = [:]

    /// Parses `--name value` and `--name=value` pairs; refuses anything not in `known`.
    init(_ arguments: [String], known: Set<String>) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { throw BenchmarkUsageError(description: "Unexpected argument '\(argument)'") }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard known.contains(name) else { throw BenchmarkUsageError(description: "Unknown option '--\(name)'") }
            guard let value = value ?? rest.popFirst() else {
                throw BenchmarkUsageError(description: "Missing value for '--\(name)'")
            }
            values[name] = value
        }
    }

    /// A positive integer option, or `fallback` when it is absent.
    func integer(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), value > 0 else {
            throw BenchmarkUsageError(description: "'--\(name)' needs a positive integer, not '\(text)'")
        }
        return value
    }

    /// A text option, or nil when it is absent.
    func text(_ name: String) -> String? { values[name] }
}

/// Wall-clock seconds elapsed while `body` runs.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// What the benchmarks report about the machine they ran on.
enum Machine {
    /// The process's peak resident set size in bytes (`VmHWM` in /proc/self/status), or nil.
    static func peakResidentBytes() -> Int? {
        field("VmHWM", in: "/proc/self/status").map { $0 * 1024 }
    }

    /// The CPU count, CPU model and memory, in one line.
    static func summary() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let memory = field("MemTotal", in: "/proc/meminfo").map { String(format: "%.1f GiB", Double($0) / 1_048_576) }
        return "\(ProcessInfo.processInfo.activeProcessorCount) CPUs, \(cpu), \(memory ?? "unknown memory")"
    }

    /// A `Name:   1234 kB` field of a /proc file, as its number.
    private static func field(_ name: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }
}

/// A count with thousands separators: `1,000,000`.
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}

/// A byte count in MiB.
func mebibytes(_ bytes: Int) -> String {
    String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}
