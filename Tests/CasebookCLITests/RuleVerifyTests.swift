import Casebook
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

    // MARK: Items 1-2: history re-decided, erasures both ways

    /// A database prepared by the real binary, then a checkpoint taken (by the safeguarding
    /// lead) before the tampering.
    struct Prepared {
        let sandbox: Sandbox
        let file: SQLiteFile
        let stream: String
        let checkpoint: String

        init(_ start: Sandbox.Start = .openCase, _ prepare: (Sandbox) throws -> Void = { _ in }) throws {
            sandbox = try Sandbox(start)
            try prepare(sandbox)
            file = try SQLiteFile(sandbox.database)
            stream = "case/\(sandbox.reference)"
            checkpoint = sandbox.path("checkpoint.json")
            try sandbox.succeed(["checkpoint", "--out", checkpoint], as: Staff.safeguarding)
        }

        /// `verify` with and without the checkpoint: both exit 3 and print `line`.
        func expectBreak(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            for arguments in [["verify"], ["verify", "--checkpoint", checkpoint]] {
                let result = try sandbox.run(arguments, as: Staff.safeguarding)
                #expect(result.status == 3, "\(arguments): \(result)", sourceLocation: sourceLocation)
                #expect(result.stdout.contains(line), "\(arguments): \(result)", sourceLocation: sourceLocation)
            }
        }

        /// Appends a case event with a correct chain, as someone with the file can.
        @discardableResult
        func forge(_ event: CaseEvent, by actor: String, at occurredAt: String? = nil) throws -> RecordedEvent {
            try file.forge(stream: stream, type: event.typeName, actor: actor, payload: event.payload.serialized(), occurredAt: occurredAt)
        }
    }

    @Test func aForgedCloseOfACaseThatCouldNotCloseIsABreak() throws {
        let prepared = try Prepared()
        let forged = try prepared.forge(.closed(outcome: "Resolved", action: .none), by: Staff.manager)
        try prepared.expectBreak("BREAK \(prepared.stream) v\(forged.version): broken-rule: rule ")
        try prepared.expectBreak("the workflow would have refused this CaseClosed")
    }

    @Test func aForgedPoliceReferralWithoutConsentIsABreak() throws {
        let prepared = try Prepared()
        let forged = try prepared.forge(.policeReferred(force: "Metropolitan Police", reference: nil, overrideReason: nil), by: Staff.manager)
        try prepared.expectBreak("BREAK \(prepared.stream) v\(forged.version): broken-rule: rule police-needs-consent: the workflow would have refused this PoliceReferred")
    }

    @Test func aNoteDatedBeforeTheCaseOpenedIsABreak() throws {
        let prepared = try Prepared()
        let forged = try prepared.forge(.noteAdded(text: "Backdated."), by: Staff.manager, at: When.at(-5))
        try prepared.expectBreak("BREAK \(prepared.stream) v\(forged.version): broken-rule: rule time-before-opening")
    }

    @Test func aNoteOnAChildSexualImageryCaseByASeniorManagerIsABreak() throws {
        let prepared = try Prepared { sandbox in
            try sandbox.succeed(["category", "add", sandbox.reference, "child-sexual-imagery", "--at", When.at(3)], as: Staff.head)
        }
        let forged = try prepared.forge(.noteAdded(text: "Seen it."), by: Staff.manager, at: When.at(4))
        try prepared.expectBreak("BREAK \(prepared.stream) v\(forged.version): broken-rule: rule child-sexual-imagery-visibility")
    }

    @Test func aStepByAMemberExcludedFromTheCaseIsABreak() throws {
        let prepared = try Prepared { sandbox in
            try sandbox.succeed(["restrict", sandbox.reference, "--exclude", Staff.manager, "--reason", "Related to the poster"], as: Staff.head)
        }
        let forged = try prepared.forge(.noteAdded(text: "Nothing to see."), by: Staff.manager)
        try prepared.expectBreak("BREAK \(prepared.stream) v\(forged.version): broken-rule: rule conflict-of-interest")
    }

    /// The first stored file of E1 (the screenshot) with its bytes.
    static func screenshot() throws -> (sha: String, bytes: Data) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-post.png")))
        return (SHA256.hex(Array(bytes)), bytes)
    }

    @Test func aChildSexualImageryPurgeWithoutTheMarkingIsABreak() throws {
        let prepared = try Prepared()
        let (sha, bytes) = try Self.screenshot()
        let file = StoredFile(name: "screenshot-post.png", sha256: sha, size: bytes.count, mediaType: "image/png")
        let forged = try prepared.forge(
            .filesPurged(
                CaseEvent.Purge(
                    items: ["E1"], files: [file], erased: [sha],
                    reason: "child sexual imagery: Casebook keeps no copy (Protection of Children Act 1978; UKCIS Sharing nudes and semi-nudes)")),
            by: Staff.manager)
        try prepared.file.withoutTriggers {
            try prepared.file.execute(
                "INSERT INTO blob_purges (sha256, stream, version) VALUES ('\(sha)', '\(prepared.stream)', \(forged.version)); UPDATE blobs SET data = NULL WHERE sha256 = '\(sha)'")
        }
        try prepared.expectBreak("BREAK \(prepared.stream) v\(forged.version): broken-rule: rule imagery-purge-needs-marking")
    }

    @Test func aRedactedNoteRestoredFromABackupIsUnerased() throws {
        var original: (version: Int, payload: String)?
        let prepared = try Prepared(.closedCase) { sandbox in
            let file = try SQLiteFile(sandbox.database)
            let note = try #require(try file.events(in: "case/\(sandbox.reference)").first { $0.type == "InvestigationNoteAdded" })
            original = (note.version, try #require(note.payloadText))
            try sandbox.succeed(["redact", sandbox.reference, "--version", "\(note.version)", "--reason", "Erasure"], as: Staff.head)
        }
        let note = try #require(original)
        try prepared.file.withoutTriggers {
            try prepared.file.execute(
                "UPDATE events SET payload = \(SQLiteFile.literal(note.payload)) WHERE stream = '\(prepared.stream)' AND version = \(note.version)")
        }
        try prepared.expectBreak("BREAK \(prepared.stream) v\(note.version): un-erased: version ")
        try prepared.expectBreak("redacted this payload, but it is present again")
    }

    @Test func purgedBytesPutBackAreUnerased() throws {
        let prepared = try Prepared { sandbox in
            try sandbox.succeed(["evidence", "purge", sandbox.reference, "E1", "--reason", "Erasure request"], as: Staff.head)
        }
        let (sha, bytes) = try Self.screenshot()
        let purge = try prepared.file.version(of: "FilesPurged", in: prepared.stream)
        try prepared.file.withoutTriggers {
            try prepared.file.execute("UPDATE blobs SET data = X'\(bytes.map { String(format: "%02x", $0) }.joined())' WHERE sha256 = '\(sha)'")
        }
        try prepared.expectBreak("BREAK \(prepared.stream) v\(purge): un-erased: the bytes of \(sha), purged by this FilesPurged, are present again")
    }

    @Test func aPurgedFilesMediaTypeOrSizeChangedIsUnerased() throws {
        let prepared = try Prepared { sandbox in
            try sandbox.succeed(["evidence", "purge", sandbox.reference, "E1", "--reason", "Erasure request"], as: Staff.head)
        }
        let (sha, _) = try Self.screenshot()
        let purge = try prepared.file.version(of: "FilesPurged", in: prepared.stream)
        try prepared.file.withoutTriggers {
            try prepared.file.execute("UPDATE blobs SET media_type = 'text/html', size = 12 WHERE sha256 = '\(sha)'")
        }
        try prepared.expectBreak("BREAK \(prepared.stream) v\(purge): un-erased: the purged file \(sha) is stored as 12 bytes of text/html")
    }

    @Test func everyLegitimateErasureAndMarkingStillVerifies() throws {
        let prepared = try Prepared { sandbox in
            let r = sandbox.reference
            try sandbox.succeed(["evidence", "purge", r, "E1", "--reason", "Erasure request"], as: Staff.head)
            try sandbox.succeed(["redact", r, "--version", "2", "--reason", "Erasure"], as: Staff.head)
            try sandbox.succeed(["evidence", "flag", r, "E2", "--child-sexual-imagery", "--at", When.at(3)], as: Staff.manager)
            try sandbox.succeed(["report", "none", r, "--reason", "Not an image of a child", "--at", When.at(4)], as: Staff.safeguarding)
        }
        for arguments in [["verify"], ["verify", "--checkpoint", prepared.checkpoint]] {
            let result = try prepared.sandbox.run(arguments, as: Staff.safeguarding)
            #expect(result.status == 0, "\(arguments): \(result)")
        }
    }

    @Test("An erasure of what a checkpoint witnessed is named by verify --checkpoint; a new checkpoint confirms a real one")
    func erasuresSinceTheCheckpointAreNamed() throws {
        let prepared = try Prepared()
        let r = prepared.sandbox.reference
        // The same erasures as a forger holding the file would append, made here by the real binary.
        try prepared.sandbox.succeed(["evidence", "purge", r, "E1", "--reason", "Erasure request"], as: Staff.head)
        try prepared.sandbox.succeed(["redact", r, "--version", "3", "--reason", "Erasure"], as: Staff.head)
        // Plain verify: every rule was followed.
        #expect(try prepared.sandbox.run(["verify"], as: Staff.safeguarding).status == 0)
        // Against the checkpoint: the content it witnessed is gone, and said so.
        let against = try prepared.sandbox.run(["verify", "--checkpoint", prepared.checkpoint], as: Staff.safeguarding)
        #expect(against.status == 3, "\(against)")
        #expect(against.stdout.contains("BREAK case/\(r) v3: erased-since-checkpoint"), "\(against)")
        #expect(against.stdout.contains("erased-since-checkpoint: the bytes of"), "\(against)")
        // The safeguarding lead, who knows the erasures were real, takes a new checkpoint.
        let next = prepared.sandbox.path("checkpoint-2.json")
        try prepared.sandbox.succeed(["checkpoint", "--out", next], as: Staff.safeguarding)
        #expect(try prepared.sandbox.run(["verify", "--checkpoint", next], as: Staff.safeguarding).status == 0)
    }
}
