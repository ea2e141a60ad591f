import EventLog
import Foundation

/// The people a step names must be current members, and a case is opened within the
/// opener's scope and not about the opener (SPEC §8).
extension Casebook {
    /// The members a command names (`police consent --by`, `refer disciplinary --staff`)
    /// must not have left.
    ///
    /// Returns the command with each staff id as the directory spells it: ids are unique
    /// whatever their letter case, so `ST1` names `st1`, and the record holds `st1`.
    func checkNamedStaff(in command: CaseCommand) throws -> CaseCommand {
        switch command {
        case .referDisciplinary(let staff):
            try requireCurrent(staff, as: "member referred")
            return .referDisciplinary(staff: try canonicalStaffID(staff))
        case .recordConsent(let decision, let by):
            try requireCurrent(by, as: "person giving consent")
            return .recordConsent(decision, by: try canonicalStaffID(by))
        default:
            return command
        }
    }

    /// The id as the staff directory spells it, or `id` as given when no member has it
    /// (the workflow then refuses it by name).
    func canonicalStaffID(_ id: String) throws -> String {
        try member(id)?.id ?? id
    }

    /// A leaver cannot be chosen (exit 65); an unknown id is left for the workflow to refuse (66).
    func requireCurrent(_ id: String, as role: String) throws {
        if let member = try member(id), member.hasLeft {
            throw CasebookError.invalidInput("\(member.id) has left (staff leave): a leaver cannot be chosen as the \(role)")
        }
    }

    /// The case as `actor` may open it: the affected person and the reporter current, the
    /// school the actor's own when they are scoped to one (and given as theirs when left
    /// out), and the actor not the affected person.
    func draftForOpening(_ draft: CaseDraft, by actor: StaffMember) throws -> CaseDraft {
        var draft = draft
        try requireCurrent(draft.affected, as: "affected person")
        try requireCurrent(draft.reportedBy, as: "reporter")
        draft.affected = try canonicalStaffID(draft.affected)
        draft.reportedBy = try canonicalStaffID(draft.reportedBy)
        draft.school = try registeredSchool(draft.school)
        if let own = actor.scope.school {
            let given = draft.school.trimmingCharacters(in: .whitespaces)
            if given.isEmpty {
                draft.school = own
            } else if !StaffScope.sameSchool(own, given) {
                throw CasebookError.notPermitted("\(actor.id) acts for \(own) only, and cannot open a case for \(given)")
            }
        }
        if draft.affected.lowercased() == actor.id.lowercased() {
            throw CasebookError.notPermitted(
                "you are the affected person, so you are involved in this case: another senior manager or the safeguarding lead records it")
        }
        return draft
    }
}
