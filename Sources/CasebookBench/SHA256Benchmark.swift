import EventLog
import Foundation

/// `casebook-bench sha256`: SHA-256 in portable Swift against the CPU's SHA instructions.
///
/// Two workloads, each run on both implementations in turn, round after round (so a
/// change in the machine's speed touches both alike):
/// 1. **bulk** — `--megabytes` MiB hashed as 1 MiB buffers (a large evidence file).
/// 2. **event** — what the hash chain computes for each appended event: the digest of a
///    JSON payload of about 220 bytes, then the chain digest of the event's fields (about 230 bytes
///    fed in 14 pieces, as `HashChain.hash` feeds them).
enum SHA256Benchmark {
    static let summary = "SHA-256 MB/s and digests per event, portable Swift against the CPU's SHA instructions [--megabytes N] [--events N] [--runs N]"

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["megabytes", "events", "runs"])
        let megabytes = try options.integer("megabytes", default: 256)
        let events = try options.integer("events", default: 200_000)
        let runs = try options.integer("runs", default: 5)

        let payload = Array(
            """
            {"item":"E3","kind":"social","url":"https://social.example.com/posts/1007919","capturedAt":"2026-09-01T08:01:00.000Z",\
            "platform":"Example","description":"Post naming a member of staff, with a photo of the school gate","screenshot":1}
            """.utf8)
        print("SHA-256: \(megabytes) MiB in 1 MiB buffers; \(grouped(events)) events' digest pairs (payload \(payload.count) bytes); \(runs) rounds, implementations alternating")
        print("machine: \(Machine.summary())")
        print("CPU SHA instructions: \(SHA256.hardwareName ?? "none — only the portable implementation can run")")
        let implementations = SHA256.Implementation.allCases.filter { SHA256(implementation: $0) != nil }

        var generator = SystemRandomNumberGenerator()
        let buffer = (0..<1_048_576).map { _ in UInt8.random(in: .min ... .max, using: &generator) }

        var bulk: [SHA256.Implementation: [Double]] = [:]
        var perEvent: [SHA256.Implementation: [Double]] = [:]
        var digests: [SHA256.Implementation: [UInt8]] = [:]
        // One untimed round first, then `runs` timed ones; the order flips each round.
        for round in 0...runs {
            let order = round % 2 == 0 ? implementations : implementations.reversed()
            for implementation in order {
                var digest: [UInt8] = []
                let bulkSeconds = try measure {
                    digest = try hashBulk(buffer, megabytes: megabytes, on: implementation)
                }
                digests[implementation] = digest
                let eventSeconds = try measure { try hashEvents(payload, count: events, on: implementation) }
                if round > 0 {
                    bulk[implementation, default: []].append(Double(megabytes) * 1.048576 / bulkSeconds)
                    perEvent[implementation, default: []].append(eventSeconds / Double(events) * 1e9)
                }
            }
        }
        if let hardware = digests[.hardware], let portable = digests[.portable], hardware != portable {
            throw BenchmarkFailure(description: "the two implementations gave different digests")
        }

        for implementation in implementations {
            let rates = bulk[implementation, default: []].sorted()
            let times = perEvent[implementation, default: []].sorted()
            print(String(
                format: "%@ bulk %@ MB/s (%@–%@); one event's two digests %.0f ns (%.0f–%.0f)",
                implementation.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
                String(format: "%.0f", median(rates)), String(format: "%.0f", rates.first ?? 0),
                String(format: "%.0f", rates.last ?? 0), median(times), times.first ?? 0, times.last ?? 0))
        }
        if let hardwareRates = bulk[.hardware], let portableRates = bulk[.portable],
            let hardwareTimes = perEvent[.hardware], let portableTimes = perEvent[.portable]
        {
            // Ratios within each round, where both ran back to back.
            let bulkRatios = zip(hardwareRates, portableRates).map { $0 / $1 }.sorted()
            let eventRatios = zip(portableTimes, hardwareTimes).map { $0 / $1 }.sorted()
            print(String(
                format: "hardware/portable: bulk %.1f× (%.1f–%.1f), per event %.1f× (%.1f–%.1f)",
                median(bulkRatios), bulkRatios.first ?? 0, bulkRatios.last ?? 0,
                median(eventRatios), eventRatios.first ?? 0, eventRatios.last ?? 0))
        }
    }

    /// Hashes `megabytes` copies of the 1 MiB buffer as one message.
    static func hashBulk(_ buffer: [UInt8], megabytes: Int, on implementation: SHA256.Implementation) throws -> [UInt8] {
        guard var hasher = SHA256(implementation: implementation) else {
            throw BenchmarkFailure(description: "no \(implementation.rawValue) SHA-256 here")
        }
        buffer.withUnsafeBytes { raw in
            for _ in 0..<megabytes { hasher.update(raw) }
        }
        return hasher.finalize()
    }

    /// The payload digest and the chain digest of `count` events, fed as `HashChain` feeds them.
    static func hashEvents(_ payload: [UInt8], count: Int, on implementation: SHA256.Implementation) throws {
        var previous = String(repeating: "0", count: 64)
        let newline: [UInt8] = [0x0A]
        for version in 1...count {
            guard var payloadHasher = SHA256(implementation: implementation),
                var chainHasher = SHA256(implementation: implementation)
            else { throw BenchmarkFailure(description: "no \(implementation.rawValue) SHA-256 here") }
            payloadHasher.update(payload)
            let payloadHex = Hex.encode(payloadHasher.finalize())
            chainHasher.update(previous)
            chainHasher.update("case/CB-2026-00042")
            chainHasher.update(newline)
            chainHasher.update(String(version))
            chainHasher.update(newline)
            chainHasher.update("EvidenceCaptured")
            chainHasher.update(newline)
            chainHasher.update("2026-09-01T08:00:00.000Z")
            chainHasher.update(newline)
            chainHasher.update("2026-09-01T08:00:01.234Z")
            chainHasher.update(newline)
            chainHasher.update("staff-0007")
            chainHasher.update(newline)
            chainHasher.update(payloadHex)
            previous = Hex.encode(chainHasher.finalize())
        }
    }

    /// The middle value of sorted numbers (the mean of the two middle ones for an even count).
    static func median(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
