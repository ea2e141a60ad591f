import EventLog
import Foundation
import Testing

@testable import Casebook

/// What verify and the triggers must agree on with the domain.
@Suite struct VerifyRulesTests {
    @Test func theSchemasRedactionRulesAreTheWorkflowsRedactableTypes() throws {
        let fresh = try Casebook.schema.freshDatabase()
        var rules: [String: String] = [:]
        try fresh.forEachRow("SELECT type, recorded_by FROM redaction_rules") { rules[$0.text(0)] = $0.text(1) }
        #expect(Set(rules.keys) == Workflow.redactableTypes)
        #expect(Set(rules.values) == [CaseEvent.redaction(version: 1, reason: "x").typeName])
        // The trigger reads the erased version from the record's payload field "version".
        let payload = CaseEvent.redaction(version: 7, reason: "x").payload
        #expect(payload["version"] == .int(7))
    }

    @Test(arguments: [
        ("staff", true), ("audit", true), ("case/CB-2026-0001", true), ("case/CB-2026-12345", true),
        ("junk", false), ("case/", false), ("case/CB-2026-1", false), ("Staff", false), ("case/cb-2026-0001", false),
        ("case/CB-2026-0001 ", false),
    ])
    func streamNames(name: String, isValid: Bool) {
        #expect(Casebook.isStreamName(name) == isValid, "\(name)")
    }

    @Test func eachEventNeedsThePermissionOfTheCommandThatGivesIt() {
        #expect(CaseEvent.investigationStarted.permission == .advanceCase)
        #expect(CaseEvent.redaction(version: 2, reason: "x").permission == .redact)
        #expect(CaseEvent.policeReferred(force: "F", reference: nil, overrideReason: nil).permission == .advanceCase)
        #expect(CaseEvent.policeReferred(force: "F", reference: nil, overrideReason: "Child at risk").permission == .overrideConsent)
        #expect(CaseEvent.redacted(type: CaseEvent.evidenceCapturedType).permission == .addEvidence)
        #expect(CaseEvent.redacted(type: CaseEvent.noteAddedType).permission == .advanceCase)
        // The safeguarding lead may record an override referral and every step of the workflow (SPEC §11).
        #expect(Role.safeguardingLead.may(.overrideConsent))
        #expect(Role.safeguardingLead.may(.advanceCase) && !Role.hr.may(.advanceCase))
        #expect(Role.safeguardingLead.may(.checkpoint) && Role.headteacher.may(.checkpoint))
        #expect(!Role.seniorManager.may(.checkpoint) && !Role.hr.may(.checkpoint))
    }
}
