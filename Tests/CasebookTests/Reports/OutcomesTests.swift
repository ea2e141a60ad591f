import EventLog
import Foundation
import Testing
import TestSupport

@testable import Casebook

@Suite("Outcomes report")
struct OutcomesTests {
    @Test func hrSeesOneRowPerClosedCaseWithTheSummary() throws {
        let fixture = try ReportFixture()
        let text = try fixture.casebook.reports.outcomes(
            since: nil, until: nil, format: .json, by: Staff.hr, localTime: fixture.localTime)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["format"] as? String == "casebook-outcomes")
        let cases = try #require(json["cases"] as? [[String: Any]])
        // The urgent case is still open: only the two closed ones, by closing time.
        #expect(cases.compactMap { $0["reference"] as? String } == [fixture.quick.description, fixture.complete.description])
        let complete = try #require(cases.last)
        #expect(complete["school"] as? String == "Hill Primary")
        #expect(complete["openedAt"] as? String == "2026-03-27T09:00:00.000Z")
        #expect(complete["closedAt"] as? String == "2026-04-01T09:00:00.000Z")
        #expect(complete["categories"] as? [String] == ["harassment", "threat"])
        #expect(complete["sourceKind"] as? String == "pupil")
        #expect(complete["referrals"] as? [String] == ["behaviour"])
        #expect(complete["threat"] as? String == "threatening")
        #expect(complete["police"] as? String == "referred")
        #expect(complete["finding"] as? String == "substantiated")
        #expect(complete["action"] as? String == "behaviour-sanction")
        // T1 was removed 6 hours after its request, but T2 was only blocked by the ISP 46.9
        // hours after its own: all the material was down then, one host of two within 24 h.
        #expect(complete["material"] as? String == "all-down")
        #expect(complete["allDownAt"] as? String == "2026-03-30T09:00:00.000Z")
        #expect(complete["longestHoursToRemoval"] as? Double == 46.9)
        #expect(complete["within24Hours"] as? String == "1 of 2 hosts within 24 h")
        #expect(complete["removedWithin24Hours"] as? Bool == false)
        let perRequest = try #require((complete["removal"] as? [String: Any])?["perRequest"] as? [[String: Any]])
        #expect(perRequest.map { $0["resolution"] as? String } == ["removed", "blocked-by-isp"])
        #expect(perRequest.map { $0["hours"] as? Double } == [6.0, 46.9])
        #expect(cases.first?["removedWithin24Hours"] as? Bool == true)
        #expect(cases.first?["longestHoursToRemoval"] as? Double == 3.0)
        #expect(cases.first?["within24Hours"] as? String == "1 of 1 host within 24 h")

        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["closed"] as? Int == 2)
        #expect(summary["withTakedown"] as? Int == 2)
        #expect(summary["removedWithin24Hours"] as? Int == 1)
        #expect(summary["removedWithin24HoursShare"] as? Double == 0.5)
        #expect((summary["text"] as? String)?.contains("1 of 2") == true)

        // No evidence content and no free text beyond the outcome summary.
        for secret in ["hf_truthteller", "chirp.example", "he is shaken", "regret it", "P-1234", "HYPERLINK", "Mr Jones"] {
            #expect(!text.contains(secret), "the outcomes report leaks \(secret)")
        }
    }

    @Test func thePeriodIsClosedAtWithinSinceUntil() throws {
        let fixture = try ReportFixture()
        let report = try fixture.casebook.reports.outcomesReport(
            since: utc("2026-03-31T09:00:00Z"), until: utc("2026-04-01T09:00:00Z"), by: Staff.hr,
            localTime: fixture.localTime)
        #expect(report.rows.map(\.reference) == [fixture.quick])
        let later = try fixture.casebook.reports.outcomesReport(
            since: utc("2026-04-01T09:00:00Z"), until: nil, by: Staff.hr, localTime: fixture.localTime)
        #expect(later.rows.map(\.reference) == [fixture.complete])
        let error = casebookError {
            _ = try fixture.casebook.reports.outcomes(
                since: utc("2026-04-02T00:00:00Z"), until: utc("2026-04-01T00:00:00Z"), format: .text, by: Staff.hr,
                localTime: fixture.localTime)
        }
        #expect(error?.isInvalidInput == true)
    }

    @Test func csvIsRFC4180WithTheOutcomeNeutralised() throws {
        let fixture = try ReportFixture()
        let text = try fixture.casebook.reports.outcomes(
            since: nil, until: nil, format: .csv, by: Staff.dsl, localTime: fixture.localTime)
        let records = try RFC4180.parse(text)
        let columns = try #require(records.first)
        #expect(records.allSatisfy { $0.count == columns.count })
        let cases = records.filter { $0.first == "case" }
        #expect(cases.count == 2)
        let outcome = try #require(columns.firstIndex(of: "outcome"))
        let reference = try #require(columns.firstIndex(of: "reference"))
        let complete = try #require(cases.first { $0[reference] == fixture.complete.description })
        #expect(complete[outcome] == "'" + ReportFixture.hostileOutcome)
        #expect(complete[try #require(columns.firstIndex(of: "hours_request_to_removal"))] == "46.9")
        #expect(complete[try #require(columns.firstIndex(of: "removed_within_24h"))] == "1 of 2 hosts within 24 h")
        #expect(complete[try #require(columns.firstIndex(of: "material"))] == "all down 2026-03-30 10:00 BST")
        #expect(records.contains { $0.first == "notice" && $0[1].contains("CONFIDENTIAL") })
        #expect(records.contains { $0.first == "summary" && $0[1].contains("(50%)") })
    }

    @Test func textAndMarkdownListTheCases() throws {
        let fixture = try ReportFixture()
        let text = try fixture.casebook.reports.outcomes(since: nil, until: nil, format: .text, by: Staff.hr, localTime: fixture.localTime)
        #expect(text.hasPrefix("CONFIDENTIAL"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("CB-2026-") }.count == 2)
        let markdown = try fixture.casebook.reports.outcomes(since: nil, until: nil, format: .md, by: Staff.hr, localTime: fixture.localTime)
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("| CB-2026-") }.count == 2)
    }

    @Test func rolesWithoutOutcomesAreRefusedAndNothingIsRecorded() throws {
        let fixture = try ReportFixture()
        for actor in [Staff.teacher, Staff.manager] {
            let error = casebookError {
                _ = try fixture.casebook.reports.outcomes(
                    since: nil, until: nil, format: .csv, by: actor, localTime: fixture.localTime)
            }
            #expect(error?.isNotPermitted == true)
        }
        let trail = try fixture.casebook.reports.auditTrail(by: Staff.head)
        #expect(trail.isEmpty)
    }

    @Test func theTakedownsReadModelKeepsTheRemovalTimeThroughARebuild() throws {
        let fixture = try ReportFixture()
        func removals() throws -> [String] {
            var rows: [String] = []
            try fixture.casebook.store.database.forEachRow(
                "SELECT case_ref, id, removed_at FROM takedowns ORDER BY case_ref, id"
            ) { rows.append("\($0.text(0)) \($0.text(1)) \($0.optionalText(2) ?? "NULL")") }
            return rows
        }
        let before = try removals()
        #expect(
            before == [
                "CB-2026-0001 T1 2026-03-28T16:00:00.000Z", "CB-2026-0001 T2 NULL",
                "CB-2026-0002 T1 2026-03-30T12:00:00.000Z", "CB-2026-0003 T1 NULL",
            ])
        try fixture.service.expectIntactAndRebuildable()
        #expect(try removals() == before)
    }
}
