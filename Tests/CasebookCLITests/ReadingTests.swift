import EventLog
import Foundation
import Testing

// Reports and views that never mislead (issue 12), through the real `casebook` binary:
// removal per host in `show`, the record as of an instant, late entries in every timeline
// format, redaction times, and times in errors as a person typed them.

/// `When.date(hours)` as a Londoner writes it: `20/10/2026 16:00`.
private func ukTime(_ hours: Double) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_GB_POSIX")
    formatter.timeZone = TimeZone(identifier: "Europe/London")
    formatter.dateFormat = "dd/MM/yyyy HH:mm"
    return formatter.string(from: When.date(hours))
}

@Suite("Reading the record (CLI)")
struct ReadingTests {
    @Test func showTellsResolvedForClosingApartFromMaterialRemoved() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        try sandbox.succeed(["takedown", "request", r, "--evidence", "E2", "--method", "email", "--at", When.at(2.1)])
        try sandbox.succeed(["takedown", "response", r, "T1", "--result", "refused", "--at", When.at(3)])
        try sandbox.succeed(["isp", "escalate", r, "T1", "--isp", "Example Telecom", "--at", When.at(3.5)])
        try sandbox.succeed(["isp", "response", r, "T1", "--result", "refused", "--at", When.at(40)])
        try sandbox.succeed(["takedown", "check", r, "T2", "--result", "removed", "--at", When.at(8.1)])
        // An ISP refusal leaves the material online: not resolved until a helpline answers (issue 21).
        #expect(try sandbox.succeed(["show", r]).stdout.contains("ISP Example Telecom: refused; not resolved for closing"))
        try sandbox.succeed(["helpline", "escalate", r, "T1", "--to", "posh", "--at", When.at(41)])
        try sandbox.succeed(["helpline", "response", r, "T1", "--result", "advice", "--at", When.at(42)])
        let show = try sandbox.succeed(["show", r]).stdout
        #expect(show.contains("resolved for closing"), "\(show)")
        #expect(show.contains("material: T1 chirp.example: requested") && show.contains("; still online (resolved for closing: the helpline answered)"), "\(show)")
        #expect(show.contains("material: T2 forum.parents.example: requested") && show.contains("6.0 h after the request (within 24 h)"), "\(show)")
        #expect(show.contains("Material:    still online (T1 chirp.example); 1 of 2 hosts within 24 h"), "\(show)")
        #expect(!show.contains("RESOLVED"), "\(show)")
    }

    @Test func asOfIsTheRecordAsItStood() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // The template was typed in before `typedBefore`; the check below after it (the
        // clock is waited on, not slept on, so the two are apart).
        let typedBefore = Date()
        while Date().timeIntervalSince(typedBefore) < 0.005 {}
        let instant = Timestamp.string(from: typedBefore)
        try sandbox.succeed(["takedown", "check", r, "T1", "--result", "removed"])
        let now = try sandbox.succeed(["overdue"], as: Staff.safeguarding).stdout
        #expect(!now.contains("T1: the host's 24 hours"), "\(now)")
        // As the record stood before the check was typed in, T1 was overdue.
        let then = try sandbox.succeed(["overdue", "--as-of", instant], as: Staff.safeguarding).stdout
        #expect(then.contains("T1: the host's 24 hours"), "\(then)")
        let shown = try sandbox.succeed(["show", r, "--as-of", instant]).stdout
        #expect(shown.contains("check —"), "\(shown)")
        #expect(try sandbox.succeed(["show", r]).stdout.contains("check removed"))
        let timeline = try sandbox.succeed(["timeline", r, "--format", "json", "--as-of", instant], as: Staff.safeguarding).stdout
        #expect(!timeline.contains("RemovalChecked"), "\(timeline)")
        // Ten days ago, about things that happened then, nothing had been typed in yet.
        let before = try sandbox.run(["show", r, "--as-of", When.at(27)], as: Staff.manager)
        #expect(before.status == 66, "\(before)")
        #expect(before.stderr.contains("was not on record at"), "\(before)")
        let list = try sandbox.succeed(["list", "--as-of", When.at(27)]).stdout
        #expect(list.contains("No cases."), "\(list)")
    }

    @Test func lateEntriesShowWhenTheyWereRecordedInEveryFormat() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        for format in ["text", "md", "html", "csv"] {
            let document = try sandbox.succeed(["timeline", r, "--format", format], as: Staff.safeguarding).stdout
            // The template's steps were typed in today about things ten days ago.
            #expect(document.contains("(10 days after)") || document.contains("(9 days after)"), "\(format)")
            #expect(document.contains("recorded "), "\(format)")
            if format == "html" { #expect(document.contains("class=\"flag late-entry\""), "html flags it") }
        }
        // An entry made as it happens is not flagged.
        try sandbox.succeed(["investigate", "note", r, "Spoke to the head of year."])
        let text = try sandbox.succeed(["timeline", r, "--format", "text"], as: Staff.safeguarding).stdout
        let lines = text.split(separator: "\n").map(String.init)
        let note = try #require(lines.firstIndex { $0.contains("Spoke to the head of year.") || $0.contains("Note N1") })
        let window = lines[max(0, note - 3)...min(lines.count - 1, note + 3)].joined(separator: "\n")
        #expect(!window.contains("days after)"), "\(window)")
    }

    @Test func aRedactionIsNeverDatedBeforeWhatItErases() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let before = try sandbox.dump()
        let refused = try sandbox.run(
            ["redact", r, "--version", "2", "--reason", "Subject access erasure", "--at", When.at(0.2)], as: Staff.head)
        #expect(refused.status == 65, "\(refused)")
        #expect(refused.stderr.contains("is before version 2 happened"), "\(refused)")
        #expect(!refused.stderr.contains(".000Z"), "times in local form: \(refused)")
        #expect(try sandbox.dump() == before)
        try sandbox.succeed(["redact", r, "--version", "2", "--reason", "Subject access erasure", "--at", When.at(0.7)], as: Staff.head)
    }

    @Test func errorsEchoTimesInLocalFormAndUKDatesAreAccepted() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // Before T1 was requested (2 h in): the message names both times in London time.
        let early = try sandbox.run(["takedown", "check", r, "T1", "--result", "removed", "--at", ukTime(1.5)], as: Staff.manager)
        #expect(early.status != 0, "\(early)")
        #expect(!early.stderr.contains("Z "), "\(early)")
        #expect(!early.stderr.contains(".000Z"), "\(early)")
        #expect(early.stderr.contains(" GMT") || early.stderr.contains(" BST"), "\(early)")
        // DD/MM/YYYY HH:MM is the local time it says.
        try sandbox.succeed(["takedown", "check", r, "T1", "--result", "removed", "--at", ukTime(5)])
        let json = try sandbox.succeed(["show", r], json: true).jsonObject()
        let takedown = try #require(json.objects("takedowns").first)
        #expect(takedown.string("removalConfirmedAt") == When.at(5), "\(takedown)")
        // A two-digit year is not a time.
        let short = try sandbox.run(["takedown", "check", r, "T1", "--result", "removed", "--at", "20/10/26 16:00"], as: Staff.manager)
        #expect(short.status == 65, "\(short)")
        #expect(short.stderr.contains("20/11/2026 14:05"), "the message shows the UK form: \(short)")
    }

    @Test func showListsOnlyTheViewersStepsAndNamesTheRoleForTheRest() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        // The safeguarding lead may take every step a senior manager may (SPEC §11).
        let lead = try sandbox.succeed(["show", r], as: Staff.safeguarding).stdout
        let allowed = try #require(lead.components(separatedBy: "Allowed now:\n").last?.components(separatedBy: "Blocked:").first)
        #expect(allowed.contains("  casebook evidence add \(r)"), "\(lead)")
        #expect(allowed.contains("  casebook investigate note \(r)"), "\(lead)")
        #expect(allowed.contains("  casebook evidence purge \(r)"), "\(lead)")
        #expect(!lead.contains("role-may-not"), "\(lead)")
        // A senior manager is never told to purge: it is listed apart, naming who may.
        let manager = try sandbox.succeed(["show", r], as: Staff.manager).stdout
        let mine = try #require(manager.components(separatedBy: "Allowed now:\n").last?.components(separatedBy: "Others may now:").first)
        #expect(mine.contains("  casebook investigate note \(r)"), "\(manager)")
        #expect(!mine.contains("purge"), "\(manager)")
        #expect(manager.contains("Others may now:\n  a safeguarding lead or the headteacher: evidence purge"), "\(manager)")
        let json = try sandbox.succeed(["show", r], as: Staff.manager, json: true).jsonObject()
        let others = json.objects("othersMay")
        #expect(others.map { $0["id"] as? String } == ["purgeFiles"], "\(others)")
        #expect(others.first?["roles"] as? [String] == ["safeguarding-lead", "headteacher"])
        #expect(!json.objects("allowed").contains { $0["id"] as? String == "purgeFiles" })
        // overdue names who takes the next action.
        let overdue = try sandbox.succeed(["overdue"], as: Staff.safeguarding).stdout
        #expect(overdue.contains("for a senior manager or a safeguarding lead or the headteacher: escalate T1"), "\(overdue)")
        let items = try sandbox.succeed(["overdue"], as: Staff.safeguarding, json: true).jsonObject()
        #expect(items.objects("items").first?["who"] as? [String] == ["senior-manager", "safeguarding-lead", "headteacher"])
    }

    @Test func aClosedCaseSaysOnceThatOnlyReopeningIsPossible() throws {
        let sandbox = try Sandbox(.closedCase)
        let r = sandbox.reference
        let lead = try sandbox.succeed(["show", r], as: Staff.safeguarding).stdout
        #expect(lead.contains("Closed: only reopening is possible: casebook reopen \(r)"), "\(lead)")
        #expect(!lead.contains("is closed"), "\(lead)")
        let manager = try sandbox.succeed(["show", r], as: Staff.manager).stdout
        #expect(manager.contains("Closed: only reopening is possible: casebook reopen \(r)"), "\(manager)")
        #expect(manager.components(separatedBy: "\n").filter { $0.contains("closed") || $0.contains("Closed") }.count <= 3, "\(manager)")
    }
}
