import Foundation
import Testing
import TestSupport

import EventLog

/// SHA-256 against the NIST FIPS 180-4 example vectors and the system's `sha256sum`.
@Suite struct SHA256Tests {
    /// The FIPS 180-4 example messages (NIST "SHA256.pdf", "SHA2_Additional") and their digests.
    static let vectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    static let millionADigest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

    @Test("The 448- and 896-bit messages have the lengths FIPS 180-4 gives")
    func messageLengths() {
        #expect(Self.vectors[2].message.utf8.count * 8 == 448)
        #expect(Self.vectors[3].message.utf8.count * 8 == 896)
    }

    @Test("NIST vectors, hashed as a string", arguments: vectors)
    func hashString(message: String, digest: String) {
        #expect(Hex.encode(SHA256.hash(message)) == digest)
    }

    @Test("NIST vectors, hashed as bytes and as a raw buffer", arguments: vectors)
    func hashBytes(message: String, digest: String) {
        let bytes = Array(message.utf8)
        #expect(SHA256.hex(bytes) == digest)
        #expect(Hex.encode(SHA256.hash(bytes)) == digest)
        #expect(bytes.withUnsafeBytes { Hex.encode(SHA256.hash($0)) } == digest)
    }

    @Test("NIST vectors, fed one byte at a time", arguments: vectors)
    func hashByteByByte(message: String, digest: String) {
        var hasher = SHA256()
        for byte in message.utf8 {
            hasher.update([byte])
        }
        #expect(Hex.encode(hasher.finalize()) == digest)
    }

    @Test("NIST vectors, fed as strings in two pieces at every split", arguments: vectors)
    func hashSplitStrings(message: String, digest: String) {
        let bytes = Array(message.utf8)
        for split in 0...bytes.count {
            var hasher = SHA256()
            hasher.update(String(decoding: bytes[..<split], as: UTF8.self))
            hasher.update(String(decoding: bytes[split...], as: UTF8.self))
            #expect(Hex.encode(hasher.finalize()) == digest, "split at \(split)")
        }
    }

    @Test("One million 'a', in one piece")
    func millionA() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(bytes) == Self.millionADigest)
    }

    @Test("One million 'a', in pieces of one size", arguments: [1, 55, 56, 63, 64, 65, 127, 1000, 4096])
    func millionAInPieces(of size: Int) {
        #expect(Self.millionAHex(pieceSizes: [size]) == Self.millionADigest)
    }

    @Test("One million 'a', in pieces of uneven sizes")
    func millionAInUnevenPieces() {
        #expect(Self.millionAHex(pieceSizes: [1, 63, 64, 65, 1000]) == Self.millionADigest)
        #expect(Self.millionAHex(pieceSizes: [1000, 65, 1, 64, 63, 0, 7]) == Self.millionADigest)
    }

    @Test("A copy of a hasher mid-message goes on independently")
    func copyIsIndependent() {
        var first = SHA256()
        first.update("ab")
        var second = first
        first.update("c")
        second.update("d")
        #expect(Hex.encode(first.finalize()) == Self.vectors[1].digest)
        #expect(second.finalize() == SHA256.hash("abd"))
    }

    @Test("Empty updates change nothing")
    func emptyUpdates() {
        var hasher = SHA256()
        hasher.update([])
        hasher.update("")
        hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
        hasher.update("abc")
        hasher.update([])
        #expect(Hex.encode(hasher.finalize()) == Self.vectors[1].digest)
    }

    @Test("Matches /usr/bin/sha256sum on seeded random bytes of lengths 0 to 200",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum")))
    func matchesSystemTool() throws {
        var generator = SplitMix64(seed: 0x5EED_CA5E_B00C)
        // Every length near a block or padding boundary, and a few others drawn at random.
        var lengths = [0, 1, 2, 55, 56, 57, 63, 64, 65, 111, 119, 120, 127, 128, 129, 183, 191, 192, 200]
        for _ in 0..<6 {
            lengths.append(Int.random(in: 0...200, using: &generator))
        }
        for length in lengths {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            #expect(SHA256.hex(bytes) == (try Self.systemSHA256(bytes)), "length \(length)")
        }
    }

    @Test("Hex.encode writes lowercase pairs")
    func hexEncode() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]) == "00017f80abff")
        #expect(Hex.encode(Array(0...255)).count == 512)
    }

    @Test("Hex.isSHA256 takes exactly 64 lowercase hex digits")
    func hexIsSHA256() {
        let digest = Self.vectors[1].digest
        #expect(Hex.isSHA256(digest))
        #expect(Hex.isSHA256(String(repeating: "0", count: 64)))
        #expect(!Hex.isSHA256(""))
        #expect(!Hex.isSHA256(String(digest.dropLast())))
        #expect(!Hex.isSHA256(digest + "0"))
        #expect(!Hex.isSHA256(digest.uppercased()))
        #expect(!Hex.isSHA256(String(digest.dropLast()) + "g"))
        #expect(!Hex.isSHA256(String(digest.dropLast()) + " "))
        #expect(!Hex.isSHA256(String(digest.dropLast(2)) + "é"))
    }

    /// Hashes one million 'a' fed in pieces whose sizes cycle through `pieceSizes`.
    static func millionAHex(pieceSizes: [Int]) -> String {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256()
        var offset = 0
        var index = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let end = min(offset + pieceSizes[index % pieceSizes.count], raw.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
                index += 1
            }
        }
        return Hex.encode(hasher.finalize())
    }

    /// The digest `/usr/bin/sha256sum` prints for the bytes, written to a temporary file.
    static func systemSHA256(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("sha256-\(UUID().uuidString).bin")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data.prefix(64), as: UTF8.self)
    }
}
