import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `casebook-echo-server` running in a child process (see its main.swift for what it answers).
final class EchoServer {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    let process: Process
    let socketPath: String
    let errors: URL

    /// Starts the server and returns once it says it is ready (clients can connect).
    init(socket socketPath: String, in folder: TemporaryFolder, options: [String] = []) throws {
        self.socketPath = socketPath
        errors = folder.url.appendingPathComponent("server-\(UUID().uuidString).err")
        try Data().write(to: errors)
        process = Process()
        process.executableURL = try Binaries.url("casebook-echo-server")
        process.arguments = ["--socket", socketPath] + options
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        let errorHandle = try FileHandle(forWritingTo: errors)
        process.standardError = errorHandle
        try process.run()
        try errorHandle.close()
        // A barrier: the server writes "ready" after it listens; reading blocks until then
        // (or until it exits, which ends the pipe).
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("ready\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                throw Failed(description: "casebook-echo-server exited \(process.terminationStatus) before it was ready: \(log)")
            }
            said.append(chunk)
        }
    }

    /// What the server wrote to standard error so far.
    var log: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

    /// Sends a signal to the server.
    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the server to exit: its status (128 + the signal when a signal killed it).
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Waits (a barrier on an outside event, with a generous bound) until `condition` holds.
func eventually(within seconds: Double = 60, _ condition: () -> Bool) -> Bool {
    let limit = Date(timeIntervalSinceNow: seconds)
    while !condition() {
        if Date() > limit { return false }
        usleep(5_000)
    }
    return true
}
