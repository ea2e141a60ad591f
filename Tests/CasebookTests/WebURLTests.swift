import Foundation
import TestSupport
import Testing

@testable import Casebook

/// URLs are read for their host as a browser reads them (WHATWG URL Standard). The vectors
/// are selected from the web-platform-tests `url/resources/urltestdata.json` cases for
/// special schemes (their expected `hostname`, or failure), plus the cases where Casebook is
/// deliberately stricter (marked).
@Suite struct WebURLTests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let input: String
        /// The host, or nil when the URL is refused.
        let host: String?
        var port: Int? = nil
        var testDescription: String { input }
    }

    static let vectors: [Vector] = [
        // The backslash is a path separator for special schemes: the host ends there.
        Vector(input: "https://chirp.example\\@evil.example/", host: "chirp.example"),
        Vector(input: "http://foo.com/\\@", host: "foo.com"),
        Vector(input: "http:\\\\www.google.com\\foo", host: "www.google.com"),
        Vector(input: "http:/example.com/", host: "example.com"),
        Vector(input: "http:example.com/", host: "example.com"),
        Vector(input: "https:////example.com///", host: "example.com"),
        // Ports: leading zeros, empty, the default dropped, out of range refused.
        Vector(input: "http://f:/c", host: "f"),
        Vector(input: "http://f:00000000000000000000080/c", host: "f"),
        Vector(input: "http://f:21/b?c", host: "f", port: 21),
        Vector(input: "https://example.com:443/", host: "example.com"),
        Vector(input: "https://example.com:00080/", host: "example.com", port: 80),
        Vector(input: "http://f:b/c", host: nil),
        Vector(input: "http://f:999999/c", host: nil),
        Vector(input: "http://f:fifty-two/c", host: nil),
        Vector(input: "http://[::1]:65536/", host: nil),
        Vector(input: "http://[::1]:65535/", host: "[::1]", port: 65535),
        Vector(input: "http://f:0/c", host: nil),  // Casebook: port 0 refused (WHATWG accepts it)
        // User names and passwords: Casebook refuses them (a browser drops them).
        Vector(input: "http://user:pass@foo:21/bar", host: nil),
        Vector(input: "https://:@test", host: nil),
        Vector(input: "http://a:b@c:29/d", host: nil),
        // But an '@' after the host is path.
        Vector(input: "https://chirp.example/@someone", host: "chirp.example"),
        // Case, percent-decoding, full-width forms and IDNA.
        Vector(input: "http://ExAmPlE.CoM/", host: "example.com"),
        Vector(input: "http://%41.com", host: "a.com"),
        Vector(input: "http://ＧＯ.com", host: "go.com"),
        Vector(input: "http://你好你好", host: "xn--6qqa088eba"),
        Vector(input: "https://faß.ExAmPlE/", host: "xn--fa-hia.example"),
        Vector(input: "http://bücher.example/", host: "xn--bcher-kva.example"),
        Vector(input: "http://a\u{AD}b/", host: "ab"),
        Vector(input: "http://\u{AD}/", host: nil),
        Vector(input: "http://%ef%bc%85%ef%bc%94%ef%bc%91.com", host: nil),
        Vector(input: "http://%zz%66%a.com", host: nil),
        Vector(input: "http://%25", host: nil),
        Vector(input: "http://a<b", host: nil),
        Vector(input: "http://a^b", host: nil),
        Vector(input: "http://a|b/", host: nil),
        Vector(input: "http://!\"$&'()*+,-.;=_`{}~/", host: "!\"$&'()*+,-.;=_`{}~"),
        Vector(input: "http://GOO\u{3000}goo.com", host: nil),
        // IPv4 in every form a browser reads.
        Vector(input: "http://192.0x00A80001", host: "192.168.0.1"),
        Vector(input: "http://0Xc0.0250.01", host: "192.168.0.1"),
        Vector(input: "http://%30%78%63%30%2e%30%32%35%30.01", host: "192.168.0.1"),
        Vector(input: "http://%30%78%63%30%2e%30%32%35%30.01%2e", host: "192.168.0.1"),
        Vector(input: "http://０Ｘｃ０．０２５０．０１", host: "192.168.0.1"),
        Vector(input: "http://4294967295", host: "255.255.255.255"),
        Vector(input: "http://0xffffffff", host: "255.255.255.255"),
        Vector(input: "http://256", host: "0.0.1.0"),
        Vector(input: "http://999999999", host: "59.154.201.255"),
        Vector(input: "http://0x.0x.0", host: "0.0.0.0"),
        Vector(input: "http://4294967296", host: nil),
        Vector(input: "http://0xffffffff1", host: nil),
        Vector(input: "http://256.256.256.256", host: nil),
        Vector(input: "http://192.168.0.257", host: nil),
        Vector(input: "http://1.2.3.4.5", host: nil),
        Vector(input: "http://0x100.2.3.4", host: nil),
        Vector(input: "http://foo.09", host: nil),
        Vector(input: "http://foo.2.3.4", host: nil),
        Vector(input: "http://0..0x300/", host: nil),
        Vector(input: "http://256.com", host: "256.com"),
        Vector(input: "http://10000000000.com", host: "10000000000.com"),
        // IPv6 literals, checked and shortened.
        Vector(input: "http://[1:0::]", host: "[1::]"),
        Vector(input: "http://[0:0:0:0:0:0:13.1.68.3]", host: "[::d01:4403]"),
        Vector(input: "http://[::127.0.0.1]", host: "[::7f00:1]"),
        Vector(input: "http://[1:0:0:2::3:0]", host: "[1::2:0:0:3:0]"),
        Vector(input: "http://[2001:DB8::1]:8080/", host: "[2001:db8::1]", port: 8080),
        Vector(input: "http://[::]", host: "[::]"),
        Vector(input: "http://[zz::1]/", host: nil),
        Vector(input: "http://[www.google.com]/", host: nil),
        Vector(input: "http://[::1.2.3.]", host: nil),
        Vector(input: "http://[::1.2.]", host: nil),
        Vector(input: "http://[::.1.2]", host: nil),
        Vector(input: "http://[::127.0.0.1.]", host: nil),
        Vector(input: "http://[0::0::0]", host: nil),
        Vector(input: "http://[1:2:3:4:5:6:7:8:9]", host: nil),
        Vector(input: "http://[::ffff:1.2.3.04]", host: nil),
        Vector(input: "http://[::1]x/", host: nil),
        Vector(input: "http://%5B::1]", host: nil),
        // Not http(s), no host, spaces and controls.
        Vector(input: "ftp://example.com/", host: nil),
        Vector(input: "javascript:alert(1)", host: nil),
        Vector(input: "example.com/post", host: nil),
        Vector(input: "https://", host: nil),
        Vector(input: "https:///post/1", host: "post"),  // as a browser: the slashes are skipped
        Vector(input: "https://?q=1", host: nil),
        Vector(input: "https://#top", host: nil),
        Vector(input: "http://f: 21/b", host: nil),
        Vector(input: "http://example\t.org", host: nil),  // Casebook: a browser drops the tab; we refuse it
        Vector(input: "http://exa\u{1B}mple.org", host: nil),
        Vector(input: "  https://example.com/post  ", host: "example.com"),
    ]

    @Test(arguments: vectors)
    func hostIsTheOneABrowserVisits(_ vector: Vector) throws {
        if let host = vector.host {
            let url = try WebURL.parse(vector.input)
            #expect(url.host == host)
            #expect(url.port == vector.port)
        } else {
            #expect(throws: CasebookError.self) { try WebURL.parse(vector.input) }
        }
    }

    @Test(arguments: [
        ("https://chirp.example:99999/", "the URL 'https://chirp.example:99999/' has the port 99999, which is out of range: ports run from 1 to 65535"),
        ("https://user:pass@chirp.example/", "has a user name or password before its host (user:pass@…); give the address without it"),
        ("http://[zz::1]/", "'[zz::1]' is not a valid IPv6 address"),
        ("http://1.2.3.256/", "the host '1.2.3.256' ends in a number, so it must be an IPv4 address, and it is not a valid one"),
        ("http://a<b/", "the host 'a<b' contains '<', which no host may hold"),
        ("http://a%zzb/", "contains an unknown %-escape ('%')"),
        ("ftp://x.example/a", "is not an http or https URL (scheme 'ftp')"),
        ("not-a-url", "'not-a-url' is not a URL: give the full address"),
        ("https://", "'https://' has no host"),
        ("https://a b.example/", "contains a space at character 10"),
        ("https://chirp.example/\u{1B}[2J", "the URL contains the control character U+001B (ESC) at character 23"),
        ("http://a\u{200B}b.example/", "contains U+200B, which no domain may hold"),
    ])
    func refusalsSayWhatIsWrong(input: String, message: String) {
        do {
            _ = try WebURL.parse(input)
            Issue.record("\(input) was accepted")
        } catch let error as CasebookError {
            #expect(error.description.contains(message), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aHostOnItsOwnIsReadAsAURLsHostIs() throws {
        #expect(try WebURL.host("Chirp.Example", field: "--host") == "chirp.example")
        #expect(try WebURL.host("bücher.example", field: "--host") == "xn--bcher-kva.example")
        #expect(try WebURL.host("0x7f.1", field: "--host") == "127.0.0.1")
        #expect(throws: CasebookError.self) { try WebURL.host("chirp.example/x", field: "--host") }
        #expect(throws: CasebookError.self) { try WebURL.host("", field: "--host") }
    }

    /// Seeded random URLs built from the characters that matter to the parser: none
    /// crashes, every refusal is invalid input, and every host accepted is stable (its own
    /// URL gives it back) and holds no character a host may not.
    @Test func randomURLsNeverCrashAndAcceptedHostsAreStable() throws {
        var random = SplitMix64(seed: 0x5EED_0009)
        let pieces = [
            "http://", "https://", "HTTP:", "/", "\\", "@", ":", "[", "]", ".", "%", "%2e", "%41", "%zz", "0x", "0", "1", "9",
            "255", "256", "65535", "65536", "a", "Z", "ß", "ü", "你", "。", "ＧＯ", "\u{AD}", "::", "f", "?", "#", "-", "xn--",
        ]
        var accepted = 0
        for _ in 0..<3000 {
            let count = Int.random(in: 1...12, using: &random)
            let scheme = ["http://", "https://", "HTTP:", "https:\\\\"][Int.random(in: 0..<4, using: &random)]
            let text = scheme + (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
            let url: WebURL
            do {
                url = try WebURL.parse(text)
            } catch let error as CasebookError {
                guard case .invalidInput = error else {
                    Issue.record("\(text): \(error)")
                    continue
                }
                continue
            }
            accepted += 1
            #expect(!url.host.isEmpty, "\(text)")
            #expect(url.host.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }, "\(text) → \(url.host)")
            #expect(!url.host.contains("@") && !url.host.contains("/") && !url.host.contains("\\"), "\(text) → \(url.host)")
            #expect(try WebURL.parse("https://\(url.host)/").host == url.host, "\(text) → \(url.host)")
        }
        #expect(accepted > 300)
    }

    @Test(arguments: [("bücher", "bcher-kva"), ("你好你好", "6qqa088eba"), ("faß", "fa-hia"), ("💩", "ls8h"), ("ü", "tda")])
    func punycodeMatchesRFC3492(label: String, encoded: String) {
        #expect(WebURL.Punycode.encode(Array(label.unicodeScalars)) == encoded)
    }
}
