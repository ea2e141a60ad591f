import EventLog

/// Where the storage functions read and write: the store's connection, or the door's
/// ``Passage`` inside its write transaction. The services hand one of them over and never
/// reach the connection themselves (`EventStore.database` is the package's, not theirs).
protocol RowSource {
    var connection: Database { get }
}

extension EventStore: RowSource {
    var connection: Database { database }
}

extension Database: RowSource {
    var connection: Database { self }
}

extension Passage: RowSource {}
