import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SCGI (Neil Schemenauer's protocol, as Apache's mod_proxy_scgi speaks it): the web
/// server sends a netstring — the decimal length, `:`, that many bytes of NUL-terminated
/// header names and values, `,` — whose first header is `CONTENT_LENGTH`, with a header
/// `SCGI` of `1`, then exactly CONTENT_LENGTH bytes of body. The answer is a CGI response
/// (`Status: 200 OK`, headers, a blank line, the body); the connection then closes.
public struct SCGIRequest: Sendable, Equatable {
    /// The headers (CGI variables: REQUEST_METHOD, REQUEST_URI, REMOTE_USER, HTTP_HOST…).
    public let headers: [String: String]
    public let body: Data

    public init(headers: [String: String], body: Data) {
        self.headers = headers
        self.body = body
    }
}

/// The answer to an SCGI request.
public struct SCGIResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (a: SCGIResponse, b: SCGIResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.headers.map { [$0.0, $0.1] } == b.headers.map { [$0.0, $0.1] }
    }

    /// The CGI response's bytes. Header names and values lose any CR, LF or NUL, so a value
    /// can never start a header of its own.
    public var encoded: Data {
        func clean(_ text: String) -> String { String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }) }
        var head = "Status: \(status) \(SCGIResponse.reason(status))\r\n"
        for (name, value) in headers { head += "\(clean(name)): \(clean(value))\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Data(head.utf8) + body
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 303: return "See Other"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Content Too Large"
        case 422: return "Unprocessable Content"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// Why an SCGI request was refused (before any of it reached a handler).
public enum SCGIError: Error, Equatable, CustomStringConvertible {
    /// The netstring's length is not digits followed by `:`, or its end is not `,`.
    case badNetstring(String)
    /// The header block or the body is larger than allowed.
    case tooLarge(String)
    /// The headers break the protocol (no CONTENT_LENGTH first, no SCGI 1, a name twice…).
    case badHeaders(String)

    public var description: String {
        switch self {
        case .badNetstring(let why): return "not an SCGI netstring: \(why)"
        case .tooLarge(let why): return "too large: \(why)"
        case .badHeaders(let why): return "bad SCGI headers: \(why)"
        }
    }
}

/// The sizes an SCGI request may have.
public struct SCGILimits: Sendable, Equatable {
    /// The header netstring's largest payload.
    public var maxHeaderBytes = 64 * 1024
    /// The largest body: several files of 64 MiB (and a little over, so a file just over
    /// the limit reaches the command and is refused with its own message).
    public var maxBodyBytes: UInt64 = 4 * 64 * 1024 * 1024 + 1024 * 1024

    public init() {}
}

public enum SCGI {
    /// Decodes one whole request held in memory (the tests' way in).
    public static func decode(_ data: Data, limits: SCGILimits = SCGILimits()) throws(SCGIError) -> SCGIRequest {
        var source = MemorySource(data)
        let headers = try readHeaders(&source, limits: limits)
        return try readBody(&source, headers: headers, limits: limits)
    }

    /// Reads the header netstring and checks it: CONTENT_LENGTH first, SCGI 1, no name twice.
    static func readHeaders(_ source: inout some ByteSource, limits: SCGILimits) throws(SCGIError) -> [String: String] {
        var length = 0
        var digits = 0
        while true {
            let byte: UInt8
            do { byte = try readByte(&source) } catch { throw .badNetstring("it ends before its length") }
            if byte == UInt8(ascii: ":") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .badNetstring("its length is not decimal digits") }
            // RFC-style netstrings forbid leading zeros except "0" itself.
            if digits == 1 && length == 0 { throw .badNetstring("its length has a leading zero") }
            digits += 1
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            guard length <= limits.maxHeaderBytes else { throw .tooLarge("the header block is over \(limits.maxHeaderBytes) bytes") }
        }
        guard digits > 0 else { throw .badNetstring("it has no length") }
        var block = [UInt8](repeating: 0, count: length + 1)
        do {
            try block.withUnsafeMutableBytes { try source.fill($0) }
        } catch { throw .badNetstring("it ends before its \(length) bytes") }
        guard block.last == UInt8(ascii: ",") else { throw .badNetstring("it does not end with ','") }
        block.removeLast()
        guard block.last == 0 || block.isEmpty else { throw .badHeaders("the last value is not NUL-terminated") }
        var fields = block.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
        fields.removeLast()  // after the final NUL
        guard fields.count % 2 == 0 else { throw .badHeaders("a name has no value") }
        var headers: [String: String] = [:]
        var names: [String] = []
        for index in stride(from: 0, to: fields.count, by: 2) {
            guard let name = String(validating: fields[index], as: UTF8.self), !name.isEmpty else { throw .badHeaders("a name is empty or not UTF-8") }
            let value = String(decoding: fields[index + 1], as: UTF8.self)
            guard headers[name] == nil else { throw .badHeaders("\(name.prefix(60)) is given twice") }
            headers[name] = value
            names.append(name)
        }
        guard names.first == "CONTENT_LENGTH" else { throw .badHeaders("CONTENT_LENGTH is not the first header") }
        guard headers["SCGI"] == "1" else { throw .badHeaders("there is no header SCGI with the value 1") }
        return headers
    }

    /// Reads exactly CONTENT_LENGTH bytes of body.
    static func readBody(_ source: inout some ByteSource, headers: [String: String], limits: SCGILimits) throws(SCGIError) -> SCGIRequest {
        let text = headers["CONTENT_LENGTH"] ?? ""
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text.utf8.count <= 19, let length = UInt64(text) else {
            throw .badHeaders("CONTENT_LENGTH is not a length")
        }
        guard length <= limits.maxBodyBytes else { throw .tooLarge("the body is \(length) bytes, over \(limits.maxBodyBytes)") }
        var body = Data(count: Int(length))
        do {
            try body.withUnsafeMutableBytes { try source.fill($0) }
        } catch { throw .badNetstring("the body ends before its \(length) bytes") }
        return SCGIRequest(headers: headers, body: body)
    }

    private static func readByte(_ source: inout some ByteSource) throws -> UInt8 {
        var byte: UInt8 = 0
        try withUnsafeMutableBytes(of: &byte) { try source.fill($0) }
        return byte
    }
}
