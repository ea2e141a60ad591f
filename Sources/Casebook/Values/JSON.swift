/// A JSON value: event payloads (hashed, so their serialization is deterministic), the
/// `--json` output of the CLI, and exported timelines read back.
///
/// Numbers are kept as ``int(_:)`` when the text is an integer (no fraction, no exponent)
/// that fits `Int`, and as ``double(_:)`` otherwise. Equality is structural and per case:
/// `.int(1)` is not equal to `.double(1.0)`.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer that fits `Int`.
    case int(Int)
    /// Any other number. Non-finite values cannot be written as JSON and serialize as `null`.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object. Serialization sorts its keys by their UTF-8 bytes.
    case object([String: JSONValue])

    /// The deepest nesting of arrays and objects that ``parse(_:)`` accepts.
    public static let maximumDepth = 512

    /// Why JSON text was refused, and the byte offset at which the problem was found.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        /// What is wrong, e.g. "invalid escape sequence".
        public let message: String
        /// The offset, in bytes from the start of the input, of the offending byte or token.
        public let offset: Int

        /// Creates an error.
        public init(message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }

        /// The message and its offset, e.g. "invalid JSON: unexpected character at byte 3".
        public var description: String { "invalid JSON: \(message) at byte \(offset)" }
    }

    // MARK: Parsing

    /// Parses RFC 8259 JSON text given as UTF-8 bytes.
    ///
    /// Any value may be at the top level; whitespace may surround it, nothing else may follow it.
    /// Throws ``ParseError`` for malformed input: trailing garbage, bad escapes, lone surrogates,
    /// raw control characters in strings, invalid UTF-8, nesting deeper than ``maximumDepth``,
    /// numbers too large for `Double`, and duplicate keys within one object (which RFC 8259
    /// leaves unpredictable, and which would let two readers see different payloads).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        var parser = JSONParser(bytes.assumingMemoryBound(to: UInt8.self))
        return try parser.parseDocument()
    }

    /// Parses RFC 8259 JSON text given as UTF-8 bytes; see ``parse(_:)``.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    /// Parses RFC 8259 JSON text; see ``parse(_:)``. Offsets in errors
    /// count UTF-8 bytes.
    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }

    // MARK: Serialization

    /// Compact, deterministic serialization: no whitespace, object keys sorted by their UTF-8
    /// bytes, strings escaping only `"`, `\` and U+0000–U+001F (as `\n \r \t \b \f` or
    /// `\u00xx`), everything else literal UTF-8 (`/` is not escaped); integers as digits and
    /// doubles in Swift's shortest round-trip form (`description`), non-finite doubles as `null`.
    public func serialized() -> String {
        let bytes = serializedBytes()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``serialized()`` as UTF-8 bytes.
    public func serializedBytes() -> [UInt8] {
        var writer = JSONWriter(pretty: false)
        writer.write(self, indent: 0)
        return writer.out
    }

    /// A form for people: the same values as ``serialized()`` with 2-space indentation, sorted
    /// keys, `"key": value`, one member or element per line, and no trailing newline.
    /// Empty arrays and objects print as `[]` and `{}`.
    public func prettySerialized() -> String {
        var writer = JSONWriter(pretty: true)
        writer.write(self, indent: 0)
        return String(decoding: writer.out, as: UTF8.self)
    }

    // MARK: Accessors

    /// The member named `key` of an object; nil when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, if this is a string.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, if this is an integer or an integral double that fits `Int`.
    public var int: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            // Int(exactly:) would need libm's trunc; the range check also refuses NaN.
            guard value >= -0x1p63, value < 0x1p63 else { return nil }
            let truncated = Int(value)
            return Double(truncated) == value ? truncated : nil
        default: return nil
        }
    }

    /// The number as a `Double`, if this is a number (integers convert, possibly rounding).
    public var double: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    /// The Boolean, if this is `true` or `false`.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is an object.
    public var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    // MARK: Optionals

    /// A string, or `null` when nil.
    public init(_ string: String?) {
        self = string.map(JSONValue.string) ?? .null
    }

    /// An integer, or `null` when nil.
    public init(_ int: Int?) {
        self = int.map(JSONValue.int) ?? .null
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal builds ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// An integer literal builds ``int(_:)``.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// A floating-point literal builds ``double(_:)``.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// `true` or `false` builds ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// An array literal builds ``array(_:)``.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal builds ``object(_:)``; for a repeated key the last value wins.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

extension JSONValue: ExpressibleByNilLiteral {
    /// `nil` builds ``null``.
    public init(nilLiteral: ()) { self = .null }
}

// MARK: - Parser

/// A recursive-descent parser over a byte buffer, with an index.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// Reused for strings that contain escapes.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    @inline(__always)
    func fail(_ message: String, at offset: Int) -> JSONValue.ParseError {
        JSONValue.ParseError(message: message, offset: offset)
    }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count {
            throw fail("unexpected data after the value", at: index)
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of input", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character", at: index)
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws {
        let start = index
        let length = word.utf8CodeUnitCount
        guard bytes.count - index >= length else { throw fail("invalid literal", at: start) }
        let expected = word.utf8Start
        for k in 0..<length where bytes[index + k] != expected[k] {
            throw fail("invalid literal", at: start)
        }
        index += length
    }

    mutating func enter() throws {
        depth += 1
        if depth > JSONValue.maximumDepth {
            throw fail("nesting deeper than \(JSONValue.maximumDepth)", at: index)
        }
    }

    mutating func parseArray() throws -> JSONValue {
        try enter()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array", at: index) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw fail("expected ',' or ']'", at: index)
            }
        }
    }

    mutating func parseObject() throws -> JSONValue {
        try enter()
        index += 1  // {
        var members: [String: JSONValue] = [:]
        // Event payloads have up to a dozen members: one allocation instead of a resize per doubling.
        members.reserveCapacity(12)
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object", at: index) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key", at: index) }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail("expected ':'", at: index)
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            if members.updateValue(value, forKey: key) != nil {
                throw fail("duplicate key", at: keyOffset)
            }
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object", at: index) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default: throw fail("expected ',' or '}'", at: index)
            }
        }
    }

    // MARK: Strings

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

    // MARK: Numbers

    /// Parses `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func parseNumber() throws -> JSONValue {
        let start = index
        let count = bytes.count
        var j = index
        let negative = bytes[j] == UInt8(ascii: "-")
        if negative { j += 1 }

        // Digits accumulate in `mantissa` while they fit; `dropped` counts the rest, which send
        // the number to the slow path.
        var mantissa: UInt64 = 0
        var dropped = 0
        var decimalExponent = 0

        @inline(__always) func isDigit(_ k: Int) -> Bool {
            k < count && bytes[k] &- UInt8(ascii: "0") < 10
        }

        guard isDigit(j) else { throw fail("invalid number", at: start) }
        if bytes[j] == UInt8(ascii: "0") {
            j += 1
            if isDigit(j) { throw fail("leading zero in number", at: start) }
        } else {
            while isDigit(j) {
                let digit = UInt64(bytes[j] &- UInt8(ascii: "0"))
                if dropped == 0, mantissa <= (UInt64.max - 9) / 10 {
                    mantissa = mantissa &* 10 &+ digit
                } else {
                    dropped += 1
                }
                j += 1
            }
        }
        var isInteger = true
        if j < count && bytes[j] == UInt8(ascii: ".") {
            isInteger = false
            j += 1
            guard isDigit(j) else { throw fail("invalid number", at: start) }
            while isDigit(j) {
                let digit = UInt64(bytes[j] &- UInt8(ascii: "0"))
                if dropped == 0, mantissa <= (UInt64.max - 9) / 10 {
                    mantissa = mantissa &* 10 &+ digit
                    decimalExponent -= 1
                } else {
                    dropped += 1
                }
                j += 1
            }
        }
        if j < count && (bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E")) {
            isInteger = false
            j += 1
            var exponentNegative = false
            if j < count && (bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-")) {
                exponentNegative = bytes[j] == UInt8(ascii: "-")
                j += 1
            }
            guard isDigit(j) else { throw fail("invalid number", at: start) }
            var exponent = 0
            while isDigit(j) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[j] &- UInt8(ascii: "0")) }
                j += 1
            }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        index = j

        if isInteger && dropped == 0 {
            if negative {
                if mantissa <= UInt64(Int.max) { return .int(-Int(mantissa)) }
                if mantissa == UInt64(Int.max) + 1 { return .int(Int.min) }
            } else if mantissa <= UInt64(Int.max) {
                return .int(Int(mantissa))
            }
        }

        // Exact fast path (Clinger): the mantissa and the power of ten are both exact doubles.
        if dropped == 0 && mantissa <= (1 << 53) && decimalExponent >= -22 && decimalExponent <= 22 {
            var value = Double(mantissa)
            if decimalExponent < 0 {
                value /= JSONParser.powersOfTen[-decimalExponent]
            } else {
                value *= JSONParser.powersOfTen[decimalExponent]
            }
            return .double(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<j]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw fail("number out of range", at: start)
        }
        return .double(value)
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}

// MARK: - Writer

/// Serializes into a byte buffer.
private struct JSONWriter {
    var out: [UInt8] = []
    let pretty: Bool

    init(pretty: Bool) {
        self.pretty = pretty
        out.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: appendASCII("null")
        case .bool(let flag): appendASCII(flag ? "true" : "false")
        case .int(let number): writeInt(number)
        case .double(let number):
            if number.isFinite {
                out.append(contentsOf: number.description.utf8)
            } else {
                appendASCII("null")
            }
        case .string(let text): writeString(text)
        case .array(let elements):
            if elements.isEmpty {
                appendASCII("[]")
                return
            }
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                appendASCII("{}")
                return
            }
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            out.append(UInt8(ascii: "{"))
            for (position, member) in sorted.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(member.key)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    mutating func newline(_ indent: Int) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    @inline(__always)
    mutating func appendASCII(_ text: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func writeInt(_ number: Int) {
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        let first = out.count
        repeat {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[first...].reverse()
    }

    mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { writeEscaped($0) }
        if done == nil {
            let copy = Array(text.utf8)
            copy.withUnsafeBufferPointer { writeEscaped($0) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for k in 0..<bytes.count {
            let byte = bytes[k]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < k { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<k])) }
            runStart = k + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                let hex = JSONWriter.hexDigits.utf8Start
                out.append(contentsOf: [
                    UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(byte >> 4)], hex[Int(byte & 0x0F)],
                ])
            }
        }
        if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }
}
