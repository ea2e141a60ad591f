import Foundation

/// The Python `eventsourcing` peer (`Benchmarks/peer/eventsourcing_peer.py --serve`), kept
/// running beside `casebook-bench eventlog` and asked for one timed phase at a time: one
/// JSON request per line on its stdin, one JSON answer per line on its stdout. The peer
/// times its own library calls, so Python's start-up and the pipe are not counted.
final class PeerProcess {
    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private var buffered = Data()

    init(python: String, script: String, directory: String) throws {
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchmarkFailure(description: "no peer script at \(script) (run from the package directory, or give --peer-script)")
        }
        let toPeer = Pipe()
        let fromPeer = Pipe()
        process.executableURL = URL(fileURLWithPath: python.contains("/") ? python : (ProcessTiming.onPath(python) ?? python))
        process.arguments = [script, "--serve", "--directory", directory]
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        do {
            try process.run()
        } catch {
            throw BenchmarkFailure(description: "cannot start the peer with \(python): \(error)")
        }
        input = toPeer.fileHandleForWriting
        output = fromPeer.fileHandleForReading
    }

    deinit {
        try? input.close()
        process.waitUntilExit()
    }

    /// Sends one request and returns the answer's fields; throws the peer's error.
    func request(_ fields: [String: Any]) throws -> [String: Any] {
        let line = try JSONSerialization.data(withJSONObject: fields) + Data("\n".utf8)
        do {
            try input.write(contentsOf: line)
        } catch {
            throw BenchmarkFailure(description: "the peer stopped (is eventsourcing installed for that Python? pip install -r Benchmarks/peer/requirements.txt)")
        }
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let answer = buffered[buffered.startIndex..<newline]
                buffered = Data(buffered[(newline + 1)...])
                guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
                    throw BenchmarkFailure(description: "the peer answered \(String(decoding: answer, as: UTF8.self))")
                }
                if let error = object["error"] as? String { throw BenchmarkFailure(description: "the peer failed: \(error)") }
                return object
            }
            let more = output.availableData
            guard !more.isEmpty else {
                throw BenchmarkFailure(description: "the peer stopped (is eventsourcing installed for that Python? pip install -r Benchmarks/peer/requirements.txt)")
            }
            buffered.append(more)
        }
    }

    /// Runs one phase (`save`, `insert`, `read`, `replay`) and returns its seconds.
    func timed(_ operation: String, first: Int? = nil, count: Int? = nil, perStream: Int? = nil, batch: Int? = nil) throws -> Double {
        var fields: [String: Any] = ["op": operation]
        if let first, let count, let perStream, let batch {
            fields["first"] = first
            fields["count"] = count
            fields["per_stream"] = perStream
            fields["batch"] = batch
        }
        let answer = try request(fields)
        guard let seconds = answer["seconds"] as? Double else {
            throw BenchmarkFailure(description: "the peer gave no seconds for \(operation)")
        }
        return seconds
    }

    /// The peer's versions and pragmas, in one line.
    func info() throws -> String {
        let answer = try request(["op": "info"])
        func field(_ name: String) -> String { answer[name].map { "\($0)" } ?? "?" }
        return "eventsourcing \(field("eventsourcing")), Python \(field("python")), SQLite \(field("sqlite")) "
            + "(journal_mode=\(field("journal_mode")), synchronous=\(field("synchronous")))"
    }
}
