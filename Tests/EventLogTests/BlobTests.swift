import Foundation
import Testing

import EventLog

/// Files stored content-addressed: kept once, typed by their bytes, bounded, checked on read.
@Suite struct BlobTests {
    /// The first bytes of a PNG file and a little more.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + Array("IHDR".utf8)
        + (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }

    @Test("The same bytes stored twice are one row with one key; the key is their SHA-256")
    func sameBytesAreKeptOnce() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let first = try store.write { try $0.storeBlob(Self.png) }
        let second = try store.write { try $0.storeBlob(Self.png) }
        let other = try store.write { try $0.storeBlob(Array("a saved email".utf8)) }
        #expect(first == second)
        #expect(first.sha256 == SHA256.hex(Self.png))
        #expect(first.size == Self.png.count)
        #expect(other.sha256 != first.sha256)
        #expect(try store.database.scalarInt("SELECT count(*) FROM blobs") == 2)
        #expect(try store.hasBlob(first.sha256))
        #expect(try !store.hasBlob(SHA256.hex(Array("never stored".utf8))))
    }

    @Test("The media type is sniffed from the bytes and read back with them")
    func mediaTypeIsSniffed() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let image = try store.write { try $0.storeBlob(Self.png) }
        let text = try store.write { try $0.storeBlob(Array("Screenshot transcript: …".utf8)) }
        let binary = try store.write { try $0.storeBlob([0x00, 0x01, 0x02, 0xFF]) }
        #expect(image.mediaType == "image/png")
        #expect(text.mediaType == "text/plain")
        #expect(binary.mediaType == "application/octet-stream")
        let read = try store.blob(image.sha256)
        #expect(read.info == image)
        #expect(read.data == Self.png)
    }

    @Test("A file over 64 MiB is refused with blobTooLarge and nothing is stored")
    func oversizeIsRefused() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let size = BlobInfo.maximumSize + 1
        #expect(BlobInfo.maximumSize == 64 * 1024 * 1024)
        #expect(throws: EventLogError.blobTooLarge(size: size)) {
            try store.write { try $0.storeBlob([UInt8](repeating: 0x41, count: size)) }
        }
        let count = try store.database.scalarInt("SELECT count(*) FROM blobs")
        #expect(count == 0)
    }

    @Test("An unknown key is blobNotFound")
    func unknownKeyIsNotFound() throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let key = SHA256.hex(Array("never stored".utf8))
        #expect(throws: EventLogError.blobNotFound(key)) { try store.blob(key) }
    }

    @Test("A changed byte, or a truncated file, is blobCorrupt on read and a badBlob break in verify",
          arguments: ["changed byte", "truncated"])
    func corruptionIsCaught(damage: String) throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let info = try store.write { try $0.storeBlob(Self.png) }
        let intact = try store.write { try $0.storeBlob(Array("an untouched file".utf8)) }
        try Fixture.dropTriggers(store)
        var damaged = Self.png
        if damage == "truncated" {
            damaged.removeLast()
        } else {
            damaged[100] ^= 0x01
        }
        try store.database.run("UPDATE blobs SET data = ? WHERE sha256 = ?", [SQLValue.blob(damaged), info.sha256])

        #expect(throws: EventLogError.blobCorrupt(info.sha256)) { try store.blob(info.sha256) }
        #expect(try store.blob(intact.sha256).data == Array("an untouched file".utf8))
        let breaks = try store.verifyChains().breaks
        #expect(breaks.count == 1)
        #expect(breaks.first?.kind == .badBlob)
        #expect(breaks.first?.stream == "blobs")
        #expect(breaks.first?.detail.hasPrefix(info.sha256) == true)
    }
}
