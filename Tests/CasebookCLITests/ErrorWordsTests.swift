import EventLog
import Foundation
import Testing

/// Errors are data (issue 18, item 4): the library's errors and refusals carry instants,
/// options and commands as values; the command line words them — local times, `--flags`,
/// `casebook …` lines — and `--json` gives the same values as data for the browser.
@Suite struct ErrorWordsTests {
    @Test func aRefusalsInstantIsInLocalTimeAndItsPartsAreData() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference  // T1 was requested at When.at(2): its 24 hours run until When.at(26)
        let arguments = ["isp", "escalate", r, "T1", "--isp", "Example Telecom", "--at", When.at(2.03)]
        let refused = try sandbox.run(arguments, as: Staff.manager)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("the 24-hour deadline (\(London.format(When.date(26)))) has not passed"), "\(refused)")
        #expect(!refused.stderr.contains(When.at(26)), "no stored-form instant is printed")

        let json = try sandbox.run(arguments, as: Staff.manager, json: true)
        let refusal = try #require(
            try json.jsonObject().object("error")?.objects("refusals").first { $0.string("rule") == "isp-needs-uncooperative-host" })
        #expect(refusal.string("reason")?.contains(London.format(When.date(26))) == true)
        #expect(refusal.objects("reasonParts").contains { $0.string("instant") == When.at(26) }, "\(refusal)")
    }

    @Test func anErrorNamesItsOptionAndInstantAsTheCommandLineSaysThem() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let future = When.date(24 * 30)
        let arguments = ["investigate", "note", r, "Note", "--at", Timestamp.string(from: future)]
        let result = try sandbox.run(arguments, as: Staff.manager)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("error: the step's time \(London.format(future)) is in the future"), "\(result)")

        let json = try sandbox.run(arguments, as: Staff.manager, json: true)
        let error = try #require(try json.jsonObject().object("error"))
        #expect(error.int("exitCode") == 65)
        #expect(error.string("message")?.contains(London.format(future)) == true)
        #expect(error.objects("parts").contains { $0.string("instant") == Timestamp.string(from: future) }, "\(error)")
        #expect(error["hintParts"] == nil, "the command line's own hint is not the library's")
    }

    @Test func anOptionTheLibraryNamesIsPrintedAsItsFlag() throws {
        let sandbox = try Sandbox(.openCase)
        // A --recipient over one line: the library names the option, the CLI says --recipient.
        let result = try sandbox.run(
            ["timeline", sandbox.reference, "--recipient", String(repeating: "x", count: 201)], as: Staff.safeguarding, json: true)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.hasPrefix("error: --recipient is a name on one line of at most 200 characters\n"), "\(result)")
        let error = try #require(try result.jsonObject().object("error"))
        #expect(error.objects("parts").contains { $0.string("option") == "recipient" }, "\(error)")
    }
}
