import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One part of a `multipart/form-data` body (RFC 7578).
public struct FormPart: Sendable, Equatable {
    /// The form field's name.
    public var name: String
    /// The file name the browser sent, if any: shown and stored as a name, never used as a path.
    public var filename: String?
    public var contentType: String?
    public var bytes: Data
}

/// Why a form body could not be read.
public enum FormError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case .malformed(let why): return "the form could not be read: \(why)"
        case .tooLarge(let why): return why
        }
    }
}

public enum Multipart {
    /// The boundary of a `multipart/form-data` content type, or nil.
    public static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.utf8.count) else { return nil }
            return value
        }
        return nil
    }

    /// Splits a body into its parts. Each file part is at most `maxFileBytes` (checked
    /// before anything is stored); at most `maxParts` parts.
    public static func parse(_ body: Data, boundary: String, maxFileBytes: Int, maxParts: Int = 256) throws(FormError) -> [FormPart] {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = find(delimiter, in: bytes, from: 0) else { throw .malformed("no boundary") }
        var parts: [FormPart] = []
        while true {
            position += delimiter.count
            // "--" after a delimiter ends the body.
            if position + 2 <= bytes.count, bytes[position] == 45, bytes[position + 1] == 45 { return parts }
            // Transport padding, then CRLF.
            while position < bytes.count, bytes[position] == 32 || bytes[position] == 9 { position += 1 }
            guard position + 2 <= bytes.count, Array(bytes[position..<position + 2]) == crlf else { throw .malformed("a boundary is not followed by a line end") }
            position += 2
            guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: position) else { throw .malformed("a part has no end to its headers") }
            guard headerEnd - position <= 16 * 1024 else { throw .malformed("a part's headers are too long") }
            let headerText = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: bytes, from: contentStart) else { throw .malformed("a part does not end") }
            var name: String?
            var filename: String?
            var contentType: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { throw .malformed("a part's header has no ':'") }
                let field = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                if field == "content-disposition" {
                    let parameters = dispositionParameters(value)
                    guard parameters.kind == "form-data" else { throw .malformed("a part is not form-data") }
                    name = parameters.values["name"]
                    filename = parameters.values["filename"]
                } else if field == "content-type" {
                    contentType = value
                }
            }
            guard let name else { throw .malformed("a part has no name") }
            let size = next - contentStart
            if filename != nil, size > maxFileBytes {
                throw .tooLarge("\(filename ?? "a file") is \(size) bytes; files over \(maxFileBytes / (1024 * 1024)) MiB are refused")
            }
            parts.append(FormPart(name: name, filename: filename, contentType: contentType, bytes: Data(bytes[contentStart..<next])))
            guard parts.count <= maxParts else { throw .malformed("more than \(maxParts) parts") }
            position = next + 2
        }
    }

    /// `form-data; name="x"; filename="y"` → kind and parameters (quoted strings unescaped).
    static func dispositionParameters(_ value: String) -> (kind: String, values: [String: String]) {
        var values: [String: String] = [:]
        var scalars = Array(value.unicodeScalars)
        var index = 0
        func skipSpace() { while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 } }
        var kind = ""
        while index < scalars.count, scalars[index] != ";" { kind.unicodeScalars.append(scalars[index]); index += 1 }
        while index < scalars.count {
            index += 1  // ';'
            skipSpace()
            var key = ""
            while index < scalars.count, scalars[index] != "=", scalars[index] != ";" { key.unicodeScalars.append(scalars[index]); index += 1 }
            guard index < scalars.count, scalars[index] == "=" else { continue }
            index += 1
            var text = ""
            if index < scalars.count, scalars[index] == "\"" {
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                    text.unicodeScalars.append(scalars[index])
                    index += 1
                }
                index += 1
                while index < scalars.count, scalars[index] != ";" { index += 1 }
            } else {
                while index < scalars.count, scalars[index] != ";" { text.unicodeScalars.append(scalars[index]); index += 1 }
            }
            values[key.trimmingCharacters(in: .whitespaces).lowercased()] = text.trimmingCharacters(in: .whitespaces)
        }
        scalars.removeAll()
        return (kind.trimmingCharacters(in: .whitespaces).lowercased(), values)
    }

    /// The first index of `needle` in `haystack` at or after `start` (memchr and memcmp: a
    /// body of 64 MiB is searched at memory speed).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return haystack.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { pin -> Int? in
                guard let base = hay.baseAddress, let pattern = pin.baseAddress else { return nil }
                var offset = start
                let last = hay.count - pin.count
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(needle[0]), last - offset + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, pattern, pin.count) == 0 { return index }
                    offset = index + 1
                }
                return nil
            }
        }
    }

    /// `application/x-www-form-urlencoded` (and a query string) → ordered pairs.
    public static func urlEncoded(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(halves[0]), halves.count > 1 ? decode(halves[1]) : "")
        }
    }
}
