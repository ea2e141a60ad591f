import Foundation

/// The host's addresses, and whether an address is public: the server-side request forgery
/// rule of `evidence capture` (docs/SECURITY.md). A page on the school's own network, the
/// server's loopback or a cloud metadata address is never fetched unless `--allow-private`.
enum AddressCheck {
    /// Every address `host` resolves to now (getaddrinfo), numerically; ``PageCapture/Failure/unavailable(_:)``
    /// when it resolves to none.
    static func resolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &list)
        guard code == 0, let first = list else {
            throw PageCapture.Failure.unavailable(
                "\(host) could not be resolved (\(String(cString: gai_strerror(code)))); nothing was fetched")
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = current.pointee.ai_addr,
                getnameinfo(address, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
            {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else {
            throw PageCapture.Failure.unavailable("\(host) resolves to no address; nothing was fetched")
        }
        return addresses
    }

    /// Whether `address` (numeric IPv4 or IPv6) is a public unicast address: not loopback,
    /// private (RFC 1918), shared (RFC 6598), link-local, unique-local, multicast,
    /// documentation, benchmarking or otherwise reserved. Anything unreadable is not public.
    static func isPublic(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return isPublicIPv4(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        let text = address.split(separator: "%").first.map(String.init) ?? address
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        return isPublicIPv6(bytes)
    }

    private static func isPublicIPv4(_ a: UInt32) -> Bool {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { bits == 0 || (a >> (32 - bits)) == (base >> (32 - bits)) }
        let reserved: [(UInt32, UInt32)] = [
            (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
            (0x0A00_0000, 8),  // 10/8 private
            (0x6440_0000, 10),  // 100.64/10 shared (carrier-grade NAT)
            (0x7F00_0000, 8),  // 127/8 loopback
            (0xA9FE_0000, 16),  // 169.254/16 link-local (cloud metadata)
            (0xAC10_0000, 12),  // 172.16/12 private
            (0xC000_0000, 24),  // 192.0.0/24 IETF protocol assignments
            (0xC000_0200, 24),  // 192.0.2/24 documentation
            (0xC058_6300, 24),  // 192.88.99/24 6to4 relay
            (0xC0A8_0000, 16),  // 192.168/16 private
            (0xC612_0000, 15),  // 198.18/15 benchmarking
            (0xC633_6400, 24),  // 198.51.100/24 documentation
            (0xCB00_7100, 24),  // 203.0.113/24 documentation
            (0xE000_0000, 4),  // 224/4 multicast
            (0xF000_0000, 4),  // 240/4 reserved, broadcast
        ]
        return !reserved.contains { within($0.0, $0.1) }
    }

    private static func isPublicIPv6(_ b: [UInt8]) -> Bool {
        guard b.count == 16 else { return false }
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): the IPv4 address decides.
        let tail = UInt32(b[12]) << 24 | UInt32(b[13]) << 16 | UInt32(b[14]) << 8 | UInt32(b[15])
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF { return isPublicIPv4(tail) }
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return isPublicIPv4(tail) }
        if b[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if b[0..<12].allSatisfy({ $0 == 0 }) { return false }  // IPv4-compatible (deprecated)
        if b[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique-local
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 site-local (deprecated)
        if b[0] == 0xFF { return false }  // multicast
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0D, b[3] == 0xB8 { return false }  // 2001:db8::/32 documentation
        if b[0] == 0x01, b[1] == 0x00, b[2..<8].allSatisfy({ $0 == 0 }) { return false }  // 100::/64 discard
        if b[0] == 0x20, b[1] == 0x02 {  // 6to4: the embedded IPv4 address decides
            return isPublicIPv4(UInt32(b[2]) << 24 | UInt32(b[3]) << 16 | UInt32(b[4]) << 8 | UInt32(b[5]))
        }
        return b[0] & 0xE0 == 0x20  // 2000::/3 global unicast
    }
}

/// Reads the records of an uncompressed WARC file (ISO 28500: a `WARC/1.x` line, header
/// fields, a blank line, `Content-Length` bytes of block, two line ends).
enum WARCReader {
    /// A `response` record: for whom, from which address, and the HTTP status.
    struct Response {
        var targetURI: String
        var ipAddress: String?
        var status: Int?
    }

    /// The `response` records, in order (a redirect's first, the final page's last).
    static func responses(_ bytes: [UInt8]) -> [Response] {
        var found: [Response] = []
        var index = 0
        let crlfcrlf: [UInt8] = [13, 10, 13, 10]
        while index < bytes.count {
            guard let headerEnd = find(crlfcrlf, in: bytes, from: index) else { break }
            let header = String(decoding: bytes[index..<headerEnd], as: UTF8.self)
            var fields: [String: String] = [:]
            for line in header.components(separatedBy: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            guard header.hasPrefix("WARC/"), let length = fields["content-length"].flatMap(Int.init), length >= 0 else { break }
            let blockStart = headerEnd + 4
            let blockEnd = min(bytes.count, blockStart + length)
            if fields["warc-type"] == "response", var target = fields["warc-target-uri"] {
                if target.hasPrefix("<"), target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
                let block = bytes[blockStart..<blockEnd]
                let statusLine = block.firstIndex(of: 13).map { String(decoding: block[blockStart..<$0], as: UTF8.self) } ?? ""
                let parts = statusLine.split(separator: " ")
                let status = parts.count >= 2 && parts[0].hasPrefix("HTTP/") ? Int(parts[1]) : nil
                found.append(Response(targetURI: target, ipAddress: fields["warc-ip-address"], status: status))
            }
            index = blockEnd + 4
        }
        return found
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
