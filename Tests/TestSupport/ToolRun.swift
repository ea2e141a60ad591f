import Foundation

/// Runs a program to its end, for tests that use real tools (sha256sum, pdftotext, curl,
/// the casebook binary): its exit status and one of its output streams, the other discarded.
public enum ToolRun {
    /// Which stream to keep.
    public enum Stream: Sendable { case standardOutput, standardError }

    /// Runs `path` with `arguments` (in `folder`, when given) and returns its status and the
    /// text of `keeping`.
    public static func run(
        _ path: String, _ arguments: [String], in folder: String? = nil, keeping: Stream = .standardOutput
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let pipe = Pipe()
        switch keeping {
        case .standardOutput:
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
        case .standardError:
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
