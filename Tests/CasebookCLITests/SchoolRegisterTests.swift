import Foundation
import Testing

/// Issue 21 item 8: a school register, so a typo no longer makes a new school.
@Suite("The school register")
struct SchoolRegisterTests {
    @Test("Once the register holds a school, an unknown one is refused with the nearest named, and nothing is written")
    func unknownSchoolsAreRefused() throws {
        let sandbox = try Sandbox(.openCase)
        // Empty register: free text, as before.
        #expect(try sandbox.succeed(["school", "list"]).stdout.contains("The register is empty"))
        for name in ["Harrowgate Fields Academy", "Northfield Primary"] {
            try sandbox.succeed(["school", "add", name], as: Staff.head)
        }
        let twice = try sandbox.run(["school", "add", "northfield primary"], as: Staff.head)
        #expect(twice.status == 65, "\(twice)")
        #expect(try sandbox.run(["school", "add", "Another"], as: Staff.manager).status == 77)

        let before = try sandbox.dump()
        let typo = try sandbox.run(
            ["staff", "add", "n.new", "--name", "Nia New", "--role", "staff", "--school", "Harrowgate Field Academy"], as: Staff.head)
        #expect(typo.status == 65, "\(typo)")
        #expect(typo.stderr.contains("did you mean 'Harrowgate Fields Academy'?"), "\(typo)")
        let opened = try sandbox.run([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "x", "--school", "Harowgate Fields Academy",
        ], as: Staff.manager)
        #expect(opened.status == 65, "\(opened)")
        #expect(try sandbox.dump() == before)

        // Any letter case is accepted; the register's spelling is recorded.
        let json = try sandbox.succeed([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "x", "--school", "northfield primary",
        ], json: true).jsonObject()
        #expect(json.object("case")?.string("school") == "Northfield Primary", "\(json)")
        let listed = try sandbox.succeed(["school", "list"]).stdout
        #expect(listed.contains("Harrowgate Fields Academy") && listed.contains("Northfield Primary"), "\(listed)")
        try sandbox.succeed(["verify"], as: Staff.head)
    }

    @Test("school rename: refusals write nothing; after it, the old name's cases and staff follow, numbering carries on, verify and rebuild agree")
    func renameFollowsEverywhere() throws {
        let sandbox = try Sandbox(.openCase)
        let old = "Harrowgate Fields Academy", new = "Harrowgate Fields School"
        for name in [old, "Northfield Primary"] { try sandbox.succeed(["school", "add", name], as: Staff.head) }
        try sandbox.succeed(
            ["staff", "add", "s.scoped", "--name", "Sam Scoped", "--role", "senior-manager", "--school", old, "--at", When.at(-2)],
            as: Staff.head)
        let northfield = try sandbox.succeed([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "x", "--school", "Northfield Primary",
            "--at", When.at(1),
        ], json: true).jsonObject().object("case")?.string("reference")

        // Refusals: nothing written.
        let before = try sandbox.dump()
        let refusals: [([String], String, Int32, String)] = [
            (["school", "rename", "Harowgate Fields Academy", new], Staff.head, 65, "did you mean '\(old)'?"),
            (["school", "rename", "Nowhere", new], Staff.head, 65, "no school 'Nowhere'"),
            (["school", "rename", old, "northfield PRIMARY"], Staff.head, 65, "'Northfield Primary' is already in the register"),
            (["school", "rename", old, "  "], Staff.head, 65, "empty"),
            (["school", "rename", old, "Bad\u{07}Name"], Staff.head, 65, "control character"),
            (["school", "rename", old, new], Staff.manager, 77, "may not add staff"),
            (["school", "rename", old, new], "s.scoped", 77, "may not add staff"),
        ]
        for (arguments, actor, status, message) in refusals {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == status, "\(arguments): \(result)")
            #expect(result.stderr.contains(message), "\(arguments): \(result)")
        }
        #expect(try sandbox.dump() == before)

        let renamed = try sandbox.succeed(["school", "rename", "harrowgate fields academy", new], as: Staff.head, json: true).jsonObject()
        #expect(renamed.string("school") == new, "\(renamed)")
        #expect(try sandbox.events().last?.type == "SchoolRenamed")
        let register = try sandbox.succeed(["school", "list"]).stdout
        #expect(register.contains(new) && !register.contains(old) && !register.contains("In use but not"), "\(register)")

        // The member scoped to the old name keeps the school's cases, shown by the new name.
        let shown = try sandbox.succeed(["show", sandbox.reference], as: "s.scoped").stdout
        #expect(shown.contains("School:      \(new)"), "\(shown)")
        let staff = try sandbox.succeed(["staff", "list"], json: true).stdout
        #expect(staff.contains(new) && !staff.contains(old), "\(staff)")
        let listed = try sandbox.succeed(["list"], as: "s.scoped", json: true).stdout
        #expect(listed.contains(sandbox.reference) && listed.contains(new) && !listed.contains(old), "\(listed)")
        #expect(northfield.map { !listed.contains($0) } ?? false, "\(listed)")
        for school in [new, old] {
            let filtered = try sandbox.succeed(["list", "--school", school], json: true).stdout
            #expect(filtered.contains(sandbox.reference), "\(school): \(filtered)")
        }
        let timeline = try sandbox.succeed(["timeline", sandbox.reference], as: "s.scoped").stdout
        #expect(timeline.contains(new), "\(timeline)")

        // The old name is refused where a school is given, naming the new one.
        let stale = try sandbox.run([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "x", "--school", old,
        ], as: Staff.manager)
        #expect(stale.status == 65 && stale.stderr.contains("did you mean '\(new)'?"), "\(stale)")
        #expect(try sandbox.run(["school", "add", old], as: Staff.head).status == 65)

        // Numbering carries on in the school's block: no restart, no collision.
        let next = try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "y", "--at", When.at(2)],
            as: "s.scoped", json: true
        ).jsonObject().object("case")
        #expect(next?.string("school") == new, "\(String(describing: next))")
        #expect(next?.string("reference") == "CB-\(When.year)-0002", "\(String(describing: next))")
        try sandbox.succeed(["verify"], as: Staff.head)
        let rowsBefore = try sandbox.succeed(["list"], json: true).stdout
        try sandbox.succeed(["rebuild"], as: Staff.head)
        #expect(try sandbox.succeed(["list"], json: true).stdout == rowsBefore)

        // Renamed back: the first name is its own again.
        try sandbox.succeed(["school", "rename", new, old], as: Staff.head)
        #expect(try sandbox.succeed(["show", sandbox.reference], as: "s.scoped").stdout.contains("School:      \(old)"))
        try sandbox.succeed(["verify"], as: Staff.head)
    }
}
