import Casebook
import EventLog
import Foundation

/// `init` and the staff directory: `staff add`, `staff list`, `staff login`, `staff role`,
/// `staff school`, `staff leave`.
enum SetupCommands {
    static let initialize = Command(
        spec: CommandSpec(
            name: "init", summary: "Create the database (file mode 0600) and its first headteacher, mapped to your login.",
            options: [
                OptionSpec(name: "admin", valueName: "id", isRequired: true, help: "The headteacher's staff id."),
                OptionSpec(name: "name", valueName: "name", isRequired: true, help: "The headteacher's name."),
                OptionSpec(
                    name: "login", valueName: "login",
                    help: "The login the headteacher acts as (default: yours): for a server, where the service account runs init."),
                SystemLogins.notYetCreated,
                OptionSpec(
                    name: "claimed-identities",
                    help: "Trust --as as given instead of the operating-system login: for demonstrations and tests only."),
            ],
            examples: [
                "casebook --db school.sqlite init --admin head --name 'Dr Priya Okafor'",
                "casebook --db practice.sqlite init --admin head --name 'Dr Priya Okafor' --claimed-identities",
                "sudo -u casebook casebook --db /var/lib/casebook/casebook.sqlite init --admin head --name 'Dr Priya Okafor' --login p.okafor",
            ],
            discussion: """
                The headteacher is trust-wide and acts as the login that runs init, or the one --login \
                names. Every later command \
                acts as the member mapped to the login running it (staff add --login, staff login); --as \
                may be given but must name that member. With --claimed-identities, --as is trusted as \
                given, and every show and export says the identities were claimed, not verified.
                """)
    ) { invocation in
        let path = invocation.databasePath
        let admin = try invocation.value("admin")
        let claimed = invocation.arguments.flag("claimed-identities")
        if claimed, invocation.optional("login") != nil {
            throw CommandError.usage("give --login or --claimed-identities, not both: a claimed-identities database maps no logins")
        }
        if let given = invocation.optional("login") { try SystemLogins.check(given, invocation) }
        let login = try invocation.optional("login").map { try LoginName.validate($0) } ?? invocation.callerLogin
        _ = try Casebook.create(
            at: path, admin: admin, name: try invocation.value("name"), identities: claimed ? .claimed : .verified,
            adminLogin: login, clock: invocation.clock)
        let identity = claimed
            ? "Identities are claimed (--as is trusted as given): for demonstrations and tests only."
            : "\(admin) acts as the login '\(login ?? "?")'; map each member to a login with --login."
        let next: String
        if claimed {
            next = "casebook --as \(admin) staff add ID --name NAME --role ROLE"
        } else if let login, login != invocation.callerLogin {
            // A service account made it for the headteacher: adding staff is theirs to do.
            next = "the headteacher, logged in as '\(login)', adds the staff: casebook staff add ID --name NAME --role ROLE --login LOGIN"
                + " (through the Casebook service once it runs: docs/DEPLOYMENT.md, steps 4–7)"
        } else {
            next = "casebook staff add ID --name NAME --role ROLE --login LOGIN"
        }
        return Output(
            text: "Created \(path) with \(admin) as headteacher.\n\(identity)\nNext: \(next)",
            json: [
                "database": .string(path), "admin": .string(admin), "identities": .string(claimed ? "claimed" : "verified"),
                "login": claimed ? .null : JSONValue(login),
            ],
            recorded: "created the database \(path) with \(admin) as headteacher")
    }

    /// `--school S` or `--trust-wide`, or nil when neither is given.
    static func scope(_ invocation: Invocation) throws -> StaffScope? {
        let school = invocation.optional("school")
        let trustWide = invocation.arguments.flag("trust-wide")
        if school != nil && trustWide { throw CommandError.usage("give --school or --trust-wide, not both") }
        return trustWide ? .trustWide : school.map { .school($0) }
    }

    static let scopeOptions = [
        OptionSpec(name: "school", valueName: "name", help: "The school whose cases they see and act on."),
        OptionSpec(name: "trust-wide", help: "They see and act on every school's cases."),
    ]

    static let addStaff = Command(
        spec: CommandSpec(
            name: "staff add", summary: "Add a member of staff to the directory (headteacher only).",
            positionals: [PositionalSpec(name: "id", help: "Their staff id: letters, digits, '.', '_' or '-'.")],
            options: [
                OptionSpec(name: "name", valueName: "name", isRequired: true, help: "Their name."),
                OptionSpec(name: "role", valueName: "role", isRequired: true, help: "One of: \(Role.choices)."),
                OptionSpec(name: "login", valueName: "login", help: "The operating-system login that acts as them."),
                SystemLogins.notYetCreated,
                OptionSpec(name: "email", valueName: "address", help: "Where their alerts go (SPEC §11)."),
            ] + scopeOptions + [.at],
            examples: [
                "casebook staff add smt.jones --name 'Sam Jones' --role senior-manager --login sjones --school 'Harrowgate Fields Academy'"
            ],
            discussion: """
                Without --school or --trust-wide a member is trust-wide while nobody in the directory is \
                scoped to a school (a trust of one school need not think about it); once someone is, one \
                of them must be given. A headteacher scoped to a school adds members to it.
                """)
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        var scope = try Self.scope(invocation)
        if scope == nil, actor.scope != .trustWide {
            scope = actor.scope  // a headteacher scoped to one school adds to it
        } else if scope == nil {
            if try casebook.staff.hasSchoolScopedStaff() {
                throw CommandError.usage("give --school NAME or --trust-wide: the directory has staff scoped to a school")
            }
            scope = .trustWide
        }
        if let login = invocation.optional("login") { try SystemLogins.check(login, invocation) }
        let member = StaffMember(
            id: try invocation.positional(0), name: try invocation.value("name"), role: try invocation.word("role", as: Role.self),
            login: invocation.optional("login"), scope: scope ?? .trustWide, email: invocation.optional("email"))
        try casebook.staff.addStaff(member, by: actor, at: try invocation.at())
        let added = try casebook.member(member.id) ?? member
        return Output(
            text: "Added \(added.id) (\(added.name)) as \(added.role.rawValue), \(added.scope.label)"
                + (added.login.map { ", acting as the login '\($0)'" } ?? ", with no login yet") + ".",
            json: JSONOutput.staff(added), recorded: "recorded as staff member \(member.id)")
    }

    static let listStaff = Command(
        spec: CommandSpec(
            name: "staff list", summary: "List the staff directory.", examples: ["casebook staff list"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let members = try casebook.staff.all(as: try invocation.actor())
        let aliases = try casebook.staff.staffAliases()
        var table = Table(header: ["ID", "NAME", "ROLE", "SCHOOL", "LOGIN", "STATUS"] + (aliases.isEmpty ? [] : ["ALSO KNOWN AS"]))
        table.rows = members.map { member in
            [member.id, member.name, member.role.rawValue, member.scope.label, member.login ?? "—", member.hasLeft ? "left" : "current"]
                + (aliases.isEmpty ? [] : [(aliases[member.id] ?? []).joined(separator: "; ")])
        }
        return Output(
            text: table.rendered,
            json: .array(members.map { member in
                var value = JSONOutput.staff(member)
                if case .object(var fields) = value {
                    fields["aliases"] = .array((aliases[member.id] ?? []).map { .string($0) })
                    value = .object(fields)
                }
                return value
            }))
    }

    static let alias = Command(
        spec: CommandSpec(
            name: "staff alias",
            summary: "Declare another name a member of staff is known by in free text, which subject-access then searches for (headteacher only).",
            positionals: [
                PositionalSpec(name: "id", help: "Their staff id."),
                PositionalSpec(name: "alias", help: "The name as people write it: 'Mr Davies', a nickname, a former name (3 to 100 characters)."),
            ],
            options: [.at],
            examples: ["casebook staff alias g.davies 'Coach D'"],
            discussion: """
                Recorded as StaffAliasAdded in the staff stream; staff list shows the aliases. \
                subject-access ID matches the member's name, its usual forms (Mr/Ms/Dr and the \
                surname), every alias declared here and every --also TEXT.
                """)
    ) { invocation in
        let alias = try invocation.positional(1)
        try invocation.casebook().staff.addAlias(try invocation.positional(0), alias: alias, by: try invocation.actor(), at: try invocation.at())
        return try changed(invocation, "is also known as '\(alias.trimmingCharacters(in: .whitespacesAndNewlines))'")
    }

    static let login = Command(
        spec: CommandSpec(
            name: "staff login", summary: "Map a member of staff to the operating-system login that acts as them (headteacher only).",
            positionals: [
                PositionalSpec(name: "id", help: "Their staff id."),
                PositionalSpec(name: "login", help: "The login name, as 'id -un' prints it when they are logged in."),
            ],
            options: [SystemLogins.notYetCreated, .at], examples: ["casebook staff login smt.jones sjones"])
    ) { invocation in
        try SystemLogins.check(try invocation.positional(1), invocation)
        let casebook = try invocation.casebook()
        try casebook.staff.setLogin(try invocation.positional(0), login: try invocation.positional(1), by: try invocation.actor(), at: try invocation.at())
        return try changed(invocation, "now acts as the login '\(try invocation.positional(1))'")
    }

    static let role = Command(
        spec: CommandSpec(
            name: "staff role", summary: "Change a member of staff's role (headteacher only).",
            positionals: [PositionalSpec(name: "id", help: "Their staff id.")],
            options: [OptionSpec(name: "role", valueName: "role", isRequired: true, help: "One of: \(Role.choices)."), .at],
            examples: ["casebook staff role smt.jones --role safeguarding-lead"])
    ) { invocation in
        let role = try invocation.word("role", as: Role.self)
        try invocation.casebook().staff.changeRole(try invocation.positional(0), to: role, by: try invocation.actor(), at: try invocation.at())
        return try changed(invocation, "now has the \(role.rawValue) role")
    }

    static let school = Command(
        spec: CommandSpec(
            name: "staff school", summary: "Change which school's cases a member of staff sees, or make them trust-wide (headteacher only).",
            positionals: [PositionalSpec(name: "id", help: "Their staff id.")],
            options: scopeOptions + [.at],
            examples: ["casebook staff school smt.jones --school 'Harrowgate Fields Academy'", "casebook staff school dsl.khan --trust-wide"])
    ) { invocation in
        guard let scope = try Self.scope(invocation) else { throw CommandError.usage("give --school NAME or --trust-wide") }
        try invocation.casebook().staff.changeScope(try invocation.positional(0), to: scope, by: try invocation.actor(), at: try invocation.at())
        return try changed(invocation, "is now \(scope.label)")
    }

    static let leave = Command(
        spec: CommandSpec(
            name: "staff leave", summary: "Record that a member of staff has left: they can no longer act or be chosen; their history stays (headteacher only).",
            positionals: [PositionalSpec(name: "id", help: "Their staff id.")],
            options: [.at], examples: ["casebook staff leave smt.jones"])
    ) { invocation in
        try invocation.casebook().staff.leave(try invocation.positional(0), by: try invocation.actor(), at: try invocation.at())
        return try changed(invocation, "has left; their history stays")
    }

    /// "smt.jones (Sam Jones) now …", with the member as the directory now has them.
    private static func changed(_ invocation: Invocation, _ what: String) throws -> Output {
        let id = try invocation.positional(0)
        guard let member = try invocation.casebook().member(id) else { throw CasebookError.notFound("no member of staff '\(id)'") }
        return Output(text: "\(member.id) (\(member.name)) \(what).", json: JSONOutput.staff(member))
    }
}
