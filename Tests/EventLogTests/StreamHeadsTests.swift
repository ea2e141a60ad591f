import Testing

import EventLog

/// The compact store of every stream's head gives back exactly what was put in, whatever
/// the hash's text (a tampered database can hold any).
@Suite struct StreamHeadsTests {
    @Test func headsComeBackAsTheyWentIn() {
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
        #expect(compact.heads == heads)
        #expect(compact == StreamHeads(heads))
        let checkpoint = LogCheckpoint(logHead: .empty, heads: compact)
        #expect(checkpoint.streams == heads)
        #expect(checkpoint == LogCheckpoint(logHead: .empty, streams: heads))
    }
}
