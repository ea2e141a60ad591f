import Foundation
import Testing

/// No god file (issue 18, item 7): no Swift source under `Sources/` is over 300 lines unless
/// it is named below with the reason it stays whole — one job that reads best in one place.
/// A file with more than one job is split by job instead (`Casebook` itself is: the core in
/// `Sources/Casebook/Casebook*.swift`, each job in `Sources/Casebook/Jobs/`).
@Suite struct SourceSizeTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CasebookTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appendingPathComponent("Sources")

    static let limit = 300

    /// Not counted: the benchmarks (not the product).
    static let notCounted: Set<String> = []
    static let notCountedFolders = ["CasebookBench/"]

    /// Files allowed over the limit, each with why it is one job.
    static let exceptions: [String: String] = [
        "Casebook/Events/CaseEventCoding.swift":
            "one table: every case event's type name, payload and decoding, kept side by side so a new event is one entry",
        "Casebook/Reports/TimelineNarrator.swift":
            "one exhaustive switch: every built-in case event in words (a registered track narrates its own); splitting it would split the switch",
        "Casebook/Reports/Removal.swift":
            "one computation (removal per host and per case) that the outcomes report, the timeline and show all read",
        "Casebook/Workflow/CaseState.swift":
            "one value: the case's state, with a field per built-in track (extensions cannot add stored properties; a registered track keeps its part in `tracks`)",
        "Casebook/Workflow/StepInputs.swift":
            "one vocabulary: a step's declared inputs, its forms and the values a front end collects",
        "CasebookServer/WireCoding.swift":
            "one format: the wire protocol's encoder, decoder and their shared bounds",
        "EventLog/LogVerification.swift":
            "one check: the generic verification of a whole log (chains, stored files, schema, pages, log head)",
        "EventLog/SHA256.swift":
            "one algorithm: FIPS 180-4 SHA-256, portable and on the CPU's SHA instructions, giving the same digests",
    ]

    /// Every Swift file under `Sources/`, by its path there, with its line count.
    static func lineCounts() throws -> [(path: String, lines: Int)] {
        let root = sources.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, Int)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            if text.hasSuffix("\n") { lines -= 1 }
            files.append((relative, lines))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    @Test func noSourceFileIsOverThreeHundredLinesUnlessNamed() throws {
        let files = try Self.lineCounts()
        #expect(files.count > 100, "the sources were not found under \(Self.sources.path)")
        let long = files.filter { file in
            file.lines > Self.limit && !Self.notCounted.contains(file.path) && Self.exceptions[file.path] == nil
                && !Self.notCountedFolders.contains { file.path.hasPrefix($0) }
        }
        let listed = long.map { "\($0.path): \($0.lines)" }.joined(separator: "\n")
        #expect(
            long.isEmpty,
            "over \(Self.limit) lines; split by job, or name it in SourceSizeTests.exceptions with why it is one job:\n\(listed)")
    }

    /// `Casebook` is the shared core; the public work is on its jobs.
    @Test func everyJobHasItsOwnFolder() throws {
        let jobs = Self.sources.appendingPathComponent("Casebook/Jobs").path
        let folders = try FileManager.default.contentsOfDirectory(atPath: jobs).sorted()
        #expect(folders == ["Cases", "Maintenance", "Reports", "Retention", "Staff", "SubjectAccess"])
    }
}
