import Foundation
import Testing

/// What a user types is checked before anything is stored, with the real binary: URLs are
/// read for their host as a browser reads them, control characters are refused in every
/// text field and file name, staff ids are unique whatever their case, an empty category
/// is refused, and a local time that happens twice or never is refused with the reason.
/// Each refusal exits 65 and leaves the database byte-identical. Values read back from the
/// database are printed with their control characters escaped.
@Suite struct InputHygieneTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: @Sendable (_ reference: String) -> [String]
        var actor: String = Staff.manager
        /// A distinctive part of the message on stderr.
        let message: String
        var testDescription: String { name }
    }

    /// A file whose name holds ESC, made in every sandbox.
    static let escapeFileName = "shot\u{1B}[2J.png"

    static let rows: [Row] = [
        // URLs.
        Row(name: "port 99999",
            arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "https://chirp.example:99999/p"] },
            message: "the URL 'https://chirp.example:99999/p' has the port 99999, which is out of range: ports run from 1 to 65535"),
        Row(name: "an invalid IPv6 literal",
            arguments: { ["evidence", "add", $0, "--kind", "web", "--url", "http://[zz::1]/p"] },
            message: "'[zz::1]' is not a valid IPv6 address"),
        Row(name: "a user name and password",
            arguments: { ["evidence", "add", $0, "--kind", "social", "--url", "https://user:pass@chirp.example/p"] },
            message: "has a user name or password before its host (user:pass@…); give the address without it"),
        Row(name: "a host that is not one",
            arguments: { ["takedown", "request", $0, "--evidence", "E2", "--method", "form", "--host", "evil.example/x"] },
            message: "the host 'evil.example/x': the host 'evil.example/x' contains '/', which no host may hold"),
        // Control characters, in single-line and multi-line fields and a file name.
        Row(name: "ESC in --platform",
            arguments: { ["evidence", "add", $0, "--kind", "other", "--platform", "Chirp\u{1B}[31m", "--description", "d"] },
            message: "the platform contains the control character U+001B (ESC) at character 6; it must be one line of text"),
        Row(name: "a line feed in --platform",
            arguments: { ["evidence", "add", $0, "--kind", "other", "--platform", "Chirp\nE9 captured OK", "--description", "d"] },
            message: "the platform contains the control character U+000A (LF) at character 6"),
        Row(name: "CR in --description",
            arguments: { ["evidence", "add", $0, "--kind", "other", "--description", "fine\rE9 captured OK"] },
            message: "the description contains the control character U+000D (CR) at character 5; only line feeds and tabs are allowed"),
        Row(name: "DEL in a staff name",
            arguments: { _ in ["staff", "add", "new.person", "--name", "Ann\u{7F}e", "--role", "staff"] }, actor: Staff.head,
            message: "--name contains the control character U+007F (DEL) at character 4"),
        Row(name: "C1 CSI in --school",
            arguments: { _ in ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "S", "--school", "Hill\u{9B}2J"] },
            message: "the school contains the control character U+009B (CSI) at character 5"),
        Row(name: "BEL in a note",
            arguments: { ["investigate", "note", $0, "ding\u{7}"] },
            message: "note contains the control character U+0007 (BEL) at character 5"),
        Row(name: "ESC in a file name",
            arguments: { ["evidence", "add", $0, "--kind", "other", "--file", escapeFileName] },
            message: "the file name 'shot\\u{1B}[2J.png' contains the control character U+001B (ESC)"),
        // Staff ids.
        Row(name: "a staff id differing only in case",
            arguments: { _ in ["staff", "add", "SMT.Jones", "--name", "Someone Else", "--role", "headteacher"] }, actor: Staff.head,
            message: "a member of staff 'smt.jones' already exists: staff ids are unique whatever their case, so 'SMT.Jones' cannot be added"),
        // Categories.
        Row(name: "an empty --category",
            arguments: { _ in ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "S", "--category", ""] },
            message: "--category '' has an empty category: use one of"),
        Row(name: "an empty item in --category",
            arguments: { _ in ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "S", "--category", "harassment,"] },
            message: "--category 'harassment,' has an empty category"),
        // Local times.
        Row(name: "a time that happens twice",
            arguments: { _ in ["staff", "add", "new.person", "--name", "Ann", "--role", "staff", "--at", "2026-10-25 01:30"] },
            actor: Staff.head,
            message: "--at '2026-10-25 01:30' happens twice in Europe/London: the clocks go back on 25 October 2026, so the clock reads 01:30 first in BST and again in GMT (01:30 BST and 01:30 GMT); give the offset to say which: 2026-10-25T01:30:00+01:00 for BST, or 2026-10-25T01:30:00+00:00 for GMT"),
        Row(name: "a time that never happens",
            arguments: { _ in ["staff", "add", "new.person", "--name", "Ann", "--role", "staff", "--at", "2026-03-29 01:30"] },
            actor: Staff.head,
            message: "--at '2026-03-29 01:30' never happens in Europe/London: the clocks go forward at 01:00 GMT (to 02:00 BST), so 01:30 does not exist on 29 March 2026"),
    ]

    @Test(arguments: rows)
    func badInputExitsSixtyFiveAndChangesNothing(_ row: Row) throws {
        let sandbox = try Sandbox(.openCase)
        try Data("not really a png".utf8).write(to: URL(fileURLWithPath: sandbox.path(Self.escapeFileName)))
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.database))
        let dump = try sandbox.dump()
        let result = try sandbox.run(row.arguments(sandbox.reference), as: row.actor)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("error: "), "\(result)")
        #expect(result.stderr.contains(row.message), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(try sandbox.dump() == dump, "the database changed")
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.database)) == before, "the database file changed")
    }

    @Test func theHostIsTheOneABrowserVisits() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let added = try sandbox.succeed(
            ["evidence", "add", r, "--kind", "social", "--url", "https://Chirp.Example\\@evil.example/p/1", "--at", When.at(3)])
        #expect(added.stdout.hasPrefix("E3 captured on \(r): social https://Chirp.Example\\@evil.example/p/1"), "\(added)")
        let items = try sandbox.succeed(["evidence", "list", r], json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(items.last?.string("host") == "chirp.example")
        let requested = try sandbox.succeed(["takedown", "request", r, "--evidence", "E3", "--method", "form", "--at", When.at(3)])
        #expect(requested.stdout.hasPrefix("T2 requested from chirp.example for E3"), "\(requested)")
        // A host given on its own is read the same way.
        let named = try sandbox.succeed(
            ["takedown", "request", r, "--evidence", "E2", "--method", "email", "--host", "Forum.Parents.EXAMPLE", "--at", When.at(3)])
        #expect(named.stdout.hasPrefix("T3 requested from forum.parents.example for E2"), "\(named)")
    }

    @Test func aTimeThatHappensTwiceIsTakenWithAnOffset() throws {
        let sandbox = try Sandbox(.staff)
        try sandbox.succeed(["staff", "add", "gmt.person", "--name", "G", "--role", "staff", "--at", "2026-10-25T01:30:00+00:00"], as: Staff.head)
        try sandbox.succeed(["staff", "add", "bst.person", "--name", "B", "--role", "staff", "--at", "2026-10-25T01:30:00+01:00"], as: Staff.head)
        let times = try SQLiteFile(sandbox.database).rows(
            "SELECT json_extract(payload, '$.id'), occurred_at FROM events WHERE stream = 'staff' AND version > 7 ORDER BY version")
        #expect(times.map { $0.map { String($0.dropFirst(5)) } } == [
            ["gmt.person", "2026-10-25T01:30:00.000Z"], ["bst.person", "2026-10-25T00:30:00.000Z"],
        ])
    }

    /// A database edited by hand can hold anything; what Casebook prints from it cannot move
    /// the cursor or fake a line on the terminal.
    @Test func valuesFromTheDatabaseArePrintedEscaped() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let file = try SQLiteFile(sandbox.database)
        let hostile = "Kit\u{1B}[2J\rE9 captured OK\nE10 captured OK\u{9B}"
        let quoted = "'" + hostile.replacingOccurrences(of: "'", with: "''") + "'"
        try file.execute("UPDATE staff SET name = \(quoted) WHERE id = '\(Staff.other)'")
        try file.execute("UPDATE cases SET school = \(quoted) WHERE reference = '\(r)'")
        // The case's summary lives in its opening event: drop the triggers to rewrite it.
        let triggers = try file.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'").map { String($0[0].dropFirst(5)) }
        for trigger in triggers { try file.execute("DROP TRIGGER \(trigger)") }
        try file.execute(
            "UPDATE events SET payload = json_set(payload, '$.summary', \(quoted)) WHERE stream = 'case/\(r)' AND version = 1")
        let escaped = "Kit\\u{1B}[2J\\u{D}E9 captured OK\\u{A}E10 captured OK\\u{9B}"
        for arguments in [["staff", "list"], ["list"], ["show", r], ["timeline", r]] {
            let actor = arguments[0] == "staff" ? Staff.head : arguments[0] == "timeline" ? Staff.safeguarding : Staff.manager
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == 0, "\(arguments): \(result)")
            let bytes = [UInt8](result.output)
            #expect(!bytes.contains(0x1B) && !bytes.contains(0x0D), "\(arguments): raw ESC or CR printed")
            #expect(!result.stdout.unicodeScalars.contains("\u{9B}"), "\(arguments): raw CSI printed")
            #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("E10 captured OK") }, "\(arguments): a faked line")
            if arguments[0] != "timeline" {
                #expect(result.stdout.contains(escaped), "\(arguments): \(result.stdout)")
            }
        }
    }
}
