import Foundation

/// A POSIX ustar archive (POSIX.1-1988, `pax` without extensions): how the browser hands over
/// a folder the command line would write (the police bundle) as one download, with no
/// dependency. Regular files only, mode 0600, owner 0; `tar -xf` recreates the folder.
public enum Tar {
    public struct NameTooLong: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "the file name '\(name.prefix(120))' is too long for a tar archive" }
    }

    /// The archive of `files` (paths relative to the archive's root, '/'-separated), each
    /// under `folder/` when `folder` is given, dated `modified`.
    public static func archive(_ files: [(path: String, bytes: Data)], folder: String? = nil, modified: Date) throws(NameTooLong) -> Data {
        var out = Data()
        let time = max(0, Int(modified.timeIntervalSince1970))
        for file in files {
            let path = folder.map { "\($0)/\(file.path)" } ?? file.path
            out += try header(path: path, size: file.bytes.count, modified: time)
            out += file.bytes
            let remainder = file.bytes.count % 512
            if remainder != 0 { out += Data(count: 512 - remainder) }
        }
        // Two zero blocks end the archive.
        out += Data(count: 1024)
        return out
    }

    /// One 512-byte header block. A path over 100 bytes is split at a '/' into the 155-byte
    /// prefix and the 100-byte name, as ustar allows; one that cannot be split is refused.
    static func header(path: String, size: Int, modified: Int) throws(NameTooLong) -> Data {
        let bytes = Array(path.utf8)
        var name = bytes
        var prefix: [UInt8] = []
        if bytes.count > 100 {
            // The last '/' that leaves a name of at most 100 bytes and a prefix of at most 155.
            guard let slash = bytes.indices.last(where: { bytes[$0] == UInt8(ascii: "/") && bytes.count - $0 - 1 <= 100 && $0 <= 155 }),
                slash > 0, slash < bytes.count - 1
            else { throw NameTooLong(name: path) }
            prefix = Array(bytes[..<slash])
            name = Array(bytes[(slash + 1)...])
        }
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int) {
            for (index, byte) in field.enumerated() { block[offset + index] = byte }
        }
        /// `value` in octal, zero-padded to `width - 1` digits and a NUL.
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o600, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(modified, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)  // the checksum, counted as spaces
        block[156] = UInt8(ascii: "0")  // a regular file
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return Data(block)
    }
}

/// What a file's first bytes say it is, for the few image types a browser may show inline.
/// Anything else (SVG and HTML above all: they can carry script) is only ever a download.
public enum ImageSniff {
    /// "image/png", "image/jpeg", "image/gif" or "image/webp", or nil.
    public static func mediaType(of data: Data) -> String? {
        let head = [UInt8](data.prefix(12))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        return nil
    }
}
