import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Python, for the calendar checks: the system's, which Debian's python3-icalendar extends.
enum Python {
    static let path: String? = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func script(_ name: String) -> String {
        CasebookBinary.packageRoot.appendingPathComponent("Tests/CasebookCLITests/Support/Scripts/\(name)").path
    }

    /// Runs a script of Support/Scripts in `directory`.
    static func run(_ name: String, _ arguments: [String], in directory: URL) throws -> CLIResult {
        let python = try #require(path, "python3 is needed for the calendar checks")
        return try CasebookBinary.start([script(name)] + arguments, in: directory, executable: URL(fileURLWithPath: python)).finish()
    }

    /// Whether Debian's python3-icalendar (a real calendar reader) is installed.
    static let hasICalendar: Bool = {
        guard let path, let directory = try? FileManager.default.url(
            for: .itemReplacementDirectory, in: .userDomainMask, appropriateFor: URL(fileURLWithPath: NSTemporaryDirectory()), create: true)
        else { return false }
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try? CasebookBinary.start(["-c", "import icalendar"], in: directory, executable: URL(fileURLWithPath: path)).finish()
        return result?.status == 0
    }()
}

/// The helpline route and the reminders of SPEC §10 through the real binary.
@Suite("Helpline and reminders through the binary")
struct HelplineCommandTests {
    /// The template case (T1 requested at +2 h): the host refuses and its reply is kept;
    /// POSH is asked at once and has the material removed.
    @Test func hostRefusesThenPOSHRemoves() throws {
        let sandbox = try Sandbox(.openCase)
        let reference = sandbox.reference
        let reply = CasebookBinary.fixture("abusive-email.eml")
        let responded = try sandbox.succeed([
            "takedown", "response", reference, "T1", "--result", "refused", "--file", reply, "--at", When.at(5),
        ])
        #expect(responded.stdout.contains("reply abusive-email.eml is kept"))
        let escalated = try sandbox.succeed([
            "helpline", "escalate", reference, "T1", "--to", "posh", "--reference", "POSH-2211", "--at", When.at(6),
        ])
        #expect(escalated.stdout.contains("Professionals Online Safety Helpline"))
        // One helpline per request.
        let again = try sandbox.run(
            ["helpline", "escalate", reference, "T1", "--to", "report-harmful-content", "--at", When.at(7)], as: Staff.manager)
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("helpline-escalation-once"))
        try sandbox.succeed(["helpline", "response", reference, "T1", "--result", "removed", "--at", When.at(30)])

        // T1 no longer stands in the way of closing; the request counts as removed.
        let show = try sandbox.succeed(["show", reference], json: true).jsonObject()
        let blocked = show["blocked"] as? [[String: Any]] ?? []
        let close = blocked.first { $0["id"] as? String == "close" }?["because"] as? [[String: Any]] ?? []
        #expect(!close.compactMap { $0["reason"] as? String }.contains { $0.hasPrefix("T1 ") })
        let takedowns = show["takedowns"] as? [[String: Any]] ?? []
        #expect(takedowns.first?["resolved"] as? Bool == true)
        #expect(takedowns.first?["helpline"] as? String == "posh")
        #expect(takedowns.first?["helplineResult"] as? String == "removed")
        #expect(When.isUTC(takedowns.first?["removalConfirmedAt"]))

        // Every timeline format carries the reply (by its hash), the platform's answer and the helpline.
        let hash = Hex.encode(SHA256.hash(Array(try Data(contentsOf: URL(fileURLWithPath: reply)))))
        for format in ["text", "md", "html", "json", "csv"] {
            let timeline = try sandbox.succeed(["timeline", reference, "--format", format], as: Staff.safeguarding)
            #expect(timeline.stdout.contains(hash), "\(format)")
            #expect(timeline.stdout.contains("POSH-2211"), "\(format)")
        }
        #expect(try sandbox.succeed(["verify"], as: Staff.head).status == 0)
    }

    /// The platform stays silent: POSH is refused at 47 h 59 min after the request (with
    /// the database unchanged) and allowed at 48 h; Report Harmful Content is refused
    /// until the platform's reply is recorded.
    @Test func platformSilentPOSHAt48HoursAndReportHarmfulContentNeedsTheReply() throws {
        let sandbox = try Sandbox(.openCase)
        let reference = sandbox.reference
        let before = try sandbox.dump()
        let early = try sandbox.run(
            ["helpline", "escalate", reference, "T1", "--to", "posh", "--at", When.at(2 + 47 + 59.0 / 60)], as: Staff.manager)
        #expect(early.status == 1, "\(early)")
        #expect(early.stderr.contains("posh-needs-refusal-or-wait"))
        #expect(early.stderr.contains("SPEC §10"))
        let rhc = try sandbox.run(
            ["helpline", "escalate", reference, "T1", "--to", "report-harmful-content", "--at", When.at(30)], as: Staff.manager)
        #expect(rhc.status == 1, "\(rhc)")
        #expect(rhc.stderr.contains("report-harmful-content-needs-platform-reply"))
        #expect(rhc.stderr.contains("casebook takedown response \(reference) T1 --result refused|no-response"))
        #expect(try sandbox.dump() == before)

        try sandbox.succeed(["helpline", "escalate", reference, "T1", "--to", "posh", "--at", When.at(50)])
        let events = try sandbox.events().filter { $0.stream.hasPrefix("case/") }.map(\.type)
        #expect(events.last == "HelplineEscalated")

        // Silence recorded: Report Harmful Content may now be asked (on a second case's request).
        let other = try Sandbox(.openCase)
        try other.succeed(["takedown", "response", reference, "T1", "--result", "no-response", "--at", When.at(27)])
        try other.succeed(["helpline", "escalate", reference, "T1", "--to", "report-harmful-content", "--at", When.at(28)])
    }

    /// The wait is a setting: only the headteacher changes it, and decisions read it.
    @Test func settingsChangeTheWait() throws {
        let sandbox = try Sandbox(.openCase)
        let reference = sandbox.reference
        #expect(try sandbox.run(["settings", "set", "helpline.posh.wait-hours", "24"], as: Staff.manager).status == 77)
        #expect(try sandbox.run(["settings", "set", "helpline.posh.wait-hours", "a day"], as: Staff.head).status == 65)
        #expect(try sandbox.run(["settings", "set", "helpline.posh.hours", "24"], as: Staff.head).status == 65)
        #expect(try sandbox.run(["settings", "set", "helpline.posh.wait-hours"], as: Staff.head).status == 64)
        let refused = try sandbox.run(["helpline", "escalate", reference, "T1", "--to", "posh", "--at", When.at(27)], as: Staff.manager)
        #expect(refused.status == 1)
        try sandbox.succeed(["settings", "set", "helpline.posh.wait-hours", "24", "--at", When.at(26.5)], as: Staff.head)
        let list = try sandbox.succeed(["settings", "list"], json: true).jsonArray()
        let posh = list.compactMap { $0 as? [String: Any] }.first { $0["key"] as? String == "helpline.posh.wait-hours" }
        #expect(posh?["value"] as? Int == 24)
        #expect(posh?["changedBy"] as? String == Staff.head)
        try sandbox.succeed(["helpline", "escalate", reference, "T1", "--to", "posh", "--at", When.at(27)])
        #expect(try sandbox.events().contains { $0.stream == "settings" && $0.type == "SettingChanged" })
        #expect(try sandbox.succeed(["verify"], as: Staff.head).status == 0)
    }

    // MARK: Reminders

    /// Two exports of the open deadlines as `.ics` files: valid RFC 5545 line by line
    /// (checked by Python's standard library), one VEVENT per deadline, the same UIDs.
    @Test func calendarExportIsValidAndStable() throws {
        let sandbox = try Sandbox(.openCase)
        try sandbox.succeed(["overdue", "--format", "ics", "--out", "first.ics"])
        try sandbox.succeed(["overdue", "--format", "ics", "--out", "second.ics"])
        for name in ["first.ics", "second.ics"] {
            var info = stat()
            #expect(stat(sandbox.path(name), &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
        }
        let checked = try Python.run("ics_check.py", ["first.ics", "second.ics"], in: sandbox.directory)
        #expect(checked.status == 0, "\(checked)")
        let documents = checked.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(documents.count == 2)
        let first = documents.first?["uids"] as? [String] ?? []
        let second = documents.last?["uids"] as? [String] ?? []
        // E2 has no request, T1 has the ISP and the helpline ahead: three open deadlines.
        #expect(Set(first) == [
            "\(sandbox.reference)-request-takedown-E2@casebook", "\(sandbox.reference)-takedown-T1@casebook",
            "\(sandbox.reference)-helpline-T1@casebook",
        ])
        #expect(first == second)
        let starts = documents.first?["starts"] as? [String] ?? []
        // All three are overdue: each is placed today, where its alarm still goes off (issue 21),
        // not at its deadline ten days ago.
        #expect(!starts.contains(ICS.utc(When.date(26))))
        #expect(starts.allSatisfy { $0 >= ICS.utc(Date().addingTimeInterval(-3600)) }, "\(starts)")
        let summaries = documents.first?["summaries"] as? [String] ?? []
        #expect(summaries.contains { $0.contains("escalate T1 to the internet service provider") })

        // Never over an existing file; --as-of and --for are checked.
        #expect(try sandbox.run(["overdue", "--format", "ics", "--out", "first.ics"], as: Staff.manager).status == 73)
        #expect(try sandbox.run(["overdue", "--format", "ics", "--as-of", When.at(3)], as: Staff.manager).status == 64)
        #expect(try sandbox.run(["overdue", "--for", Staff.manager], as: Staff.manager).status == 64)
        #expect(try sandbox.run(["overdue", "--format", "ics", "--for", Staff.safeguarding], as: Staff.manager).status == 77)
        // The headteacher produces the senior manager's: the same deadlines.
        let forManager = try sandbox.succeed(["overdue", "--format", "ics", "--for", Staff.manager], as: Staff.head)
        #expect(forManager.stdout.hasSuffix("END:VCALENDAR\r\n"))
        try Data(forManager.output).write(to: URL(fileURLWithPath: sandbox.path("stdout.ics")))
        let stdoutChecked = try Python.run("ics_check.py", ["stdout.ics"], in: sandbox.directory)
        #expect(stdoutChecked.status == 0, "\(stdoutChecked)")
        #expect(stdoutChecked.stdout.contains("helpline-T1@casebook"))
    }

    /// The checker itself finds what it looks for: LF line ends, long lines, a missing UID.
    @Test func calendarCheckerRejectsBadFiles() throws {
        let sandbox = try Sandbox(.empty)
        let good = "BEGIN:VCALENDAR\r\nPRODID:x\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            + "DTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\nSUMMARY:s\r\nDESCRIPTION:d\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let bad = [
            "lf": good.replacingOccurrences(of: "\r\n", with: "\n"),
            "long": good.replacingOccurrences(of: "SUMMARY:s", with: "SUMMARY:" + String(repeating: "s", count: 70)),
            "uid": good.replacingOccurrences(of: "UID:a\r\n", with: ""),
            "local": good.replacingOccurrences(of: "DTSTART:20260101T000000Z", with: "DTSTART:20260101T000000"),
            "comma": good.replacingOccurrences(of: "SUMMARY:s", with: "SUMMARY:s,t"),
        ]
        try Data(good.utf8).write(to: URL(fileURLWithPath: sandbox.path("good.ics")))
        #expect(try Python.run("ics_check.py", ["good.ics"], in: sandbox.directory).status == 0)
        for (name, text) in bad {
            try Data(text.utf8).write(to: URL(fileURLWithPath: sandbox.path("\(name).ics")))
            #expect(try Python.run("ics_check.py", ["\(name).ics"], in: sandbox.directory).status == 1, "\(name)")
        }
    }

    /// The calendar imports into a real calendar reader: Debian's python3-icalendar.
    @Test(.enabled(if: Python.hasICalendar, "python3-icalendar is not installed (apt-get install python3-icalendar): the import check is skipped"))
    func calendarImportsIntoARealReader() throws {
        let sandbox = try Sandbox(.openCase)
        let before = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        try sandbox.succeed(["overdue", "--format", "ics", "--out", "deadlines.ics"])
        let imported = try Python.run("ics_import.py", ["deadlines.ics"], in: sandbox.directory)
        #expect(imported.status == 0, "\(imported)")
        let object = try #require(try JSONSerialization.jsonObject(with: imported.output) as? [String: Any])
        #expect(object["version"] as? String == "2.0")
        #expect((object["uids"] as? [String])?.count == 3)
        // All three are overdue (T1 was due at +26 h, days ago): placed today, where an alarm still fires.
        let starts = object["starts"] as? [String] ?? []
        #expect(starts.count == 3 && starts.allSatisfy { $0 >= ICS.utc(before) }, "\(starts)")
    }

    /// `digest`: nothing to say prints nothing (exit 0); otherwise the day's summary.
    @Test func digestIsEmptyWhenThereIsNothingAndSaysWhatIsDue() throws {
        let empty = try Sandbox(.staff)
        let quiet = try empty.succeed(["digest"], as: Staff.head)
        #expect(quiet.output.isEmpty, "\(quiet)")

        let sandbox = try Sandbox(.openCase)
        let day = try sandbox.succeed(["digest", "--as-of", When.at(30)])
        #expect(day.stdout.contains("Overdue (2):"), "\(day)")
        #expect(day.stdout.contains("casebook isp escalate \(sandbox.reference) T1 --isp NAME"))
        #expect(day.stdout.contains("Waiting on you"))
        // The safeguarding lead reads the manager's; the manager may not read the lead's.
        let forManager = try sandbox.succeed(["digest", "--for", Staff.manager, "--as-of", When.at(30)], as: Staff.safeguarding)
        #expect(forManager.stdout.contains("Overdue (2):"))
        #expect(try sandbox.run(["digest", "--for", Staff.safeguarding], as: Staff.manager).status == 77)
        #expect(try sandbox.run(["digest", "--for", Staff.hr], as: Staff.head).status == 65)
        #expect(try sandbox.run(["digest", "--for", "nobody"], as: Staff.head).status == 66)
        // A member who is not the recorder and has nothing due: silence. As of the moment the
        // template adds E2, its 24-hour deadline falls on the next local day at any hour the
        // tests run (an hour later it may be "due today" when midnight passes in between).
        let lead = try sandbox.succeed(["digest", "--as-of", When.at(0.6)], as: Staff.safeguarding)
        #expect(lead.output.isEmpty, "\(lead)")
    }
}

/// RFC 5545 UTC times for expectations.
enum ICS {
    static func utc(_ date: Date) -> String {
        let parts = Calendar.utcForTests.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
    }
}
