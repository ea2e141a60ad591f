import EventLog
import Foundation

extension Casebook {
    static func rebuildProjections(
        _ database: some RowSource, _ store: EventStore, workers: Int = 1, batchSize: Int = 2_000,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        try Projection.clear(database)
        let settings = try Settings.replay(try store.events(in: SettingsEvent.stream))
        let total = try store.eventCount()
        var done = 0
        let reader = try StreamBatchReader(store, size: batchSize)
        let connection = database.connection
        let statements = try Projection.Statements(connection)
        // Schools by their names now: a renamed school's cases are written under its new name.
        let schools = try SchoolRows.names(in: database)
        try ParallelWork.orderedMap(
            workers: workers, next: reader.next,
            transform: { batch in (try batch.streams.map { try Rows($0, settings: settings, schools: schools) }, batch.eventCount) },
            consume: { streams, count in
                // Each case once, into emptied tables: nothing to replace.
                for rows in streams { try rows.write(with: statements, to: connection, replacing: false) }
                done += count
                progress(done, total)
            })
    }

    /// Writes the read-model rows of one stream's events (a case's, or the staff directory's).
    static func project(_ events: [RecordedEvent], settings: Settings, to source: some RowSource) throws {
        let database = source.connection
        try Rows(events, settings: settings, schools: try SchoolRows.names(in: database))
            .write(with: try Projection.Statements(database), to: database)
    }

    /// The read-model rows of one stream's events (a case's, or the staff directory's),
    /// worked out on any thread and written on the connection's.
    private enum Rows: Sendable {
        case none
        case projected(ProjectedRows)
        case staff([(event: StaffEvent, occurredAt: String)])

        init(_ events: [RecordedEvent], settings: Settings, schools: SchoolNames) throws {
            guard let first = events.first else {
                self = .none
                return
            }
            if first.stream.hasPrefix("case/") {
                var state = try CaseState.replay(events)
                state.opened.school = schools.current(state.opened.school)
                self = .projected(ProjectedRows(state, settings: settings))
            } else if first.stream == StaffEvent.stream {
                self = .staff(try events.map { (try StaffEvent(stored: $0), $0.occurredAt) })
            } else {
                self = .none
            }
        }

        func write(with statements: Projection.Statements, to database: Database, replacing: Bool = true) throws {
            switch self {
            case .none: break
            case .projected(let rows): try rows.write(with: statements, replacing: replacing)
            case .staff(let changes):
                for change in changes { try Projection.write(change.event, at: change.occurredAt, to: database) }
            }
        }
    }
}
