import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SPEC §8 through the real binary: who is acting comes from the operating system, scope and
/// conflicts of interest hide cases, staff changes are events, and every read is recorded.
@Suite struct IdentityTests {
    /// The bytes of a database and its write-ahead log, if any.
    static func bytes(_ database: String) -> [Data?] {
        ["", "-wal"].map { FileManager.default.contents(atPath: database + $0) }
    }

    // MARK: Identity from the operating system (run as real accounts)

    @Test func aMappedLoginActsAsItsMemberAndOthersAreRefusedLeavingTheDatabaseAlone() throws {
        guard let accounts = try OSUsers.make(3, for: "aMappedLoginActsAsItsMember") else { return }
        let (head, manager, stranger) = (accounts.users[0], accounts.users[1], accounts.users[2])
        let folder = try accounts.folder(for: head)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("casebook.sqlite").path
        func run(_ arguments: [String], as user: OSUsers.User, environment: [String: String] = [:]) throws -> CLIResult {
            try accounts.run(["--db", database] + arguments, as: user, in: folder, environment: environment)
        }

        // init maps the first headteacher to the login that ran it; no --as is needed after.
        let created = try run(["init", "--admin", "head", "--name", "Hannah Head"], as: head)
        try #require(created.status == 0, "\(created)")
        #expect(created.stdout.contains("head acts as the login '\(head.name)'"))
        let added = try run(
            ["staff", "add", "smt.jones", "--name", "Sam Jones", "--role", "senior-manager", "--login", manager.name], as: head)
        #expect(added.status == 0, "\(added)")
        #expect(try run(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff"], as: head).status == 0)
        // Direct use is for a database one login can open; here the test shares the file so
        // that several accounts can try it (server mode is how a trust shares one).
        chmod(folder.path, 0o777)
        chmod(database, 0o666)

        // A mapped login acts as its member, with or without --as naming it.
        let opened = try run(
            ["open", "--affected", "t.pennington", "--reported-by", "t.pennington", "--summary", "Abusive post"], as: manager)
        try #require(opened.status == 0, "\(opened)")
        let reference = "CB-\(Calendar.utcForTests.component(.year, from: Date()))-0001"
        #expect(try run(["--as", "smt.jones", "show", reference], as: manager).status == 0)
        #expect(try run(["show", reference], as: manager, environment: ["CASEBOOK_USER": "smt.jones"]).status == 0)
        let actors = try SQLiteFile(database).rows("SELECT actor FROM events WHERE stream = 'case/\(reference)'")
        #expect(actors == [["text:smt.jones"]])

        // A mismatched --as, an unmapped login: 77, naming the login and its member, nothing written.
        let before = Self.bytes(database)
        let claimed = try run(["--as", "head", "staff", "add", "x.new", "--name", "X", "--role", "hr"], as: manager)
        #expect(claimed.status == 77, "\(claimed)")
        #expect(claimed.stderr == """
            error: the login '\(manager.name)' acts as smt.jones, but --as (or CASEBOOK_USER) names 'head'
            hint: leave --as out, or give --as smt.jones

            """)
        // With --json the library's own hint is data too, for the browser to word.
        let claimedJSON = try run(["--json", "--as", "head", "staff", "add", "x.new", "--name", "X", "--role", "hr"], as: manager)
        let claimedError = try #require(try claimedJSON.jsonObject().object("error"))
        #expect(claimedError.objects("hintParts").compactMap { $0.string("option") } == ["as", "as"], "\(claimedError)")
        #expect(claimedError.objects("parts").contains { $0.string("option") == "as" })
        let fromEnvironment = try run(["list"], as: manager, environment: ["CASEBOOK_USER": "head"])
        #expect(fromEnvironment.status == 77, "\(fromEnvironment)")
        for arguments in [["list"], ["--as", "head", "show", reference], ["--as", "head", "staff", "login", "head", stranger.name]] {
            let refused = try run(arguments, as: stranger)
            #expect(refused.status == 77, "\(refused)")
            #expect(refused.stderr == """
                error: the login '\(stranger.name)' is not mapped to a current member of staff
                hint: ask the headteacher to run 'casebook staff login ID LOGIN'

                """)
        }
        #expect(Self.bytes(database) == before, "a refused identity leaves the database byte-identical")

        // The headteacher maps the stranger; a leaver's login acts as nobody.
        #expect(try run(["staff", "add", "dsl.khan", "--name", "Imran Khan", "--role", "safeguarding-lead", "--login", stranger.name], as: head).status == 0)
        #expect(try run(["timeline", reference], as: stranger).status == 0)
        #expect(try run(["staff", "leave", "dsl.khan"], as: head).status == 0)
        let left = try run(["list"], as: stranger)
        #expect(left.status == 77, "\(left)")
        #expect(left.stderr.contains("is not mapped to a current member of staff"))
        // The audit trail knows who looked, by the member their login maps to.
        let audit = try run(["--json", "audit", "--case", reference], as: head).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(audit.map { $0.string("actor") } == ["smt.jones", "smt.jones", "dsl.khan"])
    }

    // MARK: Scope

    /// For the same reference, before the case exists and once it exists in another school,
    /// a school-scoped senior manager gets the same bytes on stderr and the same exit code.
    @Test func anotherSchoolsCaseIsAnsweredExactlyAsACaseThatDoesNotExist() throws {
        let sandbox = try Sandbox(.staff)
        try sandbox.succeed(
            ["staff", "add", "smt.dale", "--name", "Dot Dale", "--role", "senior-manager", "--school", "Dale High"], as: Staff.head)
        try sandbox.succeed(
            ["staff", "add", "dsl.dale", "--name", "Dan Dale", "--role", "safeguarding-lead", "--school", "Dale High"], as: Staff.head)
        let r = sandbox.reference
        let probes: [(arguments: [String], actor: String)] = [
            (["show", r], "smt.dale"), (["evidence", "list", r], "smt.dale"), (["timeline", r], "dsl.dale"),
            (["evidence", "get", r, "E1", "--out", sandbox.path("out")], "smt.dale"),
            (["investigate", "start", r], "smt.dale"), (["investigate", "note", r, "text"], "smt.dale"),
            (["audit", "--case", r], "dsl.dale"), (["restrict", r, "--exclude", Staff.other, "--reason", "x"], "dsl.dale"),
        ]
        let absent = try probes.map { try sandbox.run($0.arguments, as: $0.actor) }
        try sandbox.succeed([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Post", "--school",
            "Harrowgate Fields Academy", "--at", When.at(0),
        ])
        try sandbox.succeed(["evidence", "add", r, "--kind", "web", "--url", "https://x.example/1", "--at", When.at(1)])
        let before = try sandbox.dump()
        for (probe, answer) in zip(probes, absent) {
            let result = try sandbox.run(probe.arguments, as: probe.actor)
            #expect(result.status == answer.status, "\(probe.arguments): \(result)")
            #expect(result.stderr == answer.stderr, "\(probe.arguments)")
            #expect(result.stdout == answer.stdout)
            #expect([66, 77].contains(result.status))
        }
        #expect(try sandbox.dump() == before)
        // Their list and overdue leave it out; a trust-wide member sees it.
        #expect(try sandbox.succeed(["list"], as: "smt.dale").stdout == "No cases.\n")
        #expect(try sandbox.succeed(["overdue", "--as-of", When.at(300)], as: "smt.dale").stdout.hasPrefix("Nothing is overdue"))
        #expect(try sandbox.succeed(["list"], as: Staff.manager).stdout.contains(r))
        // A member of the case's school, however they write its name, sees it.
        try sandbox.succeed(
            ["staff", "school", "smt.dale", "--school", "HARROWGATE fields academy"], as: Staff.head)
        #expect(try sandbox.succeed(["list"], as: "smt.dale").stdout.contains(r))
    }

    // MARK: Conflicts of interest

    @Test func theAffectedPersonAndAnAccusedStaffSourceCannotShowTheirCase() throws {
        let sandbox = try Sandbox(.staff)
        for (id, name) in [("smt.aff", "Alex Affected"), ("smt.src", "Sid Source"), ("smt.line", "Lee Line")] {
            try sandbox.succeed(["staff", "add", id, "--name", name, "--role", "senior-manager"], as: Staff.head)
        }
        let r = sandbox.reference
        try sandbox.succeed([
            "open", "--affected", "smt.aff", "--reported-by", "smt.aff", "--summary", "Post about a colleague", "--at", When.at(0),
        ])
        try sandbox.succeed(["evidence", "add", r, "--kind", "email", "--description", "The email", "--at", When.at(1)])
        try sandbox.succeed(["investigate", "start", r, "--at", When.at(2)])
        try sandbox.succeed(["investigate", "source", r, "--kind", "staff", "--ref", "smt.src", "--at", When.at(3)])
        let before = try sandbox.dump()
        for actor in ["smt.aff", "smt.src"] {
            for arguments in [["show", r], ["timeline", r], ["investigate", "note", r, "x"]] {
                let refused = try sandbox.run(arguments, as: actor)
                #expect(refused.status == 77, "\(refused)")
                #expect(refused.stderr.hasPrefix("error: you are involved in this case (\(r)), so you may not see or act on it\n"))
            }
            #expect(try sandbox.succeed(["list"], as: actor).stdout == "No cases.\n")
        }
        #expect(try sandbox.dump() == before, "refusals write nothing, not even an audit entry")

        // restrict: recorded, shown in the timeline, undone.
        let denied = try sandbox.run(["restrict", r, "--exclude", "smt.line", "--reason", "x"], as: Staff.manager)
        #expect(denied.status == 77, "\(denied)")
        #expect(try sandbox.run(["restrict", r, "--exclude", "smt.line"], as: Staff.safeguarding).status == 64)
        let excluded = try sandbox.succeed(
            ["restrict", r, "--exclude", "smt.line", "--reason", "Line manager of the source", "--at", When.at(4)], as: Staff.safeguarding)
        #expect(excluded.stdout == "smt.line (Lee Line) is excluded from \(r): they may no longer see or act on it.\n")
        let show = try sandbox.run(["show", r], as: "smt.line")
        #expect(show.status == 77)
        #expect(show.stderr.hasPrefix("error: you are excluded from this case (\(r))"))
        let timeline = try sandbox.succeed(["timeline", r], as: Staff.safeguarding).stdout
        #expect(timeline.contains("Lee Line (smt.line) excluded from the case"))
        #expect(timeline.contains("Reason: Line manager of the source"))
        try sandbox.succeed(["restrict", r, "--include", "smt.line", "--at", When.at(5)], as: Staff.head)
        #expect(try sandbox.run(["show", r], as: "smt.line").status == 0)
        #expect(try sandbox.run(["verify"], as: Staff.safeguarding).status == 0)
    }

    // MARK: Who looked

    @Test func everyContentReadAppearsInTheAudit() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["show", r])
        try sandbox.succeed(["evidence", "list", r], as: Staff.safeguarding)
        try sandbox.succeed(["evidence", "get", r, "E1", "--out", sandbox.path("files")])
        try sandbox.succeed(["timeline", r, "--format", "md"], as: Staff.safeguarding)
        try sandbox.succeed(["outcomes"], as: Staff.hr)
        try sandbox.succeed(["backup", "--out", sandbox.path("copy.sqlite")], as: Staff.head)
        // A refused read is not recorded.
        let missing = try sandbox.run(["evidence", "get", r, "E9", "--out", sandbox.path("none")], as: Staff.manager)
        #expect(missing.status == 66, "\(missing)")
        let entries = try sandbox.succeed(["audit"], as: Staff.head, json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(entries.map { $0.string("type") } == [
            "CaseRead", "CaseRead", "CaseRead", "TimelineExported", "OutcomesExported", "BackupMade",
        ])
        #expect(entries.map { $0.string("actor") } == [
            Staff.manager, Staff.safeguarding, Staff.manager, Staff.safeguarding, Staff.hr, Staff.head,
        ])
        #expect(entries.map { $0.string("summary") ?? "" }.prefix(3) == [
            "read \(r) (show)", "listed the evidence of \(r)", "wrote out the files of \(r) E1",
        ])
        // The audit of one case, from a date; reading the audit was recorded too.
        // The backup copied every case, so it is in every case's trail.
        let one = try sandbox.succeed(["audit", "--case", r], as: Staff.safeguarding, json: true).jsonArray()
        #expect(one.count == 5)
        #expect(try sandbox.succeed(["audit", "--since", "2999-01-01"], as: Staff.head).stdout == "Nothing has been read or exported.\n")
        let last = try sandbox.succeed(["audit"], as: Staff.head).stdout
        #expect(last.contains("read the audit trail of \(r)"))
        #expect(last.contains("read the audit trail since "))
    }

    // MARK: Staff changes and claimed identities

    @Test func staffChangesAreEventsAndRefusalsFollowTheCurrentRole() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // A role change takes effect on the next command.
        #expect(try sandbox.run(["outcomes"], as: Staff.manager).status == 77)
        let changed = try sandbox.succeed(["staff", "role", Staff.manager, "--role", "hr"], as: Staff.head)
        #expect(changed.stdout == "smt.jones (Sam Jones) now has the hr role.\n")
        #expect(try sandbox.run(["outcomes"], as: Staff.manager).status == 0)
        #expect(try sandbox.run(["show", r], as: Staff.manager).status == 77)
        // "Allowed now" follows the reader's role: the safeguarding lead may purge, the
        // senior manager may not and is told who may.
        let shown = try sandbox.succeed(["show", r], as: Staff.safeguarding).stdout
        let allowed = try #require(shown.components(separatedBy: "Allowed now:\n").last?.components(separatedBy: "Blocked:").first)
        #expect(allowed.contains("casebook evidence add \(r)"))
        #expect(allowed.contains("casebook evidence purge \(r)"))
        let head = try sandbox.succeed(["staff", "role", Staff.manager, "--role", "senior-manager"], as: Staff.head)
        #expect(head.status == 0)
        let manager = try sandbox.succeed(["show", r], as: Staff.manager).stdout
        #expect(manager.contains("Others may now:\n  a safeguarding lead or the headteacher: evidence purge"), "\(manager)")
        // Scope, login, leaving.
        #expect(try sandbox.succeed(["staff", "school", Staff.safeguarding, "--school", "Dale High"], as: Staff.head).stdout
            == "dsl.khan (Imran Khan) is now Dale High.\n")
        #expect(try sandbox.succeed(["staff", "login", Staff.hr, "mlee", "--login-not-yet-created"], as: Staff.head).stdout
            == "hr.lee (Morgan Lee) now acts as the login 'mlee'.\n")
        #expect(try sandbox.succeed(["staff", "leave", Staff.other], as: Staff.head).stdout == "k.marsh (Kit Marsh) has left; their history stays.\n")
        let before = try sandbox.dump()
        let refusals: [([String], String, Int32, String)] = [
            (["staff", "school", Staff.hr], Staff.head, 64, "give --school NAME or --trust-wide"),
            (["staff", "school", Staff.hr, "--school", "A", "--trust-wide"], Staff.head, 64, "not both"),
            (["staff", "add", "x.y", "--name", "X", "--role", "hr"], Staff.head, 64, "the directory has staff scoped to a school"),
            (["staff", "login", Staff.affected, "mlee", "--login-not-yet-created"], Staff.head, 65, "the login 'mlee' already acts as hr.lee"),
            (["staff", "login", Staff.affected, "no_such_login_x"], Staff.head, 65, "no login 'no_such_login_x' on this machine"),
            (["staff", "login", Staff.affected, "no spaces"], Staff.head, 65, "is not a valid login"),
            (["staff", "role", "nobody", "--role", "hr"], Staff.head, 66, "no member of staff 'nobody'"),
            (["staff", "role", Staff.hr, "--role", "hr"], Staff.manager, 77, "may not add staff"),
            (["staff", "leave", Staff.head], Staff.head, 65, "you cannot record your own leaving"),
            (["staff", "role", Staff.head, "--role", "hr"], Staff.head, 65, "the last trust-wide headteacher"),
            (["staff", "role", Staff.other, "--role", "hr"], Staff.head, 65, "k.marsh has left"),
            (["list"], Staff.other, 77, "k.marsh has left (staff leave) and can no longer act"),
            (["audit", "--case", "CB-26-1"], Staff.head, 65, "is not a case reference"),
            (["audit", "--since", "yesterday"], Staff.head, 65, "is not a valid time"),
            (["restrict", r], Staff.head, 64, "give exactly one of --exclude ID, --include ID"),
            (["restrict", r, "--exclude", Staff.hr, "--include", Staff.hr, "--reason", "x"], Staff.head, 64, "give exactly one of"),
            (["restrict", r, "--exclude", "nobody", "--reason", "x"], Staff.head, 66, "no member of staff 'nobody'"),
            (["restrict", r, "--exclude", "bad id!", "--reason", "x"], Staff.head, 65, "is not a valid --exclude"),
            (["restrict", r, "--exclude", Staff.head, "--reason", "x"], Staff.head, 65, "you cannot exclude yourself"),
            (["restrict", r, "--exclude", Staff.hr, "--reason", " "], Staff.head, 65, "--reason"),
            (["open", "--affected", Staff.other, "--reported-by", Staff.affected, "--summary", "x"], Staff.head, 65,
             "k.marsh has left (staff leave): a leaver cannot be chosen as the affected person"),
        ]
        for (arguments, actor, status, message) in refusals {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == status, "\(arguments): \(result)")
            #expect(result.stderr.contains(message), "\(arguments): \(result)")
        }
        #expect(try sandbox.dump() == before)
        let list = try sandbox.succeed(["staff", "list"], as: Staff.head).stdout
        #expect(list.contains("k.marsh") && list.contains("left"))
        #expect(try sandbox.run(["verify"], as: Staff.head).status == 0)
        #expect(try sandbox.run(["rebuild"], as: Staff.head).status == 0)
    }

    @Test func aClaimedDatabaseSaysSoInShowAndEveryExport() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let show = try sandbox.succeed(["show", r]).stdout
        #expect(show.hasPrefix("\(r)  OPEN\nIdentities in this record are claimed, not verified.\n"))
        #expect(try sandbox.succeed(["show", r], json: true).jsonObject().string("identities") == "claimed")
        for format in ["text", "md", "html", "json", "csv"] {
            let document = try sandbox.succeed(["timeline", r, "--format", format], as: Staff.safeguarding).stdout
            #expect(document.contains("Identities in this record are claimed, not verified."), "\(format)")
        }
        #expect(try sandbox.succeed(["outcomes"], as: Staff.hr).stdout.contains("Identities in this record are claimed, not verified."))
        // init says which kind of database it made.
        let fresh = try Sandbox(.empty)
        let made = try fresh.run(["init", "--admin", "head", "--name", "Head", "--claimed-identities"])
        #expect(made.stdout.contains("Identities are claimed (--as is trusted as given): for demonstrations and tests only."))
        #expect(try fresh.run(["list"]).status == 64, "a claimed database needs --as")
    }
}
