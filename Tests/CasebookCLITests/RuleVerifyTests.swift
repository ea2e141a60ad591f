import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 19 through the real binary: verify re-decides history (schema, identity mode,
/// damaged rows, the workflow's rules, erasures), each tamper on a fresh copy, with and
/// without a checkpoint taken before it.
@Suite struct RuleVerifyTests {
    typealias Fixture = TamperVerifyTests.Fixture

    /// `verify` with and without the fixture's checkpoint: both must find the break.
    static func expectBreakBothWays(_ fixture: Fixture, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try fixture.expectBreak(line, sourceLocation: sourceLocation)
        try fixture.expectBreak(line, checkpoint: true, sourceLocation: sourceLocation)
    }

    // MARK: Item 4: the schema by exact name and SQL

    @Test func aTriggerNamedLikeAStatisticsTableIsABreak() throws {
        let fixture = try Fixture()
        try fixture.file.execute(
            "CREATE TRIGGER sqlitexstat_h BEFORE INSERT ON events WHEN NEW.stream='audit' BEGIN SELECT RAISE(IGNORE); END")
        try Self.expectBreakBothWays(fixture, "BREAK schema v0: altered-schema: trigger sqlitexstat_h is not in the schema")
    }

    @Test func anObjectNamedExactlyLikeAStatisticsTableButNotOneIsABreak() throws {
        let fixture = try Fixture()
        // SQLite reserves sqlite_ names, except with writable_schema on (which anyone with the file may set).
        try fixture.file.execute("PRAGMA writable_schema=ON; CREATE TABLE sqlite_stat1x(a); PRAGMA writable_schema=OFF")
        try fixture.expectBreak("BREAK schema v0: altered-schema: table sqlite_stat1x is not in the schema")
    }

    @Test func aTriggerSharingAStatisticsTablesNameIsABreakButAnalyzeIsNot() throws {
        let fixture = try Fixture()
        // ANALYZE's own statistics table is allowed.
        try fixture.file.execute("ANALYZE")
        try fixture.expectIntact()
        try fixture.file.execute(
            "PRAGMA writable_schema=ON; CREATE TRIGGER sqlite_stat1 BEFORE INSERT ON events WHEN NEW.stream='audit' BEGIN SELECT RAISE(IGNORE); END; PRAGMA writable_schema=OFF")
        try fixture.expectBreak("BREAK schema v0: altered-schema: trigger sqlite_stat1 is not in the schema")
    }

    // MARK: Item 3: the identity mode is set once

    @Test func aLaterIdentityModeSetIsABreakAndNeverHonoured() throws {
        let sandbox = try Sandbox(.empty)
        let created = try sandbox.run(["init", "--admin", Staff.head, "--name", "Dr Priya Okafor"])
        guard created.status == 0 else { return }  // no login name for this user id: nothing to test
        try sandbox.succeed(["staff", "add", Staff.manager, "--name", "Sam Jones", "--role", "senior-manager"], as: nil)
        let checkpoint = sandbox.path("checkpoint.json")
        try sandbox.succeed(["checkpoint", "--out", checkpoint], as: nil)
        let refusedBefore = try sandbox.run(["--as", Staff.manager, "list"])
        #expect(refusedBefore.status == 77, "\(refusedBefore)")

        let forged = try SQLiteFile(sandbox.database).forge(
            stream: "staff", type: "IdentityModeSet", actor: Staff.head, payload: #"{"mode":"claimed","v":1}"#)
        // Not honoured: --as another member is still refused, the record still says verified.
        let refused = try sandbox.run(["--as", Staff.manager, "list"])
        #expect(refused.status == 77, "\(refused)")
        for arguments in [["verify"], ["verify", "--checkpoint", checkpoint]] {
            let verify = try sandbox.run(arguments)
            #expect(verify.status == 3, "\(verify)")
            #expect(
                verify.stdout.contains(
                    "BREAK staff v\(forged.version): broken-rule: rule identity-mode-set-once: the identity mode is set once, by init"),
                "\(verify)")
        }
    }

    // MARK: Item 5: damaged rows give 65, never 70, and are breaks

    @Test("A damaged SettingChanged is 65 naming its version for every command, and a break",
          arguments: [#"1e400"#, #""72""#, #"-5"#, #"721"#])
    func aDamagedSetting(value: String) throws {
        let fixture = try Fixture()
        let sandbox = fixture.sandbox
        let reference = sandbox.reference
        let forged = try fixture.file.forge(
            stream: "settings", type: "SettingChanged", actor: Staff.head,
            payload: #"{"key":"helpline.posh.wait-hours","value":"# + value + #","v":1}"#)
        for (arguments, actor) in [
            (["show", reference], Staff.manager), (["timeline", reference], Staff.manager), (["digest"], Staff.manager),
            (["rebuild"], Staff.head), (["reopen", reference, "--reason", "New posts"], Staff.manager),
            (["settings", "list"], Staff.head),
        ] {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == 65, "\(arguments): \(result)")
            #expect(result.stderr.contains("the settings stream version \(forged.version) (SettingChanged) cannot be read"), "\(arguments): \(result)")
        }
        try Self.expectBreakBothWays(fixture, "BREAK settings v\(forged.version): undecodable-payload: the SettingChanged payload cannot be read")
    }

    @Test func aRetentionPeriodOfZeroYearsIsABreak() throws {
        let fixture = try Fixture()
        let forged = try fixture.file.forge(
            stream: "retention", type: "RetentionPeriodSet", actor: Staff.head, payload: #"{"class":"standard","years":0,"v":1}"#)
        try Self.expectBreakBothWays(fixture, "BREAK retention v\(forged.version): undecodable-payload")
    }

    @Test func anImpossibleTimeIs65ForCommandsAndABreak() throws {
        let fixture = try Fixture()
        let sandbox = fixture.sandbox
        let reference = sandbox.reference
        let forged = try fixture.file.forge(
            stream: fixture.stream, type: "InvestigationNoteAdded", actor: Staff.manager, payload: #"{"text":"x","v":1}"#,
            occurredAt: "2026-13-45T99:99:99.999Z")
        for (arguments, actor) in [
            (["show", reference], Staff.manager), (["timeline", reference], Staff.manager), (["rebuild"], Staff.head),
            (["subject-access", Staff.affected, "--out", sandbox.path("sar.html")], Staff.head),
        ] {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == 65, "\(arguments): \(result)")
            #expect(result.stderr.contains("case \(reference) version \(forged.version) (InvestigationNoteAdded) cannot be read"), "\(arguments): \(result)")
        }
        try Self.expectBreakBothWays(
            fixture,
            "BREAK \(fixture.stream) v\(forged.version): broken-rule: rule event-time: its occurred_at '2026-13-45T99:99:99.999Z' is not a real instant")
    }

    @Test func anUnreadableCaseOpenedIs65ForSubjectAccess() throws {
        let fixture = try Fixture()
        try fixture.file.withoutTriggers {
            try fixture.file.rewrite(stream: fixture.stream, version: 1, payload: "{not json")
        }
        let result = try fixture.sandbox.run(["subject-access", Staff.affected, "--out", fixture.sandbox.path("sar.html")], as: Staff.head)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("case \(fixture.sandbox.reference) version 1 (CaseOpened) cannot be read"), "\(result)")
    }
}
