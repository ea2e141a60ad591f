import EventLog
import Foundation
import Testing
import TestSupport

@testable import Casebook

@Suite("Timeline CSV export")
struct TimelineCSVTests {
    @Test func isRFC4180WithOneRecordPerEventAndNeutralisedFormulas() throws {
        let fixture = try ReportFixture()
        let text = try fixture.casebook.reports.timeline(
            fixture.complete, format: .csv, recipient: "Local authority designated officer", by: Staff.dsl,
            localTime: fixture.localTime)
        let records = try RFC4180.parse(text)
        let columns = try #require(records.first)
        #expect(columns.first == "record")
        #expect(records.allSatisfy { $0.count == columns.count }, "every record has the same number of fields")
        func column(_ name: String) throws -> Int { try #require(columns.firstIndex(of: name)) }
        let label = try column("label"), version = try column("version"), type = try column("type")
        let hash = try column("hash"), occurredAt = try column("occurred_at"), details = try column("details")
        let files = try column("files")

        // The confidentiality line names who, for whom and when.
        let notice = try #require(records.first { $0[0] == "notice" })
        let value = try column("value")
        #expect(notice[value].contains("Dee Lead (dsl)"))
        #expect(notice[value].contains("Local authority designated officer"))
        #expect(notice[value].contains("2026-04-02 13:00:00 BST"))

        // The summary starts with =HYPERLINK(: neutralised with a leading quote, kept whole.
        let summary = try #require(records.first { $0[0] == "case" && $0[label] == "Summary" })
        #expect(summary[value] == "'" + ReportFixture.hostileSummary)
        for record in records {
            for cell in record {
                guard let first = cell.unicodeScalars.first else { continue }
                #expect(!["=", "+", "-", "@", "\t", "\r"].contains(first), "cell starts a formula: \(cell)")
            }
        }

        // One event record per event, in time order, with chain fields.
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        let events = records.filter { $0[0] == "event" }
        #expect(events.count == stored.count)
        let versions = events.compactMap { Int($0[version]) }
        #expect(Set(versions) == Set(stored.map(\.version)))
        for event in events {
            let original = try #require(stored.first { $0.version == Int(event[version]) })
            #expect(event[hash] == original.hash)
            #expect(event[occurredAt] == original.occurredAt)
            #expect(event[type] == original.type)
        }
        // A multi-line note survives as one cell with its line break.
        let note = try #require(events.first { $0[type] == CaseEvent.noteAddedType })
        #expect(note[details] == "Note: Spoke to Mr Jones;\nhe is shaken, \"upset\", and off work")
        // Evidence file names with their SHA-256.
        let evidence = try #require(events.first { $0[type] == "EvidenceCaptured" })
        let post = try ReportFixture.fixtureFile("screenshot-post.png")
        #expect(evidence[files] == "screenshot-post.png sha256:" + Hex.encode(SHA256.hash(post)))
        // Every line ends CRLF: no bare LF outside quotes (the parser refuses one).
        #expect(text.hasSuffix("\r\n"))
    }

    @Test func theWriterQuotesAndNeutralises() throws {
        let rows = [["plain", "a,b", "say \"hi\"", "two\nlines", "=1+2", "-3", "+4", "@SUM(A1)", "\tx", "\rx", "ok-"]]
        let text = CSVWriter.document(rows)
        #expect(text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=1+2,'-3,'+4,'@SUM(A1),'\tx,\"'\rx\",ok-\r\n")
        #expect(try RFC4180.parse(text) == [["plain", "a,b", "say \"hi\"", "two\nlines", "'=1+2", "'-3", "'+4", "'@SUM(A1)", "'\tx", "'\rx", "ok-"]])
    }
}
