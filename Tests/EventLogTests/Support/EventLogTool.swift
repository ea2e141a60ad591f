import EventLog
import Foundation

/// The `eventlog-tool` executable, run as a separate process by the multi-process and crash tests.
enum EventLogTool {
    /// A failure to find or run the tool.
    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "eventlog-tool was not found; build it (swift build) or set EVENTLOG_TOOL. Searched: "
                + searched.joined(separator: ", ")
        }
    }

    /// The built binary: `EVENTLOG_TOOL`, else next to the running test bundle (which is where
    /// `swift test` puts it, whatever the scratch path), else in a build folder of the package.
    static func url() throws -> URL {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["EVENTLOG_TOOL"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = running.deletingLastPathComponent()
        for _ in 0..<4 {  // Linux: …/debug/X.xctest; macOS: …/debug/X.xctest/Contents/MacOS/X.
            candidates.append(directory.appendingPathComponent("eventlog-tool"))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("eventlog-tool"))
        let builds = (try? fileManager.contentsOfDirectory(atPath: Fixture.packageRoot.path)) ?? []
        for build in builds.sorted() where build.hasPrefix(".build") {
            candidates.append(Fixture.packageRoot.appendingPathComponent("\(build)/debug/eventlog-tool"))
        }
        guard let found = candidates.first(where: { fileManager.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(searched: candidates.map(\.path))
        }
        return found
    }

    /// Starts the tool with its standard output and error going to files.
    static func start(_ arguments: [String], output: URL, errors: URL) throws -> Process {
        try Data().write(to: output)
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return process
    }

    /// Runs the tool to the end in `directory`: its exit status, standard output and error.
    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String, errors: String) {
        let name = UUID().uuidString
        let output = directory.appendingPathComponent("\(name).out")
        let errors = directory.appendingPathComponent("\(name).err")
        let process = try start(arguments, output: output, errors: errors)
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOf: output, encoding: .utf8),
            try String(contentsOf: errors, encoding: .utf8)
        )
    }

    /// The events a run reported committed: its complete `stream version` lines.
    static func committed(in output: String) -> [EventReference] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // Empty after the last line feed, or a line cut short by a kill.
        return lines.compactMap { line in
            guard let space = line.lastIndex(of: " "), let version = Int(line[line.index(after: space)...]) else {
                return nil
            }
            return EventReference(stream: String(line[..<space]), version: version)
        }
    }

    /// How many conflicts an `append` run retried, from its last line on standard error.
    static func retriedConflicts(in errors: String) -> Int? {
        guard let line = errors.split(separator: "\n").last, line.hasPrefix("eventlog-tool: retried ") else { return nil }
        return Int(line.split(separator: " ")[2])
    }
}
