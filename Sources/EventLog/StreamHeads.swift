/// Every stream's head, kept compactly for a log of many streams (`verify` of 100,000
/// cases holds 100,000 of them): the names' bytes in one buffer, each hash as its 32 bytes
/// (a hash that is not 64 lowercase hex digits — a tampered one — is kept as its text), so
/// about 64 bytes a stream against ~200 for a ``StreamHead`` with its two strings.
public struct StreamHeads: Sendable, Equatable {
    private var names: [UInt8] = []
    private var nameEnds: [Int] = []
    private var versions: [Int] = []
    private var hashes: [UInt8] = []
    /// Hashes not 64 lowercase hex digits, by index (their 32 bytes in `hashes` are zero).
    private var otherHashes: [Int: String] = [:]

    /// No heads.
    public init() {}

    /// These heads, in order.
    public init(_ heads: [StreamHead]) { append(contentsOf: heads) }

    /// How many streams.
    public var count: Int { versions.count }

    public mutating func append(_ head: StreamHead) {
        let index = versions.count
        names.append(contentsOf: head.stream.utf8)
        nameEnds.append(names.count)
        versions.append(head.version)
        if !Self.appendDigest(head.hash, to: &hashes) {
            hashes.append(contentsOf: repeatElement(0, count: 32))
            otherHashes[index] = head.hash
        }
    }

    public mutating func append(contentsOf heads: some Sequence<StreamHead>) {
        for head in heads { append(head) }
    }

    /// The heads, in order, as values.
    public var heads: [StreamHead] {
        var result: [StreamHead] = []
        result.reserveCapacity(count)
        var start = 0
        for index in 0..<count {
            let end = nameEnds[index]
            let name = String(decoding: names[start..<end], as: UTF8.self)
            start = end
            let hash = otherHashes[index] ?? hashes.withUnsafeBytes { Hex.encode(UnsafeRawBufferPointer(rebasing: $0[(index * 32)..<(index * 32 + 32)])) }
            result.append(StreamHead(stream: name, version: versions[index], hash: hash))
        }
        return result
    }

    /// Appends the 32 bytes of a hash of 64 lowercase hex digits; false (and nothing
    /// appended) for any other text.
    private static func appendDigest(_ hash: String, to bytes: inout [UInt8]) -> Bool {
        let utf8 = hash.utf8
        guard utf8.count == 64 else { return false }
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        var high: UInt8?
        for character in utf8 {
            let value: UInt8
            switch character {
            case 0x30...0x39: value = character &- 0x30
            case 0x61...0x66: value = character &- 0x57
            default: return false
            }
            if let first = high {
                digest.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        bytes.append(contentsOf: digest)
        return true
    }
}
