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
