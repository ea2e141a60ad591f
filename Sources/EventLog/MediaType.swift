/// Identifies the media type of content from its bytes (magic numbers), never from a file name.
///
/// Recognises `image/png`, `image/jpeg`, `image/gif`, `image/webp`, `application/pdf`,
/// `audio/wav`, `audio/mpeg`, `audio/mp4`, `message/rfc822` and `text/plain`; anything
/// else, and empty content, is `application/octet-stream`.
public enum MediaType {
    /// The media type of the content in `bytes`, such as `"image/png"`.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.isEmpty { return "application/octet-stream" }
        if starts(bytes, with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts(bytes, with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(bytes, with: "GIF87a") || starts(bytes, with: "GIF89a") { return "image/gif" }
        if starts(bytes, with: "RIFF") && starts(bytes, with: "WEBP", at: 8) { return "image/webp" }
        if starts(bytes, with: "RIFF") && starts(bytes, with: "WAVE", at: 8) { return "audio/wav" }
        if starts(bytes, with: "%PDF-") { return "application/pdf" }
        if starts(bytes, with: "WARC/1.") { return "application/warc" }  // ISO 28500, uncompressed
        if isMP4Audio(bytes) { return "audio/mp4" }
        if isID3Tag(bytes) || isMPEGAudioFrame(bytes) { return "audio/mpeg" }
        if isEmailMessage(bytes) { return "message/rfc822" }
        if isPlainText(bytes) { return "text/plain" }
        return "application/octet-stream"
    }

    /// The media type of the content in `bytes`, such as `"image/png"`.
    public static func sniff(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { sniff($0) }
    }

    // MARK: - Signatures

    /// Whether `bytes` holds `magic` starting at `offset`.
    private static func starts(_ bytes: UnsafeRawBufferPointer, with magic: [UInt8], at offset: Int = 0) -> Bool {
        guard bytes.count >= offset + magic.count else { return false }
        return magic.indices.allSatisfy { bytes[offset + $0] == magic[$0] }
    }

    /// Whether `bytes` holds the ASCII text `magic` starting at `offset`.
    private static func starts(_ bytes: UnsafeRawBufferPointer, with magic: String, at offset: Int = 0) -> Bool {
        starts(bytes, with: Array(magic.utf8), at: offset)
    }

    /// Major brands of an ISO base media file (`ftyp` box) taken as audio.
    private static let audioBrands: Set<String> = [
        "M4A ", "M4B ", "M4P ", "F4A ", "F4B ", "mp41", "mp42", "isom", "iso2", "dash",
    ]

    /// An ISO BMFF file whose first box is `ftyp` with an audio (or generic MPEG-4) major brand.
    private static func isMP4Audio(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 12, starts(bytes, with: "ftyp", at: 4) else { return false }
        let boxSize = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let brand = String(decoding: bytes[8..<12], as: UTF8.self)
        return boxSize >= 12 && audioBrands.contains(brand)
    }

    /// An ID3v2 tag header: "ID3", version 2 to 4, flags, then a four-byte sync-safe size.
    private static func isID3Tag(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 10, starts(bytes, with: "ID3") else { return false }
        return (2...4).contains(bytes[3]) && bytes[4] != 0xFF && bytes[6..<10].allSatisfy { $0 < 0x80 }
    }

    /// An MPEG audio frame header: 11 sync bits, then valid version, layer, bitrate, sample
    /// rate and emphasis. `FF FE` is taken as a UTF-16 byte order mark, not a Layer I frame.
    private static func isMPEGAudioFrame(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] & 0xE0 == 0xE0, bytes[1] != 0xFE else { return false }
        let version = (bytes[1] >> 3) & 0b11  // 0b01 is reserved.
        let layer = (bytes[1] >> 1) & 0b11  // 0b00 is reserved (and used by AAC's ADTS).
        let bitrate = bytes[2] >> 4  // 0b1111 is invalid.
        let sampleRate = (bytes[2] >> 2) & 0b11  // 0b11 is reserved.
        let emphasis = bytes[3] & 0b11  // 0b10 is reserved.
        return version != 0b01 && layer != 0b00 && bitrate != 0b1111 && sampleRate != 0b11 && emphasis != 0b10
    }

    // MARK: - Text

    /// Header fields of which an email message has at least one.
    private static let keyEmailFields: Set<String> = ["from", "date", "subject", "message-id", "received"]

    /// Text that opens with at least two RFC 822 header fields (`Name: value`) and then a blank
    /// line, with at least one of From, Date, Subject, Message-ID or Received among them.
    private static func isEmailMessage(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var fieldCount = 0
        var hasKeyField = false
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            guard lineEnd < bytes.count else { return false }  // No blank line ends the header.
            var line = bytes[lineStart..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            lineStart = lineEnd + 1

            if line.isEmpty {
                return fieldCount >= 2 && hasKeyField
            }
            if line.first == 0x20 || line.first == 0x09 {
                guard fieldCount > 0 else { return false }  // A folded line continues a field.
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[..<colon].allSatisfy({ (33...126).contains($0) }),
                  !line.contains(0)
            else { return false }
            fieldCount += 1
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            hasKeyField = hasKeyField || keyEmailFields.contains(name)
        }
        return false
    }

    /// Valid UTF-8 with no NUL and at most one other control character (besides tab, line
    /// feed, form feed and carriage return) per 64 bytes.
    private static func isPlainText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var controlCount = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                switch scalar.value {
                case 0:
                    return false
                case 0x09, 0x0A, 0x0C, 0x0D:
                    break
                case 0x01...0x1F, 0x7F...0x9F:
                    controlCount += 1
                default:
                    break
                }
            case .emptyInput:
                return controlCount * 64 <= bytes.count
            case .error:
                return false
            }
        }
    }
}
