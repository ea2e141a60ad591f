import Casebook
import EventLog
import Foundation

/// `init`, `staff add`, `staff list`.
enum SetupCommands {
    static let initialize = Command(
        spec: CommandSpec(
            name: "init", summary: "Create the database (file mode 0600) and its first headteacher.",
            options: [
                OptionSpec(name: "admin", valueName: "id", isRequired: true, help: "The headteacher's staff id."),
                OptionSpec(name: "name", valueName: "name", isRequired: true, help: "The headteacher's name."),
            ],
            examples: ["casebook --db school.sqlite init --admin head --name 'Dr Priya Okafor'"])
    ) { invocation in
        let path = invocation.databasePath
        let admin = invocation.value("admin")
        _ = try Casebook.create(at: path, admin: admin, name: invocation.value("name"), clock: invocation.clock)
        return Output(
            text: "Created \(path) with \(admin) as headteacher.\nNext: casebook --as \(admin) staff add ID --name NAME --role ROLE",
            json: ["database": .string(path), "admin": .string(admin)],
            recorded: "created the database \(path) with \(admin) as headteacher")
    }

    static let addStaff = Command(
        spec: CommandSpec(
            name: "staff add", summary: "Add a member of staff to the directory (headteacher only).",
            positionals: [PositionalSpec(name: "id", help: "Their staff id: letters, digits, '.', '_' or '-'.")],
            options: [
                OptionSpec(name: "name", valueName: "name", isRequired: true, help: "Their name."),
                OptionSpec(name: "role", valueName: "role", isRequired: true, help: "One of: \(Role.choices)."),
                .at,
            ],
            examples: ["casebook --as head staff add smt.jones --name 'Sam Jones' --role senior-manager"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let member = StaffMember(
            id: invocation.positional(0), name: invocation.value("name"), role: try invocation.word("role", as: Role.self))
        try casebook.addStaff(member, by: actor, at: try invocation.at())
        return Output(
            text: "Added \(member.id) (\(member.name)) as \(member.role.rawValue).", json: JSONOutput.staff(member),
            recorded: "recorded as staff member \(member.id)")
    }

    static let listStaff = Command(
        spec: CommandSpec(
            name: "staff list", summary: "List the staff directory.", examples: ["casebook --as head staff list"])
    ) { invocation in
        let members = try invocation.casebook().staff(as: try invocation.actor())
        var table = Table(header: ["ID", "NAME", "ROLE"])
        table.rows = members.map { [$0.id, $0.name, $0.role.rawValue] }
        return Output(text: table.rendered, json: .array(members.map(JSONOutput.staff)))
    }
}
