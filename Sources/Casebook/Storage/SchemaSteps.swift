import EventLog

/// The steps of the repository's schema.sql, as ``Casebook/schema`` runs them.
///
/// schema.sql holds every version's step in order: version 1 from the top, then each later
/// version from a line beginning `-- >>> version N`. A new file runs them all; a file at an
/// earlier version runs the ones after it when it is next opened for writing.
enum SchemaSteps {
    /// What begins a later version's part of schema.sql, at the start of a line.
    static let marker = "-- >>> version "

    /// The file's parts as steps, version 1 first: each part after the first begins with
    /// its marker line. Joined in order, their SQL is the file, byte for byte.
    static func migrations(of text: String) -> [Schema.Migration] {
        // Split at the start of each marker line, on the bytes (every command opens the
        // schema: no Foundation string search on its start-up path).
        let bytes = Array(text.utf8)
        let pattern = Array(("\n" + marker).utf8)
        var starts = [0]
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0], bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                starts.append(index + 1)
                index += pattern.count
            } else {
                index += 1
            }
        }
        let ends = starts.dropFirst() + [bytes.count]
        return zip(starts, ends).enumerated().map { step, range in
            Schema.Migration(version: step + 1, sql: String(decoding: bytes[range.0..<range.1], as: UTF8.self))
        }
    }

    /// The version each later part's marker line names (2, 3, …), as written: a test
    /// holds them to the order the steps run in.
    static func markedVersions(of text: String) -> [Int?] {
        text.components(separatedBy: "\n" + marker).dropFirst().map { piece in
            Int(piece.prefix { $0.isNumber })
        }
    }
}
