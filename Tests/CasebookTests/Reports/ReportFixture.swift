import EventLog
import Foundation
import Testing

@testable import Casebook

/// A database with worked cases for the report tests: one complete closed case with real
/// evidence files (across the clock change to BST), one quick closed case, and one open
/// urgent case with an overdue takedown and a child-protection override. The database and its
/// temporary directory go when the last copy of the fixture goes.
struct ReportFixture {
    let service: ServiceFixture
    let localTime: LocalTime
    /// The complete case, closed on 2026-04-01.
    let complete: CaseReference
    /// A case closed quickly, with the material removed within hours.
    let quick: CaseReference
    /// An open urgent case, referred under the child-protection override.
    let urgent: CaseReference

    var casebook: Casebook { service.casebook }

    /// The case summary of the complete case: a formula, markup and table separators.
    static let hostileSummary = "=HYPERLINK(\"https://evil.example/x\",\"Click\") <script>alert('x')</script> & \"quoted\" | piped"
    /// The closing outcome of the complete case, also a formula.
    static let hostileOutcome = "=SUM(1+1) behaviour sanction for the pupil; material removed or blocked"
    /// When every test exports: after all three cases.
    static let exportTime = utc("2026-04-02T12:00:00Z")

    /// The fixture files of the repository, by name.
    static func fixtureFile(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return Array(try Data(contentsOf: root.appendingPathComponent("fixtures").appendingPathComponent(name)))
    }

    /// A new fixture in a fresh temporary directory of its own, removed with the fixture (through
    /// ``ServiceFixture/init(start:)``). Tests create it at the start of the test function and
    /// write their body at the top level, not inside a closure: see ``TemporaryDirectory``.
    init() throws {
        service = try ServiceFixture(start: utc("2026-03-27T08:00:00Z"))
        localTime = try LocalTime(identifier: "Europe/London")
        complete = try Self.buildComplete(service)
        quick = try Self.buildQuick(service)
        urgent = try Self.buildUrgent(service)
        service.clock.set(Self.exportTime)
    }

    /// Takes a step at a moment, moving the clock there first.
    @discardableResult
    private static func step(
        _ service: ServiceFixture, _ time: String, _ command: CaseCommand, on reference: CaseReference,
        by actor: StaffMember = Staff.manager, files: [[UInt8]] = []
    ) throws -> CaseState {
        service.clock.set(utc(time))
        return try service.casebook.cases.execute(command, on: reference, by: actor, files: files).state
    }

    private static func evidence(
        _ kind: EvidenceKind, url: String? = nil, platform: String? = nil, description: String? = nil,
        files: [(String, [UInt8])] = []
    ) throws -> CaseCommand {
        .addEvidence(
            EvidenceDraft(
                kind: kind, url: url, platform: platform, description: description,
                files: try files.map { try Casebook.fileInfo(name: $0.0, bytes: $0.1) }))
    }

    private static func buildComplete(_ service: ServiceFixture) throws -> CaseReference {
        service.clock.set(utc("2026-03-27T09:00:00Z"))
        let reference = try service.casebook.cases.openCase(
            CaseDraft(
                affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: hostileSummary,
                categories: [.harassment, .threat], school: "Hill Primary"),
            by: Staff.manager
        ).reference
        let post = try fixtureFile("screenshot-post.png")
        let comment = try fixtureFile("screenshot-comment.jpg")
        let email = try fixtureFile("abusive-email.eml")
        let check = try fixtureFile("removal-check.png")
        try step(
            service, "2026-03-27T09:30:00Z",
            try evidence(
                .social, url: "https://chirp.example/hf_truthteller/status/1", platform: "Chirp",
                description: "Post naming Mr Jones <b>bold</b>", files: [("screenshot-post.png", post)]),
            on: reference, files: [post])
        try step(
            service, "2026-03-27T09:40:00Z",
            try evidence(.web, url: "https://parents-forum.example/t/42", files: [("screenshot-comment.jpg", comment)]),
            on: reference, files: [comment])
        try step(
            service, "2026-03-27T09:50:00Z",
            try evidence(.email, description: "Email to the school office", files: [("abusive-email.eml", email)]),
            on: reference, files: [email])
        try step(service, "2026-03-27T10:00:00Z", .startInvestigation, on: reference)
        try step(service, "2026-03-27T10:05:00Z", .addNote("Spoke to Mr Jones;\nhe is shaken, \"upset\", and off work"), on: reference)
        try step(service, "2026-03-27T11:00:00Z", .identifySource(.pupil, ref: "@hf_truthteller"), on: reference)
        try step(
            service, "2026-03-27T11:10:00Z", .assessThreat(isThreatening: true, rationale: "says he will 'regret it'"),
            on: reference)
        try step(service, "2026-03-27T11:20:00Z", .referBehaviour(pupil: "P-1234 (Year 10)"), on: reference)
        try step(
            service, "2026-03-28T10:00:00Z",
            .requestTakedown(evidence: ["E1"], host: nil, method: .email, sentBy: .school), on: reference)
        try step(
            service, "2026-03-28T10:10:00Z",
            .requestTakedown(evidence: ["E2"], host: nil, method: .form, sentBy: .complainant), on: reference)
        try step(service, "2026-03-28T15:00:00Z", .recordHostResponse(request: "T1", .removed), on: reference)
        try step(service, "2026-03-28T15:05:00Z", .recordHostResponse(request: "T2", .refused), on: reference)
        try step(
            service, "2026-03-28T16:00:00Z",
            .checkRemoval(request: "T1", .removed, file: try Casebook.fileInfo(name: "removal-check.png", bytes: check)),
            on: reference, files: [check])
        try step(service, "2026-03-28T16:30:00Z", .escalateToISP(request: "T2", isp: "Example Broadband"), on: reference)
        try step(service, "2026-03-30T09:00:00Z", .recordISPResponse(request: "T2", .blocked), on: reference)
        try step(
            service, "2026-03-30T10:00:00Z", .concludeInvestigation(.substantiated, summary: "The pupil admitted posting it"),
            on: reference)
        try step(service, "2026-03-30T10:30:00Z", .recordConsent(.given, by: Staff.teacher.id), on: reference)
        try step(
            service, "2026-03-30T11:00:00Z",
            .referToPolice(force: "Metropolitan Police", reference: "CRN 01/2345", overrideReason: nil), on: reference)
        try step(
            service, "2026-03-30T11:30:00Z", .offerSupport(services: ["Employee assistance programme", "Stress counselling"]),
            on: reference)
        try step(service, "2026-03-30T12:00:00Z", .recordSupportResponse(.accepted), on: reference)
        try step(
            service, "2026-04-01T09:00:00Z", .close(outcome: hostileOutcome, action: .behaviourSanction), on: reference)
        return reference
    }

    private static func buildQuick(_ service: ServiceFixture) throws -> CaseReference {
        service.clock.set(utc("2026-03-30T08:00:00Z"))
        let reference = try service.casebook.cases.openCase(
            CaseDraft(
                affected: Staff.teacher.id, reportedBy: Staff.manager.id, summary: "Rude review of Mr Jones",
                categories: [.inaccurateContent], school: "Hill Primary"),
            by: Staff.manager
        ).reference
        try step(service, "2026-03-30T08:10:00Z", try evidence(.web, url: "https://reviews.example/school/7"), on: reference)
        try step(service, "2026-03-30T08:20:00Z", .startInvestigation, on: reference)
        try step(service, "2026-03-30T08:30:00Z", .identifySource(.unknown, ref: nil), on: reference)
        try step(service, "2026-03-30T08:40:00Z", .assessThreat(isThreatening: false, rationale: "rude, not threatening"), on: reference)
        try step(
            service, "2026-03-30T09:00:00Z",
            .requestTakedown(evidence: ["E1"], host: nil, method: .form, sentBy: .school), on: reference)
        try step(service, "2026-03-30T11:00:00Z", .recordHostResponse(request: "T1", .removed), on: reference)
        try step(service, "2026-03-30T12:00:00Z", .checkRemoval(request: "T1", .removed, file: nil), on: reference)
        try step(
            service, "2026-03-30T13:00:00Z", .concludeInvestigation(.inconclusive, summary: "Author not identified"),
            on: reference)
        try step(service, "2026-03-30T13:10:00Z", .offerSupport(services: ["Employee assistance programme"]), on: reference)
        try step(service, "2026-03-31T09:00:00Z", .close(outcome: "Review removed", action: .none), on: reference)
        return reference
    }

    private static func buildUrgent(_ service: ServiceFixture) throws -> CaseReference {
        service.clock.set(utc("2026-03-30T09:00:00Z"))
        let reference = try service.casebook.cases.openCase(
            CaseDraft(
                affected: Staff.teacher.id, reportedBy: Staff.dsl.id, summary: "A pupil is named in a threatening post",
                categories: [.childMentioned, .threat], school: "Hill Primary"),
            by: Staff.dsl
        ).reference
        try step(
            service, "2026-03-30T09:10:00Z", try evidence(.web, url: "https://board.example/thread/9"), on: reference,
            by: Staff.dsl)
        try step(service, "2026-03-30T09:20:00Z", .startInvestigation, on: reference, by: Staff.head)
        try step(
            service, "2026-03-30T09:30:00Z", .assessThreat(isThreatening: true, rationale: "names the pupil's address"),
            on: reference, by: Staff.head)
        try step(
            service, "2026-03-30T12:00:00Z",
            .requestTakedown(evidence: ["E1"], host: nil, method: .email, sentBy: .school), on: reference, by: Staff.head)
        try step(
            service, "2026-03-30T12:30:00Z",
            .referToPolice(force: "Metropolitan Police", reference: nil, overrideReason: "A child is named & at risk <today>"),
            on: reference, by: Staff.head)
        return reference
    }
}
