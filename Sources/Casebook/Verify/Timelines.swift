import EventLog

/// Who was a member of staff, with which role, scope and status, from which position of the
/// log: the staff stream replayed, so each event's actor is judged by the directory when it
/// was committed. Each event is decoded once, here; the staff stream's own check reads the
/// decoded events (or the break of one that cannot be read) back by position.
struct StaffTimeline: Sendable {
    /// Each member as they were from each position on (left members included, marked so).
    private var members: [String: [(position: Int64, member: StaffMember)]] = [:]
    /// Every staff event by position: decoded, or why it cannot be.
    private(set) var decoded: [Int64: Result<StaffEvent, UndecodableEventError>] = [:]
    /// Schools by their names now, so a scope and a case compare across a rename.
    let schools: SchoolNames

    init(_ store: EventStore) throws {
        schools = try SchoolRows.names(in: store)
        var directory = StaffDirectory()
        for stored in try store.events(in: StaffEvent.stream) {
            let event: StaffEvent
            do {
                event = try StaffEvent(type: stored.type, payload: stored.payload)
            } catch {
                decoded[stored.position] = .failure(UndecodableEventError(stored, error))
                continue
            }
            decoded[stored.position] = .success(event)
            directory.apply(event)
            let id: String
            switch event {
            case .added(let member): id = member.id
            case .roleChanged(let changed, _), .loginChanged(let changed, _), .scopeChanged(let changed, _), .left(let changed),
                .emailSet(let changed, _), .alertsSet(let changed, _), .aliasAdded(let changed, _):
                id = changed
            case .identityModeSet: continue
            }
            if var member = directory.member(id) {
                member.scope = schools.current(member.scope)
                members[id, default: []].append((stored.position, member))
            }
        }
    }

    /// The member as they were just before `position`, or nil when they were not (or no longer) staff.
    func member(_ id: String, before position: Int64) -> StaffMember? {
        guard let member = members[id]?.last(where: { $0.position < position })?.member, !member.hasLeft else { return nil }
        return member
    }

    /// The member's role just before `position`, or nil when they were not (or no longer) staff.
    func role(of id: String, before position: Int64) -> Role? { member(id, before: position)?.role }
}

/// The settings in force from each position of the log. A change that cannot be read (or
/// whose value is outside its setting's range) is left out and kept as the break the
/// settings stream's check reports.
struct SettingsTimeline: Sendable {
    private var changes: [(position: Int64, settings: Settings)] = []
    /// How the break of an unreadable change puts it.
    static let undecodableWords = "cannot be read, or its value is outside the setting's range"
    /// The changes that cannot be read, by position.
    private(set) var undecodable: [Int64: UndecodableEventError] = [:]
    /// The settings after the last readable change: what the read models' deadlines use.
    private(set) var current = Settings.defaults

    init(_ store: EventStore) throws {
        for stored in try store.events(in: SettingsEvent.stream) {
            do {
                current = current.evolve(try SettingsEvent(type: stored.type, payload: stored.payload))
                changes.append((stored.position, current))
            } catch {
                undecodable[stored.position] = UndecodableEventError(stored, error, what: Self.undecodableWords)
            }
        }
    }

    /// Whether the timeline read the change at `position` (readable or not).
    func hasDecoded(_ position: Int64) -> Bool {
        undecodable[position] != nil || changes.contains { $0.position == position }
    }

    /// The settings just before `position`.
    func settings(before position: Int64) -> Settings {
        changes.last { $0.position < position }?.settings ?? .defaults
    }
}

/// Why a stored event's payload cannot be read, in the words of its break.
struct UndecodableEventError: Error, Sendable {
    var detail: String

    init(_ stored: RecordedEvent, _ error: Error, what: String = "cannot be read") {
        detail = "the \(stored.type.prefix(64)) payload \(what): \(error)"
    }

    /// Records the break: `undecodable-payload` at the event's stream and version.
    func record(_ stored: RecordedEvent, in chains: inout ChainVerifier) {
        chains.record(ChainBreak(stream: stored.stream, version: stored.version, kind: .undecodablePayload, detail: detail))
    }
}
