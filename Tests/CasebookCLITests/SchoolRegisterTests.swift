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
}
