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
