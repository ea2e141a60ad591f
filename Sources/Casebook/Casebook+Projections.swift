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
        try ParallelWork.orderedMap(
            workers: workers, next: reader.next,
            transform: { batch in (try batch.streams.map(Rows.init), batch.eventCount) },
            consume: { streams, count in
                for rows in streams { try rows.write(to: database, settings: settings) }
                done += count
                progress(done, total)
            })
    }

    /// Writes the read-model rows of one stream's events (a case's, or the staff directory's).
    static func project(_ events: [RecordedEvent], settings: Settings, to database: some RowSource) throws {
        try Rows(events).write(to: database, settings: settings)
    }

    /// The read-model rows of one stream's events (a case's, or the staff directory's),
    /// worked out on any thread and written on the connection's.
    private enum Rows: Sendable {
        case none
        case state(CaseState)
        case staff([(event: StaffEvent, occurredAt: String)])

        init(_ events: [RecordedEvent]) throws {
            guard let first = events.first else {
                self = .none
                return
            }
            if first.stream.hasPrefix("case/") {
                self = .state(try CaseState.replay(events))
            } else if first.stream == StaffEvent.stream {
                self = .staff(try events.map { (try StaffEvent(stored: $0), $0.occurredAt) })
            } else {
                self = .none
            }
        }

        func write(to database: some RowSource, settings: Settings) throws {
            switch self {
            case .none: break
            case .state(let state): try Projection.write(state, settings: settings, to: database)
            case .staff(let changes):
                for change in changes { try Projection.write(change.event, at: change.occurredAt, to: database) }
            }
        }
    }
}
