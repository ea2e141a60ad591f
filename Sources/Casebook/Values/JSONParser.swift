/// A recursive-descent parser over a byte buffer, with an index.
struct JSONParser {
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
}
