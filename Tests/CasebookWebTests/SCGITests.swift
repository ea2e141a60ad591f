import CasebookServer
import Foundation
import Testing

/// SCGI against Neil Schemenauer's specification, and hostile input.
@Suite struct SCGITests {
    static func netstring(_ pairs: [(String, String)]) -> Data {
        var block = Data()
        for (name, value) in pairs { block += Data(name.utf8) + [0] + Data(value.utf8) + [0] }
        return Data("\(block.count):".utf8) + block + Data(",".utf8)
    }

    @Test func theSpecificationsExampleDecodes() throws {
        // The example of the specification, byte for byte.
        let bytes = Data("70:CONTENT_LENGTH\u{0}27\u{0}SCGI\u{0}1\u{0}REQUEST_METHOD\u{0}POST\u{0}REQUEST_URI\u{0}/deepthought\u{0},What is the answer to life?".utf8)
        let request = try SCGI.decode(bytes)
        #expect(request.headers["REQUEST_METHOD"] == "POST")
        #expect(request.headers["REQUEST_URI"] == "/deepthought")
        #expect(String(decoding: request.body, as: UTF8.self) == "What is the answer to life?")
    }

    @Test func anEmptyBodyAndEmptyValuesDecode() throws {
        let request = try SCGI.decode(Self.netstring([("CONTENT_LENGTH", "0"), ("SCGI", "1"), ("QUERY_STRING", "")]))
        #expect(request.headers["QUERY_STRING"] == "")
        #expect(request.body.isEmpty)
    }

    @Test func hostileInputIsRefused() {
        let good: [(String, String)] = [("CONTENT_LENGTH", "3"), ("SCGI", "1")]
        func refused(_ data: Data, limits: SCGILimits = SCGILimits()) -> SCGIError? {
            do {
                _ = try SCGI.decode(data, limits: limits)
                return nil
            } catch { return error }
        }
        // Bad netstrings.
        #expect(refused(Data("x:".utf8)) == .badNetstring("its length is not decimal digits"))
        #expect(refused(Data(":".utf8)) == .badNetstring("it has no length"))
        #expect(refused(Data("05:abcde,".utf8)) == .badNetstring("its length has a leading zero"))
        #expect(refused(Data("5:ab".utf8)) == .badNetstring("it ends before its 5 bytes"))
        var noComma = Self.netstring(good)
        noComma[noComma.count - 1] = UInt8(ascii: ";")
        #expect(refused(noComma + Data("abc".utf8)) == .badNetstring("it does not end with ','"))
        // A huge length is refused from its digits, before any memory is given to it.
        #expect(refused(Data("99999999999999999999999:".utf8)) == .tooLarge("the header block is over 65536 bytes"))
        var small = SCGILimits()
        small.maxBodyBytes = 2
        #expect(refused(Self.netstring(good) + Data("abc".utf8), limits: small) == .tooLarge("the body is 3 bytes, over 2"))
        #expect(refused(Self.netstring([("CONTENT_LENGTH", "99999999999999999999"), ("SCGI", "1")])) == .badHeaders("CONTENT_LENGTH is not a length"))
        // Missing or misplaced CONTENT_LENGTH, no SCGI header, a name twice, a dangling name.
        #expect(refused(Self.netstring([("SCGI", "1")])) == .badHeaders("CONTENT_LENGTH is not the first header"))
        #expect(refused(Self.netstring([("SCGI", "1"), ("CONTENT_LENGTH", "0")])) == .badHeaders("CONTENT_LENGTH is not the first header"))
        #expect(refused(Self.netstring([("CONTENT_LENGTH", "0")])) == .badHeaders("there is no header SCGI with the value 1"))
        #expect(refused(Self.netstring([("CONTENT_LENGTH", "-1"), ("SCGI", "1")])) == .badHeaders("CONTENT_LENGTH is not a length"))
        #expect(refused(Self.netstring([("CONTENT_LENGTH", "0"), ("SCGI", "1"), ("REMOTE_USER", "a"), ("REMOTE_USER", "b")])) == .badHeaders("REMOTE_USER is given twice"))
        #expect(refused(Data("16:CONTENT_LENGTH\u{0}0,".utf8)) == .badHeaders("the last value is not NUL-terminated"))
        #expect(refused(Data("15:CONTENT_LENGTH\u{0},".utf8)) == .badHeaders("a name has no value"))
        // A truncated body.
        #expect(refused(Self.netstring(good) + Data("ab".utf8)) == .badNetstring("the body ends before its 3 bytes"))
    }

    @Test func aResponseCannotSmuggleAHeader() {
        let response = SCGIResponse(status: 303, headers: [("Location", "/x\r\nSet-Cookie: a=b")], body: Data("hi".utf8))
        let text = String(decoding: response.encoded, as: UTF8.self)
        #expect(text == "Status: 303 See Other\r\nLocation: /xSet-Cookie: a=b\r\nContent-Length: 2\r\n\r\nhi")
    }
}
