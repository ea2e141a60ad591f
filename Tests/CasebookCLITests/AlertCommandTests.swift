import Foundation
import Testing

// Alerts (SPEC §11): addresses, opting out, and `alerts send` through sendmail — a stand-in
// that keeps what it is given, and the machine's real mail transfer agent when it has one.

@Suite struct AlertCommandTests {
    /// A stand-in sendmail that appends its arguments and message to `outbox` and exits 0.
    func fakeSendmail(_ sandbox: Sandbox) throws -> (program: String, outbox: URL) {
        let outbox = sandbox.directory.appendingPathComponent("outbox.txt")
        let program = sandbox.directory.appendingPathComponent("sendmail.sh")
        try "#!/bin/sh\necho \"ARGS $*\" >> '\(outbox.path)'\ncat >> '\(outbox.path)'\n".write(to: program, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: program.path)
        return (program.path, outbox)
    }

    @Test func malformedAddressesAreRefusedAndNothingIsWritten() throws {
        let sandbox = try Sandbox(.staff)
        let before = try sandbox.dump()
        for address in ["no-at-sign", "a@b@c", "x@", "@example.org", "a b@example.org", "a@exa mple.org", "a@-bad.org", "a..b@example.org",
            "a@example.org\nBcc: evil@example.org"]
        {
            let result = try sandbox.run(["staff", "email", Staff.manager, address], as: Staff.head)
            #expect(result.status == 65, "\(address): \(result)")
            let added = try sandbox.run(["staff", "add", "x.y", "--name", "X", "--role", "staff", "--email", address], as: Staff.head)
            #expect(added.status == 65, "\(address): \(added)")
        }
        #expect(try sandbox.run(["staff", "email", "nobody", "a@example.org"], as: Staff.head).status == 66)
        #expect(try sandbox.run(["staff", "email", Staff.other, "a@example.org"], as: Staff.manager).status == 77)
        #expect(try sandbox.dump() == before)
    }

    @Test func alertsCarryNoCaseContentAndAFailedSendIsRetried() throws {
        let sandbox = try Sandbox(.staff)
        try sandbox.succeed(["staff", "email", Staff.manager, "s.jones@harrowgate.example"], as: Staff.head)
        try sandbox.succeed(["staff", "email", Staff.safeguarding, "i.khan@harrowgate.example"], as: Staff.head)
        try sandbox.succeed(["alerts", "off"], as: Staff.safeguarding)
        try sandbox.succeed(["concern", "report", "--summary", "Secret details of the posts", "--at", When.at(0)], as: Staff.affected)
        let r = "CB-\(When.year)-0001"
        // The mail system fails: recorded, nothing lost.
        let failed = try sandbox.run(["alerts", "send"], as: Staff.head, environment: ["CASEBOOK_SENDMAIL": "/bin/false"])
        #expect(failed.status == 0, "\(failed)")
        #expect(failed.stdout.contains("NOT SENT (will retry): concern-reported/\(r) to smt.jones"), "\(failed)")
        let (program, outbox) = try fakeSendmail(sandbox)
        let sent = try sandbox.run(["alerts", "send"], as: Staff.head, environment: ["CASEBOOK_SENDMAIL": program])
        // The concern, and its triage overdue (one working day after it was reported, 10 days ago).
        #expect(sent.stdout.hasPrefix("Sent 2 alerts."), "\(sent)")
        let message = try String(contentsOf: outbox, encoding: .utf8)
        #expect(message.contains("X-Casebook-Alert: overdue/\(r)/triage/\(r)/"), "\(message)")
        #expect(message.contains("What:  triage \(r) is overdue"), "\(message)")
        for line in ["ARGS -oi -odi -t", "To: s.jones@harrowgate.example", "Subject: Casebook \(r): a concern was reported and awaits triage",
            "X-Casebook-Alert: concern-reported/\(r)", "Case:  \(r)", "Open it: casebook show \(r)"]
        {
            #expect(message.contains(line), "\(line): \(message)")
        }
        // No case content; nobody who turned alerts off.
        #expect(!message.contains("Secret") && !message.contains("i.khan"), "\(message)")
        // Sent once; the next run sends what is new: an assignment.
        #expect(try sandbox.run(["alerts", "send"], as: Staff.head, environment: ["CASEBOOK_SENDMAIL": program]).stdout.hasPrefix("Sent 0 alerts."))
        try sandbox.succeed(["triage", r, "accept", "--at", When.at(1)])
        try sandbox.succeed(["assign", r, Staff.manager, "--at", When.at(1)], as: Staff.head)
        let assigned = try sandbox.run(["alerts", "send"], as: Staff.head, environment: ["CASEBOOK_SENDMAIL": program])
        #expect(assigned.stdout.hasPrefix("Sent 1 alert."), "\(assigned)")
        #expect(try String(contentsOf: outbox, encoding: .utf8).contains("What:  you are now the owner of this case"))
        // Recorded in the audit trail; only the headteacher sends.
        let audit = try sandbox.succeed(["audit"], as: Staff.head).stdout
        #expect(audit.contains("could not send the alert concern-reported/\(r) to smt.jones"), "\(audit)")
        #expect(audit.contains("sent the alert concern-reported/\(r) to smt.jones at s.jones@harrowgate.example"), "\(audit)")
        #expect(try sandbox.run(["alerts", "send"], as: Staff.manager).status == 77)
        #expect(try sandbox.succeed(["verify"], as: Staff.head).stdout.contains("OK"))
    }

    /// The machine's own mail transfer agent (CI: Debian's exim4, delivering locally): the
    /// message is in the mailbox, headers included. Set CASEBOOK_TEST_MAIL_TO and
    /// CASEBOOK_TEST_MAILBOX for another mailbox than root's (`/var/mail/mail` on Debian).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/sendmail")))
    func aRealMailTransferAgentDeliversTheAlert() throws {
        let environment = ProcessInfo.processInfo.environment
        let address = environment["CASEBOOK_TEST_MAIL_TO"] ?? "root@localhost"
        let mailbox = environment["CASEBOOK_TEST_MAILBOX"] ?? "/var/mail/mail"
        let sandbox = try Sandbox(.staff)
        let owner = "alert-" + UUID().uuidString.prefix(8).lowercased()
        try sandbox.succeed(
            ["staff", "add", owner, "--name", "Alert Test", "--role", "senior-manager", "--email", address, "--at", When.at(-1)],
            as: Staff.head)
        try sandbox.succeed(["concern", "report", "--summary", "Posts about me", "--at", When.at(0)], as: Staff.affected)
        let sent = try sandbox.run(["alerts", "send"], as: Staff.head)
        #expect(sent.stdout.contains("Sent "), "\(sent)")
        #expect(!sent.stdout.contains("NOT SENT"), "\(sent)")
        // sendmail -odi delivers before it exits: the message is there now.
        let box = try String(contentsOfFile: mailbox, encoding: .utf8)
        let messages = box.components(separatedBy: "\nFrom ").filter {
            $0.contains("Casebook alert for \(owner).") && $0.contains("X-Casebook-Alert: concern-reported/")
        }
        #expect(messages.count == 1, "\(box.suffix(2000))")
        let delivered = messages.first ?? ""
        for line in ["To: \(address)", "Subject: Casebook CB-\(When.year)-0001: a concern was reported and awaits triage",
            "X-Casebook-Alert: concern-reported/CB-\(When.year)-0001", "Auto-Submitted: auto-generated", "Content-Type: text/plain; charset=utf-8"]
        {
            #expect(delivered.contains(line), "\(line): \(delivered)")
        }
        #expect(!delivered.contains("Posts about me"))
    }
}
