import Foundation
import Testing

/// Issue 21 item 11: `staff alias ID TEXT`, which subject access then searches free text for.
@Suite("Staff aliases")
struct StaffAliasTests {
    /// The `named-in-text` entries mentioning Coach K of a subject-access export written to `name`.
    private func namedInText(_ sandbox: Sandbox, _ name: String) throws -> [[String: Any]] {
        try sandbox.succeed(["subject-access", Staff.other, "--out", name, "--received", When.at(5)], as: Staff.head)
        let export = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path(name)))) as? [String: Any])
        return export.objects("entries").filter {
            ($0.array("roles") as? [String])?.contains("named-in-text") == true && "\($0)".contains("Coach K")
        }
    }

    @Test("A mention by alias only is found after staff alias, and not before; refusals write nothing")
    func aliasIsSearched() throws {
        let sandbox = try Sandbox(.openCase)
        try sandbox.succeed(["investigate", "note", sandbox.reference, "Coach K sent the first message from the gym.", "--at", When.at(3)])
        #expect(try namedInText(sandbox, "before.json").isEmpty)

        let before = try sandbox.dump()
        for (arguments, actor, status) in [
            (["staff", "alias", Staff.other, "Coach K"], Staff.manager, Int32(77)),
            (["staff", "alias", "no.one", "Coach K"], Staff.head, 66),
            (["staff", "alias", Staff.other, "K"], Staff.head, 65),
            (["staff", "alias", Staff.other, "Coach\u{07}K"], Staff.head, 65),
        ] {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == status, "\(arguments): \(result)")
        }
        #expect(try sandbox.dump() == before)

        let added = try sandbox.succeed(["staff", "alias", Staff.other, "Coach K", "--at", When.at(4)], as: Staff.head)
        #expect(added.stdout.contains("is also known as 'Coach K'"), "\(added)")
        #expect(try sandbox.run(["staff", "alias", Staff.other, "coach k"], as: Staff.head).status == 65)
        #expect(try sandbox.events().last?.type == "StaffAliasAdded")
        let found = try namedInText(sandbox, "after.json")
        #expect(found.contains { $0.string("type") == "InvestigationNoteAdded" }, "\(found)")

        let listed = try sandbox.succeed(["staff", "list"]).stdout
        #expect(listed.contains("ALSO KNOWN AS") && listed.contains("Coach K"), "\(listed)")
        let json = try sandbox.succeed(["staff", "list"], json: true).stdout
        #expect(json.contains("\"aliases\"") && json.contains("Coach K"), "\(json)")
        try sandbox.succeed(["verify"], as: Staff.head)
        try sandbox.succeed(["rebuild"], as: Staff.head)
    }
}
