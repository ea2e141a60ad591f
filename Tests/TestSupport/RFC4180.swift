/// A strict RFC 4180 reader for the tests, to check that exports are well-formed CSV:
/// records end with CRLF; quoted fields may hold commas, doubled quotes, CR and LF.
/// Anything else (a bare LF between records, a quote in an unquoted field, text after a
/// closing quote, a last record without CRLF) is an error.
public enum RFC4180 {
    /// Why a document is not strict RFC 4180, and where.
    public struct ParseError: Error, CustomStringConvertible {
        public let message: String
        /// The index of the Unicode scalar where the error was found.
        public let offset: Int
        public var description: String { "CSV: \(message) at scalar \(offset)" }
    }

    /// The records of `text`, each a list of fields; every record must end with CRLF.
    public static func parse(_ text: String) throws -> [[String]] {
        let scalars = Array(text.unicodeScalars)
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var index = 0
        var fieldStarted = false
        func endField() {
            record.append(String(field))
            field = String.UnicodeScalarView()
            fieldStarted = false
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if !fieldStarted && scalar == "\"" {
                // A quoted field.
                index += 1
                while true {
                    guard index < scalars.count else { throw ParseError(message: "unterminated quoted field", offset: index) }
                    if scalars[index] == "\"" {
                        if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                            field.append("\"")
                            index += 2
                        } else {
                            index += 1
                            break
                        }
                    } else {
                        field.append(scalars[index])
                        index += 1
                    }
                }
                fieldStarted = true
                guard index == scalars.count || scalars[index] == "," || scalars[index] == "\r" else {
                    throw ParseError(message: "text after a closing quote", offset: index)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
                index += 1
            case "\r":
                guard index + 1 < scalars.count, scalars[index + 1] == "\n" else {
                    throw ParseError(message: "CR not followed by LF outside quotes", offset: index)
                }
                endField()
                records.append(record)
                record = []
                index += 2
            case "\n":
                throw ParseError(message: "bare LF outside quotes (records must end with CRLF)", offset: index)
            case "\"":
                throw ParseError(message: "quote inside an unquoted field", offset: index)
            default:
                field.append(scalar)
                fieldStarted = true
                index += 1
            }
        }
        // `fieldStarted` catches a last field that is an empty quoted one (`""`), which
        // leaves both `record` and `field` empty.
        guard record.isEmpty && field.isEmpty && !fieldStarted else {
            throw ParseError(message: "the last record does not end with CRLF", offset: index)
        }
        return records
    }
}
