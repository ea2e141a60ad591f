import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every stream's head, kept out of memory for a log of many streams (`verify` of 100,000
/// cases finds 100,000 of them, and its memory must not grow with the streams): each head
/// is encoded into a small buffer (the name's bytes, the version, the hash as its 32 bytes
/// — or, when it is not 64 lowercase hex digits, which only a tampered database holds, as
/// its text), and once the buffer holds 64 KiB it is written to an unnamed temporary file
/// (removed when the last copy goes). ``heads`` reads them all back, in order. Without a
/// temporary file (none can be made) they stay in memory.
public struct StreamHeads: Sendable {
    /// Heads encoded but not yet written out.
    private var pending: [UInt8] = []
    /// The file holding the heads encoded before `pending`, and how many of its bytes are this value's.
    private var spill: SpillFile?
    private var spilledBytes = 0
    /// False once a temporary file could not be made or written: the rest stays in memory.
    private var canSpill = true
    /// How many streams.
    public private(set) var count = 0

    /// Bytes kept in memory before they are written to the temporary file.
    static let pendingLimit = 64 << 10

    /// No heads.
    public init() {}

    /// These heads, in order.
    public init(_ heads: [StreamHead]) { append(contentsOf: heads) }

    public mutating func append(_ head: StreamHead) {
        var name = head.stream
        name.withUTF8 { bytes in
            Self.appendLength(bytes.count, to: &pending)
            pending.append(contentsOf: bytes)
        }
        withUnsafeBytes(of: Int64(head.version).littleEndian) { pending.append(contentsOf: $0) }
        var hash = head.hash
        hash.withUTF8 { bytes in
            if bytes.count == 64, let digest = Self.digest(bytes) {
                pending.append(0)
                withUnsafeBytes(of: digest) { pending.append(contentsOf: $0) }
            } else {
                pending.append(1)
                Self.appendLength(bytes.count, to: &pending)
                pending.append(contentsOf: bytes)
            }
        }
        count += 1
        if canSpill, pending.count >= Self.pendingLimit { writeOut() }
    }

    public mutating func append(contentsOf heads: some Sequence<StreamHead>) {
        for head in heads { append(head) }
    }

    /// The heads, in order, as values. Throws when the temporary file they were written to
    /// cannot be read back (an I/O error): an incomplete list is never handed back, and
    /// nothing traps.
    public func all() throws -> [StreamHead] {
        var result: [StreamHead] = []
        result.reserveCapacity(count)
        if let spill, spilledBytes > 0 {
            guard let written = spill.read(spilledBytes) else { throw StreamHeadsError.unreadable }
            written.withUnsafeBytes { Self.decode($0, into: &result) }
        }
        pending.withUnsafeBytes { Self.decode($0, into: &result) }
        return result
    }

    /// Moves `pending` to the temporary file (left in memory when there is none).
    private mutating func writeOut() {
        if spill == nil || !isKnownUniquelyReferenced(&spill) || spill?.length != spilledBytes {
            // Another copy shares the file: this one continues in a file of its own.
            let earlier = spilledBytes > 0 ? spill?.read(spilledBytes) : []
            guard let fresh = SpillFile(), let earlier, fresh.write(earlier, at: 0) else {
                canSpill = false
                return
            }
            spill = fresh
        }
        guard let spill, spill.write(pending, at: spilledBytes) else {
            canSpill = false
            return
        }
        spilledBytes += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    private static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The 32 bytes of 64 lowercase hex digits; nil for any other text.
    private static func digest(_ hex: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64)? {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let isHex = withUnsafeMutableBytes(of: &digest) { out -> Bool in
            for index in 0..<32 {
                guard let high = value(hex[index &* 2]), let low = value(hex[index &* 2 &+ 1]) else { return false }
                out[index] = high << 4 | low
            }
            return true
        }
        return isHex ? digest : nil
    }

    @inline(__always)
    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case 0x30...0x39: return character &- 0x30
        case 0x61...0x66: return character &- 0x57
        default: return nil
        }
    }

    /// Decodes every head encoded in `bytes` (whole records, as ``append(_:)`` writes them).
    private static func decode(_ bytes: UnsafeRawBufferPointer, into heads: inout [StreamHead]) {
        var offset = 0
        func take(_ count: Int) -> UnsafeRawBufferPointer {
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }
        func length() -> Int { Int(UInt32(littleEndian: take(4).loadUnaligned(as: UInt32.self))) }
        while offset < bytes.count {
            let name = String(decoding: take(length()), as: UTF8.self)
            let version = Int(Int64(littleEndian: take(8).loadUnaligned(as: Int64.self)))
            let hash = take(1)[0] == 0 ? Hex.encode(take(32)) : String(decoding: take(length()), as: UTF8.self)
            heads.append(StreamHead(stream: name, version: version, hash: hash))
        }
    }
}

extension StreamHeads: Equatable {
    public static func == (lhs: StreamHeads, rhs: StreamHeads) -> Bool {
        guard lhs.count == rhs.count, let left = try? lhs.all(), let right = try? rhs.all() else { return false }
        return left == right
    }
}

/// The stream heads written to a temporary file could not be read back.
public enum StreamHeadsError: Error, CustomStringConvertible {
    case unreadable

    public var description: String { "the stream heads written to a temporary file could not be read back" }
}

/// An unnamed temporary file (`tmpfile`: gone once closed), written only by the one
/// ``StreamHeads`` value that holds it alone, read by any.
private final class SpillFile: @unchecked Sendable {
    private let file: UnsafeMutablePointer<FILE>
    /// The bytes written so far.
    private(set) var length = 0

    init?() {
        guard let file = tmpfile() else { return nil }
        self.file = file
    }

    deinit { fclose(file) }

    /// Writes all of `bytes` at `offset`; false when the file cannot take them.
    func write(_ bytes: [UInt8], at offset: Int) -> Bool {
        let descriptor = fileno(file)
        var done = 0
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            while done < buffer.count {
                let written = pwrite(descriptor, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset + done))
                guard written > 0 else { return false }
                done += written
            }
            return true
        }
        if complete { length = max(length, offset + bytes.count) }
        return complete
    }

    /// The first `count` bytes; nil when they cannot be read back.
    func read(_ count: Int) -> [UInt8]? {
        let descriptor = fileno(file)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let read = pread(descriptor, buffer.baseAddress.map { $0 + done }, count - done, off_t(done))
                guard read > 0 else {
                    failed = true
                    break
                }
                done += read
            }
            initialized = done
        }
        return failed ? nil : bytes
    }
}
