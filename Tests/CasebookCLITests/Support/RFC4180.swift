/// A strict RFC 4180 reader, to check that exports are well-formed CSV: records end with
/// CRLF, fields holding a comma, quote, CR or LF are quoted, quotes inside are doubled.
enum RFC4180 {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The records of `text`, which must end with CRLF.
    static func parse(_ text: String) throws -> [[String]] {
        let scalars = Array(text.unicodeScalars)
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var index = 0
        var isQuoted = false
        var wasQuoted = false
        func endField() {
            record.append(String(field))
            field = String.UnicodeScalarView()
            wasQuoted = false
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if isQuoted {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        isQuoted = false
                        wasQuoted = true
                    }
                } else {
                    field.append(scalar)
                }
            } else {
                switch scalar {
                case "\"":
                    guard field.isEmpty, !wasQuoted else { throw Malformed(description: "a quote inside an unquoted field, record \(records.count + 1)") }
                    isQuoted = true
                case ",":
                    endField()
                case "\r":
                    guard index + 1 < scalars.count, scalars[index + 1] == "\n" else {
                        throw Malformed(description: "a CR without LF, record \(records.count + 1)")
                    }
                    index += 1
                    endField()
                    records.append(record)
                    record = []
                case "\n":
                    throw Malformed(description: "a bare LF ending record \(records.count + 1)")
                default:
                    guard !wasQuoted else { throw Malformed(description: "text after a closing quote, record \(records.count + 1)") }
                    field.append(scalar)
                }
            }
            index += 1
        }
        guard !isQuoted else { throw Malformed(description: "an unclosed quote") }
        guard field.isEmpty, record.isEmpty else { throw Malformed(description: "the last record does not end with CRLF") }
        return records
    }
}
