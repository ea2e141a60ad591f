import Casebook
import EventLog
import Foundation
import Testing

/// Issue 25: the staff and settings timelines verify reads first decode each event once, and
/// one that cannot be read is a break naming its stream and version — never skipped silently.
@Suite struct DamagedDirectoryVerifyTests {
    typealias Fixture = TamperVerifyTests.Fixture

    @Test func aForgedStaffEventThatCannotBeReadIsABreakNamingItsVersion() throws {
        let fixture = try Fixture()
        let forged = try fixture.file.forge(
            stream: "staff", type: "StaffRoleChanged", actor: Staff.head, payload: #"{"id":"smt.jones","role":"emperor","v":1}"#)
        try fixture.expectBreak("BREAK staff v\(forged.version): undecodable-payload: the StaffRoleChanged payload cannot be read")
        try fixture.expectBreak("BREAK staff v\(forged.version): undecodable-payload", checkpoint: true)
    }

    @Test func aRewrittenStaffEventIsABreakAndItsMemberIsNoStaffForTheEventsAfter() throws {
        let fixture = try Fixture()
        // Version 1 adds the headteacher: unreadable, they were never staff for verify.
        try fixture.file.withoutTriggers {
            try fixture.file.rewrite(stream: "staff", version: 1, payload: "{not json")
        }
        try fixture.expectBreak("BREAK staff v1: undecodable-payload: the StaffAdded payload cannot be read")
        try fixture.expectBreak("unauthorised-actor: \(Staff.head) was not a member of staff when this")
    }

    @Test func aRewrittenSettingIsABreakNamingItsVersion() throws {
        let fixture = try Fixture()
        let sandbox = fixture.sandbox
        try sandbox.succeed(["settings", "set", "helpline.posh.wait-hours", "48"], as: Staff.head)
        let version = try #require(try fixture.file.events(in: "settings").last?.version)
        try fixture.file.withoutTriggers {
            try fixture.file.rewrite(stream: "settings", version: version, payload: #"{"key":"helpline.posh.wait-hours","value":"x","v":1}"#)
        }
        try fixture.expectBreak(
            "BREAK settings v\(version): undecodable-payload: the SettingChanged payload cannot be read, or its value is outside the setting's range")
    }
}
