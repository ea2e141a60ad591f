import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What one run of the `casebook` binary did.
struct CLIResult: CustomStringConvertible {
    /// The exit status (or the terminating signal's number plus 128).
    let status: Int32
    /// Standard output, as bytes.
    let output: Data
    /// Standard error, as text.
    let stderr: String

    /// Standard output, as text.
    var stdout: String { String(decoding: output, as: UTF8.self) }

    /// For failure messages: the status and both streams.
    var description: String { "exit \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }

    /// Standard output parsed as exactly one JSON document (JSONSerialization refuses
    /// anything after it but white space).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: output, options: [.fragmentsAllowed])
    }

    /// Standard output as one JSON object.
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try json() as? [String: Any], "stdout is not one JSON object: \(self)", sourceLocation: sourceLocation)
    }

    /// Standard output as one JSON array.
    func jsonArray(sourceLocation: SourceLocation = #_sourceLocation) throws -> [Any] {
        try #require(try json() as? [Any], "stdout is not one JSON array: \(self)", sourceLocation: sourceLocation)
    }
}

/// The built `casebook` executable, run as a separate process.
enum CasebookBinary {
    /// The binary was not found.
    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "the casebook binary was not found; build it (swift build) or set CASEBOOK_BINARY. Searched: "
                + searched.joined(separator: ", ")
        }
    }

    /// The package's top-level directory, found from this file's place in it.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // CasebookCLITests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The real fixture files of the package.
    static func fixture(_ name: String) -> String { packageRoot.appendingPathComponent("fixtures/\(name)").path }

    /// Where the binary is: `CASEBOOK_BINARY`, else next to the running test bundle (where
    /// `swift test` puts every product, whatever `--scratch-path` says), else in a build
    /// folder of the package (`.build`, `.build-*`).
    static let location: Result<URL, NotFound> = {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["CASEBOOK_BINARY"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        // Linux: …/debug/CasebookPackageTests.xctest is the running executable;
        // macOS: …/debug/CasebookPackageTests.xctest/Contents/MacOS/CasebookPackageTests.
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("casebook"))
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("casebook"))
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("casebook"))
        }
        let builds = (try? fileManager.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        for build in builds.sorted() where build.hasPrefix(".build") {
            candidates.append(packageRoot.appendingPathComponent("\(build)/debug/casebook"))
        }
        guard let found = candidates.first(where: { fileManager.isExecutableFile(atPath: $0.path) }) else {
            return .failure(NotFound(searched: candidates.map(\.path)))
        }
        return .success(found)
    }()

    /// The binary, or an error saying where it was looked for.
    static func url() throws -> URL { try location.get() }

    /// The environment every run starts from: London time, nothing of the caller's
    /// `CASEBOOK_*` settings, and the test's own folder as home and temporary folder (so
    /// that `casebook demo`'s working folder goes when the test's does).
    static func environment(home: URL) -> [String: String] {
        ["TZ": "Europe/London", "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home.path, "TMPDIR": home.path, "LANG": "C.UTF-8"]
    }

    /// Starts the binary in `directory` with standard output and error going to files there;
    /// call `finish` on what it returns.
    static func start(
        _ arguments: [String], in directory: URL, environment extra: [String: String] = [:],
        executable: URL? = nil
    ) throws -> Running {
        let name = UUID().uuidString
        let output = directory.appendingPathComponent(".run-\(name).out")
        let errors = directory.appendingPathComponent(".run-\(name).err")
        try Data().write(to: output)
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = try executable ?? url()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment(home: directory).merging(extra) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let outputHandle = try FileHandle(forWritingTo: output)
        let errorHandle = try FileHandle(forWritingTo: errors)
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        try process.run()
        try outputHandle.close()
        try errorHandle.close()
        return Running(process: process, output: output, errors: errors)
    }

    /// A started run.
    struct Running {
        let process: Process
        let output: URL
        let errors: URL

        /// Waits for the end of the run and reads what it wrote.
        func finish() throws -> CLIResult {
            process.waitUntilExit()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            let result = CLIResult(
                status: status, output: try Data(contentsOf: output),
                stderr: String(decoding: try Data(contentsOf: errors), as: UTF8.self))
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
            return result
        }
    }

    /// Runs the binary to the end in `directory`.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> CLIResult {
        try start(arguments, in: directory, environment: environment).finish()
    }

    /// Runs the binary with arguments given as raw bytes, which need not be UTF-8.
    ///
    /// Foundation's `Process` takes `[String]`, and a Swift `String` cannot hold bytes that
    /// are not UTF-8 (they become U+FFFD before the child sees them), so this spawns the
    /// child with `posix_spawn` and a hand-made `argv`. The child runs in the test process's
    /// working directory, so give it absolute paths.
    static func run(rawArguments: [[UInt8]], in directory: URL) throws -> CLIResult {
        let executable = try url().path
        let name = UUID().uuidString
        let output = directory.appendingPathComponent(".raw-\(name).out").path
        let errors = directory.appendingPathComponent(".raw-\(name).err").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        func cString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
            pointer[bytes.count] = 0
            return pointer
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([Array(executable.utf8)] + rawArguments).map(cString) + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment(home: directory).sorted { $0.key < $1.key }.map { cString(Array("\($0.key)=\($0.value)".utf8)) } + [nil]
        defer { for pointer in argv + envp { pointer?.deallocate() } }
        var pid = pid_t()
        let code = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard code == 0 else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let result = CLIResult(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            output: try Data(contentsOf: URL(fileURLWithPath: output)),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errors)), as: UTF8.self))
        try? FileManager.default.removeItem(atPath: output)
        try? FileManager.default.removeItem(atPath: errors)
        return result
    }
}
