/// ``JSONParser``'s numbers: integers that fit `Int`, and doubles.
extension JSONParser {
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
