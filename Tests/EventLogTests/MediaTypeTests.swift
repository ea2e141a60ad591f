import Foundation
import Testing

import EventLog

/// `MediaType.sniff` on minimal real headers, on near misses, and on the files in `fixtures/`.
@Suite struct MediaTypeTests {
    /// The ASCII bytes of `text`.
    static func ascii(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// A 44-byte canonical WAV header: PCM, mono, 8 kHz, 16-bit, no samples.
    static let wavHeader: [UInt8] =
        ascii("RIFF") + [0x24, 0, 0, 0] + ascii("WAVE")
        + ascii("fmt ") + [16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]
        + ascii("data") + [0, 0, 0, 0]

    /// The first 20 bytes of a lossy WebP file.
    static let webpHeader: [UInt8] =
        ascii("RIFF") + [0x1A, 0, 0, 0] + ascii("WEBP") + ascii("VP8 ") + [0x0E, 0, 0, 0]

    /// An `ftyp` box of 24 bytes with the given major brand.
    static func ftypBox(brand: String) -> [UInt8] {
        [0, 0, 0, 24] + ascii("ftyp") + ascii(brand) + [0, 0, 0, 0] + ascii(brand) + ascii("isom")
    }

    static let positives: [(name: String, bytes: [UInt8], type: String)] = [
        ("PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + ascii("IHDR"), "image/png"),
        ("JPEG/JFIF", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + ascii("JFIF") + [0], "image/jpeg"),
        ("JPEG/Exif", [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x18] + ascii("Exif") + [0, 0], "image/jpeg"),
        ("GIF87a", ascii("GIF87a") + [0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00], "image/gif"),
        ("GIF89a", ascii("GIF89a") + [0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00], "image/gif"),
        ("WebP", webpHeader, "image/webp"),
        ("PDF", ascii("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n"), "application/pdf"),
        ("PDF, binary comment", ascii("%PDF-1.4\n%") + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A], "application/pdf"),
        ("WAV", wavHeader, "audio/wav"),
        ("MP3 with ID3v2.3 tag", ascii("ID3") + [3, 0, 0, 0, 0, 0x02, 0x01] + ascii("TIT2"), "audio/mpeg"),
        ("MP3 with ID3v2.4 tag", ascii("ID3") + [4, 0, 0, 0, 0, 0, 0x0A], "audio/mpeg"),
        ("MPEG-1 Layer III frame", [0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00], "audio/mpeg"),
        ("MPEG-2 Layer III frame", [0xFF, 0xF3, 0x64, 0xC4], "audio/mpeg"),
        ("MPEG-2.5 Layer III frame", [0xFF, 0xE3, 0x18, 0xC4], "audio/mpeg"),
        ("MPEG-1 Layer II frame", [0xFF, 0xFD, 0x94, 0x00], "audio/mpeg"),
        ("M4A", ftypBox(brand: "M4A "), "audio/mp4"),
        ("MP4 mp42", ftypBox(brand: "mp42"), "audio/mp4"),
        ("MP4 isom", ftypBox(brand: "isom"), "audio/mp4"),
        (
            "Email",
            ascii("From: Someone <someone@example.org>\nTo: a.pennington@harrowgate-fields.example\n"
                + "Subject: Hello\n\nBody text.\n"),
            "message/rfc822"
        ),
        (
            "Email, CRLF and folded Received",
            ascii("Received: from mail.example.com\r\n\tby mx.example.org; Sat, 15 Mar 2025 22:48:15 +0000\r\n"
                + "MIME-Version: 1.0\r\n\r\nBody\r\n"),
            "message/rfc822"
        ),
        (
            "Email, headers and blank line only",
            ascii("Message-ID: <1@example.com>\nDate: Sat, 15 Mar 2025 22:48:13 +0000\n\n"),
            "message/rfc822"
        ),
        (
            "Email, lowercase field names and a binary body",
            ascii("date: Sat, 15 Mar 2025 22:48:13 +0000\nx-mailer: test\n\n") + [0x00, 0xFF, 0xFE],
            "message/rfc822"
        ),
        ("ASCII text", ascii("Meeting notes\n\t- call the school office\r\n"), "text/plain"),
        ("UTF-8 text", ascii("Grüße aus Köln — 日本語 🙂\n"), "text/plain"),
        ("UTF-8 text with a byte order mark", [0xEF, 0xBB, 0xBF] + ascii("hello"), "text/plain"),
        ("One character", ascii("x"), "text/plain"),
        ("Text with one escape in 64 bytes", ascii("\u{1B}[1m" + String(repeating: "y", count: 60)), "text/plain"),
    ]

    static let negatives: [(name: String, bytes: [UInt8], type: String)] = [
        ("Empty", [], "application/octet-stream"),
        ("Truncated PNG signature", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], "application/octet-stream"),
        ("PNG signature with a wrong byte", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x00], "application/octet-stream"),
        ("Truncated JPEG", [0xFF, 0xD8], "application/octet-stream"),
        ("Truncated GIF", ascii("GIF8"), "text/plain"),
        ("GIF with an unknown version", ascii("GIF88a"), "text/plain"),
        ("RIFF AVI", ascii("RIFF") + [0x24, 0, 0, 0] + ascii("AVI LIST"), "application/octet-stream"),
        ("RIFF, truncated before the form type", ascii("RIFF") + [0x24, 0, 0, 0] + ascii("WAV"), "application/octet-stream"),
        ("Truncated WebP", Array(webpHeader.prefix(11)), "application/octet-stream"),
        ("PDF without the dash", ascii("%PDF"), "text/plain"),
        ("Truncated ID3 tag", ascii("ID3") + [3, 0], "application/octet-stream"),
        ("ID3 with a bad size byte", ascii("ID3") + [3, 0, 0, 0x80, 0, 0, 0], "application/octet-stream"),
        ("ID3 with an unknown version", ascii("ID3") + [9, 0, 0, 0, 0, 0, 0], "application/octet-stream"),
        ("Truncated MPEG frame header", [0xFF, 0xFB, 0x90], "application/octet-stream"),
        ("AAC ADTS frame (layer 00)", [0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC], "application/octet-stream"),
        ("MPEG frame with reserved version", [0xFF, 0xEB, 0x90, 0x64], "application/octet-stream"),
        ("MPEG frame with bad bitrate", [0xFF, 0xFB, 0xF0, 0x64], "application/octet-stream"),
        ("MPEG frame with reserved sample rate", [0xFF, 0xFB, 0x9C, 0x64], "application/octet-stream"),
        ("MPEG frame with reserved emphasis", [0xFF, 0xFB, 0x90, 0x66], "application/octet-stream"),
        ("Eleven sync bits missing one", [0xFF, 0xDB, 0x90, 0x64], "application/octet-stream"),
        ("QuickTime ftyp", ftypBox(brand: "qt  "), "application/octet-stream"),
        ("HEIC ftyp", ftypBox(brand: "heic"), "application/octet-stream"),
        ("Truncated ftyp", Array(ftypBox(brand: "M4A ").prefix(10)), "application/octet-stream"),
        ("One header line", ascii("Subject: Hello\n\nBody\n"), "text/plain"),
        ("Two header lines, none of them key", ascii("To: someone@example.org\nX-Note: hi\n\nBody\n"), "text/plain"),
        ("Header lines without a blank line", ascii("From: a@example.org\nSubject: Hi\n"), "text/plain"),
        ("Prose with a colon", ascii("Dear Sir: hello\nDate: today\n\nThanks\n"), "text/plain"),
        ("Continuation line first", ascii(" From: a@example.org\nSubject: Hi\n\nBody\n"), "text/plain"),
        ("Text with a NUL", ascii("hello") + [0] + ascii("world"), "application/octet-stream"),
        ("Text with many control characters", ascii("a\u{01}b\u{02}c\u{03}d\u{04}"), "application/octet-stream"),
        ("Invalid UTF-8 byte", ascii("caf") + [0xE9], "application/octet-stream"),
        ("Stray continuation byte", ascii("ok ") + [0x80] + ascii(" no"), "application/octet-stream"),
        ("Overlong UTF-8", ascii("a") + [0xC0, 0xAF], "application/octet-stream"),
        ("UTF-8 encoded surrogate", [0xED, 0xA0, 0x80], "application/octet-stream"),
        ("Truncated UTF-8 sequence", ascii("price ") + [0xE2, 0x82], "application/octet-stream"),
        ("UTF-16 text", [0xFF, 0xFE, 0x68, 0x00, 0x69, 0x00], "application/octet-stream"),
        (
            "Binary garbage",
            [0x00, 0x9C, 0x3A, 0xFF, 0x10, 0x80, 0x7F, 0x01, 0xC3, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x42, 0x13],
            "application/octet-stream"
        ),
    ]

    @Test("Recognises real minimal headers", arguments: positives)
    func positive(name: String, bytes: [UInt8], type: String) {
        #expect(MediaType.sniff(bytes) == type, "\(name)")
    }

    @Test("Near misses fall through to text or octet-stream", arguments: negatives)
    func negative(name: String, bytes: [UInt8], type: String) {
        #expect(MediaType.sniff(bytes) == type, "\(name)")
    }

    @Test("Both overloads agree", arguments: positives + negatives)
    func overloadsAgree(name: String, bytes: [UInt8], type: String) {
        #expect(bytes.withUnsafeBytes { MediaType.sniff($0) } == MediaType.sniff(bytes), "\(name)")
    }

    @Test("Seeded random bytes that start with NUL are octet-stream")
    func randomGarbage() {
        var generator = Xorshift(seed: 0xC0FF_EE00_1234_5678)
        for length in [1, 2, 3, 4, 12, 64, 500] {
            let bytes = [0] + (1..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            #expect(MediaType.sniff(bytes) == "application/octet-stream", "length \(length)")
        }
    }

    /// The repository's `fixtures/` folder, found from this file's path.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // EventLogTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("fixtures")

    @Test("Sniffs every fixture file by its bytes", arguments: [
        ("screenshot-post.png", "image/png"),
        ("screenshot-comment.jpg", "image/jpeg"),
        ("removal-check.png", "image/png"),
        ("abusive-email.eml", "message/rfc822"),
        ("voicemail.wav", "audio/wav"),
        ("README.md", "text/plain"),
    ])
    func fixture(name: String, type: String) throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        #expect(data.count < 60_000, "fixtures stay small")
        #expect(MediaType.sniff([UInt8](data)) == type)
    }
}

/// A small seeded generator, so a failing random case can be replayed.
private struct Xorshift: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 1 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
