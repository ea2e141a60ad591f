import EventLog
import Foundation

/// Staff changes as events (SPEC §8): logins, roles, schools, leavers. Headteacher only; a
/// headteacher scoped to one school manages that school's staff only.
extension StaffWork {
    /// Maps a member to an operating-system login (`staff login ID LOGIN`). A login maps to
    /// at most one current member.
    public func setLogin(_ id: String, login: String, by actor: StaffMember, at date: Date? = nil) throws {
        let login = try LoginName.validate(login)
        try changeStaff(id, by: actor, at: date) { member in
            guard member.login != login else { throw CasebookError.invalidInput("\(member.id) already has the login '\(login)'") }
            return .loginChanged(id: member.id, login: login)
        }
    }

    /// Changes a member's role (`staff role ID --role R`).
    public func changeRole(_ id: String, to role: Role, by actor: StaffMember, at date: Date? = nil) throws {
        try changeStaff(id, by: actor, at: date) { member in
            guard member.role != role else { throw CasebookError.invalidInput("\(member.id) already has the \(role.rawValue) role") }
            return .roleChanged(id: member.id, role: role)
        }
    }

    /// Changes a member's scope (`staff school ID (--school S | --trust-wide)`).
    public func changeScope(_ id: String, to scope: StaffScope, by actor: StaffMember, at date: Date? = nil) throws {
        let scope = try core.registeredScope(try Self.checkedScope(scope))
        try changeStaff(id, by: actor, at: date) { member in
            guard member.scope != scope else { throw CasebookError.invalidInput("\(member.id) is already \(scope.label)") }
            try Self.requireWithinScope(scope, of: actor)
            return .scopeChanged(id: member.id, scope: scope)
        }
    }

    /// Declares another name a member is known by in free text (`staff alias`: `Mr Davies`,
    /// a nickname, a former name), which subject access then searches for (issue 21 item 11).
    public func addAlias(_ id: String, alias: String, by actor: StaffMember, at date: Date? = nil) throws {
        let alias = try Workflow.text(alias, "the alias")
        guard (3...100).contains(alias.count), !alias.contains("\n") else {
            throw CasebookError.invalidInput("an alias is one line of 3 to 100 characters (a shorter one would match almost any text)")
        }
        try changeStaff(id, by: actor, at: date) { member in
            let known = try core.staff.staffAliases()[member.id] ?? []
            guard alias.lowercased() != member.name.lowercased(), !known.contains(where: { $0.lowercased() == alias.lowercased() }) else {
                throw CasebookError.invalidInput("\(member.id) is already known as '\(alias)'")
            }
            return .aliasAdded(id: member.id, alias: alias)
        }
    }

    /// The other names members are known by (`staff alias`), by id.
    public func staffAliases() throws -> [String: [String]] {
        try Casebook.translatingErrors {
            var aliases: [String: [String]] = [:]
            for stored in try core.store.events(in: StaffEvent.stream) where stored.type == StaffEvent.Kind.aliasAdded.rawValue {
                if case .aliasAdded(let id, let alias) = try StaffEvent(stored: stored) { aliases[id, default: []].append(alias) }
            }
            return aliases
        }
    }

    /// Records that a member has left (`staff leave ID`): they can no longer act or be chosen;
    /// their history stays.
    public func leave(_ id: String, by actor: StaffMember, at date: Date? = nil) throws {
        try changeStaff(id, by: actor, at: date) { member in
            guard member.id.lowercased() != actor.id.lowercased() else {
                throw CasebookError.invalidInput("you cannot record your own leaving; ask another headteacher")
            }
            return .left(id: member.id)
        }
    }

    /// Whether any current member is scoped to one school: then `staff add` needs `--school`
    /// or `--trust-wide` (a trust of one school need not think about scope).
    public func hasSchoolScopedStaff() throws -> Bool {
        try StaffRows.hasSchoolScopedMembers(in: core.store)
    }

    /// The member `addStaff` will add, checked: the login free, the scope within the actor's.
    func checkedNewMember(_ member: StaffMember, name: String, by actor: StaffMember) throws -> StaffMember {
        let scope = try core.registeredScope(try Self.checkedScope(member.scope))
        try Self.requireWithinScope(scope, of: actor)
        let login = try member.login.map { try LoginName.validate($0, field: .option("login")) }
        if let login, let holder = try core.member(login: login) {
            throw CasebookError.invalidInput("the login '\(login)' already acts as \(holder.id): a login maps to one current member")
        }
        return StaffMember(id: member.id, name: name, role: member.role, login: login, scope: scope)
    }

    /// Appends one change to an existing, current member, decided under the write lock so
    /// two changes cannot both pass the checks.
    private func changeStaff(
        _ id: String, by actor: StaffMember, at date: Date?, _ decide: (StaffMember) throws -> StaffEvent
    ) throws {
        try actor.require(.manageStaff)
        _ = try StaffID.validate(id)
        let occurred = date ?? core.now
        try Workflow.checkNotFuture(occurred, now: core.now, field: .option("at"))
        let occurredText = Timestamp.string(from: occurred)
        try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                let member = try passage.authorise { try authorisedChange(of: id, by: actor) }
                let event = try decide(member)
                if case .loginChanged(_, let login) = event, let holder = try core.member(login: login) {
                    throw CasebookError.invalidInput(
                        "the login '\(login)' already acts as \(holder.id): a login maps to one current member")
                }
                try passage.append(
                    [NewEvent(type: event.typeName, occurredAt: occurredText, actor: actor.id, payload: event.payload.serializedBytes())],
                    to: StaffEvent.stream, expectedVersion: try core.store.version(of: StaffEvent.stream))
                try Projection.write(event, at: occurredText, to: passage)
                let heads = try StaffRows.trustHeadteacherCount(in: passage)
                guard heads > 0 else {
                    throw CasebookError.invalidInput(
                        "\(member.id) is the last trust-wide headteacher: add another before changing their role, school or leaving")
                }
            }
        }
    }

    /// The member to change, read now: current, and within the actor's scope.
    private func authorisedChange(of id: String, by actor: StaffMember) throws -> StaffMember {
        guard let member = try core.member(id) else {
            throw CasebookError.notFound("no member of staff '\(id)'; see '\(command: .listStaff)'")
        }
        guard !member.hasLeft else { throw CasebookError.invalidInput("\(member.id) has left (staff leave); nothing can change") }
        guard actor.scope.school.map({ member.scope.includes(school: $0) && member.scope != .trustWide }) ?? true else {
            throw CasebookError.notPermitted(
                "\(actor.id) manages the staff of \(actor.scope.label) only; \(member.id) is \(member.scope.label)")
        }
        return member
    }

    /// A school name trimmed and checked; trust-wide as it is.
    static func checkedScope(_ scope: StaffScope) throws -> StaffScope {
        guard let school = scope.school else { return .trustWide }
        return .school(try Workflow.text(school, .option("school")))
    }

    /// A school-scoped actor may give only their own school.
    static func requireWithinScope(_ scope: StaffScope, of actor: StaffMember) throws {
        guard let own = actor.scope.school else { return }
        guard let school = scope.school, StaffScope.sameSchool(own, school) else {
            throw CasebookError.notPermitted("\(actor.id) manages the staff of \(own) only; they cannot make someone \(scope.label)")
        }
    }
}
