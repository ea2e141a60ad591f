import Casebook
import EventLog
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Each tampering of issue 9, done on the real file with the sqlite3 C API, is caught by the
/// real binary's `verify` or `verify --checkpoint`, with the stream and version named.
@Suite struct TamperVerifyTests {
    /// A closed case, and a checkpoint of it taken by the safeguarding lead.
    struct Fixture {
        let sandbox: Sandbox
        let file: SQLiteFile
        let stream: String
        let checkpoint: String

        init() throws {
            sandbox = try Sandbox(.closedCase)
            file = try SQLiteFile(sandbox.database)
            stream = "case/\(sandbox.reference)"
            checkpoint = sandbox.path("checkpoint.json")
            try sandbox.succeed(["checkpoint", "--out", checkpoint], as: Staff.safeguarding)
        }

        /// `verify`, which must find a break (exit 3) and print `line`.
        func expectBreak(
            _ line: String, checkpoint: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let arguments = ["verify"] + (checkpoint ? ["--checkpoint", self.checkpoint] : [])
            let result = try sandbox.run(arguments, as: Staff.safeguarding)
            #expect(result.status == 3, "\(result)", sourceLocation: sourceLocation)
            #expect(result.stdout.contains(line), "\(result)", sourceLocation: sourceLocation)
            #expect(result.stdout.contains("FAILED: the log has been altered or damaged."), sourceLocation: sourceLocation)
        }

        /// `verify`, which must pass.
        func expectIntact(checkpoint: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let arguments = ["verify"] + (checkpoint ? ["--checkpoint", self.checkpoint] : [])
            let result = try sandbox.run(arguments, as: Staff.safeguarding)
            #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
            #expect(result.stdout.contains("OK: nothing was altered."), "\(result)", sourceLocation: sourceLocation)
        }
    }

    @Test func anUntouchedLogVerifiesAloneAndAgainstItsCheckpoint() throws {
        let fixture = try Fixture()
        try fixture.expectIntact()
        try fixture.expectIntact(checkpoint: true)
        // Events added after the checkpoint are not breaks.
        try fixture.sandbox.succeed(["reopen", fixture.sandbox.reference, "--reason", "New posts", "--at", When.at(30)])
        try fixture.expectIntact(checkpoint: true)
        let json = try fixture.sandbox.succeed(["verify", "--checkpoint", fixture.checkpoint], as: Staff.head, json: true)
            .jsonObject()
        #expect(json["intact"] as? Bool == true)
        #expect(json["checkpoint"] as? Bool == true)
        let head = try #require(json["logHead"] as? [String: Any])
        #expect(head["events"] as? Int == (try fixture.sandbox.events().count))
        #expect((head["hash"] as? String)?.count == 64)
    }

    @Test("Erasing a payload the workflow depends on is refused by the trigger, and reported by verify without it",
          arguments: ["CaseClosed", "PoliceReferred", "ThreatAssessed"])
    func unrecordedErasure(type: String) throws {
        let fixture = try Fixture()
        let version = try fixture.file.version(of: type, in: fixture.stream)
        let erase = "UPDATE events SET payload = NULL WHERE stream = '\(fixture.stream)' AND version = \(version)"
        let before = try fixture.sandbox.dump()
        let refused = #expect(throws: SQLiteFile.Failure.self) { try fixture.file.execute(erase) }
        #expect(refused?.description.contains("only a recorded redaction of a redactable event may clear a payload") == true)
        #expect(try fixture.sandbox.dump() == before)

        try fixture.file.withoutTriggers { try fixture.file.execute(erase) }
        try fixture.sandbox.succeed(["rebuild"], as: Staff.head)
        try fixture.expectBreak(
            "BREAK \(fixture.stream) v\(version): unrecorded-erasure: the payload was erased, but a \(type) event cannot be redacted")
    }

    @Test func anErasureWithoutItsRedactionRecordIsReported() throws {
        let fixture = try Fixture()
        let version = try fixture.file.version(of: "InvestigationNoteAdded", in: fixture.stream)
        try fixture.file.withoutTriggers {
            try fixture.file.execute("UPDATE events SET payload = NULL WHERE stream = '\(fixture.stream)' AND version = \(version)")
        }
        try fixture.expectBreak(
            "BREAK \(fixture.stream) v\(version): unrecorded-erasure: the payload was erased, but no EventRedacted event of the case records it")
    }

    @Test func aChangedPayloadByteIsCaughtByTheChain() throws {
        let fixture = try Fixture()
        let note = try fixture.file.version(of: "InvestigationNoteAdded", in: fixture.stream)
        try fixture.file.withoutTriggers {
            try fixture.file.execute(
                """
                UPDATE events SET payload = replace(payload, 'recognised', 'recognized')
                WHERE stream = '\(fixture.stream)' AND version = \(note)
                """)
        }
        try fixture.expectBreak(
            "BREAK \(fixture.stream) v\(note): tampered-payload: the payload's SHA-256 is not the stored payload_sha256")
    }

    @Test func aDeletedCaseStreamWithItsReadModelRowsIsCaughtByTheCheckpoint() throws {
        let fixture = try Fixture()
        let last = try #require(try fixture.file.events(in: fixture.stream).last?.version)
        let reference = fixture.sandbox.reference
        try fixture.file.withoutTriggers {
            try fixture.file.execute(
                """
                DELETE FROM events WHERE stream = '\(fixture.stream)';
                DELETE FROM cases WHERE reference = '\(reference)'; DELETE FROM takedowns WHERE case_ref = '\(reference)';
                DELETE FROM deadlines WHERE case_ref = '\(reference)'; DELETE FROM sources WHERE case_ref = '\(reference)';
                DELETE FROM closures WHERE case_ref = '\(reference)'; DELETE FROM case_access WHERE case_ref = '\(reference)';
                """)
        }
        // Consistent on its own: nothing in the file shows the case was ever there.
        try fixture.expectIntact()
        try fixture.expectBreak("BREAK \(fixture.stream) v\(last): deleted-stream", checkpoint: true)
    }

    @Test func aDeletedLastEventFollowedByARebuildIsCaughtByTheCheckpoint() throws {
        let fixture = try Fixture()
        let last = try #require(try fixture.file.events(in: fixture.stream).last)
        #expect(last.type == "CaseClosed")
        try fixture.file.withoutTriggers {
            try fixture.file.execute("DELETE FROM events WHERE position = \(last.position)")
        }
        try fixture.sandbox.succeed(["rebuild"], as: Staff.head)
        try fixture.expectIntact()
        try fixture.expectBreak(
            "BREAK \(fixture.stream) v\(last.version): shortened-stream: version \(last.version) is in the checkpoint but not in the database",
            checkpoint: true)
    }

    @Test func aRewrittenPayloadWithEveryLaterHashRecomputedIsCaughtByTheCheckpoint() throws {
        let fixture = try Fixture()
        let note = try fixture.file.version(of: "InvestigationNoteAdded", in: fixture.stream)
        let last = try #require(try fixture.file.events(in: fixture.stream).last?.version)
        try fixture.file.withoutTriggers {
            try fixture.file.rewrite(stream: fixture.stream, version: note, payload: #"{"text":"Nobody recognised the handle.","v":1}"#)
        }
        try fixture.expectIntact()
        try fixture.expectBreak("BREAK \(fixture.stream) v\(last): rewritten-chain", checkpoint: true)
    }

    @Test func eventsInsertedBeforeTheCheckpointAreNamed() throws {
        let fixture = try Fixture()
        let forged = "case/CB-\(When.year)-0009"
        try fixture.file.withoutTriggers {
            // Position 0 sorts before every event the checkpoint holds.
            try fixture.file.forge(
                stream: forged, type: "InvestigationNoteAdded", actor: Staff.manager, payload: #"{"text":"x","v":1}"#,
                position: 0)
        }
        try fixture.expectBreak("BREAK \(forged) v1: inserted-before-checkpoint", checkpoint: true)
    }

    @Test func aForgedStaffAddedByAnyoneButAHeadteacherIsCaught() throws {
        let fixture = try Fixture()
        let event = try fixture.file.forge(
            stream: "staff", type: "StaffAdded", actor: Staff.manager,
            payload: #"{"id":"mallory","name":"Mallory","role":"headteacher","v":1}"#)
        try fixture.file.execute(
            "INSERT INTO staff (id, name, role, added_at) VALUES ('mallory', 'Mallory', 'headteacher', '\(event.occurredAt)')")
        try fixture.expectBreak(
            "BREAK staff v\(event.version): unauthorised-actor: smt.jones had the senior-manager role, which may not add staff")
        // And what the forged headteacher then does is by someone who was never really staff… but
        // the directory replayed says they were: the break above is what shows it.
    }

    @Test func aStepBySomeoneWhoWasNotStaffOrLackedTheRoleIsCaught() throws {
        let fixture = try Fixture()
        let ghost = try fixture.file.forge(
            stream: fixture.stream, type: "InvestigationNoteAdded", actor: "ghost", payload: #"{"text":"x","v":1}"#)
        try fixture.expectBreak("BREAK \(fixture.stream) v\(ghost.version): unauthorised-actor: ghost was not a member of staff")
        let hr = try fixture.file.forge(
            stream: fixture.stream, type: "InvestigationNoteAdded", actor: Staff.hr, payload: #"{"text":"y","v":1}"#)
        try fixture.expectBreak(
            "BREAK \(fixture.stream) v\(hr.version): unauthorised-actor: hr.lee had the hr role, which may not advance cases")
    }

    @Test func droppedTriggersAreCaughtByTheSchemaCheck() throws {
        let fixture = try Fixture()
        try fixture.file.dropTriggers()
        try fixture.expectBreak("BREAK schema v0: altered-schema: trigger events_no_update is missing")
        try fixture.expectBreak("BREAK schema v0: altered-schema: trigger blobs_no_delete is missing")
    }

    @Test func anAddedIndexOrAChangedRuleIsCaughtByTheSchemaCheck() throws {
        let fixture = try Fixture()
        try fixture.file.execute("CREATE INDEX spy ON events (actor)")
        try fixture.expectBreak("BREAK schema v0: altered-schema: index spy is not in the schema")
        try fixture.file.withoutTriggers {
            try fixture.file.execute("INSERT INTO redaction_rules VALUES ('CaseClosed', 'EventRedacted')")
        }
        try fixture.expectBreak("BREAK schema v0: altered-schema: the fixed rows of table redaction_rules are not the schema's")
    }

    @Test func aChangedMediaTypeIsCaughtByTheMediaCheck() throws {
        let fixture = try Fixture()
        let key = try #require(try fixture.file.scalar("SELECT sha256 FROM blobs WHERE media_type = 'image/png' LIMIT 1"))
            .replacingOccurrences(of: "text:", with: "")
        try fixture.file.withoutTriggers {
            try fixture.file.execute("UPDATE blobs SET media_type = 'text/html' WHERE sha256 = '\(key)'")
        }
        try fixture.expectBreak("BREAK blobs v0: wrong-media-type: \(key): stored as text/html, but its bytes are image/png")
    }

    @Test func aStreamNamedJunkIsCaughtByTheNameCheck() throws {
        let fixture = try Fixture()
        try fixture.file.forge(stream: "junk", type: "StaffAdded", actor: Staff.head, payload: #"{"v":1}"#)
        try fixture.expectBreak("BREAK junk v1: bad-stream-name: 'junk' is not a stream name this program uses")
    }

    @Test func pageLevelDamageIsABreakInIntegrityChecksWords() throws {
        let fixture = try Fixture()
        try fixture.file.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let root = try #require(Int(try fixture.file.scalar("SELECT rootpage FROM sqlite_master WHERE name = 'cases_by_status'") ?? ""))
        let pageSize = try #require(Int(try fixture.file.scalar("PRAGMA page_size") ?? ""))
        // The index's cells run off the end of its page.
        let handle = try #require(FileHandle(forUpdatingAtPath: fixture.sandbox.database))
        try handle.seek(toOffset: UInt64(root * pageSize - 200))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 200))
        try handle.close()
        try fixture.expectBreak("BREAK file v0: damaged-file: On tree page \(root) cell 0: Extends off end of page")
    }

    @Test func anUndecodablePayloadIsABreakForVerifyAnd65ForEveryOtherCommand() throws {
        let fixture = try Fixture()
        let sandbox = fixture.sandbox
        let reference = sandbox.reference
        try sandbox.succeed(["timeline", reference, "--format", "json", "--out", sandbox.path("t.json")], as: Staff.safeguarding)
        let closed = try fixture.file.version(of: "CaseClosed", in: fixture.stream)
        // (audit v1 is the fixture's checkpoint, recorded since issue 19.)
        let exported = try fixture.file.version(of: "TimelineExported", in: "audit")
        try fixture.file.withoutTriggers {
            try fixture.file.rewrite(stream: fixture.stream, version: closed, payload: #"{"v":1}"#)
            try fixture.file.rewrite(stream: "audit", version: exported, payload: #"{"v":1}"#)
        }
        try fixture.expectBreak("BREAK \(fixture.stream) v\(closed): undecodable-payload: the CaseClosed payload cannot be read")
        try fixture.expectBreak("BREAK audit v\(exported): undecodable-payload: the TimelineExported payload cannot be read")
        for (arguments, actor) in [
            (["show", reference], Staff.manager), (["timeline", reference], Staff.manager),
            (["evidence", "list", reference], Staff.manager), (["evidence", "get", reference, "E1", "--out", sandbox.path("out")], Staff.manager),
            (["rebuild"], Staff.head), (["close", reference, "--outcome", "x", "--action", "none"], Staff.manager),
        ] {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == 65, "\(arguments): \(result)")
            #expect(result.stderr.contains("error: case \(reference) version \(closed) (CaseClosed) cannot be read"), "\(arguments): \(result)")
            #expect(result.stderr.contains("run 'casebook verify'"), "\(arguments): \(result)")
        }
        let audit = try sandbox.run(["audit"], as: Staff.head)
        #expect(audit.status == 65, "\(audit)")
        #expect(audit.stderr.contains("error: the audit stream version \(exported) (TimelineExported) cannot be read"), "\(audit)")
    }

    @Test("An unknown schema version in the header is invalid input (65), for verify too", arguments: [-1, Casebook.schema.currentVersion + 1, 99])
    func unknownUserVersion(version: Int) throws {
        let sandbox = try Sandbox(.staff)
        try SQLiteFile(sandbox.database).execute("PRAGMA user_version = \(version)")
        for (arguments, actor) in [(["list"], Staff.manager), (["verify"], Staff.manager), (["staff", "list"], Staff.head)] {
            let result = try sandbox.run(arguments, as: actor)
            #expect(result.status == 65, "\(arguments): \(result)")
            #expect(result.stderr.contains("schema version \(version)"), "\(arguments): \(result)")
        }
    }
}
