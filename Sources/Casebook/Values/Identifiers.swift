import Foundation

/// Staff ids: `[A-Za-z0-9._-]{1,64}` (SPEC §5). They are hashed into the chain, so they can
/// hold no separator.
public enum StaffID {
    /// Whether text is a well-formed staff id.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy { byte in
                (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
                    || byte == 46 || byte == 95 || byte == 45
            }
    }

    /// Throws ``CasebookError/invalidInput(_:)`` for a malformed id.
    public static func validate(_ text: String, field: Message = "staff id") throws -> String {
        guard isValid(text) else {
            throw CasebookError.invalidInput(
                "'\(text.prefix(80))' is not a valid \(field): use 1 to 64 letters, digits, '.', '_' or '-'")
        }
        return text
    }
}

/// A case reference, `CB-YYYY-NNNN`: the year the case was opened and its number in that year.
public struct CaseReference: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The year the case was opened.
    public let year: Int
    /// The number within the year, from 1.
    public let number: Int

    /// Creates a reference.
    public init(year: Int, number: Int) {
        self.year = year
        self.number = number
    }

    /// Parses `CB-2026-0001` (case-insensitive prefix); nil for anything else.
    public init?(_ text: String) {
        // The stored shape (`CB-2026-0001`, or lowercase `cb`) without making substrings:
        // read models hold thousands of references.
        if let (year, number) = Self.parseCanonical(text) {
            self.init(year: year, number: number)
            return
        }
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CB", parts[1].count == 4, parts[2].count >= 4, parts[2].count <= 9,
            let year = Int(parts[1]), let number = Int(parts[2]), number >= 1,
            parts[1].allSatisfy(\.isASCII), parts[2].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        self.init(year: year, number: number)
    }

    /// `CB-` or `cb-`, four digits, `-`, four to nine digits with a number of at least 1;
    /// nil for anything else (which the general parser then reads).
    private static func parseCanonical(_ text: String) -> (Int, Int)? {
        var text = text
        return text.withUTF8 { bytes -> (Int, Int)? in
            guard bytes.count >= 12, bytes.count <= 17, bytes[0] | 0x20 == 0x63, bytes[1] | 0x20 == 0x62, bytes[2] == 0x2D,
                bytes[7] == 0x2D
            else { return nil }
            var year = 0
            for index in 3..<7 {
                let digit = Int(bytes[index]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                year = year * 10 + digit
            }
            var number = 0
            for index in 8..<bytes.count {
                let digit = Int(bytes[index]) - 48
                guard digit >= 0, digit <= 9 else { return nil }
                number = number * 10 + digit
            }
            return number >= 1 ? (year, number) : nil
        }
    }

    /// `CB-2026-0001`.
    public var description: String {
        let digits = String(number)
        return "CB-\(year)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The event stream of the case: `case/CB-2026-0001`.
    public var stream: String { "case/\(description)" }

    public static func < (a: CaseReference, b: CaseReference) -> Bool { (a.year, a.number) < (b.year, b.number) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let reference = CaseReference(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad reference"))
        }
        self = reference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    /// `caseInsensitiveCompare(other) == .orderedSame` (`e1` is `E1`), decided byte by byte
    /// when both are ASCII, as ids are: verify looks an item up for every event it re-decides.
    func isSameIdentifier(_ other: String) -> Bool {
        var one = self
        var two = other
        let ascii = one.withUTF8 { first in
            two.withUTF8 { second -> Bool? in
                guard first.allSatisfy({ $0 < 0x80 }), second.allSatisfy({ $0 < 0x80 }) else { return nil }
                guard first.count == second.count else { return false }
                for index in 0..<first.count where Self.asciiLowercased(first[index]) != Self.asciiLowercased(second[index]) {
                    return false
                }
                return true
            }
        }
        return ascii ?? (caseInsensitiveCompare(other) == .orderedSame)
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

