import EventLog
import Foundation

extension StaffWork {
    /// The registered schools by their names now, in the order they were added.
    public func schoolRegister() throws -> [String] {
        var register: [String] = []
        for event in try core.schoolEvents() {
            switch event {
            case .added(let name): register.append(name)
            case .renamed(let from, let to):
                register = register.map { StaffScope.sameSchool($0, from) ? to : $0 }
            }
        }
        return register
    }

    /// Renames a registered school (a trust-wide headteacher): recorded as `SchoolRenamed`;
    /// its cases and the staff scoped to it follow, under the new name, with their case
    /// numbers. Refuses a school not in the register (naming the nearest), a new name the
    /// register already holds or another school once had, and a name that is not one line.
    public func renameSchool(_ old: String, to new: String, by actor: StaffMember) throws {
        try actor.requireWholeRecord(.manageStaff)
        let new = try Self.schoolName(new)
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // A trust-wide headteacher (checked above); the register is read now.
                let (events, known) = try passage.authorise { (try core.schoolEvents(), try self.schoolRegister()) }
                let names = SchoolNames(events)
                let from = try core.registeredSchool(old, in: known, names: names)
                if let existing = known.first(where: { StaffScope.sameSchool($0, new) }) {
                    throw CasebookError.invalidInput("'\(existing)' is already in the register; give a name no school has")
                }
                if let now = names.renamed(new), !StaffScope.sameSchool(now, from) {
                    throw CasebookError.invalidInput(
                        "'\(new)' was a name of '\(now)', and its cases may still say so; give a name no school has had")
                }
                let event = SchoolEvent.renamed(from: from, to: new)
                try passage.append(
                    [NewEvent(type: event.typeName, occurredAt: Timestamp.string(from: core.now), actor: actor.id,
                              payload: event.payload.serializedBytes())],
                    to: SchoolEvent.stream, expectedVersion: events.count)
                try SchoolRows.rename(from, to: new, in: passage)
            }
        }
    }

    /// A school's name as given to the register: one line of at most 200 characters.
    static func schoolName(_ name: String) throws -> String {
        let name = try Workflow.text(name, "the school's name")
        guard name.count <= 200, !name.contains("\n") else {
            throw CasebookError.invalidInput("a school's name is one line of at most 200 characters")
        }
        return name
    }

    /// Adds a school to the register (a trust-wide headteacher).
    public func addSchool(_ name: String, by actor: StaffMember) throws {
        try actor.requireWholeRecord(.manageStaff)
        let name = try Self.schoolName(name)
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // A trust-wide headteacher (checked above); the register is read now.
                let (events, known) = try passage.authorise { (try core.schoolEvents(), try self.schoolRegister()) }
                if let existing = known.first(where: { StaffScope.sameSchool($0, name) }) {
                    throw CasebookError.invalidInput("'\(existing)' is already in the register")
                }
                if let now = SchoolNames(events).renamed(name) {
                    throw CasebookError.invalidInput(
                        "'\(name)' was a name of '\(now)', and its cases may still say so; give a name no school has had")
                }
                let event = SchoolEvent.added(name: name)
                try passage.append(
                    [NewEvent(type: SchoolEvent.addedType, occurredAt: Timestamp.string(from: core.now), actor: actor.id,
                              payload: event.payload.serializedBytes())],
                    to: SchoolEvent.stream, expectedVersion: events.count)
            }
        }
    }
}
