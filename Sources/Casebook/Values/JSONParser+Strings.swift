/// ``JSONParser``'s strings: escapes, surrogates and UTF-8 checked.
extension JSONParser {
    /// Parses a string whose opening quote is at `index`.
    mutating func parseString() throws -> String {
        let open = index
        let start = index + 1
        var j = start
        let count = bytes.count
        while j < count {
            let byte = bytes[j]
            if byte == UInt8(ascii: "\"") {
                index = j + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<j]), as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(open: open, start: start, escape: j)
            } else if byte < 0x20 {
                throw fail("control character in string", at: j)
            } else if byte < 0x80 {
                j += 1
            } else {
                j += try utf8SequenceLength(at: j)
            }
        }
        throw fail("unterminated string", at: open)
    }

    /// The slow path: bytes from `start` up to `escape` are plain and already validated.
    mutating func parseEscapedString(open: Int, start: Int, escape: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<escape]))
        var j = escape
        let count = bytes.count
        while j < count {
            let byte = bytes[j]
            if byte == UInt8(ascii: "\"") {
                index = j + 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                guard j + 1 < count else { break }
                switch bytes[j + 1] {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    j = try parseUnicodeEscape(at: j)
                    continue
                default: throw fail("invalid escape sequence", at: j)
                }
                j += 2
            } else if byte < 0x20 {
                throw fail("control character in string", at: j)
            } else if byte < 0x80 {
                scratch.append(byte)
                j += 1
            } else {
                let length = try utf8SequenceLength(at: j)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[j..<(j + length)]))
                j += length
            }
        }
        throw fail("unterminated string", at: open)
    }

    /// Decodes `\uXXXX` (and its low surrogate partner) at `j`, appends its UTF-8 to the scratch
    /// buffer, and returns the offset after it.
    mutating func parseUnicodeEscape(at j: Int) throws -> Int {
        let high = try hex4(at: j + 2, escape: j)
        var scalar: UInt32
        var next = j + 6
        if (0xD800...0xDBFF).contains(high) {
            guard next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u")
            else { throw fail("lone surrogate in \\u escape", at: j) }
            let low = try hex4(at: next + 2, escape: next)
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in \\u escape", at: j) }
            scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            next += 6
        } else if (0xDC00...0xDFFF).contains(high) {
            throw fail("lone surrogate in \\u escape", at: j)
        } else {
            scalar = high
        }
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
        return next
    }

    func hex4(at offset: Int, escape: Int) throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw fail("invalid \\u escape", at: escape) }
        var value: UInt32 = 0
        for k in offset..<(offset + 4) {
            let byte = bytes[k]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw fail("invalid \\u escape", at: escape)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence (Unicode Table 3-7) whose lead byte, at
    /// least 0x80, is at `j`.
    @inline(__always)
    func utf8SequenceLength(at j: Int) throws -> Int {
        let lead = bytes[j]
        let remaining = bytes.count - j
        @inline(__always) func isContinuation(_ k: Int) -> Bool { bytes[j + k] & 0xC0 == 0x80 }
        switch lead {
        case 0xC2...0xDF:
            if remaining >= 2 && isContinuation(1) { return 2 }
        case 0xE0...0xEF:
            if remaining >= 3 {
                let second = bytes[j + 1]
                let secondOK: Bool
                switch lead {
                case 0xE0: secondOK = (0xA0...0xBF).contains(second)
                case 0xED: secondOK = (0x80...0x9F).contains(second)
                default: secondOK = second & 0xC0 == 0x80
                }
                if secondOK && isContinuation(2) { return 3 }
            }
        case 0xF0...0xF4:
            if remaining >= 4 {
                let second = bytes[j + 1]
                let secondOK: Bool
                switch lead {
                case 0xF0: secondOK = (0x90...0xBF).contains(second)
                case 0xF4: secondOK = (0x80...0x8F).contains(second)
                default: secondOK = second & 0xC0 == 0x80
                }
                if secondOK && isContinuation(2) && isContinuation(3) { return 4 }
            }
        default:
            break
        }
        throw fail("invalid UTF-8", at: j)
    }
}
