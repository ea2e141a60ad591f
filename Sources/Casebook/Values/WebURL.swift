import Foundation

/// An `http` or `https` URL read for its scheme, host and port as a browser reads it: the
/// WHATWG URL Standard's basic URL parser for special schemes, without a base URL.
///
/// The host is what the takedown request is addressed to, so it must be the host a browser
/// would visit: `\` ends the host like `/` (`https://chirp.example\@evil.example/` is on
/// `chirp.example`), percent-escapes in the host are decoded, numeric hosts are read as
/// IPv4 addresses in every form a browser accepts (`0x7f.1` is `127.0.0.1`), IPv6 literals
/// are checked and written in their shortest form, and domains are mapped as IDNA does
/// (compatibility forms folded, lower-cased, Unicode labels written as `xn--` Punycode).
///
/// Stricter than a browser where a case file should be: a user name or password
/// (`user:pass@`) is refused rather than silently dropped, port 0 is refused, and so are
/// spaces and control characters anywhere in the URL. Invisible format characters in a
/// domain are refused rather than mapped away (except the soft hyphen, which IDNA ignores).
public struct WebURL: Sendable, Equatable {
    /// `http` or `https`.
    public let scheme: String
    /// The host as a browser serializes it: `example.com`, `xn--bcher-kva.example`,
    /// `192.168.0.1` or `[2001:db8::1]`.
    public let host: String
    /// The port when one other than the scheme's default is given.
    public let port: Int?

    /// The longest URL accepted, in characters.
    public static let maximumLength = 4096

    /// Parses `text` (surrounding spaces ignored); ``CasebookError/invalidInput(_:)`` naming
    /// `field` and saying what is wrong otherwise.
    public static func parse(_ text: String, field: String = "the URL") throws -> WebURL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let shown = "\(field) '\(TextField.escaped(String(trimmed.prefix(200))))'"
        guard trimmed.count <= maximumLength else {
            throw CasebookError.invalidInput("\(field) is longer than \(maximumLength) characters")
        }
        try TextField.validate(trimmed, field: Message(field), allowsNewlines: false)
        let scalars = Array(trimmed.unicodeScalars)
        // Scheme: a letter, then letters, digits, '+', '-' or '.', then ':'.
        guard let colon = scalars.firstIndex(of: ":"), colon > 0, isASCIIAlpha(scalars[0]),
            scalars[1..<colon].allSatisfy({ isASCIIAlpha($0) || isASCIIDigit($0) || $0 == "+" || $0 == "-" || $0 == "." })
        else {
            throw CasebookError.invalidInput("\(shown) is not a URL: give the full address, e.g. https://example.com/post/1")
        }
        let scheme = String(String.UnicodeScalarView(scalars[0..<colon])).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw CasebookError.invalidInput("\(shown) is not an http or https URL (scheme '\(scheme)')")
        }
        if let space = scalars.firstIndex(where: { $0.properties.isWhitespace }) {
            throw CasebookError.invalidInput(
                "\(shown) contains a space at character \(space + 1): a URL has none (write it as %20 in a path)")
        }
        // Special schemes: any run of '/' and '\' starts the authority, which ends at the
        // first '/', '\', '?' or '#'.
        var start = colon + 1
        while start < scalars.count, scalars[start] == "/" || scalars[start] == "\\" { start += 1 }
        var end = start
        while end < scalars.count, !["/", "\\", "?", "#"].contains(scalars[end]) { end += 1 }
        let authority = Array(scalars[start..<end])
        if authority.contains("@") {
            throw CasebookError.invalidInput(
                "\(shown) has a user name or password before its host (user:pass@…); give the address without it")
        }
        // The port starts at the first ':' outside brackets.
        var inBrackets = false
        var portStart: Int?
        for (index, scalar) in authority.enumerated() {
            if scalar == "[" { inBrackets = true }
            if scalar == "]" { inBrackets = false }
            if scalar == ":" && !inBrackets {
                portStart = index
                break
            }
        }
        let hostScalars = authority[..<(portStart ?? authority.count)]
        guard !hostScalars.isEmpty else {
            throw CasebookError.invalidInput("\(shown) has no host: give the full address, e.g. https://example.com/post/1")
        }
        var port: Int?
        if let portStart {
            port = try parsePort(Array(authority[(portStart + 1)...]), shown: shown)
            if port == (scheme == "https" ? 443 : 80) { port = nil }
        }
        let host = try parseHost(String(String.UnicodeScalarView(hostScalars)), shown: shown)
        return WebURL(scheme: scheme, host: host, port: port)
    }

    /// A host on its own (`--host`), read as the host of a URL is; ``CasebookError/invalidInput(_:)``
    /// naming `field` otherwise.
    public static func host(_ text: String, field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let shown = "\(field) '\(TextField.escaped(String(trimmed.prefix(200))))'"
        try TextField.validate(trimmed, field: Message(field), allowsNewlines: false)
        guard !trimmed.isEmpty else { throw CasebookError.invalidInput("\(field) is empty") }
        return try parseHost(trimmed, shown: shown)
    }

    // MARK: Port

    /// Digits only; leading zeros allowed; 1 to 65535. Empty (`host:`) is no port.
    private static func parsePort(_ scalars: [Unicode.Scalar], shown: String) throws -> Int? {
        guard !scalars.isEmpty else { return nil }
        guard scalars.allSatisfy(isASCIIDigit) else {
            throw CasebookError.invalidInput(
                "\(shown) has the port '\(String(String.UnicodeScalarView(scalars.prefix(20))))', which is not a number from 1 to 65535")
        }
        let significant = scalars.drop { $0 == "0" }
        let value = significant.count > 5 ? Int.max : significant.reduce(0) { $0 * 10 + Int($1.value - 48) }
        guard (1...65535).contains(value) else {
            throw CasebookError.invalidInput(
                "\(shown) has the port \(significant.count > 5 ? String(String.UnicodeScalarView(significant.prefix(20))) : String(value)), which is out of range: ports run from 1 to 65535")
        }
        return value
    }

    // MARK: Host

    /// The host parser for special schemes: an IPv6 literal, or a domain (percent-decoded,
    /// mapped to ASCII) that is read as IPv4 when it ends in a number.
    private static func parseHost(_ text: String, shown: String) throws -> String {
        if text.hasPrefix("[") {
            guard text.hasSuffix("]"), text.count >= 2,
                let address = IPv6.parse(Array(text.unicodeScalars.dropFirst().dropLast()))
            else {
                throw CasebookError.invalidInput("\(shown): '\(text.prefix(60))' is not a valid IPv6 address")
            }
            return "[" + IPv6.serialize(address) + "]"
        }
        guard let decoded = String(validating: percentDecode(text), as: UTF8.self) else {
            throw CasebookError.invalidInput("\(shown): the host is not valid UTF-8 once its %-escapes are decoded")
        }
        let domain = try IDNA.toASCII(decoded, shown: shown)
        if let forbidden = domain.unicodeScalars.first(where: isForbiddenDomainCodePoint) {
            let what = forbidden == "%" ? "an unknown %-escape ('%')" : "'\(forbidden)'"
            throw CasebookError.invalidInput("\(shown): the host '\(TextField.escaped(String(decoded.prefix(60))))' contains \(what), which no host may hold")
        }
        if IPv4.endsInANumber(domain) {
            guard let address = IPv4.parse(domain) else {
                throw CasebookError.invalidInput(
                    "\(shown): the host '\(domain.prefix(60))' ends in a number, so it must be an IPv4 address, and it is not a valid one")
            }
            return IPv4.serialize(address)
        }
        return domain
    }

    /// `%XX` (hex) becomes the byte; anything else is kept as its UTF-8.
    static func percentDecode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// The forbidden domain code points: the forbidden host code points (NUL, tab, LF, CR,
    /// space, `#` `/` `:` `<` `>` `?` `@` `[` `\` `]` `^` `|`), C0 controls, `%` and DEL.
    static func isForbiddenDomainCodePoint(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || scalar.value == 0x7F || "#%/:<>?@[\\]^|".unicodeScalars.contains(scalar)
    }

    static func isASCIIAlpha(_ scalar: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
    }

    static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

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

// MARK: - IDNA

extension WebURL {
    /// Domain to ASCII, as far as a case file needs it: compatibility forms folded (NFKC,
    /// so full-width `ＧＯ．com` is `go.com`), lower-cased, the ideographic full stops read as
    /// dots, the soft hyphen dropped, and each label with other than ASCII written as
    /// `xn--` Punycode (RFC 3492). Characters no domain should hold (spaces, controls,
    /// invisible format characters, private-use and unassigned code points) are refused.
    enum IDNA {
        static func toASCII(_ domain: String, shown: String) throws -> String {
            if domain.unicodeScalars.allSatisfy(\.isASCII) {
                guard !domain.isEmpty else { throw CasebookError.invalidInput("\(shown) has no host") }
                return domain.lowercased()
            }
            var mapped = String.UnicodeScalarView()
            for scalar in domain.unicodeScalars {
                switch scalar.value {
                case 0x00AD: continue
                case 0x3002, 0xFF0E, 0xFF61: mapped.append(".")
                default: mapped.append(scalar)
                }
            }
            let folded = String(mapped).precomposedStringWithCompatibilityMapping.lowercased()
                .precomposedStringWithCompatibilityMapping
            for scalar in folded.unicodeScalars where !scalar.isASCII {
                switch scalar.properties.generalCategory {
                case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate,
                    .unassigned:
                    throw CasebookError.invalidInput(
                        "\(shown): the host contains \(TextField.name(of: scalar)), which no domain may hold")
                default: continue
                }
            }
            guard !folded.isEmpty else { throw CasebookError.invalidInput("\(shown) has no host") }
            return folded.split(separator: ".", omittingEmptySubsequences: false).map { label in
                label.unicodeScalars.allSatisfy(\.isASCII) ? String(label) : "xn--" + Punycode.encode(Array(label.unicodeScalars))
            }.joined(separator: ".")
        }
    }

    /// RFC 3492 Punycode, encoding only.
    enum Punycode {
        private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700

        static func encode(_ input: [Unicode.Scalar]) -> String {
            let codes = input.map { Int($0.value) }
            var output = codes.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
            let basicCount = output.count
            var handled = basicCount
            if basicCount > 0 { output.append("-") }
            var n = 0x80, delta = 0, bias = 72
            while handled < codes.count {
                let next = codes.filter { $0 >= n }.min() ?? n
                delta += (next - n) * (handled + 1)
                n = next
                for code in codes {
                    if code < n { delta += 1 }
                    if code == n {
                        var q = delta
                        var k = base
                        while true {
                            let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                            if q < t { break }
                            output.append(digit(t + (q - t) % (base - t)))
                            q = (q - t) / (base - t)
                            k += base
                        }
                        output.append(digit(q))
                        bias = adapt(delta, handled + 1, isFirst: handled == basicCount)
                        delta = 0
                        handled += 1
                    }
                }
                delta += 1
                n += 1
            }
            return String(output)
        }

        private static func digit(_ value: Int) -> Character {
            Character(Unicode.Scalar(UInt8(value < 26 ? 0x61 + value : 0x30 + value - 26)))
        }

        private static func adapt(_ delta: Int, _ count: Int, isFirst: Bool) -> Int {
            var delta = isFirst ? delta / damp : delta / 2
            delta += delta / count
            var k = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                k += base
            }
            return k + (base - tMin + 1) * delta / (delta + skew)
        }
    }
}
