import Foundation
import Testing
import TestSupport

import EventLog

/// The two implementations of SHA-256's compression function — portable Swift, and the
/// CPU's SHA instructions (target CSHA256) — each against the NIST vectors, and against
/// each other.
@Suite struct SHA256ImplementationTests {
    static let hardwareSkipReason: Comment =
        "this CPU has no SHA instructions CSHA256 can use (no sha_ni flag on x86-64, no sha2 HWCAP on arm64): only the portable implementation runs here"

    /// The digest of `bytes` fed in pieces ending at `cuts`, on one implementation.
    static func digest(_ bytes: [UInt8], cuts: [Int] = [], on implementation: SHA256.Implementation) -> [UInt8]? {
        guard var hasher = SHA256(implementation: implementation) else { return nil }
        var start = 0
        bytes.withUnsafeBytes { raw in
            for cut in cuts + [bytes.count] where cut >= start {
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[start..<cut]))
                start = cut
            }
        }
        return hasher.finalize()
    }

    static func randomBytes(_ count: Int, using generator: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test("The portable implementation gives the NIST digests", arguments: SHA256Tests.vectors)
    func portableVectors(message: String, digest: String) throws {
        let bytes = Array(message.utf8)
        #expect(try Hex.encode(#require(SHA256.hash(bytes, using: .portable))) == digest)
        // One byte at a time: every block passes through the partial-block buffer.
        #expect(try Hex.encode(#require(Self.digest(bytes, cuts: Array(0..<bytes.count), on: .portable))) == digest)
    }

    @Test("The hardware implementation gives the NIST digests", .enabled(if: SHA256.hardwareName != nil, hardwareSkipReason),
          arguments: SHA256Tests.vectors)
    func hardwareVectors(message: String, digest: String) throws {
        let bytes = Array(message.utf8)
        #expect(try Hex.encode(#require(SHA256.hash(bytes, using: .hardware))) == digest)
        #expect(try Hex.encode(#require(Self.digest(bytes, cuts: Array(0..<bytes.count), on: .hardware))) == digest)
    }

    @Test("Both implementations give the NIST digest of one million 'a'", arguments: SHA256.Implementation.allCases)
    func millionA(implementation: SHA256.Implementation) throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        guard let digest = SHA256.hash(bytes, using: implementation) else {
            #expect(implementation == .hardware && SHA256.hardwareName == nil)
            return
        }
        #expect(Hex.encode(digest) == SHA256Tests.millionADigest)
        // In pieces of 1,000 bytes: many blocks at once, and blocks split across updates.
        #expect(try Hex.encode(#require(Self.digest(bytes, cuts: Array(stride(from: 1000, to: 1_000_000, by: 1000)), on: implementation)))
            == SHA256Tests.millionADigest)
    }

    @Test("Hardware and portable agree on seeded random bytes of every length 0 to 1,000",
          .enabled(if: SHA256.hardwareName != nil, hardwareSkipReason))
    func agreeOnEveryLength() throws {
        var generator = SplitMix64(seed: 0x5AD_C0DE_2026)
        for length in 0...1000 {
            let bytes = Self.randomBytes(length, using: &generator)
            let portable = try #require(SHA256.hash(bytes, using: .portable))
            let hardware = try #require(SHA256.hash(bytes, using: .hardware))
            #expect(hardware == portable, "length \(length)")
        }
    }

    @Test("Hardware and portable agree on multi-block messages fed in pieces cut at random points",
          .enabled(if: SHA256.hardwareName != nil, hardwareSkipReason))
    func agreeOnRandomPieces() throws {
        var generator = SplitMix64(seed: 0xC0_FFEE_15)
        for round in 0..<300 {
            let length = Int.random(in: 0...5000, using: &generator)
            let bytes = Self.randomBytes(length, using: &generator)
            let pieces = Int.random(in: 1...12, using: &generator)
            let cuts = (0..<pieces).map { _ in Int.random(in: 0...length, using: &generator) }.sorted()
            let whole = try #require(SHA256.hash(bytes, using: .portable))
            #expect(Self.digest(bytes, cuts: cuts, on: .hardware) == whole, "round \(round): \(length) bytes cut at \(cuts)")
            #expect(Self.digest(bytes, cuts: cuts, on: .portable) == whole, "round \(round): \(length) bytes cut at \(cuts)")
        }
    }

    @Test("A default hasher uses the CPU's SHA instructions exactly when it has them")
    func defaultIsHardwareWhenPresent() {
        #expect(SHA256().implementation == SHA256.preferredImplementation)
        #expect((SHA256.preferredImplementation == .hardware) == (SHA256.hardwareName != nil))
        #expect(SHA256(implementation: .portable)?.implementation == .portable)
        #expect((SHA256(implementation: .hardware) == nil) == (SHA256.hardwareName == nil))
    }

    #if os(Linux) && arch(x86_64)
    @Test("On x86-64 Linux the hardware is found exactly when /proc/cpuinfo lists sha_ni")
    func detectionMatchesCPUInfo() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }
        let words = Set((flags ?? "").split(separator: " ").map(String.init))
        let expected = words.contains("sha_ni") && words.contains("sse4_1") && words.contains("ssse3")
        #expect((SHA256.hardwareName == "x86 SHA extensions") == expected)
        #expect((SHA256.hardwareName == nil) == !expected)
    }
    #endif

    @Test("The chain hash writes the version in decimal, as String(version)",
          arguments: [1, 9, 10, 99, 100, 12_345, 1_000_000_007, Int.max, -1, Int.min])
    func chainVersionDecimal(version: Int) {
        let fields = ["p", "s", String(version), "t", "o", "r", "a", "h"]
        let expected = Hex.encode(SHA256.hash(fields[0] + fields[1...].joined(separator: "\n")))
        let hash = HashChain.hash(
            prevHash: "p", stream: "s", version: version, type: "t", occurredAt: "o", recordedAt: "r", actor: "a",
            payloadSHA256: "h")
        #expect(hash == expected)
    }
}
