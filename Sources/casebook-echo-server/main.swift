// A Casebook server around an echoing handler, for CasebookServerTests only.
//
//     casebook-echo-server --socket PATH [--timeout SECONDS] [--max-connections N]
//                          [--per-peer N] [--header-timeout SECONDS] [--mode OCTAL] [--group GID]
//
// Prints "ready" on standard output once clients can connect; exits 0 after SIGTERM or
// SIGINT. What a request's first argument asks for:
//     (anything else)          stdout: the peer and the request, one fact a line; the input
//                              files come back as output files; exit 0
//     exit N                   exit N with "error: asked to fail" on stderr
//     barrier N                wait until N barrier requests are in hand (at most 120 s), then echo
//     hold MARKER RELEASE      create MARKER, wait until RELEASE exists (at most 120 s), then echo
//     peak-memory              stdout: this process's peak resident memory (VmHWM) in KiB
import CasebookServer
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("casebook-echo-server: \(message)\n".utf8))
    exit(64)
}

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard name.hasPrefix("--"), let value = arguments.popFirst() else { fail("usage: --socket PATH [--timeout S] …") }
    options[String(name.dropFirst(2))] = value
}
guard let socket = options["socket"] else { fail("--socket PATH is required") }
var settings = ServerConfiguration(socketPath: socket)
if let timeout = options["timeout"].flatMap(Double.init) { settings.requestTimeout = .milliseconds(Int(timeout * 1000)) }
if let cap = options["max-connections"].flatMap(Int.init) { settings.maxConnections = cap }
// Every connection of these tests comes from one user id: by default one may hold them all.
settings.maxConnectionsPerPeer = options["per-peer"].flatMap(Int.init) ?? settings.maxConnections
settings.headerTimeout = options["header-timeout"].flatMap(Double.init).map { .milliseconds(Int($0 * 1000)) } ?? settings.requestTimeout
if let mode = options["mode"].flatMap({ mode_t($0, radix: 8) }) { settings.socketMode = mode }
if let group = options["group"].flatMap({ gid_t($0) }) { settings.socketGroup = group }

/// The barrier: how many barrier requests have arrived.
final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0

    /// Counts this arrival and waits until `count` have arrived; false when that took too long.
    func arrive(waitingFor count: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let limit = Date(timeIntervalSinceNow: 120)
        while arrived < count {
            if !condition.wait(until: limit) { return false }
        }
        return true
    }
}

let barrier = Barrier()

@Sendable func echo(_ request: Request, _ peer: Peer) -> Response {
    var lines = ["uid \(peer.uid)", "gid \(peer.gid)", "pid \(peer.pid)", "login \(peer.login ?? "-")"]
    lines += request.arguments.map { "argument \($0)" }
    lines += request.environment.sorted { $0.key < $1.key }.map { "env \($0.key)=\($0.value)" }
    if let stdin = request.stdin { lines.append("stdin \(stdin.count) bytes") }
    lines += request.inputFiles.map { "file \($0.path) \($0.bytes.count) bytes" }
    return Response(
        exitCode: 0, stdout: Data((lines.joined(separator: "\n") + "\n").utf8),
        outputFiles: request.inputFiles.map { OutputFile(path: $0.path, bytes: $0.bytes) })
}

@Sendable func peakMemoryKiB() -> String {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return line.split(separator: " ").dropFirst().first.map(String.init) ?? "unknown"
}

let server: Server
do {
    server = try Server(configuration: settings) { request, peer in
        let words = request.arguments
        switch words.first {
        case "exit":
            return Response(exitCode: Int32(words.dropFirst().first ?? "") ?? 70, stderr: Data("error: asked to fail\n".utf8))
        case "barrier":
            guard barrier.arrive(waitingFor: Int(words.dropFirst().first ?? "") ?? 1) else {
                return Response(exitCode: 1, stderr: Data("error: the barrier was not reached\n".utf8))
            }
            return echo(request, peer)
        case "hold":
            guard words.count == 3 else { return Response(exitCode: 64) }
            _ = FileManager.default.createFile(atPath: words[1], contents: Data())
            let limit = Date(timeIntervalSinceNow: 120)
            while !FileManager.default.fileExists(atPath: words[2]) {
                guard Date() < limit else { return Response(exitCode: 1, stderr: Data("error: never released\n".utf8)) }
                usleep(10_000)
            }
            return echo(request, peer)
        case "peak-memory":
            return Response(exitCode: 0, stdout: Data((peakMemoryKiB() + "\n").utf8))
        default:
            return echo(request, peer)
        }
    }
} catch {
    fail("\(error)")
}
FileHandle.standardOutput.write(Data("ready\n".utf8))
server.run()
exit(0)
