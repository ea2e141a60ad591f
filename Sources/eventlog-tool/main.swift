// A tiny writer for the event log's multi-process and crash tests.
//
//     eventlog-tool create DB
//     eventlog-tool append DB --stream S --count N [--batch K] [--tries T] [--jitter µs]
//     eventlog-tool verify DB
//
// `append` reads the stream's version before each batch of K events (default 1) and
// appends with it as the expected version, retrying on a conflict up to T times per batch
// (default 1000). After each commit it writes one line per event, `stream version`,
// straight to file descriptor 1 (unbuffered), so whoever kills it knows what was
// committed; then it pauses a random 0…µs microseconds (default 0), so that writers
// waiting for the lock get in between its transactions. At the end it reports on standard
// error how many conflicts it retried.
//
// Exit codes: 0 done, 1 error, 3 `verify` found breaks, 64 usage, 75 gave up after conflicts.

import EventLog
import Foundation

let usage = """
    Usage: eventlog-tool create DB
           eventlog-tool append DB --stream S --count N [--batch K] [--tries T] [--jitter µs]
           eventlog-tool verify DB
    """

/// Writes text to a file descriptor with no buffering in between.
func write(_ text: String, to handle: FileHandle) {
    handle.write(Data(text.utf8))
}

/// Prints an error to standard error and exits.
func fail(_ message: String, status: Int32) -> Never {
    write("eventlog-tool: \(message)\n", to: .standardError)
    exit(status)
}

/// Parses `--name value` pairs.
func parseOptions(_ arguments: ArraySlice<String>) -> [String: String] {
    var options: [String: String] = [:]
    var rest = arguments
    while let name = rest.popFirst() {
        guard name.hasPrefix("--"), let value = rest.popFirst() else {
            fail("unexpected argument '\(name)'\n\(usage)", status: 64)
        }
        options[String(name.dropFirst(2))] = value
    }
    return options
}

/// The integer value of option `name`, at least `minimum`, or `fallback` when absent.
func integer(_ name: String, in options: [String: String], fallback: Int? = nil, minimum: Int = 1) -> Int {
    guard let text = options[name] else {
        guard let fallback else { fail("missing value for '--\(name)'\n\(usage)", status: 64) }
        return fallback
    }
    guard let number = Int(text), number >= minimum else { fail("'--\(name)' needs an integer ≥ \(minimum)", status: 64) }
    return number
}

/// Appends `count` events to `stream` in batches, retrying each batch on conflicts;
/// returns how many conflicts it retried.
func append(to store: EventStore, stream: String, count: Int, batch: Int, tries: Int, jitter: Int) throws -> Int {
    let pid = ProcessInfo.processInfo.processIdentifier
    var committed = 0
    var conflicts = 0
    while committed < count {
        let events = (committed + 1...min(committed + batch, count)).map { number in
            NewEvent(
                type: "ToolAppended", occurredAt: Timestamp.string(from: Date()), actor: "eventlog-tool",
                payload: Array(#"{"pid":\#(pid),"n":\#(number)}"#.utf8))
        }
        for attempt in 1... {
            do {
                let recorded = try store.append(events, to: stream, expectedVersion: try store.version(of: stream))
                write(recorded.map { "\($0.stream) \($0.version)\n" }.joined(), to: .standardOutput)
                break
            } catch EventLogError.conflict {
                conflicts += 1
                if attempt >= tries { fail("gave up after \(attempt) conflicts on \(stream)", status: 75) }
            }
        }
        committed += events.count
        if jitter > 0 { usleep(UInt32.random(in: 0...UInt32(jitter))) }
    }
    return conflicts
}

// The event log's own schema alone (no application tables), with one redactable type.
let schema = Schema(
    redactionRules: [.init(type: "EvidenceCaptured", recordedBy: "EventRedacted")], migrations: [.init(version: 1, sql: "")])
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 2, let command = arguments.first else { fail(usage, status: 64) }
let path = arguments[arguments.startIndex + 1]
let options = parseOptions(arguments.dropFirst(2))

do {
    switch command {
    case "create":
        _ = try EventStore.create(at: path, schema: schema)
    case "append":
        guard let stream = options["stream"] else { fail("missing value for '--stream'\n\(usage)", status: 64) }
        let store = try EventStore.open(at: path, schema: schema)
        let conflicts = try append(
            to: store, stream: stream, count: integer("count", in: options),
            batch: integer("batch", in: options, fallback: 1), tries: integer("tries", in: options, fallback: 1000),
            jitter: integer("jitter", in: options, fallback: 0, minimum: 0))
        write("eventlog-tool: retried \(conflicts) conflicts\n", to: .standardError)
    case "verify":
        let verifier = try EventStore.open(at: path, schema: schema).verifyChains()
        for chainBreak in verifier.breaks { write("\(chainBreak)\n", to: .standardOutput) }
        write(
            "\(verifier.eventCount) events in \(verifier.streamCount) streams, \(verifier.breaks.count) breaks\n",
            to: .standardOutput)
        exit(verifier.isIntact ? 0 : 3)
    default:
        fail("unknown command '\(command)'\n\(usage)", status: 64)
    }
} catch {
    fail("\(error)", status: 1)
}
