import Foundation

// MARK: - IPv4

extension WebURL {
    /// The WHATWG IPv4 parser: one to four parts, each decimal, octal (`0` prefix) or hex
    /// (`0x` prefix); the last part fills the remaining bytes.
    enum IPv4 {
        /// Whether the host's last label (ignoring one trailing dot) is a number, so that the
        /// host must be read as an IPv4 address.
        static func endsInANumber(_ host: String) -> Bool {
            var parts = host.split(separator: ".", omittingEmptySubsequences: false)
            if parts.last == "" {
                if parts.count == 1 { return false }
                parts.removeLast()
            }
            guard let last = parts.last else { return false }
            if !last.isEmpty && last.unicodeScalars.allSatisfy(isASCIIDigit) { return true }
            return number(last) != nil
        }

        /// The address, or nil when the host is not a valid IPv4 address.
        static func parse(_ host: String) -> UInt32? {
            var parts = host.split(separator: ".", omittingEmptySubsequences: false)
            if parts.last == "", parts.count > 1 { parts.removeLast() }
            guard parts.count <= 4 else { return nil }
            var numbers: [UInt64] = []
            for part in parts {
                guard let value = number(part) else { return nil }
                numbers.append(value)
            }
            guard let last = numbers.last, numbers.dropLast().allSatisfy({ $0 <= 255 }) else { return nil }
            guard last < UInt64(1) << (8 * UInt64(5 - numbers.count)) else { return nil }
            var address = last
            for (index, value) in numbers.dropLast().enumerated() { address += value << (8 * UInt64(3 - index)) }
            return UInt32(address)
        }

        /// One part: nil when empty or not a number in its radix. Values are capped just
        /// above 2^32, which is out of range whatever the part's place.
        static func number(_ part: Substring) -> UInt64? {
            guard !part.isEmpty else { return nil }
            var digits = Substring.UnicodeScalarView(part.unicodeScalars)
            var radix: UInt64 = 10
            if part.hasPrefix("0x") || part.hasPrefix("0X") {
                radix = 16
                digits = digits.dropFirst(2)
            } else if digits.count > 1, digits.first == "0" {
                radix = 8
                digits = digits.dropFirst()
            }
            var value: UInt64 = 0
            for scalar in digits {
                guard scalar.isASCII, let digit = hexValue(UInt8(scalar.value)).map(UInt64.init), digit < radix else {
                    return nil
                }
                value = min(value * radix + digit, UInt64(1) << 33)
            }
            return value
        }

        /// Dotted decimal.
        static func serialize(_ address: UInt32) -> String {
            (0..<4).map { String((address >> (8 * UInt32(3 - $0))) & 0xFF) }.joined(separator: ".")
        }
    }
}

// MARK: - IPv6

extension WebURL {
    /// The WHATWG IPv6 parser and serializer.
    enum IPv6 {
        /// The eight pieces, or nil when the text between the brackets is not an IPv6 address.
        static func parse(_ input: [Unicode.Scalar]) -> [UInt16]? {
            var address = [UInt16](repeating: 0, count: 8)
            var pieceIndex = 0
            var compress: Int?
            var pointer = 0
            func at(_ index: Int) -> Unicode.Scalar? { index < input.count ? input[index] : nil }
            func hex(_ scalar: Unicode.Scalar?) -> UInt16? {
                guard let scalar, scalar.isASCII else { return nil }
                return hexValue(UInt8(scalar.value)).map(UInt16.init)
            }
            if at(0) == ":" {
                guard at(1) == ":" else { return nil }
                pointer = 2
                pieceIndex = 1
                compress = 1
            }
            while pointer < input.count {
                guard pieceIndex < 8 else { return nil }
                if input[pointer] == ":" {
                    guard compress == nil else { return nil }
                    pointer += 1
                    pieceIndex += 1
                    compress = pieceIndex
                    continue
                }
                var value: UInt16 = 0
                var length = 0
                while length < 4, let digit = hex(at(pointer)) {
                    value = value * 16 + digit
                    pointer += 1
                    length += 1
                }
                if at(pointer) == "." {
                    // An IPv4 address in the last 32 bits, strict decimal.
                    guard length > 0, pieceIndex <= 6 else { return nil }
                    pointer -= length
                    var numbersSeen = 0
                    while pointer < input.count {
                        if numbersSeen > 0 {
                            guard input[pointer] == ".", numbersSeen < 4 else { return nil }
                            pointer += 1
                        }
                        guard let first = at(pointer), isASCIIDigit(first) else { return nil }
                        var piece: Int?
                        while let scalar = at(pointer), isASCIIDigit(scalar) {
                            let digit = Int(scalar.value - 48)
                            if let current = piece {
                                guard current != 0 else { return nil }
                                piece = current * 10 + digit
                            } else {
                                piece = digit
                            }
                            guard let current = piece, current <= 255 else { return nil }
                            pointer += 1
                        }
                        address[pieceIndex] = address[pieceIndex] &* 0x100 &+ UInt16(piece ?? 0)
                        numbersSeen += 1
                        if numbersSeen == 2 || numbersSeen == 4 { pieceIndex += 1 }
                    }
                    guard numbersSeen == 4 else { return nil }
                    break
                } else if at(pointer) == ":" {
                    pointer += 1
                    guard pointer < input.count else { return nil }
                } else if pointer < input.count {
                    return nil
                }
                address[pieceIndex] = value
                pieceIndex += 1
            }
            if let compress {
                var swaps = pieceIndex - compress
                pieceIndex = 7
                while pieceIndex != 0 && swaps > 0 {
                    address.swapAt(pieceIndex, compress + swaps - 1)
                    pieceIndex -= 1
                    swaps -= 1
                }
            } else if pieceIndex != 8 {
                return nil
            }
            return address
        }

        /// Lower-case hex pieces without leading zeros; the first longest run of two or more
        /// zero pieces written as `::`.
        static func serialize(_ address: [UInt16]) -> String {
            var bestStart = -1, bestLength = 1
            var index = 0
            while index < 8 {
                guard address[index] == 0 else {
                    index += 1
                    continue
                }
                var end = index
                while end < 8 && address[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            }
            var out = ""
            var ignoring = false
            for (index, piece) in address.enumerated() {
                if ignoring && piece == 0 { continue }
                ignoring = false
                if index == bestStart {
                    out += index == 0 ? "::" : ":"
                    ignoring = true
                    continue
                }
                out += String(piece, radix: 16)
                if index != 7 { out += ":" }
            }
            return out
        }
    }
}
