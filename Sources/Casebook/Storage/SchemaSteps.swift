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
        let pieces = text.components(separatedBy: "\n" + marker)
        return pieces.enumerated().map { index, piece in
            let start = index == 0 ? "" : marker
            let end = index == pieces.count - 1 ? "" : "\n"
            return Schema.Migration(version: index + 1, sql: start + piece + end)
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
