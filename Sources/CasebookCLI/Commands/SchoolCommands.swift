import Casebook
import EventLog
import Foundation

/// `school add|list|rename`: the trust's register of schools (issue 21 item 8).
enum SchoolCommands {
    static let add = Command(
        spec: CommandSpec(
            name: "school add",
            summary: "Add a school to the trust's register (trust-wide headteacher); once it holds one, every school given must be in it.",
            positionals: [PositionalSpec(name: "name", help: "The school's name as it should be written everywhere.")],
            examples: ["casebook --as head school add 'Harrowgate Fields Academy'"],
            discussion: """
                Until the register holds a school, schools are free text. Once it does, open, \
                staff add and staff school refuse a school that is not in it (any letter case is \
                accepted and the register's spelling is recorded), naming the nearest one. Add \
                every school already in use first: 'casebook school list' shows them.
                """)
    ) { invocation in
        let casebook = try invocation.casebook()
        let name = try invocation.positional(0)
        try casebook.staff.addSchool(name, by: try invocation.actor())
        return Output(text: "Added \(name) to the register.", json: ["school": .string(name)], recorded: "recorded as SchoolAdded")
    }

    static let rename = Command(
        spec: CommandSpec(
            name: "school rename",
            summary: "Rename a school of the register (trust-wide headteacher); its cases and staff follow.",
            positionals: [
                PositionalSpec(name: "old", help: "The school's name now, as the register has it (any letter case)."),
                PositionalSpec(name: "new", help: "Its new name: one no school has or had."),
            ],
            examples: ["casebook --as head school rename 'Harrowgate Fields Academy' 'Harrowgate Fields School'"],
            discussion: """
                Recorded as SchoolRenamed in the schools stream. The staff scoped to the school \
                keep their scope and the cases opened under the old name stay theirs: list, \
                show, timelines, reports and tasks give the new name, and the school's case \
                numbers carry on. The old name is then refused where a school is given, naming \
                the new one.
                """)
    ) { invocation in
        let casebook = try invocation.casebook()
        let old = try invocation.positional(0)
        let new = try invocation.positional(1)
        try casebook.staff.renameSchool(old, to: new, by: try invocation.actor())
        let register = try casebook.staff.schoolRegister()
        let renamed = register.first { StaffScope.sameSchool($0, new.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? new
        return Output(
            text: "Renamed \(old) to \(renamed): its cases and staff follow.",
            json: ["from": .string(old), "school": .string(renamed)], recorded: "recorded as SchoolRenamed")
    }

    static let list = Command(
        spec: CommandSpec(
            name: "school list", summary: "The trust's register of schools, and any school cases or staff use that is not in it.",
            examples: ["casebook --as smt.jones school list"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let register = try casebook.staff.schoolRegister()
        let staffSchools = try casebook.staff.all(as: actor).compactMap(\.scope.school)
        let used = Set((try casebook.cases.schools(by: actor)) + staffSchools)
        let unregistered = used.filter { school in !register.contains { StaffScope.sameSchool($0, school) } }.sorted()
        var lines = register.isEmpty ? ["The register is empty: schools are free text until a school is added."] : register
        if !unregistered.isEmpty, !register.isEmpty {
            lines += ["", "In use but not in the register (add them, or they cannot be given again):"] + unregistered.map { "  \($0)" }
        }
        return Output(
            text: lines.joined(separator: "\n"),
            json: ["register": .array(register.map { .string($0) }), "unregistered": .array(unregistered.map { .string($0) })])
    }
}
