import EventLog
import Foundation
import Testing
import TestSupport

@testable import Casebook

// Lawful content (SPEC §9): no path stores a file of child sexual imagery, such a case is
// seen by the safeguarding lead and the headteacher only, and purged bytes are gone while
// their hashes, and the proof of the purge, stay. A real database file on disk.

private typealias C = Commands

/// Bytes found nowhere else, to search the files on disk for.
private let distinctive: [UInt8] =
    [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("DISTINCTIVE-PURGE-MARKER-7f3e9a1c-do-not-keep".utf8)

@Suite("Lawful content")
struct LawfulContentTests {
    // MARK: No file for child sexual imagery, whatever the path

    @Test func noPathStoresAFileForAChildSexualImageryCase() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase(categories: [.childSexualImagery], by: Staff.dsl)
        let file = try Casebook.fileInfo(name: "image.png", bytes: distinctive)
        let attempts: [(CaseCommand, [[UInt8]])] = [
            (.addEvidence(EvidenceDraft(kind: .social, url: "https://chirp.example/p/9", files: [file])), [distinctive]),
            // The bytes alone, with a command that names no file: the last line in storeFiles.
            (.addEvidence(EvidenceDraft(kind: .social, url: "https://chirp.example/p/9")), [distinctive]),
            (.changeCategory(.threat, add: true), [distinctive]),
        ]
        // Bytes given with the very step that marks a case: refused too.
        let plain = try fixture.openCase()
        let marking = casebookError {
            try fixture.run(.changeCategory(.childSexualImagery, add: true), on: plain, by: Staff.head, files: [distinctive])
        }
        #expect(marking?.isInvalidInput == true)
        #expect(try fixture.casebook.cases.state(of: plain).opened.categories == [.harassment])
        for (command, bytes) in attempts {
            let error = casebookError { try fixture.run(command, on: reference, by: Staff.head, files: bytes) }
            #expect(error?.isInvalidInput == true, "\(command): \(String(describing: error))")
            #expect(error?.description.contains("Protection of Children Act 1978") == true)
            #expect(error?.description.contains("never to view, copy, print, share, store or save") == true)
            #expect(error?.description.contains("the URL, the platform, a description") == true)
        }
        // A takedown check's screenshot.
        try fixture.run(C.web(), on: reference, by: Staff.head)
        try fixture.run(C.start, on: reference, by: Staff.head)
        try fixture.run(C.request(), on: reference, by: Staff.head)
        let check = CaseCommand.checkRemoval(request: "T1", .stillPresent, file: file)
        #expect(casebookError { try fixture.run(check, on: reference, by: Staff.head, files: [distinctive]) }?.isInvalidInput == true)
        #expect(try blobCount(fixture) == 0)
        // What is recorded instead is accepted.
        let state = try fixture.run(
            .addEvidence(
                EvidenceDraft(
                    kind: .social, url: "https://chirp.example/p/10", platform: "Chirp",
                    description: "reported by a pupil's parent at 09:10; not viewed")), on: reference, by: Staff.dsl)
        #expect(state.evidence.count == 2)
    }

    @Test func noPathStoresAFileForAChildSexualImageryItem() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "image.png", bytes: distinctive)
        let flagged = EvidenceDraft(kind: .social, url: "https://chirp.example/p/9", files: [file], isChildSexualImagery: true)
        #expect(casebookError { try fixture.run(.addEvidence(flagged), on: reference, files: [distinctive]) }?.isInvalidInput == true)
        // The library API's pure decision refuses it too, before any store.
        let state = try fixture.casebook.cases.state(of: reference)
        let context = try fixture.casebook.decisionContext(actor: Staff.head, at: nil)
        #expect(casebookError { _ = try Workflow.decide(.addEvidence(flagged), state: state, context: context) }?.isInvalidInput == true)
        // An import: the whole batch is refused, nothing written.
        let script = CaseScript(
            draft: CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "imported", school: "Hill Primary"),
            openedAt: fixture.clock.now, steps: [.init(.addEvidence(flagged), at: fixture.clock.now, files: [distinctive])])
        let imageryScript = CaseScript(
            draft: CaseDraft(
                affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "imported", categories: [.childSexualImagery],
                school: "Hill Primary"), openedAt: fixture.clock.now,
            steps: [.init(.changeCategory(.threat, add: true), at: fixture.clock.now, files: [distinctive])])
        for script in [script, imageryScript] {
            let error = casebookError { try fixture.casebook.maintenance.importCases([script], by: Staff.head) }
            #expect(error?.isInvalidInput == true, "\(String(describing: error))")
        }
        #expect(try blobCount(fixture) == 0)
        #expect(try fixture.casebook.store.database.scalarInt("SELECT count(*) FROM cases") == 1)
        // A takedown check of a request covering the item is refused a file too.
        // (Once it holds such an item, the senior manager no longer sees the case.)
        try fixture.run(.addEvidence(EvidenceDraft(kind: .social, url: "https://chirp.example/p/9", isChildSexualImagery: true)), on: reference)
        #expect(casebookError { try fixture.run(C.start, on: reference) }?.isNotFound == true)
        try fixture.run(C.start, on: reference, by: Staff.head)
        try fixture.run(C.request(), on: reference, by: Staff.head)
        let check = CaseCommand.checkRemoval(request: "T1", .removed, file: file)
        #expect(casebookError { try fixture.run(check, on: reference, by: Staff.head, files: [distinctive]) }?.isInvalidInput == true)
        #expect(try blobCount(fixture) == 0)
    }

    @Test func evidenceAttachAndAHostsReplyStoreNoFileForSuchAnItem() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "image.png", bytes: distinctive)
        try fixture.run(
            .addEvidence(EvidenceDraft(kind: .social, url: "https://chirp.example/p/9", isChildSexualImagery: true)), on: reference,
            by: Staff.dsl)
        let attach = casebookError {
            try fixture.run(.attachFiles(evidence: "E1", files: [file]), on: reference, by: Staff.head, files: [distinctive])
        }
        #expect(attach?.isInvalidInput == true)
        #expect(attach?.description.contains("Protection of Children Act 1978") == true)
        try fixture.run(C.start, on: reference, by: Staff.head)
        try fixture.run(C.request(), on: reference, by: Staff.head)
        let reply = CaseCommand.recordHostResponse(request: "T1", .refused, file: file)
        #expect(casebookError { try fixture.run(reply, on: reference, by: Staff.head, files: [distinctive]) }?.isInvalidInput == true)
        // On a case with the category, attaching to any item is refused.
        let imagery = try fixture.openCase(categories: [.childSexualImagery], by: Staff.dsl)
        try fixture.run(C.email, on: imagery, by: Staff.dsl)
        #expect(
            casebookError { try fixture.run(.attachFiles(evidence: "E1", files: [file]), on: imagery, by: Staff.dsl, files: [distinctive]) }?
                .isInvalidInput == true)
        #expect(try blobCount(fixture) == 0)
    }

    // MARK: Who sees it

    @Test func onlyTheSafeguardingLeadAndTheHeadteacherSeeSuchACase() throws {
        let fixture = try ServiceFixture()
        let ordinary = try fixture.openCase()
        let imagery = try fixture.openCase(categories: [.childSexualImagery], by: Staff.manager)
        let missing = CaseReference(year: 2026, number: 99)
        let nonexistent = casebookError { _ = try fixture.casebook.cases.show(missing, by: Staff.manager, recording: nil) }
        let hidden = casebookError { _ = try fixture.casebook.cases.show(imagery, by: Staff.manager, recording: nil) }
        #expect(hidden?.isNotFound == true)
        #expect(hidden?.description == nonexistent?.description.replacingOccurrences(of: missing.description, with: imagery.description))
        #expect(casebookError { try fixture.run(C.email, on: imagery, by: Staff.manager) }?.isNotFound == true)
        #expect(casebookError { try fixture.casebook.checkAccess(to: imagery, by: Staff.manager) }?.isNotFound == true)
        for actor in [Staff.head, Staff.dsl] {
            _ = try fixture.casebook.cases.show(imagery, by: actor, recording: nil)
            try fixture.casebook.checkAccess(to: imagery, by: actor)
        }
        let managerList = try fixture.casebook.cases.list(by: Staff.manager).map(\.reference)
        #expect(managerList == [ordinary])
        #expect(Set(try fixture.casebook.cases.list(by: Staff.head).map(\.reference)) == [ordinary, imagery])
        // Adding the category later hides a case the manager saw.
        try fixture.run(.changeCategory(.childSexualImagery, add: true), on: ordinary, by: Staff.manager)
        #expect(try fixture.casebook.cases.list(by: Staff.manager).isEmpty)
        try fixture.expectIntactAndRebuildable()
    }

    // MARK: Closing and the police

    @Test func aPoliceReferralNeedsNoConsentAndClosingNeedsTheReferralDecision() throws {
        var pure = try PureCase.open(categories: [.childSexualImagery])
        for command in [C.email, C.start, C.source(.pupil), C.threatening, C.conclude, C.support] { try pure.apply(command) }
        let closing = refusals { _ = try pure.decide(C.close) }
        #expect(closing.map(\.rule) == ["close-needs-police-track-settled", "close-needs-referral-decision"])
        let events = try pure.apply(C.refer)
        #expect(events == [.policeReferred(force: "Metropolitan Police", reference: nil, overrideReason: LawfulContentTrack.imageryOverrideReason)])
        #expect(refusals { _ = try pure.decide(C.close) }.map(\.rule) == ["close-needs-referral-decision"])
        #expect(casebookError { _ = try pure.decide(.recordReferralDecision(.police, reference: nil, reason: nil)) }?.isInvalidInput == true)
        #expect(casebookError { _ = try pure.decide(.recordReferralDecision(.none, reference: nil, reason: nil)) }?.isInvalidInput == true)
        #expect(casebookError { _ = try pure.decide(.recordReferralDecision(.police, reference: "X", reason: nil), by: Staff.manager) }?.isNotPermitted == true)
        try pure.apply(.recordReferralDecision(.police, reference: "NP-26-1", reason: nil), by: Staff.dsl)
        try pure.apply(C.close)
        #expect(pure.state.status == .closed)
    }

    @Test func aTakedownRequestForSuchMaterialCarriesTheIWFRoute() throws {
        var pure = try PureCase.open()
        try pure.apply(.addEvidence(EvidenceDraft(kind: .social, url: "https://chirp.example/p/1", isChildSexualImagery: true)))
        try pure.apply(C.web("https://chirp.example/p/2"))
        try pure.apply(C.start)
        try pure.apply(C.request(["E1"]))
        try pure.apply(C.request(["E2"]))
        let routes = pure.state.takedowns.map { Workflow.imageryRoute(for: $0.request, in: pure.state) }
        #expect(routes[0]?.contains("Internet Watch Foundation") == true)
        #expect(routes[1] == nil)
    }

    // MARK: Purge

    @Test func categoryAddPurgesEveryFileInTheSameTransaction() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "image.png", bytes: distinctive)
        try fixture.run(.addEvidence(EvidenceDraft(kind: .social, url: "https://chirp.example/p/9", files: [file])), on: reference, files: [distinctive])
        let before = try fixture.casebook.cases.events(of: reference).count
        let result = try fixture.casebook.cases.execute(.changeCategory(.childSexualImagery, add: true), on: reference, by: Staff.dsl)
        #expect(result.events.map(\.typeName) == ["CategoryAdded", "FilesPurged"])
        #expect(try fixture.casebook.cases.events(of: reference).count == before + 2)
        #expect(try fixture.casebook.store.isPurged(file.sha256))
        #expect(result.state.heldFiles.isEmpty)
        #expect(try fixture.casebook.maintenance.verify(by: Staff.head).purgedFiles == [file.sha256])
        // The bytes cannot come back.
        let again = EvidenceDraft(kind: .email, description: "again", files: [file])
        let other = try fixture.openCase()
        #expect(casebookError { try fixture.run(.addEvidence(again), on: other, files: [distinctive]) }?.isInvalidInput == true)
        try fixture.expectIntactAndRebuildable()
    }

    @Test func purgeKeepsBytesAnotherLiveItemHolds() throws {
        let fixture = try ServiceFixture()
        let first = try fixture.openCase()
        let second = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "shot.png", bytes: distinctive)
        let draft = EvidenceDraft(kind: .email, description: "the email", files: [file])
        try fixture.run(.addEvidence(draft), on: first, files: [distinctive])
        try fixture.run(.addEvidence(draft), on: second)
        let purged = try fixture.casebook.cases.execute(.purgeFiles(item: "E1", reason: "erasure"), on: first, by: Staff.head).events
        #expect(purged == [.filesPurged(CaseEvent.Purge(items: ["E1"], files: [file], erased: [], reason: "erasure"))])
        #expect(try !fixture.casebook.store.isPurged(file.sha256))
        #expect(refusals { try fixture.run(.purgeFiles(item: "E1", reason: "again"), on: first, by: Staff.head) }.map(\.rule) == ["purge-needs-stored-files"])
        #expect(casebookError { try fixture.run(.purgeFiles(item: "E1", reason: "x"), on: second, by: Staff.manager) }?.isNotPermitted == true)
        try fixture.run(.purgeFiles(item: "E1", reason: "erasure"), on: second, by: Staff.dsl)
        #expect(try fixture.casebook.store.isPurged(file.sha256))
        #expect(throws: EventLogError.blobPurged(file.sha256)) { try fixture.casebook.store.blob(file.sha256) }
        try fixture.expectIntactAndRebuildable()
    }

    @Test func theTriggersRefuseAnUnrecordedPurge() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "shot.png", bytes: distinctive)
        try fixture.run(.addEvidence(EvidenceDraft(kind: .email, files: [file])), on: reference, files: [distinctive])
        let database = fixture.casebook.store.database
        #expect(throws: SQLiteError.self) { try database.run("UPDATE blobs SET data = NULL WHERE sha256 = ?", [file.sha256]) }
        #expect(throws: SQLiteError.self) {
            try database.run("INSERT INTO blob_purges (sha256, stream, version) VALUES (?, ?, 2)", [file.sha256, reference.stream])
        }
        #expect(throws: SQLiteError.self) { try database.run("UPDATE blobs SET data = x'00' WHERE sha256 = ?", [file.sha256]) }
        #expect(try !fixture.casebook.store.isPurged(file.sha256))
    }

    @Test func purgeThenBackupLeavesTheBytesInNeitherFile() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let file = try Casebook.fileInfo(name: "shot.png", bytes: distinctive)
        try fixture.run(.addEvidence(EvidenceDraft(kind: .email, files: [file])), on: reference, files: [distinctive])
        try fixture.casebook.store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(try contains(fixture.path, distinctive), "the bytes are in the database before the purge")
        try fixture.run(.purgeFiles(item: "E1", reason: "erasure request"), on: reference, by: Staff.head)
        try fixture.casebook.maintenance.reclaimSpace(by: Staff.head)
        for path in [fixture.path, fixture.path + "-wal"] {
            #expect(try !contains(path, distinctive), "\(path) still holds the purged bytes")
        }
        let backup = fixture.path + ".backup"
        try fixture.casebook.maintenance.backup(to: backup, by: Staff.head)
        #expect(try !contains(backup, distinctive))
        let report = try fixture.casebook.maintenance.verify(by: Staff.head)
        #expect(report.isIntact)
        #expect(report.purgedFiles == [file.sha256])
    }

    private func blobCount(_ fixture: ServiceFixture) throws -> Int {
        try fixture.casebook.store.database.scalarInt("SELECT count(*) FROM blobs") ?? -1
    }

    /// Whether the file on disk holds the byte string anywhere (a missing file holds nothing).
    private func contains(_ path: String, _ needle: [UInt8]) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count >= needle.count else { return false }
        // Long enough to be unique; searching for a distinctive slice is enough.
        let marker = Array(needle.suffix(30))
        let first = marker[0]
        var index = 0
        while index + marker.count <= data.count {
            if data[index] == first, Array(data[index..<index + marker.count]) == marker { return true }
            index += 1
        }
        return false
    }
}

// MARK: Retention (SPEC §9)

@Suite("Retention")
struct RetentionTests {
    /// One generated case: what the test knows of it, for its own calculation.
    struct Planned {
        var openedAt: Date
        var closedAt: Date
        var isStaffConduct: Bool
        var retirement: Date?
        var isHeld: Bool
        var bytes: [UInt8]
    }

    /// The review date by the rule's own words, computed here from calendar components.
    static func expectedReview(_ plan: Planned, staffYears: Int, standardYears: Int) -> Date {
        func adding(_ years: Int, to date: Date) -> Date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            var parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
            parts.year = (parts.year ?? 0) + years
            // 29 February in a year without one is 1 March.
            if parts.month == 2, parts.day == 29, !(calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: parts.year, month: 2))!)!.count == 29) {
                parts.month = 3
                parts.day = 1
            }
            return calendar.date(from: parts)!
        }
        if plan.isStaffConduct {
            let fromAllegation = adding(staffYears, to: plan.openedAt)
            return max(fromAllegation, plan.retirement ?? fromAllegation)
        }
        return adding(standardYears, to: plan.closedAt)
    }

    @Test func retentionApplyErasesExactlyTheDueUnheldCases() throws {
        let now = fixtureStart
        let fixture = try ServiceFixture(start: now)
        let casebook = fixture.casebook
        var random = SplitMix64(seed: 0x2E7E_0001)
        var plans: [Planned] = []
        var scripts: [CaseScript] = []
        for index in 0..<40 {
            let daysAgo = Double(200 + Int(random.below(12 * 365)))
            let openedAt = now.addingTimeInterval(-daysAgo * 86_400)
            func at(_ hours: Double) -> Date { openedAt.addingTimeInterval(hours * 3600) }
            let isStaff = random.chance(35)
            let bytes = screenshotBytes + Array("retention case \(index) \(random.below(1_000_000))".utf8)
            let file = try Casebook.fileInfo(name: "shot\(index).png", bytes: bytes)
            var steps: [CaseScript.Step] = [
                .init(.addEvidence(EvidenceDraft(kind: .email, description: "email \(index)", files: [file])), at: at(1), files: [bytes]),
                .init(C.start, at: at(2)), .init(.addNote("note \(index)"), at: at(3)),
                .init(isStaff ? C.source(.staff, ref: Staff.colleague.id) : C.source(.parent), at: at(4)),
                .init(C.notThreatening, at: at(5)), .init(C.conclude, at: at(6)), .init(C.support, at: at(7)),
            ]
            let closedAt = at(24 + Double(Int(random.below(60 * 24))))
            steps.append(.init(C.close, at: closedAt))
            scripts.append(
                CaseScript(
                    draft: CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "case \(index)", school: "Hill Primary"),
                    openedAt: openedAt, steps: steps))
            let retirement = isStaff && random.chance(40) ? now.addingTimeInterval(Double(Int(random.below(3 * 365)) - 365) * 86_400) : nil
            plans.append(Planned(openedAt: openedAt, closedAt: closedAt, isStaffConduct: isStaff, retirement: retirement, isHeld: random.chance(20), bytes: bytes))
        }
        // One open case is never in the schedule.
        let open = try fixture.openCase()
        let states = try casebook.maintenance.importCases(scripts, by: Staff.head)
        try casebook.retention.setRetentionPeriod(.standard, years: 5, by: Staff.head)
        for (state, plan) in zip(states, plans) {
            if let retirement = plan.retirement { try casebook.retention.recordRetentionDate(state.reference, date: retirement, by: Staff.hr) }
            if plan.isHeld { try casebook.retention.hold(state.reference, reason: "tribunal claim", by: Staff.dsl) }
        }
        #expect(casebookError { try casebook.retention.hold(states[0].reference, reason: "x", by: Staff.manager) }?.isNotPermitted == true)
        #expect(casebookError { _ = try casebook.retention.applyRetention(asOf: now, by: Staff.dsl) }?.isNotPermitted == true)

        var expected: Set<CaseReference> = []
        for (state, plan) in zip(states, plans) {
            let review = Self.expectedReview(plan, staffYears: 10, standardYears: 5)
            if review <= now && !plan.isHeld { expected.insert(state.reference) }
        }
        #expect(!expected.isEmpty && expected.count < states.count, "the generated trust has due and kept cases: \(expected.count)")
        let schedule = try casebook.retention.retentionSchedule(asOf: now, by: Staff.head)
        #expect(!schedule.map(\.reference).contains(open))
        let planned = Dictionary(uniqueKeysWithValues: zip(states.map(\.reference), plans))
        #expect(schedule.count == plans.count)
        for entry in schedule {
            guard let plan = planned[entry.reference] else { continue }
            #expect(entry.reviewDate == Self.expectedReview(plan, staffYears: 10, standardYears: 5), "\(entry.reference)")
            #expect(entry.retentionClass == (plan.isStaffConduct ? .staffConduct : .standard))
        }

        let applied = try casebook.retention.applyRetention(asOf: now, by: Staff.head)
        #expect(Set(applied.map(\.reference)) == expected)
        for (state, plan) in zip(states, plans) {
            let sha = Hex.encode(SHA256.hash(plan.bytes))
            let events = try casebook.cases.events(of: state.reference)
            let erased = expected.contains(state.reference)
            #expect(try casebook.store.isPurged(sha) == erased, "\(state.reference)")
            #expect(events.contains { $0.type == "RetentionApplied" } == erased)
            // The stub: the opening and the workflow steps stay; evidence and notes are erased.
            let redactable = events.filter { $0.type == "EvidenceCaptured" || $0.type == "InvestigationNoteAdded" }
            #expect(redactable.allSatisfy { ($0.payload == nil) == erased })
            #expect(events.first?.type == "CaseOpened" && events.first?.payload != nil)
        }
        // Nothing more is due; verify reports the purges and redactions, no break.
        #expect(try casebook.retention.applyRetention(asOf: now, by: Staff.head).isEmpty)
        let report = try casebook.maintenance.verify(by: Staff.head)
        #expect(report.isIntact, "\(report.breaks)")
        #expect(report.purgedFiles.count == expected.count)
        // Releasing a hold makes a due case erasable.
        if let heldIndex = plans.firstIndex(where: { $0.isHeld && Self.expectedReview($0, staffYears: 10, standardYears: 5) <= now }) {
            try casebook.retention.releaseHold(states[heldIndex].reference, reason: "claim settled", by: Staff.head)
            #expect(try casebook.retention.applyRetention(asOf: now, by: Staff.head).map(\.reference) == [states[heldIndex].reference])
        }
        try fixture.expectIntactAndRebuildable()
    }
}

fileprivate extension SplitMix64 {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

@Suite("Purge tampering")
struct PurgeTamperTests {
    /// With the triggers dropped, bytes set to NULL without a recorded purge, or a purge
    /// record pointing at an event that does not name the file, are breaks.
    @Test func anUnrecordedPurgeIsABreak() throws {
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        let bytes = screenshotBytes + Array("tamper".utf8)
        let other = screenshotBytes + Array("tamper two".utf8)
        let file = try Casebook.fileInfo(name: "a.png", bytes: bytes)
        let second = try Casebook.fileInfo(name: "b.png", bytes: other)
        try fixture.run(.addEvidence(EvidenceDraft(kind: .email, files: [file, second])), on: reference, files: [bytes, other])
        let database = fixture.casebook.store.database
        try database.execute("DROP TRIGGER blobs_no_update; DROP TRIGGER blob_purges_recorded")
        try database.run("UPDATE blobs SET data = NULL WHERE sha256 = ?", [file.sha256])
        try database.run("INSERT INTO blob_purges (sha256, stream, version) VALUES (?, ?, 1)", [second.sha256, reference.stream])
        try database.run("UPDATE blobs SET data = NULL WHERE sha256 = ?", [second.sha256])
        let report = try fixture.casebook.maintenance.verify(by: Staff.head)
        let details = report.breaks.filter { $0.kind == .badBlob }.map(\.detail)
        #expect(details.contains { $0.hasPrefix(file.sha256) && $0.contains("no purge is recorded") }, "\(details)")
        #expect(details.contains { $0.hasPrefix(second.sha256) && $0.contains("is not a FilesPurged event naming it") }, "\(details)")
        #expect(report.breaks.contains { $0.kind == .alteredSchema })
        #expect(!report.isIntact)
    }
}
