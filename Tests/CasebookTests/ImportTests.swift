import EventLog
import Foundation
import Testing

@testable import Casebook

// Bulk import (`Casebook.importCases`): one transaction per batch, through the same
// open/decide/evolve/projection path as `execute`. Imported cases must be the very cases
// `execute` makes one command at a time — same events, same hashes (the clock is fixed, so
// `recorded_at` is the same), same read-model rows — and the rules must still hold.

private typealias C = Commands

/// Three cases that between them take almost every step: files (one stored twice), two
/// hosts with an ISP escalation, a police referral with consent and one by override,
/// behaviour and disciplinary referrals, takedown not applicable, close and reopen, and
/// an urgent case left open with deadlines.
private func importScripts(start: Date) throws -> [CaseScript] {
    func at(_ hours: Double) -> Date { start.addingTimeInterval(hours * 3600) }
    let shot = try Casebook.fileInfo(name: "post.png", bytes: screenshotBytes)
    let uniqueBytes = screenshotBytes + Array("second page of the thread".utf8)
    let unique = try Casebook.fileInfo(name: "thread.png", bytes: uniqueBytes)
    let emailBytes = Array("From: someone@example.net\r\nSubject: you\r\n\r\nAn abusive message.\r\n".utf8)
    let email = try Casebook.fileInfo(name: "message.eml", bytes: emailBytes)
    let checkBytes = screenshotBytes + Array("page not found".utf8)
    let check = try Casebook.fileInfo(name: "removed.png", bytes: checkBytes)
    let voicemailBytes = Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt a voicemail".utf8)
    let voicemail = try Casebook.fileInfo(name: "voicemail.wav", bytes: voicemailBytes)

    let full = CaseScript(
        draft: CaseDraft(
            affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Threatening posts about Mr Jones",
            categories: [.harassment, .threat], school: "Hill Primary", discoveredAt: at(-2)),
        openedAt: at(0), openedBy: Staff.manager,
        steps: [
            .init(.addEvidence(EvidenceDraft(
                kind: .social, url: "https://chirp.example/p/1", capturedAt: at(-1), platform: "Chirp", files: [shot])),
                at: at(0.5), by: Staff.manager, files: [screenshotBytes]),
            .init(.addEvidence(EvidenceDraft(
                kind: .web, url: "https://forum.example/t/9", platform: "Forum", description: "thread", files: [shot, unique])),
                at: at(0.6), by: Staff.manager, files: [screenshotBytes, uniqueBytes]),
            .init(.addEvidence(EvidenceDraft(kind: .email, description: "saved email", files: [email])),
                at: at(0.7), by: Staff.dsl, files: [emailBytes]),
            .init(C.start, at: at(1), by: Staff.manager),
            .init(.addNote("spoke to the teacher"), at: at(1.5), by: Staff.manager),
            .init(C.request(["E1"]), at: at(2), by: Staff.manager),
            .init(C.request(["E2"]), at: at(2.1), by: Staff.manager),
            .init(C.source(.pupil, ref: "@Handle"), at: at(3), by: Staff.manager),
            .init(C.threatening, at: at(3.2), by: Staff.manager),
            .init(.referBehaviour(pupil: "Y10-0001"), at: at(4), by: Staff.manager),
            .init(C.consent(.given), at: at(4.5), by: Staff.manager),
            .init(C.refer, at: at(5), by: Staff.manager),
            .init(C.response("T1", .removed), at: at(5.5), by: Staff.manager),
            .init(.checkRemoval(request: "T1", .removed, file: check), at: at(6), by: Staff.manager, files: [checkBytes]),
            .init(C.support, at: at(7), by: Staff.manager),
            .init(.recordSupportResponse(.accepted), at: at(8), by: Staff.manager),
            .init(C.response("T2", .noResponse), at: at(30), by: Staff.manager),
            .init(C.escalate("T2"), at: at(31), by: Staff.manager),
            .init(C.ispResponse("T2", .blocked), at: at(50), by: Staff.manager),
            .init(C.conclude, at: at(60), by: Staff.manager),
            .init(C.close, at: at(61), by: Staff.manager),
        ])
    let urgent = CaseScript(
        draft: CaseDraft(
            affected: Staff.teacher.id, reportedBy: Staff.dsl.id, summary: "A pupil named in a post",
            categories: [.childMentioned], school: "Hill Primary"),
        openedAt: at(10), openedBy: Staff.dsl,
        steps: [
            .init(C.web("https://pages.example/a"), at: at(10.2), by: Staff.dsl)
        ])
    let colleague = CaseScript(
        draft: CaseDraft(
            affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Voicemails from a colleague",
            categories: [.threat], school: "Oak Academy"),
        openedAt: at(20),
        steps: [
            .init(.addEvidence(EvidenceDraft(kind: .voicemail, files: [voicemail])), at: at(20.1), files: [voicemailBytes]),
            .init(C.notApplicable, at: at(20.2)),
            .init(C.start, at: at(21)),
            .init(C.source(.staff, ref: "c.smith"), at: at(22)),
            // Typed in another letter case: imported, like executed, under the member's own id.
            .init(.referDisciplinary(staff: Staff.colleague.id.uppercased()), at: at(23)),
            .init(C.threatening, at: at(24)),
            .init(C.consent(.declined), at: at(25)),
            .init(C.override, at: at(26), by: Staff.head),
            .init(C.support, at: at(27)),
            .init(.concludeInvestigation(.substantiated, summary: "admitted"), at: at(28)),
            .init(.close(outcome: "final written warning", action: .finalWarning), at: at(29)),
            .init(C.reopen, at: at(40)),
        ])
    return [full, urgent, colleague]
}

/// Every event of a stream, without its global position (which depends on what else was written).
private func streamDump(_ fixture: ServiceFixture, _ stream: String) throws -> [RecordedEvent] {
    try fixture.casebook.store.events(in: stream).map { event in
        var event = event
        event.position = 0
        return event
    }
}

/// Every stored blob: key, size, media type and bytes.
private func blobDump(_ fixture: ServiceFixture) throws -> [String] {
    var rows: [String] = []
    try fixture.casebook.store.database.forEachRow("SELECT sha256, size, media_type, hex(data) FROM blobs ORDER BY sha256") {
        rows.append("\($0.text(0)) \($0.int(1)) \($0.text(2)) \($0.text(3))")
    }
    return rows
}

@Suite("Bulk import")
struct ImportTests {
    @Test func importedCasesAreTheCasesExecuteMakes() throws {
        let imported = try ServiceFixture()
        let executed = try ServiceFixture()
        let now = fixtureStart.addingTimeInterval(3 * 24 * 3600)
        imported.clock.set(now)
        executed.clock.set(now)
        let scripts = try importScripts(start: fixtureStart.addingTimeInterval(3600))

        let importedStates = try imported.casebook.maintenance.importCases(scripts, by: Staff.manager)

        var executedStates: [CaseState] = []
        for script in scripts {
            var state = try executed.casebook.cases.openCase(script.draft, by: script.openedBy ?? Staff.manager, at: script.openedAt)
            for step in script.steps {
                state = try executed.casebook.cases.execute(
                    step.command, on: state.reference, by: step.actor ?? Staff.manager, at: step.at, files: step.files
                ).state
            }
            executedStates.append(state)
        }

        #expect(importedStates.map(\.reference.description) == ["CB-2026-0001", "CB-2026-0002", "CB-2026-100001"])
        #expect(importedStates == executedStates)
        #expect(importedStates[0].status == .closed)
        #expect(importedStates[1].status == .open)
        #expect(importedStates[2].status == .open)
        for state in importedStates {
            // Same events, same times and actors, same payload bytes, same chain hashes.
            let left = try streamDump(imported, state.reference.stream)
            let right = try streamDump(executed, state.reference.stream)
            #expect(left.count == state.version)
            #expect(left == right, "stream \(state.reference.stream) differs")
            // The state replayed from the stored events is the state the import returned.
            #expect(try imported.casebook.cases.state(of: state.reference) == state)
        }
        let importedModels = try imported.readModelDump()
        let executedModels = try executed.readModelDump()
        #expect(importedModels == executedModels)
        let blobs = try blobDump(imported)
        let executedBlobs = try blobDump(executed)
        #expect(blobs == executedBlobs)
        // post.png is given twice but kept once: five distinct files.
        #expect(blobs.count == 5)
        #expect(try imported.casebook.cases.overdue(asOf: now, by: Staff.manager).count == 2)
        try imported.expectIntactAndRebuildable()
    }

    @Test func importContinuesTheYearsNumbering() throws {
        let fixture = try ServiceFixture()
        fixture.clock.set(fixtureStart.addingTimeInterval(3 * 24 * 3600))
        let first = try fixture.openCase()
        let states = try fixture.casebook.maintenance.importCases(
            try importScripts(start: fixtureStart.addingTimeInterval(3600)), by: Staff.manager)
        let next = try fixture.openCase()
        #expect(first.description == "CB-2026-0001")
        // The third script's case is another school's: its own block (issue 18, L9).
        #expect(states.map(\.reference.description) == ["CB-2026-0002", "CB-2026-0003", "CB-2026-100001"])
        #expect(next.description == "CB-2026-0004")
        try fixture.expectIntactAndRebuildable()
    }

    @Test func aRefusedStepAbortsTheWholeBatch() throws {
        let fixture = try ServiceFixture()
        fixture.clock.set(fixtureStart.addingTimeInterval(3 * 24 * 3600))
        var scripts = try importScripts(start: fixtureStart.addingTimeInterval(3600))
        // The urgent case tries to close with nothing done.
        scripts[1].steps.append(.init(C.close, at: fixtureStart.addingTimeInterval(12 * 3600), by: Staff.manager))
        let before = try fixture.casebook.store.eventCount()
        let found = refusals { _ = try fixture.casebook.maintenance.importCases(scripts, by: Staff.manager) }
        #expect(found.map(\.rule).contains("close-needs-concluded-investigation"))
        #expect(try fixture.casebook.store.eventCount() == before)
        #expect(try fixture.casebook.cases.list(by: Staff.manager).isEmpty)
        #expect(try blobDump(fixture).isEmpty)
    }

    @Test func theRulesOfExecuteHoldInAnImport() throws {
        let fixture = try ServiceFixture()
        let now = fixtureStart.addingTimeInterval(3 * 24 * 3600)
        fixture.clock.set(now)
        let draft = CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Posts")

        // A role without the permission.
        let byHR = CaseScript(draft: draft, openedAt: fixtureStart, openedBy: Staff.hr)
        let notPermitted = casebookError { _ = try fixture.casebook.maintenance.importCases([byHR], by: Staff.manager) }
        #expect(notPermitted?.isNotPermitted == true)
        // A time in the future.
        let future = CaseScript(draft: draft, openedAt: now.addingTimeInterval(3600))
        let inFuture = casebookError { _ = try fixture.casebook.maintenance.importCases([future], by: Staff.manager) }
        #expect(inFuture?.isInvalidInput == true)
        // A step before the case was opened.
        let early = CaseScript(
            draft: draft, openedAt: fixtureStart, steps: [.init(C.email, at: fixtureStart.addingTimeInterval(-60))])
        let beforeOpening = casebookError { _ = try fixture.casebook.maintenance.importCases([early], by: Staff.manager) }
        #expect(beforeOpening?.isInvalidInput == true)
        // A file the evidence refers to whose bytes are not given.
        let shot = try Casebook.fileInfo(name: "post.png", bytes: screenshotBytes)
        let missing = CaseScript(
            draft: draft, openedAt: fixtureStart,
            steps: [.init(.addEvidence(EvidenceDraft(kind: .email, files: [shot])), at: fixtureStart.addingTimeInterval(60))])
        let missingBytes = casebookError { _ = try fixture.casebook.maintenance.importCases([missing], by: Staff.manager) }
        #expect(missingBytes?.isInvalidInput == true)

        #expect(try fixture.casebook.cases.list(by: Staff.manager).isEmpty)
        // The staff directory and the identity mode recorded by create.
        #expect(try fixture.casebook.store.eventCount() == Staff.all.count + 1)
    }
}
