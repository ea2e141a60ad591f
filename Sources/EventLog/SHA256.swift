import CSHA256

/// SHA-256 (NIST FIPS 180-4), written here so Casebook depends on nothing but
/// Foundation and libsqlite3.
///
/// Use ``SHA256/hash(_:)-(UnsafeRawBufferPointer)`` for one buffer, or feed
/// several pieces with ``update(_:)-(UnsafeRawBufferPointer)`` and
/// ``finalize()``.
///
/// The compression function runs on the CPU's SHA instructions when it has them (the x86
/// SHA extensions, or ARMv8's SHA2 instructions; target `CSHA256`, checked once at run
/// time) and in portable Swift otherwise. Both give the same digests; tests and
/// `casebook-bench sha256` pick one with ``init(implementation:)``.
public struct SHA256: Sendable {
    /// Where the compression function runs.
    public enum Implementation: String, Sendable, CaseIterable {
        /// FIPS 180-4 in Swift: runs everywhere.
        case portable
        /// The CPU's SHA instructions (see ``SHA256/hardwareName``).
        case hardware
    }

    /// The CPU's SHA instructions this process uses ("x86 SHA extensions", "ARMv8 SHA2"),
    /// or nil when the CPU has none and every digest is computed in portable Swift.
    public static let hardwareName: String? = csha256_hardware_name().map { String(cString: $0) }

    /// What a hasher made with ``init()`` uses: the hardware when present.
    public static var preferredImplementation: Implementation {
        csha256_hardware_available() != 0 ? .hardware : .portable
    }

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes waiting for a full 64-byte block, held inline (no heap allocation per hasher:
    /// the hash chain makes two hashers per event).
    private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// How many bytes of ``block`` are filled.
    private var blockCount = 0
    private var length: UInt64 = 0
    /// Whether blocks go to the CPU's SHA instructions.
    private let usesHardware: Bool

    /// Creates a hasher with the initial hash value of FIPS 180-4 §5.3.3, on the CPU's SHA
    /// instructions when it has them.
    public init() {
        usesHardware = csha256_hardware_available() != 0
    }

    /// Creates a hasher on one implementation; nil for ``Implementation/hardware`` when the
    /// CPU lacks the instructions (``hardwareName`` is nil).
    public init?(implementation: Implementation) {
        switch implementation {
        case .portable: usesHardware = false
        case .hardware:
            guard csha256_hardware_available() != 0 else { return nil }
            usesHardware = true
        }
    }

    /// The implementation this hasher runs on.
    public var implementation: Implementation { usesHardware ? .hardware : .portable }

    /// Adds bytes to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        length &+= UInt64(buffer.count)
        var offset = 0
        let count = buffer.count
        if blockCount > 0 {
            let take = min(64 - blockCount, count)
            let filled = blockCount
            withUnsafeMutableBytes(of: &block) { (bytes: UnsafeMutableRawBufferPointer) in
                (bytes.baseAddress! + filled).copyMemory(from: base, byteCount: take)
            }
            blockCount += take
            offset = take
            if blockCount == 64 {
                var full = block
                withUnsafeBytes(of: &full) { compress($0.baseAddress!, blocks: 1) }
                blockCount = 0
            }
        }
        let fullBlocks = (count - offset) / 64
        if fullBlocks > 0 {
            compress(base + offset, blocks: fullBlocks)
            offset += fullBlocks * 64
        }
        if offset < count {
            let rest = count - offset
            withUnsafeMutableBytes(of: &block) { (bytes: UnsafeMutableRawBufferPointer) in
                bytes.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            blockCount = rest
        }
    }

    /// Adds bytes to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds the UTF-8 bytes of a string to the message.
    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Adds one byte to the message.
    mutating func update(byte: UInt8) {
        if blockCount < 63 {
            let filled = blockCount
            withUnsafeMutableBytes(of: &block) { $0[filled] = byte }
            blockCount += 1
            length &+= 1
        } else {
            withUnsafeBytes(of: byte) { update($0) }
        }
    }

    /// Adds an integer's decimal text (`String(value)`'s UTF-8 bytes) to the message.
    mutating func update(decimal value: Int) {
        Self.withDecimal(value) { update($0) }
    }

    /// Hands `body` an integer's decimal text (`String(value)`'s UTF-8 bytes) without making a string.
    static func withDecimal<R>(_ value: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        // 20 digits and a sign hold any Int.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = value.magnitude
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = 0x30 &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                buffer[start] = 0x2D
            }
            return body(UnsafeRawBufferPointer(rebasing: buffer[start...]))
        }
    }

    /// Pads the message and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            finalize(into: UnsafeMutableRawPointer(digest.baseAddress!))
            count = 32
        }
    }

    /// Pads the message and returns the digest as 64 lowercase hex digits.
    mutating func finalizeHex() -> String {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { finalize(into: $0.baseAddress!) }
        return withUnsafeBytes(of: &digest) { Hex.encode($0) }
    }

    /// Pads the message and tells whether `text` is the digest's lowercase hex.
    mutating func finalizeMatches(_ text: UnsafeRawBufferPointer) -> Bool {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { buffer in
            if let base = buffer.baseAddress { finalize(into: base) }
        }
        return withUnsafeBytes(of: &digest) { Hex.matches($0, text: text) }
    }

    /// Pads the message and tells whether `text` is the digest's lowercase hex.
    mutating func finalizeMatches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { finalizeMatches(UnsafeRawBufferPointer($0)) }
    }

    /// Pads the message and writes the 32-byte digest to `digest`.
    mutating func finalize(into digest: UnsafeMutableRawPointer) {
        let bitLength = length &* 8
        var last = block
        let filled = blockCount
        // 0x80, zeros, then the message length in bits as a big-endian 64-bit number; in one
        // block when it fits after the message's last bytes, else in two.
        let needsTwoBlocks = withUnsafeMutableBytes(of: &last) { (bytes: UnsafeMutableRawBufferPointer) -> Bool in
            bytes[filled] = 0x80
            (bytes.baseAddress! + filled + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 63 - filled)
            return filled >= 56
        }
        if needsTwoBlocks {
            withUnsafeBytes(of: &last) { compress($0.baseAddress!, blocks: 1) }
            last = (0, 0, 0, 0, 0, 0, 0, 0)
        }
        last.7 = bitLength.bigEndian
        withUnsafeBytes(of: &last) { compress($0.baseAddress!, blocks: 1) }
        blockCount = 0
        let words = state
        digest.storeBytes(of: words.0.bigEndian, toByteOffset: 0, as: UInt32.self)
        digest.storeBytes(of: words.1.bigEndian, toByteOffset: 4, as: UInt32.self)
        digest.storeBytes(of: words.2.bigEndian, toByteOffset: 8, as: UInt32.self)
        digest.storeBytes(of: words.3.bigEndian, toByteOffset: 12, as: UInt32.self)
        digest.storeBytes(of: words.4.bigEndian, toByteOffset: 16, as: UInt32.self)
        digest.storeBytes(of: words.5.bigEndian, toByteOffset: 20, as: UInt32.self)
        digest.storeBytes(of: words.6.bigEndian, toByteOffset: 24, as: UInt32.self)
        digest.storeBytes(of: words.7.bigEndian, toByteOffset: 28, as: UInt32.self)
    }

    /// The digest of one buffer.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// The digest of a byte array.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The digest of a byte array on one implementation; nil when it is
    /// ``Implementation/hardware`` and the CPU lacks the instructions.
    public static func hash(_ bytes: [UInt8], using implementation: Implementation) -> [UInt8]? {
        guard var hasher = SHA256(implementation: implementation) else { return nil }
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(string)
        return hasher.finalize()
    }

    /// The lowercase hex digest of a byte array (64 characters).
    public static func hex(_ bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// Processes `blocks` consecutive 64-byte blocks.
    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        if usesHardware {
            let words = data.assumingMemoryBound(to: UInt8.self)
            _ = withUnsafeMutableBytes(of: &state) { state in
                csha256_compress_hardware(state.baseAddress!.assumingMemoryBound(to: UInt32.self), words, blocks)
            }
        } else {
            for index in 0..<blocks { compressPortable(data + index * 64) }
        }
    }

    /// Processes one 64-byte block in Swift (FIPS 180-4 §6.2.2).
    private mutating func compressPortable(_ block: UnsafeRawPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 {
                let b = block + t * 4
                w[t] = UInt32(b.load(as: UInt8.self)) << 24
                    | UInt32(b.load(fromByteOffset: 1, as: UInt8.self)) << 16
                    | UInt32(b.load(fromByteOffset: 2, as: UInt8.self)) << 8
                    | UInt32(b.load(fromByteOffset: 3, as: UInt8.self))
            }
            for t in 16..<64 {
                let x = w[t - 15], y = w[t - 2]
                let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = state
            Self.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (
                state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h
            )
        }
    }
}

@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x >> n) | (x << (32 - n))
}

/// Lowercase hexadecimal text for bytes, as the hash chain stores it.
public enum Hex {
    /// Encodes bytes as lowercase hex.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { encode($0) }
    }

    /// Encodes bytes as lowercase hex.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            write(bytes, into: out)
            return bytes.count * 2
        }
    }

    /// Writes the lowercase hex of `bytes` into the first `2 × bytes.count` bytes of `out`.
    static func write(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) {
        for index in 0..<bytes.count {
            let byte = bytes[index]
            out[index &* 2] = digit(byte >> 4)
            out[index &* 2 &+ 1] = digit(byte & 0x0f)
        }
    }

    /// Whether `text` is exactly the lowercase hex of `bytes` — what comparing `encode(bytes)`
    /// with the text as a `String` gives, without making either string.
    static func matches(_ bytes: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer) -> Bool {
        guard text.count == bytes.count &* 2 else { return false }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard text[index &* 2] == digit(byte >> 4), text[index &* 2 &+ 1] == digit(byte & 0x0f) else { return false }
        }
        return true
    }

    /// Whether `text` is the lowercase hex of the SHA-256 of `bytes` (`encode(SHA256.hash(bytes)) == text`).
    static func matchesSHA256(of bytes: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer) -> Bool {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeMatches(text)
    }

    /// The ASCII lowercase hex digit of a value 0...15.
    @inline(__always)
    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 &+ value : 0x57 &+ value
    }

    /// Whether the text is exactly 64 lowercase hex digits (a SHA-256 as stored).
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
