import EventLog
import Foundation

/// Staff and access (SPEC §8): the staff directory and its changes, logins, the school
/// register, exclusions from a case (`restrict`), alert addresses and the settings.
/// Reached as `casebook.staff`; it holds only the shared core.
public struct StaffWork {
    let core: Casebook
}

extension Casebook {
    /// Staff and access: the directory, logins, schools, exclusions, settings.
    public var staff: StaffWork { StaffWork(core: self) }
}

extension StaffWork {
    /// The staff directory, by id.
    public func all(as actor: StaffMember) throws -> [StaffMember] {
        try actor.require(.viewStaff)
        return try StaffRows.all(in: core.store)
    }

    /// Adds a member of staff (headteacher only).
    public func addStaff(_ member: StaffMember, by actor: StaffMember, at date: Date? = nil) throws {
        try actor.require(.manageStaff)
        _ = try StaffID.validate(member.id)
        let name = try Workflow.text(member.name, .option("name"))
        let occurred = date ?? core.now
        try Workflow.checkNotFuture(occurred, now: core.now, field: .option("at"))
        var newMember = try checkedNewMember(member, name: name, by: actor)
        newMember.email = try member.email.map { try EmailAddress.validate($0, field: "the email address") }
        try core.appendStaff(.added(newMember), actor: actor.id, at: occurred) {
            // Under the write lock, so two processes adding the same id cannot both succeed.
            // Ids are unique whatever their case: `smt` and `SMT` would be one person to a reader.
            if let existing = try StaffID.existing(member.id, in: core.store) {
                throw CasebookError.invalidInput(
                    existing == member.id
                        ? "a member of staff '\(member.id)' already exists"
                        : "a member of staff '\(existing)' already exists: staff ids are unique whatever their case, so '\(member.id)' cannot be added")
            }
        }
    }

    /// Excludes a member of staff from a case, or undoes it (`restrict`; headteacher and
    /// safeguarding lead). Recorded as a case event, shown in the timeline.
    ///
    /// - Parameters:
    ///   - staff: The member to exclude or include again.
    ///   - exclude: true to exclude, false to undo an exclusion.
    ///   - reason: Why (required to exclude).
    @discardableResult
    public func restrict(
        _ reference: CaseReference, staff: String, exclude: Bool, reason: String?, by actor: StaffMember, at date: Date? = nil
    ) throws -> CaseState {
        try actor.require(.restrictAccess)
        let occurredAt = date ?? core.now
        try Workflow.checkNotFuture(occurredAt, now: core.now, field: .option("at"))
        _ = try StaffID.validate(staff, field: .option(exclude ? "exclude" : "include"))
        return try core.appendCaseEvent(to: reference, by: actor, at: occurredAt) { state in
            guard let member = try core.member(staff) else {
                throw CasebookError.notFound("no member of staff '\(staff)'; see '\(command: .listStaff)'")
            }
            let isExcluded = state.excluded.contains { $0.caseInsensitiveCompare(member.id) == .orderedSame }
            if exclude {
                guard member.id.lowercased() != actor.id.lowercased() else {
                    throw CasebookError.invalidInput("you cannot exclude yourself; ask another headteacher or safeguarding lead")
                }
                guard !isExcluded else { throw CasebookError.invalidInput("\(member.id) is already excluded from \(reference)") }
                return .accessRestricted(staff: member.id, reason: try Workflow.text(reason ?? "", .option("reason")))
            }
            guard isExcluded else {
                throw CasebookError.invalidInput(
                    "\(member.id) is not excluded from \(reference) (only an exclusion made with \(option: "exclude") can be undone)")
            }
            return .accessRestored(staff: member.id, reason: try Workflow.optionalText(reason, .option("reason")))
        }
    }
}
