import Foundation
import Testing

/// Issue 21 item 14: a cron job refreshes a calendar file with `--replace`, which replaces
/// only a calendar Casebook wrote.
@Suite("Calendar refresh (--replace)")
struct CalendarReplaceTests {
    private func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test("--replace replaces a Casebook calendar, and refuses anything else with 73, writing nothing")
    func replaceOnlyOwnCalendar() throws {
        let sandbox = try Sandbox(.openCase)
        let calendar = sandbox.path("tasks.ics")
        try sandbox.succeed(["tasks", "--format", "ics", "--out", calendar])
        #expect(try text(calendar).contains("X-WR-CALNAME:Casebook tasks for \(Staff.manager)"))
        // Without --replace, never over a file.
        #expect(try sandbox.run(["tasks", "--format", "ics", "--out", calendar], as: Staff.manager).status == 73)

        for command in [["tasks", "--for", Staff.safeguarding], ["overdue", "--for", Staff.safeguarding]] {
            let replaced = try sandbox.succeed(command + ["--format", "ics", "--out", calendar, "--replace"], as: Staff.head)
            #expect(replaced.status == 0, "\(replaced)")
        }
        #expect(try text(calendar).contains("X-WR-CALNAME:Casebook deadlines for \(Staff.safeguarding)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: calendar)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.directory.path).filter { $0.contains("casebook-tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        // Not a Casebook calendar: refused, left as it was.
        let other = sandbox.path("notes.ics")
        try Data("BEGIN:VCALENDAR\r\nPRODID:-//Someone else//EN\r\n".utf8).write(to: URL(fileURLWithPath: other))
        let link = sandbox.path("link.ics")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: calendar)
        let before = try sandbox.dump()
        for (target, message) in [
            (other, "not a file Casebook made"), (link, "symbolic link"), (sandbox.database, "the database"),
            (sandbox.path("casebook.sqlite-wal"), "write-ahead log"), (sandbox.directory.path, "is a folder"),
        ] {
            let refused = try sandbox.run(["tasks", "--format", "ics", "--out", target, "--replace"], as: Staff.manager)
            #expect(refused.status == 73, "\(target): \(refused)")
            #expect(refused.stderr.contains(message), "\(target): \(refused)")
        }
        #expect(try text(other) == "BEGIN:VCALENDAR\r\nPRODID:-//Someone else//EN\r\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == calendar)
        #expect(try sandbox.dump() == before)
        try sandbox.succeed(["verify"], as: Staff.head)

        // --replace goes with --out.
        #expect(try sandbox.run(["tasks", "--format", "ics", "--replace"], as: Staff.manager).status == 64)
        #expect(try sandbox.run(["overdue", "--replace"], as: Staff.manager).status == 64)
        // A new file still works with --replace.
        try sandbox.succeed(["overdue", "--format", "ics", "--out", sandbox.path("new.ics"), "--replace"])
    }
}
