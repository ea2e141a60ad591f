import CasebookServer
import Foundation

/// A ``Server`` running on a thread of the test process, signals left alone.
final class InProcessServer {
    let server: Server
    private let finished = DispatchSemaphore(value: 0)
    private let lines = Lines()

    /// The log lines written so far.
    var log: [String] { lines.all }

    init(socket path: String, configure: (inout ServerConfiguration) -> Void = { _ in }, handler: @escaping Server.Handler) throws {
        var configuration = ServerConfiguration(socketPath: path)
        configuration.handlesSignals = false
        let lines = self.lines
        configuration.log = { lines.append($0) }
        configure(&configuration)
        server = try Server(configuration: configuration, handler: handler)
        let server = self.server
        let finished = self.finished
        Thread {
            server.run()
            finished.signal()
        }.start()
    }

    /// Stops the server and waits until `run()` has returned.
    func stop() {
        server.stop()
        finished.wait()
    }

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []

        func append(_ line: String) {
            lock.lock()
            lines.append(line)
            lock.unlock()
        }

        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return lines
        }
    }
}

/// A thread-safe box for results gathered from several threads.
final class Collected<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []

    func append(_ value: Value) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var all: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
