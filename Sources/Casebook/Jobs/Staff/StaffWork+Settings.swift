import EventLog
import Foundation

/// One change in the `settings` stream, for `settings list`.
public struct SettingChange: Sendable, Equatable {
    /// The setting.
    public var key: Settings.Key
    /// Its new value.
    public var value: Int
    /// Who changed it.
    public var actor: String
    /// When.
    public var at: Date
}

extension StaffWork {
    /// Every change made, oldest first.
    public func settingChanges(by actor: StaffMember) throws -> [SettingChange] {
        try actor.require(.readCases)
        return try Casebook.translatingErrors {
            try core.store.events(in: SettingsEvent.stream).map { stored in
                switch try SettingsEvent(stored: stored) {
                case .changed(let key, let value):
                    return SettingChange(
                        key: key, value: value, actor: stored.actor, at: Timestamp.date(from: stored.occurredAt) ?? .distantPast)
                }
            }
        }
    }

    /// Changes a setting (headteacher only). The deadlines of every open case are written
    /// again in the same transaction, so `overdue` reads the new waiting times at once.
    @discardableResult
    public func setSetting(_ key: String, to value: String, by actor: StaffMember, at date: Date? = nil) throws -> Settings {
        try actor.require(.manageSettings)
        let (key, number) = try Settings.parse(key: key, value: value)
        let occurred = date ?? core.now
        try Workflow.checkNotFuture(occurred, now: core.now, field: .option("at"))
        let event = SettingsEvent.changed(key: key, value: number)
        return try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // The role (checked above) is the authorisation: settings are the trust's.
                let version = try passage.authorise { try core.store.version(of: SettingsEvent.stream) }
                let settings = try Settings.replay(try core.store.events(in: SettingsEvent.stream)).evolve(event)
                try passage.append(
                    [NewEvent(type: event.typeName, occurredAt: Timestamp.string(from: occurred), actor: actor.id, payload: event.payload.serializedBytes())],
                    to: SettingsEvent.stream, expectedVersion: version)
                let open = try CaseRows.openReferences(in: passage)
                for reference in open {
                    try Projection.writeDeadlines(try core.state(of: reference), settings: settings, to: passage)
                }
                return settings
            }
        }
    }

    /// Sets or removes a member's alert address (headteacher; SPEC §11). Invalid input for a
    /// malformed address.
    public func setEmail(of id: String, to email: String?, by actor: StaffMember, at date: Date? = nil) throws {
        try actor.require(.manageStaff)
        let email = try email.map { try EmailAddress.validate($0) }
        guard let member = try core.member(id) else { throw CasebookError.notFound("no member of staff '\(id)' in the staff directory") }
        let occurred = date ?? core.now
        try Workflow.checkNotFuture(occurred, now: core.now, field: "the step's time")
        try core.appendStaff(.emailSet(id: member.id, email: email), actor: actor.id, at: occurred)
    }

    /// Turns the actor's own alerts on or off.
    public func setAlerts(on: Bool, by actor: StaffMember, at date: Date? = nil) throws {
        let occurred = date ?? core.now
        try Workflow.checkNotFuture(occurred, now: core.now, field: "the step's time")
        try core.appendStaff(.alertsSet(id: actor.id, on: on), actor: actor.id, at: occurred)
    }
}
