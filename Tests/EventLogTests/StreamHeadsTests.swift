import Testing

import EventLog

/// The compact store of every stream's head gives back exactly what was put in, whatever
/// the hash's text (a tampered database can hold any).
@Suite struct StreamHeadsTests {
    @Test func headsComeBackAsTheyWentIn() throws {
        let heads = [
            StreamHead(stream: "case/CB-2026-0001", version: 20, hash: String(repeating: "0123456789abcdef", count: 4)),
            StreamHead(stream: "staff", version: 1, hash: String(repeating: "fe", count: 32)),
            StreamHead(stream: "case/ünïcödé", version: 3, hash: String(repeating: "AB", count: 32)),  // upper case: kept as text
            StreamHead(stream: "", version: 0, hash: "not a hash"),
            StreamHead(stream: "audit", version: Int.max, hash: String(repeating: "g", count: 64)),
            StreamHead(stream: "settings", version: 7, hash: ""),
        ]
        var compact = StreamHeads()
        compact.append(contentsOf: heads.prefix(2))
        compact.append(contentsOf: heads.dropFirst(2))
        #expect(compact.count == heads.count)
        #expect(try compact.all() == heads)
        #expect(compact == StreamHeads(heads))
        let checkpoint = LogCheckpoint(logHead: .empty, heads: compact)
        #expect(try checkpoint.streams == heads)
        #expect(checkpoint == LogCheckpoint(logHead: .empty, streams: heads))
    }

    /// Past 64 KiB the heads go to a temporary file; copies taken on the way stay as they were.
    @Test func manyHeadsComeBackFromTheTemporaryFile() throws {
        let heads = (0..<5_000).map { index in
            StreamHead(
                stream: "case/CB-2026-\(100_000 + index)", version: index % 40 + 1,
                hash: index % 997 == 0 ? "tampered \(index)" : String(repeating: String(String(index % 256 + 256, radix: 16).dropFirst()), count: 32))
        }
        var compact = StreamHeads()
        compact.append(contentsOf: heads.prefix(3_000))
        var copy = compact
        compact.append(contentsOf: heads.dropFirst(3_000))
        #expect(compact.count == heads.count)
        #expect(try compact.all() == heads)
        #expect(try copy.all() == Array(heads.prefix(3_000)))
        copy.append(contentsOf: heads.suffix(2_000).reversed())
        #expect(try copy.all() == Array(heads.prefix(3_000)) + heads.suffix(2_000).reversed())
        #expect(try compact.all() == heads)
        #expect(compact == StreamHeads(heads))
        #expect(compact != copy)
    }
}
