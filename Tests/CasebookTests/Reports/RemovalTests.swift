import EventLog
import Foundation
import Testing
import TestSupport

@testable import Casebook

// Removal told per host and per case (issue 12 item 1): over generated cases — any mix of
// hosts, host responses, checks, ISP escalations and answers, withdrawals, declarations,
// closings and reopenings, fed straight to `CaseState.evolve` — the per-request figures,
// the case figure and the HR row's columns never contradict each other. Every failure
// names its seed.

@Suite("Removal figures")
struct RemovalTests {
    private static let start = utc("2026-03-02T09:00:00Z")
    private static let hosts = ["a.example.com", "b.example.org", "c.example.net"]

    /// A generated case: its state after a random sequence of events, closing and
    /// reopening included.
    private static func generatedCase(seed: UInt64) -> (state: CaseState, log: [String]) {
        var random = SplitMix64(seed: seed)
        func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        var now = start
        let opened = CaseEvent.Opened(
            reference: CaseReference(year: 2026, number: 1), school: "Hill Primary", affected: "t.adams", reportedBy: "t.adams",
            reportedTo: "smt.jones", summary: "generated", categories: [.harassment], discoveredAt: Timestamp.string(from: start))
        var state = CaseState(opened: opened, at: start)
        var log: [String] = []
        for _ in 0..<(4 + below(30)) {
            // Minutes to days between events, so requests land either side of 24 hours.
            now = now.addingTimeInterval(Double([60, 1800, 3 * 3600, 20 * 3600, 86_400, 2 * 86_400][below(6)] + below(3600)))
            let requests = state.takedowns.map(\.request.id)
            let event: CaseEvent
            switch below(16) {
            case 0, 1:
                let kind: EvidenceKind = [.web, .social, .email][below(3)]
                let host = hosts[below(hosts.count)]
                event = .evidenceCaptured(
                    CaseEvent.Evidence(
                        id: "E\(state.evidence.count + 1)", kind: kind, url: kind.needsURL ? "https://\(host)/p" : nil,
                        host: kind.needsURL ? host : nil, capturedAt: Timestamp.string(from: now), postedAt: nil, platform: nil,
                        description: nil, files: []))
            case 2, 3:
                let url = state.liveEvidence.filter(\.isURLEvidence)
                guard let item = url.isEmpty ? nil : url[below(url.count)] else { continue }
                event = .takedownRequested(
                    CaseEvent.TakedownRequest(
                        id: "T\(state.takedowns.count + 1)", host: item.details?.host ?? "?", evidence: [item.id], method: .form,
                        sentBy: .school, deadline: Timestamp.string(from: now.addingTimeInterval(Workflow.takedownWindow))))
            case 4:
                guard !requests.isEmpty else { continue }
                event = .hostResponded(request: requests[below(requests.count)], result: HostResponse.allCases[below(4)])
            case 5, 6:
                guard !requests.isEmpty else { continue }
                event = .removalChecked(request: requests[below(requests.count)], result: CheckResult.allCases[below(3)], file: nil)
            case 7:
                guard !requests.isEmpty else { continue }
                event = .ispEscalated(request: requests[below(requests.count)], isp: "Example Telecom")
            case 8:
                guard !requests.isEmpty else { continue }
                event = .ispResponded(request: requests[below(requests.count)], result: ISPResponse.allCases[below(4)])
            case 9:
                let items = requests + state.evidence.map(\.id)
                guard !items.isEmpty else { continue }
                event = .withdrawn(item: items[below(items.count)], reason: "entered in error")
            case 10: event = .takedownNotApplicable(reason: "private group")
            case 13:
                guard !requests.isEmpty else { continue }
                event = .helplineEscalated(request: requests[below(requests.count)], helpline: Helpline.allCases[below(2)], reference: nil)
            case 14:
                guard !requests.isEmpty else { continue }
                event = .helplineResponded(request: requests[below(requests.count)], result: HelplineResult.allCases[below(4)])
            case 11, 12:
                event = state.status == .open ? .closed(outcome: "done", action: .advice) : .reopened(reason: "it came back")
            default:
                event = .withdrawn(item: "not-applicable", reason: "entered in error")
            }
            log.append("\(Timestamp.string(from: now)) \(event)")
            state = state.evolve(event, at: now, actor: "smt.jones")
        }
        return (state, log)
    }

    /// Every relation between the figures a reader could compare.
    private static func checkConsistent(_ removal: Removal, _ localTime: LocalTime, _ context: String) {
        let live = removal.liveRequests
        for request in live {
            switch request.resolution {
            case .stillOnline:
                #expect(request.hours == nil && request.isWithin24Hours == false, "\(context): \(request)")
            case .withdrawn:
                Issue.record("\(context): a live request is withdrawn")
            case .removed, .amended, .blockedByISP, .siteClosedByISP, .removedViaHelpline:
                let hours = request.hours
                #expect(hours != nil && request.resolvedAt != nil, "\(context): \(request)")
                // The hours shown and the 24-hour verdict agree, to the tenth shown.
                #expect((hours.map { $0 <= 24.0 } ?? false) == (request.isWithin24Hours == true), "\(context): \(request)")
            }
        }
        for request in removal.requests where !request.isLive {
            #expect(request.hours == nil && request.isWithin24Hours == nil, "\(context): \(request)")
        }
        let within = removal.within24HoursCount
        #expect(within <= live.filter(\.resolution.takesMaterialDown).count, "\(context)")
        switch removal.status {
        case .allDown(let at):
            #expect(!live.isEmpty && live.allSatisfy(\.resolution.takesMaterialDown), "\(context)")
            #expect(at == live.compactMap(\.resolvedAt).max(), "\(context)")
            let longest = removal.longestHours
            #expect(longest == live.compactMap(\.hours).max(), "\(context)")
            #expect((within == live.count) == (longest.map { $0 <= 24.0 } ?? false), "\(context)")
            #expect(removal.isAllWithin24Hours == (within == live.count), "\(context)")
        case .stillOnline:
            #expect(removal.longestHours == nil && removal.allDownAt == nil, "\(context)")
            #expect(removal.isAllWithin24Hours != true, "\(context)")
        case .nothingToRemove, .notApplicable:
            #expect(live.isEmpty && removal.isAllWithin24Hours == nil && removal.longestHours == nil, "\(context)")
            #expect(removal.within24HoursText == "no request", "\(context)")
        }
        // The words agree with the figures.
        let text = removal.statusText(localTime)
        #expect(text.hasPrefix("all material down") == (removal.allDownAt != nil), "\(context): \(text)")
        #expect(text.hasPrefix("still online") == (removal.status == .stillOnline), "\(context): \(text)")
        if !live.isEmpty { #expect(removal.within24HoursText.hasPrefix("\(within) of \(live.count) "), "\(context)") }
        // The stored form reads back the same.
        #expect(Removal(json: removal.jsonValue) == removal, "\(context): the stored form differs")
    }

    @Test func theColumnsNeverContradictOverGeneratedCases() throws {
        let localTime = try LocalTime(identifier: "Europe/London")
        var closures = 0
        for seed in UInt64(0)..<1500 {
            let (state, log) = Self.generatedCase(seed: seed)
            let context = "seed \(seed)\n" + log.joined(separator: "\n")
            Self.checkConsistent(state.removal, localTime, context)
            // Timings run from each request, never from the report.
            for request in state.removal.liveRequests {
                #expect(request.requestedAt == state.takedown(request.id)?.requestedAt, "\(context)")
            }
            // Every closure's snapshot, as the HR row shows it.
            let rows = state.closures.map { record in
                Outcomes.Row(
                    reference: state.reference, school: state.opened.school, openedAt: state.openedAt,
                    closedAt: record.closure.at, categories: [], sourceKind: nil, referrals: [], threat: nil, police: "not-referred",
                    finding: nil, action: nil, outcome: nil, removal: record.removal, reopenedAt: record.reopenedAt)
            }
            let report = Outcomes(rows: rows, since: nil, until: nil, exportedBy: Staff.hr, exportedAt: Self.start, localTime: localTime)
            let columns = Outcomes.columns
            let material = try #require(columns.firstIndex(of: "Material"))
            let longest = try #require(columns.firstIndex(of: "Hours from request to removal"))
            let within = try #require(columns.firstIndex(of: "Removed within 24 h"))
            for row in rows {
                closures += 1
                Self.checkConsistent(row.removal, localTime, context)
                let cells = report.cells(row)
                let allDown = cells[material].hasPrefix("all down")
                #expect(allDown == !cells[longest].isEmpty, "\(context): \(cells)")
                if let hours = Double(cells[longest]), let counts = Self.counts(cells[within]) {
                    #expect((hours <= 24.0) == (counts.within == counts.of), "\(context): \(cells)")
                }
                if cells[material] == "still online", let counts = Self.counts(cells[within]) {
                    #expect(counts.within < counts.of || cells[within].hasSuffix("not yet requested"), "\(context): \(cells)")
                }
                if cells[within] == "no request" { #expect(!allDown, "\(context): \(cells)") }
                // The summary counts a case as within 24 hours exactly when every host was.
                #expect(row.removedWithin24Hours == Self.counts(cells[within]).map { $0.within == $0.of && allDown }, "\(context): \(cells)")
            }
        }
        #expect(closures > 300, "the generator closes enough cases to test the HR rows")
    }

    /// `2 of 3 hosts within 24 h` → (2, 3).
    private static func counts(_ text: String) -> (within: Int, of: Int)? {
        let words = text.split(separator: " ")
        guard words.count >= 3, words[1] == "of", let within = Int(words[0]), let of = Int(words[2]) else { return nil }
        return (within, of)
    }

    @Test func aCaseOnThreeHostsIsToldPerHost() throws {
        let localTime = try LocalTime(identifier: "Europe/London")
        let opened = CaseEvent.Opened(
            reference: CaseReference(year: 2026, number: 7), school: "Hill Primary", affected: "t.adams", reportedBy: "t.adams",
            reportedTo: "smt.jones", summary: "three hosts", categories: [.harassment], discoveredAt: Timestamp.string(from: Self.start))
        var state = CaseState(opened: opened, at: Self.start)
        func at(_ hours: Double) -> Date { Self.start.addingTimeInterval(hours * 3600) }
        for (index, host) in Self.hosts.enumerated() {
            state = state.evolve(
                .evidenceCaptured(
                    CaseEvent.Evidence(
                        id: "E\(index + 1)", kind: .web, url: "https://\(host)/p", host: host, capturedAt: Timestamp.string(from: at(0)),
                        postedAt: nil, platform: nil, description: nil, files: [])), at: at(0), actor: "smt.jones")
            state = state.evolve(
                .takedownRequested(
                    CaseEvent.TakedownRequest(
                        id: "T\(index + 1)", host: host, evidence: ["E\(index + 1)"], method: .form, sentBy: .school,
                        deadline: Timestamp.string(from: at(25)))), at: at(1), actor: "smt.jones")
        }
        state = state.evolve(.removalChecked(request: "T1", result: .removed, file: nil), at: at(8.2), actor: "smt.jones")
        state = state.evolve(.removalChecked(request: "T2", result: .amended, file: nil), at: at(47.8), actor: "smt.jones")
        #expect(state.removal.status == .stillOnline)
        #expect(state.removal.statusText(localTime) == "still online (T3 c.example.net)")
        state = state.evolve(.hostResponded(request: "T3", result: .refused), at: at(2), actor: "smt.jones")
        state = state.evolve(.ispEscalated(request: "T3", isp: "Example Telecom"), at: at(3), actor: "smt.jones")
        state = state.evolve(.ispResponded(request: "T3", result: .blocked), at: at(73), actor: "smt.jones")
        let removal = state.removal
        #expect(removal.requests.map(\.resolution) == [.removed, .amended, .blockedByISP])
        #expect(removal.requests.map(\.hours) == [7.2, 46.8, 72.0])
        #expect(removal.allDownAt == at(73))
        #expect(removal.within24HoursText == "1 of 3 hosts within 24 h")
        #expect(removal.longestHours == 72.0)
        #expect(removal.isAllWithin24Hours == false)

        // A host and ISP that both refused: resolved for closing, but the material is still online.
        var refused = CaseState(opened: opened, at: Self.start)
        refused = refused.evolve(
            .evidenceCaptured(
                CaseEvent.Evidence(
                    id: "E1", kind: .social, url: "https://a.example.com/x", host: "a.example.com",
                    capturedAt: Timestamp.string(from: at(0)), postedAt: nil, platform: nil, description: nil, files: [])),
            at: at(0), actor: "smt.jones")
        refused = refused.evolve(
            .takedownRequested(
                CaseEvent.TakedownRequest(
                    id: "T1", host: "a.example.com", evidence: ["E1"], method: .form, sentBy: .school,
                    deadline: Timestamp.string(from: at(24)))), at: at(0), actor: "smt.jones")
        refused = refused.evolve(.hostResponded(request: "T1", result: .refused), at: at(1), actor: "smt.jones")
        refused = refused.evolve(.ispEscalated(request: "T1", isp: "Example Telecom"), at: at(2), actor: "smt.jones")
        refused = refused.evolve(.ispResponded(request: "T1", result: .refused), at: at(30), actor: "smt.jones")
        // An ISP refusal leaves the material online and the request open for a helpline (SPEC §10).
        #expect(refused.takedown("T1")?.isResolved == false)
        #expect(refused.removal.status == .stillOnline)
        #expect(refused.removal.requests.first?.isResolvedForClosing == false)
        refused = refused.evolve(.helplineEscalated(request: "T1", helpline: .posh, reference: nil), at: at(31), actor: "smt.jones")
        refused = refused.evolve(.helplineResponded(request: "T1", result: .advice), at: at(40), actor: "smt.jones")
        #expect(refused.takedown("T1")?.isResolved == true)
        #expect(refused.removal.status == .stillOnline)
        #expect(refused.removal.requests.first?.isResolvedForClosing == true)

        // A private email: nothing to remove, not "not removed".
        var email = CaseState(opened: opened, at: Self.start)
        email = email.evolve(
            .evidenceCaptured(
                CaseEvent.Evidence(
                    id: "E1", kind: .email, url: nil, host: nil, capturedAt: Timestamp.string(from: at(0)), postedAt: nil,
                    platform: nil, description: nil, files: [])), at: at(0), actor: "smt.jones")
        #expect(email.removal.status == .nothingToRemove)
        #expect(email.removal.statusText(localTime).hasPrefix("nothing to remove"))
    }

    @Test func aRequestAfterAReopeningCountsFromItsOwnTime() throws {
        let opened = CaseEvent.Opened(
            reference: CaseReference(year: 2026, number: 8), school: "Hill Primary", affected: "t.adams", reportedBy: "t.adams",
            reportedTo: "smt.jones", summary: "reopened", categories: [.harassment], discoveredAt: Timestamp.string(from: Self.start))
        func at(_ hours: Double) -> Date { Self.start.addingTimeInterval(hours * 3600) }
        var state = CaseState(opened: opened, at: Self.start)
        for (index, time) in [0.0, 700.0].enumerated() {
            state = state.evolve(
                .evidenceCaptured(
                    CaseEvent.Evidence(
                        id: "E\(index + 1)", kind: .web, url: "https://a.example.com/\(index)", host: "a.example.com",
                        capturedAt: Timestamp.string(from: at(time)), postedAt: nil, platform: nil, description: nil, files: [])),
                at: at(time), actor: "smt.jones")
            state = state.evolve(
                .takedownRequested(
                    CaseEvent.TakedownRequest(
                        id: "T\(index + 1)", host: "a.example.com", evidence: ["E\(index + 1)"], method: .form, sentBy: .school,
                        deadline: Timestamp.string(from: at(time + 24)))), at: at(time + 1), actor: "smt.jones")
            state = state.evolve(.removalChecked(request: "T\(index + 1)", result: .removed, file: nil), at: at(time + 21.8), actor: "smt.jones")
            if index == 0 {
                state = state.evolve(.closed(outcome: "done", action: .advice), at: at(30), actor: "smt.jones")
                state = state.evolve(.reopened(reason: "reposted"), at: at(690), actor: "smt.jones")
            }
        }
        #expect(state.closures.first?.removal.longestHours == 20.8)
        #expect(state.removal.requests.map(\.hours) == [20.8, 20.8])
        #expect(state.removal.within24HoursText == "2 of 2 requests within 24 h")
        #expect(state.removal.isAllWithin24Hours == true)
    }

    @Test func materialBackAfterAReopeningIsDueFromWhenItCameBack() throws {
        let opened = CaseEvent.Opened(
            reference: CaseReference(year: 2026, number: 9), school: "Hill Primary", affected: "t.adams", reportedBy: "t.adams",
            reportedTo: "smt.jones", summary: "reposted", categories: [.harassment], discoveredAt: Timestamp.string(from: Self.start))
        func at(_ hours: Double) -> Date { Self.start.addingTimeInterval(hours * 3600) }
        var state = CaseState(opened: opened, at: Self.start)
        state = state.evolve(
            .evidenceCaptured(
                CaseEvent.Evidence(
                    id: "E1", kind: .web, url: "https://a.example.com/p", host: "a.example.com", capturedAt: Timestamp.string(from: at(0)),
                    postedAt: nil, platform: nil, description: nil, files: [])), at: at(0), actor: "smt.jones")
        state = state.evolve(
            .takedownRequested(
                CaseEvent.TakedownRequest(
                    id: "T1", host: "a.example.com", evidence: ["E1"], method: .form, sentBy: .school,
                    deadline: Timestamp.string(from: at(25)))), at: at(1), actor: "smt.jones")
        state = state.evolve(.removalChecked(request: "T1", result: .removed, file: nil), at: at(22.8), actor: "smt.jones")
        state = state.evolve(.closed(outcome: "done", action: .advice), at: at(30), actor: "smt.jones")
        state = state.evolve(.reopened(reason: "it is back"), at: at(720), actor: "smt.jones")
        state = state.evolve(.removalChecked(request: "T1", result: .stillPresent, file: nil), at: at(721), actor: "smt.jones")
        // Due when it came back, not 30 days late from the first request's 24 hours.
        #expect(Deadline.of(state).filter { $0.kind == .takedown }.map(\.due) == [at(721)])
        #expect(state.removal.status == .stillOnline)
        // The first closure keeps its own figures: down 21.8 hours after the request.
        #expect(state.closures.first?.removal.longestHours == 21.8)
    }
}
