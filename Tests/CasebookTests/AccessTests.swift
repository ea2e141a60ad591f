import EventLog
import Foundation
import Testing

@testable import Casebook

/// SPEC §8 in the library: the staff directory replayed, who is acting, scope, conflicts of
/// interest, staff changes, and the record of who looked.
@Suite struct AccessTests {
    // People added on top of the fixture's directory.
    static let hillManager = StaffMember(id: "sm.hill", name: "Hal Hill", role: .seniorManager, scope: .school("Hill Primary"))
    static let daleManager = StaffMember(id: "sm.dale", name: "Dot Dale", role: .seniorManager, scope: .school("Dale High"))
    static let daleLead = StaffMember(id: "dsl.dale", name: "Dan Dale", role: .safeguardingLead, scope: .school("Dale High"))
    static let accused = StaffMember(id: "sm.accused", name: "Ash Accused", role: .seniorManager)
    static let lineManager = StaffMember(id: "sm.line", name: "Lee Line", role: .seniorManager)

    static func fixture() throws -> ServiceFixture {
        let fixture = try ServiceFixture()
        for member in [hillManager, daleManager, daleLead, accused, lineManager] {
            try fixture.casebook.staff.addStaff(member, by: Staff.head)
        }
        return fixture
    }

    /// Takes a case with no URL evidence to closed.
    static func close(_ reference: CaseReference, _ fixture: ServiceFixture) throws {
        for command in [
            Commands.email, Commands.start, Commands.source(.unknown), Commands.notThreatening, Commands.conclude,
            Commands.notApplicable, Commands.support, Commands.close,
        ] { try fixture.run(command, on: reference) }
    }

    static let london: LocalTime = {
        guard let zone = try? LocalTime(identifier: "Europe/London") else { preconditionFailure("Europe/London is known") }
        return zone
    }()

    // MARK: The directory

    @Test func theDirectoryReplaysEveryStaffEventAndMatchesTheReadModel() throws {
        let fixture = try Self.fixture()
        let casebook = fixture.casebook
        _ = try fixture.openCase()
        try casebook.staff.setLogin(Self.hillManager.id, login: "hhill", by: Staff.head)
        try casebook.staff.changeRole(Self.hillManager.id, to: .safeguardingLead, by: Staff.head)
        try casebook.staff.changeScope(Self.daleManager.id, to: .trustWide, by: Staff.head)
        try casebook.staff.leave(Self.accused.id, by: Staff.head)

        let directory = try casebook.directory()
        #expect(directory.identityMode == .claimed)
        #expect(directory.member(Self.hillManager.id) == StaffMember(
            id: "sm.hill", name: "Hal Hill", role: .safeguardingLead, login: "hhill", scope: .school("Hill Primary")))
        #expect(directory.member(Self.daleManager.id)?.scope == .trustWide)
        #expect(directory.member(Self.accused.id)?.hasLeft == true)
        #expect(directory.member(login: "hhill")?.id == "sm.hill")
        #expect(directory.version == (try casebook.store.version(of: StaffEvent.stream)))
        // The read model says the same of everyone.
        for (id, member) in directory.members { #expect(try casebook.member(id) == member) }
        #expect(try casebook.staff.all(as: Staff.head).count == directory.members.count)
        try fixture.expectIntactAndRebuildable()
    }

    @Test func aStaffAddedPayloadFromBeforeLoginsAndSchoolsStillDecodes() throws {
        let old = Array(#"{"id":"x.old","name":"Old Member","role":"hr","v":1}"#.utf8)
        #expect(try StaffEvent(type: "StaffAdded", payload: old) == .added(StaffMember(id: "x.old", name: "Old Member", role: .hr)))
        #expect(throws: CaseEvent.PayloadError.self) { try StaffEvent(type: "StaffRenamed", payload: old) }
        // Each event's payload decodes back to it, through the one table of type names.
        let events: [StaffEvent] = [
            .added(StaffMember(id: "a", name: "A", role: .hr, login: "al", scope: .school("Dale High"))),
            .loginChanged(id: "a", login: "al2"), .roleChanged(id: "a", role: .staff), .scopeChanged(id: "a", scope: .trustWide),
            .scopeChanged(id: "a", scope: .school("Hill Primary")), .left(id: "a"), .identityModeSet(.verified),
            .emailSet(id: "a", email: "a@example.org"), .alertsSet(id: "a", on: false), .emailSet(id: "a", email: nil),
            .aliasAdded(id: "a", alias: "Coach A"),
        ]
        for event in events {
            #expect(try StaffEvent(type: event.typeName, payload: event.payload.serializedBytes()) == event)
        }
        #expect(Set(events.map(\.kind)) == Set(StaffEvent.Kind.allCases))
        var directory = StaffDirectory()
        for event in events { directory.apply(event) }
        #expect(directory.identityMode == .verified)
        #expect(
            directory.member("a")
                == StaffMember(id: "a", name: "A", role: .staff, login: "al2", scope: .school("Hill Primary"), hasLeft: true, alertsOff: true))
        #expect(directory.member(login: "al2") == nil, "a leaver's login acts as nobody")
        #expect(directory.aliases["a"] == ["Coach A"])
    }

    // MARK: Who is acting

    @Test func aVerifiedDatabaseActsAsTheMemberMappedToTheLogin() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("casebook.sqlite").path
        let casebook = try Casebook.create(at: path, admin: "head", name: "Hannah Head", identities: .verified, adminLogin: "hhead")
        let head = try #require(try casebook.member("head"))
        #expect(try casebook.identityMode() == .verified)
        try casebook.staff.addStaff(StaffMember(id: "sm", name: "Sam Manager", role: .seniorManager, login: "smanager"), by: head)

        #expect(try casebook.resolveActor(login: "hhead", named: nil).id == "head")
        #expect(try casebook.resolveActor(login: "smanager", named: "sm").id == "sm")
        #expect(try casebook.resolveActor(login: "smanager", named: "SM").id == "sm", "--as is compared as ids are")
        let mismatch = casebookError { _ = try casebook.resolveActor(login: "smanager", named: "head") }
        #expect(mismatch?.isNotPermitted == true)
        #expect(mismatch?.description.contains("the login 'smanager' acts as sm, but <as> (or CASEBOOK_USER) names 'head'") == true)
        let unmapped = casebookError { _ = try casebook.resolveActor(login: "intruder", named: "head") }
        #expect(unmapped?.isNotPermitted == true)
        // The hint is data: the command to run is a value each front end words.
        #expect(unmapped?.message?.hint == Casebook.mappingHint)
        #expect(unmapped?.message?.hint?.segments.contains(.command(.mapLogin)) == true)
        #expect(casebookError { _ = try casebook.resolveActor(login: nil, named: nil) }?.isNotPermitted == true)

        // A login maps to at most one current member; a leaver's login is free again.
        let taken = casebookError {
            try casebook.staff.addStaff(StaffMember(id: "dsl", name: "Dee Lead", role: .safeguardingLead, login: "smanager"), by: head)
        }
        #expect(taken?.isInvalidInput == true)
        #expect(casebookError { try casebook.staff.setLogin("head", login: "smanager", by: head) }?.isInvalidInput == true)
        #expect(casebookError { try casebook.staff.setLogin("head", login: "bad login", by: head) }?.isInvalidInput == true)
        try casebook.staff.leave("sm", by: head)
        #expect(casebookError { _ = try casebook.resolveActor(login: "smanager", named: nil) }?.isNotPermitted == true)
        try casebook.staff.addStaff(StaffMember(id: "sm2", name: "Sid Manager", role: .seniorManager, login: "smanager"), by: head)
        #expect(try casebook.resolveActor(login: "smanager", named: nil).id == "sm2")
    }

    @Test func aClaimedDatabaseTrustsAsButNotForALeaver() throws {
        let fixture = try Self.fixture()
        let casebook = fixture.casebook
        #expect(try casebook.identityMode() == .claimed)
        #expect(try casebook.resolveActor(login: "anyone", named: "sm").id == "sm")
        #expect(casebookError { _ = try casebook.resolveActor(login: "anyone", named: nil) }?.isInvalidInput == true)
        #expect(casebookError { _ = try casebook.resolveActor(login: nil, named: "nobody") }?.isNotFound == true)
        try casebook.staff.leave(Self.accused.id, by: Staff.head)
        #expect(casebookError { _ = try casebook.resolveActor(login: nil, named: Self.accused.id) }?.isNotPermitted == true)
    }

    @Test func staffChangesAreHeadteacherOnlyAndKeepATrustWideHeadteacher() throws {
        let fixture = try Self.fixture()
        let casebook = fixture.casebook
        #expect(casebookError { try casebook.staff.changeRole("hr1", to: .staff, by: Staff.manager) }?.isNotPermitted == true)
        #expect(casebookError { try casebook.staff.changeRole("head", to: .seniorManager, by: Staff.head) }?.isInvalidInput == true)
        #expect(casebookError { try casebook.staff.leave("head", by: Staff.head) }?.isInvalidInput == true)
        #expect(casebookError { try casebook.staff.changeRole("nobody", to: .hr, by: Staff.head) }?.isNotFound == true)
        #expect(casebookError { try casebook.staff.changeRole("hr1", to: .hr, by: Staff.head) }?.isInvalidInput == true)
        // A headteacher scoped to one school manages that school's staff only.
        let schoolHead = StaffMember(id: "head.dale", name: "Dora Dale", role: .headteacher, scope: .school("Dale High"))
        try casebook.staff.addStaff(schoolHead, by: Staff.head)
        #expect(casebookError { try casebook.staff.changeRole(Self.hillManager.id, to: .hr, by: schoolHead) }?.isNotPermitted == true)
        #expect(casebookError { try casebook.staff.changeScope(Self.daleManager.id, to: .trustWide, by: schoolHead) }?.isNotPermitted == true)
        let added = StaffMember(id: "new.hill", name: "New Hill", role: .staff, scope: .school("Hill Primary"))
        #expect(casebookError { try casebook.staff.addStaff(added, by: schoolHead) }?.isNotPermitted == true)
        try casebook.staff.changeRole(Self.daleManager.id, to: .safeguardingLead, by: schoolHead)
        // A second trust-wide headteacher lets the first one change.
        try casebook.staff.addStaff(StaffMember(id: "head2", name: "Second Head", role: .headteacher), by: Staff.head)
        try casebook.staff.changeScope("head", to: .school("Hill Primary"), by: StaffMember(id: "head2", name: "Second Head", role: .headteacher))
        let before = try fixture.readModelDump()
        let events = try casebook.store.eventCount()
        _ = casebookError { try casebook.staff.leave("head2", by: StaffMember(id: "head2", name: "Second Head", role: .headteacher)) }
        #expect(try fixture.readModelDump() == before, "a refused change writes nothing")
        #expect(try casebook.store.eventCount() == events)
    }

    // MARK: Scope

    @Test func aSchoolScopedMemberSeesOnlyTheirSchoolAndOthersLookMissing() throws {
        let fixture = try Self.fixture()
        let casebook = fixture.casebook
        let hill = try fixture.openCase()  // Hill Primary
        try fixture.run(.addEvidence(EvidenceDraft(kind: .web, url: "https://x.example/p/1")), on: hill)
        let missing = CaseReference(year: hill.year, number: 99)

        #expect(try casebook.cases.list(by: Self.hillManager).map(\.reference) == [hill])
        #expect(try casebook.cases.list(by: Self.daleManager).isEmpty)
        #expect(try casebook.cases.overdue(asOf: fixture.clock.now.addingTimeInterval(3 * 86_400), by: Self.hillManager).isEmpty == false)
        #expect(try casebook.cases.overdue(asOf: fixture.clock.now.addingTimeInterval(3 * 86_400), by: Self.daleManager).isEmpty)
        #expect(try casebook.cases.show(hill, by: Self.hillManager).reference == hill)
        // Another school's case is answered exactly as a case that does not exist.
        let outOfScope = casebookError { _ = try casebook.cases.show(hill, by: Self.daleManager) }
        let nonexistent = casebookError { _ = try casebook.cases.show(missing, by: Self.daleManager) }
        #expect(outOfScope?.isNotFound == true)
        #expect(outOfScope?.description == nonexistent?.description.replacingOccurrences(of: missing.description, with: hill.description))
        #expect(casebookError { try fixture.run(.startInvestigation, on: hill, by: Self.daleManager) }?.isNotFound == true)
        #expect(casebookError {
            _ = try casebook.reports.timeline(hill, format: .text, recipient: nil, by: Self.daleLead, localTime: Self.london)
        }?.isNotFound == true)
        #expect(casebookError { try casebook.checkAccess(to: hill, by: Self.daleLead) }?.isNotFound == true)
        // Schools compare without regard to letter case.
        let hillLower = StaffMember(id: "x", name: "X", role: .seniorManager, scope: .school("HILL primary"))
        #expect(try casebook.cases.list(by: hillLower).map(\.reference) == [hill])
        // A school-scoped member opens cases for their own school, by default and only.
        let opened = try casebook.cases.openCase(
            CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Post"), by: Self.daleManager)
        #expect(opened.opened.school == "Dale High")
        let elsewhere = casebookError {
            _ = try casebook.cases.openCase(
                CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Post", school: "Hill Primary"),
                by: Self.daleManager)
        }
        #expect(elsewhere?.isNotPermitted == true)
        // The outcomes report keeps to the reader's school too.
        let hrDale = StaffMember(id: "hr.dale", name: "Hy Dale", role: .hr, scope: .school("Dale High"))
        try casebook.staff.addStaff(hrDale, by: Staff.head)
        try Self.close(hill, fixture)
        #expect(try casebook.reports.outcomesReport(since: nil, until: nil, by: Staff.hr, localTime: Self.london).rows.map(\.reference) == [hill])
        #expect(try casebook.reports.outcomesReport(since: nil, until: nil, by: hrDale, localTime: Self.london).rows.isEmpty)
        try fixture.expectIntactAndRebuildable()
    }

    // MARK: Conflicts of interest

    @Test func theInvolvedAndTheExcludedCannotSeeOrActOnTheCase() throws {
        let fixture = try Self.fixture()
        let casebook = fixture.casebook
        // The affected person is a senior manager, who may read cases in general.
        let affected = try casebook.cases.openCase(
            CaseDraft(affected: Self.lineManager.id, reportedBy: Self.lineManager.id, summary: "Posts", school: "Hill Primary"),
            by: Staff.manager
        ).reference
        let involved = casebookError { _ = try casebook.cases.show(affected, by: Self.lineManager) }
        #expect(involved?.isNotPermitted == true)
        #expect(involved?.description.contains("you are involved in this case") == true)
        #expect(try casebook.cases.list(by: Self.lineManager).isEmpty)
        #expect(casebookError { _ = try casebook.cases.openCase(
            CaseDraft(affected: Staff.manager.id, reportedBy: Staff.teacher.id, summary: "About me"), by: Staff.manager) }?.isNotPermitted == true)

        // A staff source (its --ref is the staff id, in any case) and a disciplinary referral.
        let reference = try fixture.openCase()
        try fixture.run(.addEvidence(EvidenceDraft(kind: .email, description: "The email")), on: reference)
        try fixture.run(.startInvestigation, on: reference)
        try fixture.run(.identifySource(.staff, ref: "SM.Accused"), on: reference)
        #expect(casebookError { _ = try casebook.cases.show(reference, by: Self.accused) }?.isNotPermitted == true)
        try fixture.run(.referDisciplinary(staff: Self.hillManager.id), on: reference)
        #expect(casebookError { try fixture.run(.addNote("n"), on: reference, by: Self.hillManager) }?.isNotPermitted == true)
        #expect(try casebook.cases.list(by: Self.hillManager).map(\.reference) == [affected])

        // restrict: headteacher and safeguarding lead only; recorded, shown, undone.
        #expect(casebookError {
            try casebook.staff.restrict(reference, staff: Self.lineManager.id, exclude: true, reason: "r", by: Staff.manager)
        }?.isNotPermitted == true)
        try casebook.staff.restrict(reference, staff: Self.lineManager.id, exclude: true, reason: "Line manager of the accused", by: Staff.dsl)
        let excluded = casebookError { _ = try casebook.cases.show(reference, by: Self.lineManager) }
        #expect(excluded?.description.contains("you are excluded from this case") == true)
        #expect(casebookError {
            try casebook.staff.restrict(reference, staff: Self.lineManager.id, exclude: true, reason: "again", by: Staff.dsl)
        }?.isInvalidInput == true)
        #expect(casebookError {
            try casebook.staff.restrict(reference, staff: Self.accused.id, exclude: false, reason: nil, by: Staff.dsl)
        }?.isInvalidInput == true, "--include undoes only an exclusion")
        let timeline = try casebook.reports.timeline(reference, format: .text, recipient: nil, by: Staff.dsl, localTime: Self.london)
        #expect(timeline.contains("Lee Line (sm.line) excluded from the case"))
        #expect(timeline.contains("Reason: Line manager of the accused"))
        try casebook.staff.restrict(reference, staff: Self.lineManager.id, exclude: false, reason: "Management changed", by: Staff.head)
        #expect(try casebook.cases.show(reference, by: Self.lineManager).reference == reference)
        // The read model holds who may not see each case, and rebuilds to the same rows.
        var rows: [String] = []
        try casebook.store.database.forEachRow(
            "SELECT staff_id, reason FROM case_access WHERE case_ref = ? ORDER BY 1, 2", [reference.description]
        ) { rows.append("\($0.text(0)) \($0.text(1))") }
        #expect(rows == ["sm.accused source", "sm.hill disciplinary", "t.jones affected"])
        try fixture.expectIntactAndRebuildable()
    }

    @Test func aLeaverCannotBeChosen() throws {
        let fixture = try Self.fixture()
        try fixture.casebook.staff.leave(Staff.teacher.id, by: Staff.head)
        let error = casebookError { _ = try fixture.openCase() }
        #expect(error?.isInvalidInput == true)
        #expect(error?.description.contains("t.jones has left") == true)
    }

    // MARK: Who looked

    @Test func everyContentReadIsRecordedAndTheAuditKeepsToTheReadersCases() throws {
        let fixture = try Self.fixture()
        let casebook = fixture.casebook
        let hill = try fixture.openCase()
        let dale = try casebook.cases.openCase(
            CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Post"), by: Self.daleManager
        ).reference
        _ = try casebook.cases.show(hill, by: Staff.manager)
        _ = try casebook.cases.show(hill, by: Staff.dsl, recording: .evidenceList)
        _ = try casebook.cases.show(dale, by: Self.daleManager)
        _ = try casebook.cases.show(hill, by: Staff.manager, recording: nil)
        _ = try casebook.reports.timeline(hill, format: .json, recipient: nil, by: Staff.dsl, localTime: Self.london)
        _ = try casebook.reports.outcomes(since: nil, until: nil, format: .csv, by: Staff.hr, localTime: Self.london)

        let all = try casebook.reports.auditTrail(by: Staff.head)
        let exportedHead: Timeline.ChainHead? = all.compactMap { entry -> Timeline.ChainHead? in
            if case .timelineExported(_, _, _, let head) = entry.event { return head }
            return nil
        }.first
        #expect(exportedHead != nil)
        #expect(all.map(\.event) == [
            .caseRead(case: hill, view: .show, evidence: nil), .caseRead(case: hill, view: .evidenceList, evidence: nil),
            .caseRead(case: dale, view: .show, evidence: nil),
            .timelineExported(case: hill, format: .json, recipient: nil, chainHead: exportedHead),
            .outcomesExported(since: nil, until: nil, format: .csv),
        ])
        #expect(all.map(\.actor) == ["sm", "dsl", "sm.dale", "dsl", "hr1"])
        // The safeguarding lead reads one case's trail, in scope; the read itself is recorded.
        #expect(casebookError { _ = try casebook.reports.auditTrail(by: Staff.dsl) }?.isNotPermitted == true)
        #expect(try casebook.reports.auditTrail(case: dale, by: Staff.dsl).map(\.actor) == ["sm.dale"])
        #expect(casebookError { _ = try casebook.reports.auditTrail(case: hill, by: Self.daleLead) }?.isNotFound == true)
        #expect(casebookError { _ = try casebook.reports.auditTrail(case: hill, by: Staff.hr) }?.isNotPermitted == true)
        // A headteacher scoped to one school reads their school's entries and those about no case.
        let schoolHead = StaffMember(id: "head.dale", name: "Dora Dale", role: .headteacher, scope: .school("Dale High"))
        try casebook.staff.addStaff(schoolHead, by: Staff.head)
        let theirs = try casebook.reports.auditTrail(by: schoolHead).map(\.event)
        #expect(theirs.allSatisfy { $0.caseReference == nil || $0.caseReference == dale })
        #expect(theirs.contains(.caseRead(case: dale, view: .show, evidence: nil)))
        let since = try casebook.reports.auditTrail(since: fixture.clock.now.addingTimeInterval(1), by: Staff.head)
        #expect(since.isEmpty)
        let reads = try casebook.reports.auditTrail(by: Staff.head).map(\.event).filter {
            if case .auditRead = $0 { return true } else { return false }
        }
        #expect(reads.count == 4)
        #expect(reads.contains(.auditRead(case: dale, since: nil)))
    }

    @Test func claimedIdentitiesAreNamedInEveryExport() throws {
        let fixture = try Self.fixture()
        let reference = try fixture.openCase()
        for format in TimelineFormat.allCases {
            let document = try fixture.casebook.reports.timeline(reference, format: format, recipient: nil, by: Staff.dsl, localTime: Self.london)
            #expect(document.contains("Identities in this record are claimed, not verified."), "\(format)")
        }
        try Self.close(reference, fixture)
        for format in OutcomesFormat.allCases {
            let document = try fixture.casebook.reports.outcomes(since: nil, until: nil, format: format, by: Staff.hr, localTime: Self.london)
            #expect(document.contains("Identities in this record are claimed, not verified."), "\(format)")
        }
        // A JSON export still verifies on its own, the notice included.
        let json = try fixture.casebook.reports.timeline(reference, format: .json, recipient: nil, by: Staff.dsl, localTime: Self.london)
        #expect(TimelineExport.verify(jsonBytes: Array(json.utf8)).isIntact)
    }
}
