import Foundation
import Testing
import TestSupport

@testable import Casebook

@Suite("JSONValue")
struct JSONTests {

    // MARK: Building and reading

    @Test func literalsBuildTheExpectedCases() {
        let value: JSONValue = [
            "s": "text", "i": 42, "d": 1.5, "b": true, "n": nil, "a": [1, "two"], "o": ["k": false],
        ]
        #expect(value["s"] == .string("text"))
        #expect(value["i"] == .int(42))
        #expect(value["d"] == .double(1.5))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.int(1), .string("two")]))
        #expect(value["o"] == .object(["k": .bool(false)]))
        #expect(value["missing"] == nil)
        let repeated: JSONValue = ["k": 1, "k": 2]
        #expect(repeated == .object(["k": .int(2)]))
    }

    @Test func accessorsReturnNilForOtherCases() {
        let value: JSONValue = ["s": "x", "i": 7, "d": 3.0, "f": 3.5, "big": 1e300, "b": false, "a": [], "o": [:], "n": nil]
        #expect(value["s"]?.string == "x")
        #expect(value["i"]?.string == nil)
        #expect(value["i"]?.int == 7)
        #expect(value["i"]?.double == 7.0)
        #expect(value["d"]?.int == 3)
        #expect(value["d"]?.double == 3.0)
        #expect(value["f"]?.int == nil)
        #expect(value["big"]?.int == nil)
        #expect(JSONValue.double(.nan).int == nil)
        #expect(JSONValue.double(-0x1p63).int == Int.min)
        #expect(JSONValue.double(0x1p63).int == nil)
        #expect(value["s"]?.int == nil)
        #expect(value["s"]?.double == nil)
        #expect(value["b"]?.bool == false)
        #expect(value["i"]?.bool == nil)
        #expect(value["a"]?.array == [])
        #expect(value["a"]?.object == nil)
        #expect(value["o"]?.object == [:])
        #expect(value["o"]?.array == nil)
        #expect(value["n"]?.isNull == true)
        #expect(value["s"]?.isNull == false)
        #expect(value.object?.count == 9)
        #expect(JSONValue.string("x")["key"] == nil)
    }

    @Test func optionalInitializers() {
        let noText: String? = nil
        let noNumber: Int? = nil
        #expect(JSONValue(noText) == .null)
        #expect(JSONValue(noNumber) == .null)
        #expect(JSONValue(Optional("a")) == .string("a"))
        #expect(JSONValue(Optional(5)) == .int(5))
    }

    // MARK: Serialization

    @Test func serializationIsCompactWithSortedKeys() {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": ["z": "", "y": [:]], "c": []]
        #expect(value.serialized() == #"{"a":{"y":{},"z":""},"b":[1,2.5,null,true],"c":[]}"#)
        #expect(value.serializedBytes() == Array(value.serialized().utf8))
    }

    @Test func keyOrderIsIndependentOfInsertionOrder() throws {
        let keys = (0..<200).map { "key\($0)" } + ["", "Z", "a", "é", "\u{FF61}", "😀", "a\u{0}"]
        var forward: [String: JSONValue] = [:]
        for (n, key) in keys.enumerated() { forward[key] = .int(n) }
        var backward: [String: JSONValue] = [:]
        for (n, key) in keys.enumerated().reversed() { backward[key] = .int(n) }
        let first = JSONValue.object(forward).serializedBytes()
        #expect(first == JSONValue.object(backward).serializedBytes())
        // Reparsing and reserializing gives the same bytes.
        #expect(try JSONValue.parse(first).serializedBytes() == first)
    }

    @Test func keysSortByUTF8BytesNotUTF16() {
        // U+FF61 is EF BD A1 in UTF-8 but FF61 in UTF-16, where 😀 (D83D DE00) would come first.
        let value: JSONValue = ["😀": 1, "\u{FF61}": 2, "é": 3, "a": 4, "Z": 5, "aa": 6, "": 7]
        #expect(value.serialized() == #"{"":7,"Z":5,"a":4,"aa":6,"é":3,"｡":2,"😀":1}"#)
    }

    @Test func stringEscapesInOutput() throws {
        let text = "q\"b\\s/n\nr\rt\tb\u{8}f\u{C}x\u{0}\u{1}\u{1F}\u{7F}é\u{2028}😀"
        let expected = #""q\"b\\s/n\nr\rt\tb\bf\fx\u0000\u0001\u001f"# + "\u{7F}é\u{2028}😀\""
        #expect(JSONValue.string(text).serialized() == expected)
        #expect(try JSONValue.parse(expected) == .string(text))
        #expect(JSONValue.string("a/b").serialized() == #""a/b""#)
    }

    @Test func numbersInOutput() {
        #expect(JSONValue.int(0).serialized() == "0")
        #expect(JSONValue.int(-7).serialized() == "-7")
        #expect(JSONValue.int(1_234_567_890).serialized() == "1234567890")
        #expect(JSONValue.int(Int.max).serialized() == "9223372036854775807")
        #expect(JSONValue.int(Int.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.double(1.0).serialized() == "1.0")
        #expect(JSONValue.double(0.1).serialized() == "0.1")
        #expect(JSONValue.double(-0.0).serialized() == "-0.0")
        #expect(JSONValue.double(1e20).serialized() == "1e+20")
        #expect(JSONValue.double(1.5e-7).serialized() == "1.5e-07")
        #expect(JSONValue.double(.leastNonzeroMagnitude).serialized() == "5e-324")
        #expect(JSONValue.double(.nan).serialized() == "null")
        #expect(JSONValue.double(-.infinity).serialized() == "null")
    }

    @Test func prettyForm() throws {
        let value: JSONValue = ["b": [1, ["x": nil]], "a": "é", "e": [], "o": [:]]
        let expected = """
            {
              "a": "é",
              "b": [
                1,
                {
                  "x": null
                }
              ],
              "e": [],
              "o": {}
            }
            """
        #expect(value.prettySerialized() == expected)
        #expect(JSONValue.int(3).prettySerialized() == "3")
        #expect(try JSONValue.parse(expected) == value)
    }

    // MARK: Parsing

    @Test func parsesAllKindsWithWhitespace() throws {
        let text = " \t\r\n{ \"a\" : [ 1 , -2.5e1 , \"x\" , true , false , null , { } , [ ] ] } \n"
        let value = try JSONValue.parse(text)
        #expect(value == ["a": [1, -25.0, "x", true, false, nil, [:], []]])
        #expect(try JSONValue.parse("\"top\"") == "top")
        #expect(try JSONValue.parse(" 12 ") == 12)
        #expect(try JSONValue.parse("null") == nil)
    }

    @Test func parseEntryPointsAgree() throws {
        let text = #"{"name":"Zoë 😀","n":[1,2,3]}"#
        let bytes = Array(text.utf8)
        let fromText = try JSONValue.parse(text)
        #expect(try JSONValue.parse(bytes) == fromText)
        #expect(try bytes.withUnsafeBytes { try JSONValue.parse($0) } == fromText)
        // A String that is not natively stored still works.
        let bridged = String(NSString(string: text))
        #expect(try JSONValue.parse(bridged) == fromText)
    }

    @Test func parsesEscapes() throws {
        #expect(try JSONValue.parse(#""\u2028""#) == .string("\u{2028}"))
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONValue.parse(#""\uD83D\uDE00!""#) == .string("😀!"))
        #expect(try JSONValue.parse(#""\u00e9\u00C9\u0000""#) == .string("éÉ\u{0}"))
        #expect(try JSONValue.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONValue.parse(#""ab\ncd😀é""#) == .string("ab\ncd😀é"))
        #expect(try JSONValue.parse("\"😀 literal \u{2028}\"") == .string("😀 literal \u{2028}"))
        // Escapes in keys, and two escaped strings in a row (the scratch buffer is reused).
        #expect(try JSONValue.parse(#"{"k\u0031":"v\n","k2":"w\t"}"#) == ["k1": "v\n", "k2": "w\t"])
    }

    @Test func numbers() throws {
        let cases: [(String, JSONValue)] = [
            ("0", .int(0)),
            ("-0", .int(0)),
            ("7", .int(7)),
            ("-123", .int(-123)),
            ("9223372036854775807", .int(Int.max)),
            ("-9223372036854775808", .int(Int.min)),
            ("9223372036854775808", .double(9223372036854775808.0)),
            ("-9223372036854775809", .double(-9223372036854775809.0)),
            ("123456789012345678901234567890", .double(1.2345678901234568e29)),
            ("1.0", .double(1.0)),
            ("-0.0", .double(-0.0)),
            ("0.1", .double(0.1)),
            ("-1.5e-3", .double(-0.0015)),
            ("1e2", .double(100)),
            ("1E+2", .double(100)),
            ("25e-1", .double(2.5)),
            ("1.7976931348623157e308", .double(1.7976931348623157e308)),
            ("5e-324", .double(.leastNonzeroMagnitude)),
            ("1e-400", .double(0)),
            ("2.2250738585072011e-308", .double(Double(bitPattern: 0x000F_FFFF_FFFF_FFFF))),
            ("9007199254740993.0", .double(9007199254740992.0)),
            ("0.30000000000000004", .double(0.30000000000000004)),
            ("1.00000000000000000000000000001", .double(1.0)),
            ("0.000000000000000000000000000001", .double(1e-30)),
        ]
        for (text, expected) in cases {
            let value = try JSONValue.parse(text)
            #expect(value == expected, "\(text)")
            if case .double(let d) = value, case .double(let e) = expected {
                #expect(d.sign == e.sign, "\(text)")
            }
        }
    }

    @Test func doublesMatchTheStandardLibrary() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            var text = random.next() % 2 == 0 ? "-" : ""
            let integerDigits = Int(random.next() % 12)
            text += integerDigits == 0 ? "0" : String(random.next() % 1_000_000_000_000 + 1)
            if random.next() % 2 == 0 {
                // Short fractions take the exact fast path, long ones the standard library's.
                let limits: [UInt64] = [10, 1000, 1_000_000, 1_000_000_000, 1_000_000_000_000, 10_000_000_000_000_000_000]
                text += "." + String(random.next() % limits[Int(random.next() % UInt64(limits.count))])
            }
            if random.next() % 2 == 0 {
                let range: UInt64 = random.next() % 2 == 0 ? 50 : 700
                text += "e" + String(Int(random.next() % range) - Int(range / 2))
            }
            guard let expected = Double(text), expected.isFinite else { continue }
            let value = try JSONValue.parse(text)
            #expect(value.double == expected, "\(text)")
            let reparsed = try JSONValue.parse(value.serialized())
            #expect(reparsed == value, "\(text)")
        }
    }

    @Test func nestingLimit() throws {
        func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        func objects(_ depth: Int) -> String {
            String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        }
        #expect(try JSONValue.parse(arrays(512)).array?.count == 1)
        #expect(try JSONValue.parse(objects(512))["a"] != nil)
        #expect(throws: JSONValue.ParseError(message: "nesting deeper than 512", offset: 512)) {
            try JSONValue.parse(arrays(513))
        }
        #expect(throws: JSONValue.ParseError(message: "nesting deeper than 512", offset: 512 * 5)) {
            try JSONValue.parse(objects(513))
        }
        // Depth is nesting, not the number of containers.
        let wide = "[" + Array(repeating: arrays(500), count: 50).joined(separator: ",") + "]"
        #expect(try JSONValue.parse(wide).array?.count == 50)
        // Far too deep is refused too, not a stack overflow.
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(arrays(100_000)) }
    }

    /// Malformed documents, each with where the error must be reported.
    static let malformed: [(name: String, bytes: [UInt8], offset: Int)] = [
        ("empty", [], 0),
        ("only whitespace", Array("  \n".utf8), 3),
        ("trailing garbage", Array("{} x".utf8), 3),
        ("two values", Array("1 2".utf8), 2),
        ("trailing comma in array", Array("[1,]".utf8), 3),
        ("missing comma", Array("[1 2]".utf8), 3),
        ("unterminated array", Array("[1".utf8), 2),
        ("open bracket", Array("[".utf8), 1),
        ("missing colon", Array(#"{"a" 1}"#.utf8), 5),
        ("trailing comma in object", Array(#"{"a":1,}"#.utf8), 7),
        ("non-string key", Array("{1:2}".utf8), 1),
        ("unterminated object", Array(#"{"a":1"#.utf8), 6),
        ("duplicate key", Array(#"{"a":1,"a":2}"#.utf8), 7),
        ("single quotes", Array("'a'".utf8), 0),
        ("bad escape", Array(#"["\x"]"#.utf8), 2),
        ("bad hex in \\u", Array(#""\u12G4""#.utf8), 1),
        ("short \\u", Array(#""\u12""#.utf8), 1),
        ("lone high surrogate", Array(#""ab\ud83d""#.utf8), 3),
        ("high surrogate and letter", Array(#""\ud83dx""#.utf8), 1),
        ("high surrogate then non-surrogate", Array(#""\ud83d\u0041""#.utf8), 1),
        ("lone low surrogate", Array(#""\ude00""#.utf8), 1),
        ("raw control character", [0x22, 0x61, 0x01, 0x22], 2),
        ("raw newline", Array("\"a\nb\"".utf8), 2),
        ("raw tab after escape", Array("\"\\n\t\"".utf8), 3),
        ("unterminated string", Array(#"["abc"#.utf8), 1),
        ("unterminated escape", Array(#""abc\"#.utf8), 0),
        ("invalid UTF-8 byte", [0x22, 0x61, 0xFF, 0x22], 2),
        ("overlong encoding", [0x22, 0xC0, 0x80, 0x22], 1),
        ("encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], 1),
        ("beyond U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),
        ("truncated sequence", [0x22, 0xE2, 0x82, 0x22], 1),
        ("stray continuation after escape", [0x22, 0x5C, 0x6E, 0x80, 0x22], 3),
        ("invalid UTF-8 outside strings", [0x5B, 0xFF, 0x5D], 1),
        ("byte order mark", [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], 0),
        ("leading zero", Array("01".utf8), 0),
        ("negative leading zero", Array("[-01]".utf8), 1),
        ("lone minus", Array("-".utf8), 0),
        ("plus sign", Array("+1".utf8), 0),
        ("leading point", Array(".5".utf8), 0),
        ("trailing point", Array("1.".utf8), 0),
        ("empty exponent", Array("1e".utf8), 0),
        ("signed empty exponent", Array("[1e+]".utf8), 1),
        ("hex number", Array("0x10".utf8), 1),
        ("overflowing number", Array("[1e400]".utf8), 1),
        ("NaN", Array("NaN".utf8), 0),
        ("Infinity", Array("-Infinity".utf8), 0),
        ("truncated literal", Array("tru".utf8), 0),
        ("capitalised literal", Array("True".utf8), 0),
        ("misspelt null", Array("[nul]".utf8), 1),
        ("comment", Array("[1] // no".utf8), 4),
    ]

    @Test(arguments: 0..<JSONTests.malformed.count)
    func refusesMalformedInput(index: Int) {
        let (name, bytes, offset) = JSONTests.malformed[index]
        do {
            let value = try JSONValue.parse(bytes)
            Issue.record("\(name): parsed as \(value)")
        } catch let error as JSONValue.ParseError {
            #expect(error.offset == offset, "\(name): \(error)")
            #expect(!error.message.isEmpty)
        } catch {
            Issue.record("\(name): unexpected error \(error)")
        }
    }

    @Test func errorDescriptionAndStringOffsetsCountBytes() {
        #expect(throws: JSONValue.ParseError(message: "unexpected data after the value", offset: 6)) {
            try JSONValue.parse("\"é\"  x")
        }
        let error = JSONValue.ParseError(message: "unexpected character", offset: 3)
        #expect(error.description == "invalid JSON: unexpected character at byte 3")
    }

    // MARK: Round trips and Foundation

    static let documents: [String] = [
        #"{"type":"case.opened","reference":"CB-2026-0001","title":"Noise complaint","priority":2,"tags":["noise","night"],"assignee":null,"urgent":false,"score":0.75}"#,
        #"[1,-2,3.5,-4.25e-3,1e21,0,-0.5,1234567890123]"#,
        #"{"nested":{"deeper":{"deepest":[[],{},[{}],"x"]}},"empty":"","unicode":"Zoë – 東京 😀"}"#,
        #"{"escapes":"quote \" backslash \\ slash \/ \b\f\n\r\t \u0001 \u2028 \ud83d\ude00 \u00e9"}"#,
        #"  [ true , false , null , "a" , { "k" : [ 1 , { "v" : 2 } ] } ]  "#,
        #""just a string""#,
        #"-17"#,
        #"{"a":{"b":{"c":{"d":{"e":{"f":[1,[2,[3,[4]]]]}}}}}}"#,
    ]

    @Test(arguments: JSONTests.documents)
    func agreesWithFoundation(document: String) throws {
        let ours = try JSONValue.parse(document)
        let theirs = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
        #expect(matches(ours, theirs), "\(document)")
        // And Foundation reads our serialization back as the same structure.
        let reread = try JSONSerialization.jsonObject(with: Data(ours.serializedBytes()), options: [.fragmentsAllowed])
        #expect(matches(ours, reread), "\(ours.serialized())")
        #expect(try JSONValue.parse(ours.serialized()) == ours)
        #expect(try JSONValue.parse(ours.prettySerialized()) == ours)
    }

    @Test func randomValuesRoundTripThroughUsAndFoundation() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let value = randomValue(&random, depth: 0)
            let bytes = value.serializedBytes()
            let parsed = try JSONValue.parse(bytes)
            #expect(parsed == value)
            #expect(parsed.serializedBytes() == bytes)
            #expect(try JSONValue.parse(value.prettySerialized()) == value)
            let foundation = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            #expect(matches(value, foundation), "\(value.serialized())")
        }
    }
}

// MARK: - Helpers

/// Whether a Foundation JSONSerialization result has the same structure and values.
private func matches(_ value: JSONValue, _ any: Any) -> Bool {
    switch value {
    case .null:
        return any is NSNull
    case .bool(let flag):
        guard let number = any as? NSNumber, String(cString: number.objCType) == "c" else { return false }
        return number.boolValue == flag
    case .int(let integer):
        // Foundation on Linux reads numbers with many digits as NSDecimalNumber, whose
        // doubleValue is inexact: compare its decimal text instead.
        if let decimal = any as? NSDecimalNumber { return Int(decimal.description) == integer }
        guard let number = any as? NSNumber, !["c", "d", "f"].contains(String(cString: number.objCType)) else {
            return false
        }
        return number.int64Value == Int64(integer)
    case .double(let double):
        if let decimal = any as? NSDecimalNumber { return Double(decimal.description) == double }
        guard let number = any as? NSNumber, String(cString: number.objCType) != "c" else { return false }
        return number.doubleValue == double
    case .string(let string):
        guard let other = any as? String else { return false }
        return Array(other.utf8) == Array(string.utf8)
    case .array(let elements):
        guard let others = any as? [Any], others.count == elements.count else { return false }
        return zip(elements, others).allSatisfy { matches($0, $1) }
    case .object(let members):
        guard let others = any as? [String: Any], others.count == members.count else { return false }
        return members.allSatisfy { key, member in others[key].map { matches(member, $0) } ?? false }
    }
}

private let sampleScalars: [Unicode.Scalar] = [
    "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "東", "\u{2028}", "😀", "\u{FF61}",
]

private func randomString(_ random: inout SplitMix64) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<Int(random.next() % 12) {
        scalars.append(sampleScalars[Int(random.next() % UInt64(sampleScalars.count))])
    }
    return String(scalars)
}

private func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
    let kind = random.next() % (depth < 4 ? 8 : 6)
    switch kind {
    case 0: return .null
    case 1: return .bool(random.next() % 2 == 0)
    case 2: return .int(Int(truncatingIfNeeded: random.next()) >> Int(random.next() % 64))
    case 3:
        let bits = random.next()
        let double = Double(bitPattern: bits)
        return .double(double.isFinite ? double : Double(Int64(truncatingIfNeeded: bits)) / 1000)
    case 4, 5: return .string(randomString(&random))
    case 6: return .array((0..<Int(random.next() % 5)).map { _ in randomValue(&random, depth: depth + 1) })
    default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int(random.next() % 5) { members[randomString(&random)] = randomValue(&random, depth: depth + 1) }
        return .object(members)
    }
}
