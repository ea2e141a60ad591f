import EventLog
import Foundation
import Testing

@testable import Casebook

// Every named rule (`Rule`, guarded in the track files of Workflow/; SPEC §2, policies 000
// §12–§14, 002 §8–§9): the step is refused when the rule does not hold — with the rule's
// name, its policy clause and the step that unblocks it — and allowed once it does. Pure:
// no database.

private typealias C = Commands

/// The steps that make a case ready to close: evidence with a URL, an investigation with a
/// parent source, not threatening, concluded, one takedown confirmed removed, support offered.
private let closable: [CaseCommand] = [
    C.web(), C.start, C.source(.parent), C.notThreatening, C.conclude, C.request(), C.response(.removed),
    C.check(.removed), C.support,
]

/// Ready to close but for T1, which the host refused.
private let refusedByHost: [CaseCommand] = [
    C.web(), C.start, C.source(.parent), C.notThreatening, C.conclude, C.request(), C.response(.refused), C.support,
]

/// One rule: refused after `refusedSetup`, allowed after `allowedSetup`.
struct RuleCase: Sendable, CustomTestStringConvertible {
    /// The rules the refusal names (the rule under test first).
    var rules: [String]
    var clause: String
    /// A step the refusal's `unblock` refers to; nil when nothing unblocks it.
    var unblock: Step?
    var refusedSetup: [CaseCommand]
    var command: CaseCommand
    var allowedSetup: [CaseCommand]
    /// The command that succeeds after `allowedSetup`, when it differs.
    var allowedCommand: CaseCommand? = nil
    /// Whether `availability` is expected to tell the same story as `decide`.
    var checkAvailability = true

    var testDescription: String { "\(rules[0]) (\(command.step.rawValue))" }
}

/// A case found to involve child sexual imagery (SPEC §9), and its referral decision.
private let imagery = CaseCommand.changeCategory(.childSexualImagery, add: true)
private let iwfReport = CaseCommand.recordReferralDecision(.iwf, reference: "IWF-2026-1", reason: nil)
private let storedShot = StoredFile(name: "shot.png", sha256: String(repeating: "b", count: 64), size: 10, mediaType: "image/png")

/// A staff source identified, and the LADO referral (KCSIE Part 4).
private let staffSource: [CaseCommand] = [C.web(), C.start, C.source(.staff, ref: Staff.colleague.id)]
private let ladoRefer = CaseCommand.referToLADO(reason: "a teacher's posts about a pupil")
private let ladoOutcome = CaseCommand.recordLADOOutcome(.substantiated)
private let closableWithStaffSource: [CaseCommand] = staffSource + [
    C.notThreatening, C.conclude, C.request(), C.response(.removed), C.check(.removed), C.support,
]

private let ruleCases: [RuleCase] = [
    // LADO (KCSIE Part 4; SPEC §11).
    RuleCase(
        rules: ["lado-needs-staff-source"], clause: "KCSIE Part 4; SPEC §11", unblock: .identifySource,
        refusedSetup: [C.web(), C.start, C.source(.parent)], command: ladoRefer, allowedSetup: staffSource),
    RuleCase(
        rules: ["lado-referral-once"], clause: "KCSIE Part 4; SPEC §11", unblock: .recordLADOAdvice,
        refusedSetup: staffSource + [ladoRefer], command: ladoRefer, allowedSetup: staffSource),
    RuleCase(
        rules: ["lado-advice-needs-referral"], clause: "KCSIE Part 4; SPEC §11", unblock: .referToLADO,
        refusedSetup: staffSource, command: .recordLADOAdvice(text: "strategy meeting"), allowedSetup: staffSource + [ladoRefer]),
    RuleCase(
        rules: ["lado-outcome-needs-referral"], clause: "KCSIE Part 4; SPEC §11", unblock: .referToLADO,
        refusedSetup: staffSource, command: ladoOutcome, allowedSetup: staffSource + [ladoRefer]),
    RuleCase(
        rules: ["lado-outcome-once"], clause: "KCSIE Part 4; SPEC §11", unblock: nil,
        refusedSetup: staffSource + [ladoRefer, ladoOutcome], command: ladoOutcome, allowedSetup: staffSource + [ladoRefer]),
    RuleCase(
        rules: ["close-needs-lado-outcome"], clause: "KCSIE Part 4; SPEC §11", unblock: .recordLADOOutcome,
        refusedSetup: closableWithStaffSource + [ladoRefer], command: C.close,
        allowedSetup: closableWithStaffSource + [ladoRefer, ladoOutcome]),
    // Lawful content (SPEC §9; UKCIS 2024).
    RuleCase(
        rules: ["referral-decision-needs-child-sexual-imagery"], clause: "UKCIS 2024; SPEC §9", unblock: .changeCategory,
        refusedSetup: [C.web()], command: iwfReport, allowedSetup: [C.web(), imagery]),
    RuleCase(
        rules: ["close-needs-referral-decision"], clause: "UKCIS 2024; SPEC §9", unblock: .recordReferralDecision,
        refusedSetup: closable + [imagery], command: C.close, allowedSetup: closable + [imagery, iwfReport]),
    RuleCase(
        rules: ["purge-needs-stored-files"], clause: "SPEC §9", unblock: nil, refusedSetup: [C.email],
        command: .purgeFiles(item: "E1", reason: "erasure"),
        allowedSetup: [.addEvidence(EvidenceDraft(kind: .email, description: "an email", files: [storedShot]))]),
    // The case itself (SPEC §2.8).
    RuleCase(
        rules: ["case-is-open"], clause: "SPEC §2.8", unblock: .reopen,
        refusedSetup: closable + [C.close], command: C.web("https://other.example.com/2"), allowedSetup: closable),
    RuleCase(
        rules: ["reopen-needs-closed-case"], clause: "SPEC §2.8", unblock: nil, refusedSetup: closable,
        command: C.reopen, allowedSetup: closable + [C.close]),
    // Investigation (000 §12.2, §13.3–§13.4, §14).
    RuleCase(
        rules: ["investigation-needs-evidence"], clause: "000 §12.2, §13.3", unblock: .addEvidence,
        refusedSetup: [], command: C.start, allowedSetup: [C.email]),
    RuleCase(
        rules: ["investigation-starts-once"], clause: "000 §13.3", unblock: nil, refusedSetup: [C.web(), C.start],
        command: C.start, allowedSetup: [C.web()]),
    RuleCase(
        rules: ["investigation-started"], clause: "000 §13.3", unblock: .startInvestigation,
        refusedSetup: [C.web()], command: .addNote("spoke to the pupil's parents"), allowedSetup: [C.web(), C.start]),
    RuleCase(
        rules: ["investigation-started"], clause: "000 §13.3", unblock: .startInvestigation,
        refusedSetup: [C.web()], command: C.source(.pupil, ref: "@handle"), allowedSetup: [C.web(), C.start]),
    RuleCase(
        rules: ["investigation-started"], clause: "000 §13.3", unblock: .startInvestigation,
        refusedSetup: [C.web()], command: C.threatening, allowedSetup: [C.web(), C.start]),
    RuleCase(
        rules: ["investigation-started", "conclusion-needs-source", "conclusion-needs-threat-assessment"],
        clause: "000 §13.3", unblock: .startInvestigation, refusedSetup: [C.web()],
        command: C.conclude, allowedSetup: [C.web(), C.start, C.source(.unknown), C.threatening]),
    RuleCase(
        rules: ["investigation-not-concluded"], clause: "000 §13.3", unblock: nil,
        refusedSetup: [C.web(), C.start, C.source(.pupil), C.threatening, C.conclude], command: C.source(.parent),
        allowedSetup: [C.web(), C.start, C.source(.pupil), C.threatening]),
    RuleCase(
        rules: ["investigation-not-concluded"], clause: "000 §13.3", unblock: nil,
        refusedSetup: [C.web(), C.start, C.source(.pupil), C.threatening, C.conclude], command: C.notThreatening,
        allowedSetup: [C.web(), C.start, C.source(.pupil), C.threatening]),
    RuleCase(
        rules: ["investigation-not-concluded"], clause: "000 §13.3", unblock: nil,
        refusedSetup: [C.web(), C.start, C.source(.pupil), C.threatening, C.conclude], command: C.conclude,
        allowedSetup: [C.web(), C.start, C.source(.pupil), C.threatening]),
    RuleCase(
        rules: ["behaviour-referral-needs-pupil-source"], clause: "000 §13.4",
        unblock: .identifySource, refusedSetup: [C.web(), C.start, C.source(.parent)],
        command: .referBehaviour(pupil: "Pupil A, Year 9"), allowedSetup: [C.web(), C.start, C.source(.pupil)]),
    RuleCase(
        rules: ["investigation-started", "behaviour-referral-needs-pupil-source"], clause: "000 §13.3",
        unblock: .startInvestigation, refusedSetup: [C.web()],
        command: .referBehaviour(pupil: "Pupil A, Year 9"), allowedSetup: [C.web(), C.start, C.source(.pupil)]),
    RuleCase(
        rules: ["disciplinary-referral-needs-staff-source"], clause: "000 §14.1, §14.4",
        unblock: .identifySource, refusedSetup: [C.web(), C.start, C.source(.pupil)],
        command: .referDisciplinary(staff: Staff.colleague.id),
        allowedSetup: [C.web(), C.start, C.source(.staff, ref: Staff.colleague.id)]),
    RuleCase(
        rules: ["conclusion-needs-source"], clause: "000 §13.4", unblock: .identifySource,
        refusedSetup: [C.web(), C.start, C.threatening], command: C.conclude,
        allowedSetup: [C.web(), C.start, C.threatening, C.source(.unknown)]),
    RuleCase(
        rules: ["conclusion-needs-threat-assessment"], clause: "000 §13.7", unblock: .assessThreat,
        refusedSetup: [C.web(), C.start, C.source(.external)], command: C.conclude,
        allowedSetup: [C.web(), C.start, C.source(.external), C.notThreatening]),
    // Host takedown (000 §13.5–§13.6).
    RuleCase(
        rules: ["takedown-needs-investigation"], clause: "000 §13.3, §13.5", unblock: .startInvestigation,
        refusedSetup: [C.web()], command: C.request(), allowedSetup: [C.web(), C.start]),
    RuleCase(
        rules: ["takedown-needs-url-evidence"], clause: "000 §12.2, §13.5",
        unblock: .addEvidence, refusedSetup: [C.email, C.start],
        command: C.request(["E1"]), allowedSetup: [C.email, C.start, C.web()], allowedCommand: C.request(["E2"])),
    RuleCase(
        rules: ["takedown-declared-not-applicable"], clause: "000 §13.5", unblock: .withdraw,
        refusedSetup: [C.web(), C.start, C.notApplicable], command: C.request(), allowedSetup: [C.web(), C.start]),
    RuleCase(
        rules: ["not-applicable-without-requests"], clause: "000 §13.5", unblock: nil,
        refusedSetup: [C.web(), C.start, C.request()], command: C.notApplicable, allowedSetup: [C.web(), C.start]),
    RuleCase(
        rules: ["takedown-declared-not-applicable"], clause: "000 §13.5", unblock: .withdraw,
        refusedSetup: [C.email, C.notApplicable], command: C.notApplicable, allowedSetup: [C.email]),
    RuleCase(
        rules: ["host-response-once"], clause: "000 §13.5", unblock: .checkRemoval,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused)], command: C.response(.removed),
        allowedSetup: [C.web(), C.start, C.request()]),
    RuleCase(
        rules: ["no-response-needs-deadline-passed"], clause: "000 §13.5", unblock: .recordHostResponse,
        refusedSetup: [C.web(), C.start, C.request()], command: C.response(.noResponse),
        allowedSetup: [C.web(), C.start, C.request()], allowedCommand: C.response(.refused), checkAvailability: false),
    RuleCase(
        rules: ["isp-escalation-once"], clause: "000 §13.6", unblock: .recordISPResponse,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.escalate()], command: C.escalate(),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused)]),
    RuleCase(
        rules: ["isp-needs-uncooperative-host"], clause: "000 §13.6",
        unblock: .recordHostResponse,
        refusedSetup: [C.web(), C.start, C.request()], command: C.escalate(),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused)]),
    RuleCase(
        rules: ["isp-needs-uncooperative-host"], clause: "000 §13.6", unblock: nil,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.check(.amended)], command: C.escalate(),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.check(.stillPresent)]),
    RuleCase(
        rules: ["isp-response-needs-escalation"], clause: "000 §13.6", unblock: .escalateToISP,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused)], command: C.ispResponse(),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.escalate()]),
    RuleCase(
        rules: ["isp-response-once"], clause: "000 §13.6", unblock: nil,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.escalate(), C.ispResponse()],
        command: C.ispResponse("T1", .siteClosed),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.escalate()]),
    // Helplines (SPEC §10, beyond 000 §13.5–§13.6).
    RuleCase(
        rules: ["posh-needs-refusal-or-wait"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: .recordHostResponse,
        refusedSetup: [C.web(), C.start, C.request()], command: C.helpline(.posh),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused)]),
    RuleCase(
        rules: ["posh-needs-refusal-or-wait"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: .checkRemoval,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.removed)], command: C.helpline(.posh),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.removed), C.check(.stillPresent)]),
    RuleCase(
        rules: ["report-harmful-content-needs-platform-reply"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: .recordHostResponse,
        refusedSetup: [C.web(), C.start, C.request(), C.check(.stillPresent)], command: C.helpline(.reportHarmfulContent),
        allowedSetup: [C.web(), C.start, C.request(), C.check(.stillPresent), C.response(.refused)]),
    RuleCase(
        rules: ["helpline-escalation-once"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: .recordHelplineResponse,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.helpline(.posh)],
        command: C.helpline(.reportHarmfulContent), allowedSetup: [C.web(), C.start, C.request(), C.response(.refused)]),
    RuleCase(
        rules: ["helpline-needs-unresolved-request"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: nil,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.check(.removed)], command: C.helpline(.posh),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.check(.stillPresent)]),
    RuleCase(
        rules: ["helpline-response-needs-escalation"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: .escalateToPOSH,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused)], command: C.helplineResponse(),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.helpline()]),
    RuleCase(
        rules: ["helpline-response-once"], clause: "SPEC §10, 000 §13.5–§13.6", unblock: nil,
        refusedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.helpline(), C.helplineResponse(.advice)],
        command: C.helplineResponse(.removed),
        allowedSetup: [C.web(), C.start, C.request(), C.response(.refused), C.helpline()]),
    // Police (000 §13.7).
    RuleCase(
        // Assessed as not threatening: the hint is the unlawful-conduct route (000 §14.5),
        // never a new assessment.
        rules: ["police-needs-threatening-material"], clause: "000 §13.7",
        unblock: .referToPolice,
        refusedSetup: [C.web(), C.start, C.notThreatening, C.consent(.given)], command: C.refer,
        allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given)]),
    RuleCase(
        rules: ["police-needs-threatening-material"], clause: "000 §13.7",
        unblock: .assessThreat, refusedSetup: [C.web(), C.start, C.consent(.given)],
        command: C.refer, allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given)]),
    RuleCase(
        rules: ["police-needs-consent"], clause: "000 §13.7",
        unblock: .recordConsent, refusedSetup: [C.web(), C.start, C.threatening],
        command: C.refer, allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given)]),
    RuleCase(
        rules: ["police-needs-consent"], clause: "000 §13.7", unblock: .referToPolice,
        refusedSetup: [C.web(), C.start, C.threatening, C.consent(.declined)], command: C.refer,
        allowedSetup: [C.web(), C.start, C.threatening, C.consent(.declined), C.consent(.given)]),
    RuleCase(
        rules: ["police-needs-consent"], clause: "000 §13.7", unblock: .referToPolice,
        refusedSetup: [C.web(), C.start, C.threatening, C.consent(.given), C.consent(.withdrawn)], command: C.refer,
        allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given)]),
    RuleCase(
        rules: ["police-needs-threatening-material", "police-needs-consent"], clause: "000 §13.7",
        unblock: .assessThreat, refusedSetup: [C.web(), C.start],
        command: C.refer, allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given)]),
    RuleCase(
        rules: ["police-referral-once"], clause: "000 §13.7", unblock: nil,
        refusedSetup: [C.web(), C.start, C.threatening, C.consent(.given), C.refer], command: C.refer,
        allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given)]),
    RuleCase(
        rules: ["consent-by-affected-person"], clause: "000 §13.7",
        unblock: .recordConsent, refusedSetup: [C.web()],
        command: C.consent(.given, by: Staff.colleague.id), allowedSetup: [C.web()], allowedCommand: C.consent(.given),
        checkAvailability: false),
    RuleCase(
        rules: ["consent-by-affected-person"], clause: "000 §13.7", unblock: .recordConsent, refusedSetup: [],
        command: C.consent(.declined, by: Staff.head.id), allowedSetup: [], allowedCommand: C.consent(.declined),
        checkAvailability: false),
    RuleCase(
        rules: ["police-notice-needs-withdrawn-consent"], clause: "000 §13.7", unblock: nil,
        refusedSetup: [C.web(), C.start, C.threatening, C.consent(.given), C.refer], command: .notifyPolice,
        allowedSetup: [C.web(), C.start, C.threatening, C.consent(.given), C.refer, C.consent(.withdrawn)]),
    RuleCase(
        rules: ["consent-withdrawal-needs-consent-given"], clause: "000 §13.7", unblock: .recordConsent,
        refusedSetup: [C.web()], command: C.consent(.withdrawn),
        allowedSetup: [C.web(), C.consent(.given)], checkAvailability: false),
    // Corrections (SPEC §2.9).
    RuleCase(
        rules: ["closure-correction-needs-closure"], clause: "SPEC §2.9", unblock: .close,
        refusedSetup: closable, command: .correctClosure(outcome: "Removed by the host.", action: .advice, reason: "Wrong route recorded."),
        allowedSetup: closable + [C.close]),
    RuleCase(
        rules: ["source-change-needs-referral-withdrawn"], clause: "000 §13.4, §14.1", unblock: .withdraw,
        refusedSetup: [C.web(), C.start, C.source(.staff), .referDisciplinary(staff: Staff.colleague.id)], command: C.source(.pupil),
        allowedSetup: [
            C.web(), C.start, C.source(.staff), .referDisciplinary(staff: Staff.colleague.id), C.withdraw("R1"),
        ], checkAvailability: false),
    RuleCase(
        rules: ["source-change-needs-referral-withdrawn"], clause: "000 §13.4, §14.1", unblock: .withdraw,
        refusedSetup: [C.web(), C.start, C.source(.pupil), .referBehaviour(pupil: "Pupil A")], command: C.withdraw("source"),
        allowedSetup: [C.web(), C.start, C.source(.pupil), .referBehaviour(pupil: "Pupil A"), C.withdraw("R1")],
        checkAvailability: false),
    RuleCase(
        rules: ["entry-withdrawn"], clause: "SPEC §2.9", unblock: nil, refusedSetup: [C.web(), C.withdraw("E1")],
        command: C.withdraw("E1"), allowedSetup: [C.web()], checkAvailability: false),
    RuleCase(
        rules: ["entry-withdrawn"], clause: "SPEC §2.9", unblock: nil,
        refusedSetup: [C.web(), C.start, C.request(), C.withdraw("T1")], command: C.check(.removed),
        allowedSetup: [C.web(), C.start, C.request()], checkAvailability: false),
    RuleCase(
        rules: ["investigation-not-concluded"], clause: "000 §13.3", unblock: nil,
        refusedSetup: [C.web(), C.start, C.source(.pupil), C.threatening, C.conclude], command: C.withdraw("assessment"),
        allowedSetup: [C.web(), C.start, C.source(.pupil), C.threatening], checkAvailability: false),
    // Support (000 §13.8).
    RuleCase(
        rules: ["support-response-needs-offer"], clause: "000 §13.8", unblock: .offerSupport,
        refusedSetup: [], command: .recordSupportResponse(.accepted), allowedSetup: [C.support]),
    // Closing (SPEC §2.8): one missing step at a time.
    RuleCase(
        rules: ["close-needs-concluded-investigation"], clause: "000 §13.3",
        unblock: .concludeInvestigation, refusedSetup: closable.filter { $0 != C.conclude },
        command: C.close, allowedSetup: closable),
    RuleCase(
        rules: ["close-needs-concluded-investigation", "close-needs-takedown-for-url-evidence"], clause: "000 §13.3",
        unblock: .startInvestigation, refusedSetup: [C.web(), C.support], command: C.close,
        allowedSetup: closable),
    RuleCase(
        rules: ["close-needs-resolved-takedowns"], clause: "000 §13.5, §13.6",
        unblock: .checkRemoval,
        refusedSetup: closable.filter { $0 != C.check(.removed) }, command: C.close, allowedSetup: closable),
    RuleCase(
        rules: ["close-needs-resolved-takedowns"], clause: "000 §13.5, §13.6", unblock: .recordISPResponse,
        refusedSetup: refusedByHost + [C.escalate()], command: C.close,
        allowedSetup: refusedByHost + [C.escalate(), C.ispResponse("T1", .blocked)]),
    RuleCase(
        // An ISP refusal leaves the material online: a helpline is the next route (SPEC §10).
        rules: ["close-needs-resolved-takedowns"], clause: "000 §13.5, §13.6", unblock: .escalateToPOSH,
        refusedSetup: refusedByHost + [C.escalate(), C.ispResponse("T1", .refused)], command: C.close,
        allowedSetup: refusedByHost + [C.escalate(), C.ispResponse("T1", .refused), C.helpline(), C.helplineResponse(.refused)]),
    RuleCase(
        rules: ["close-needs-takedown-for-url-evidence"], clause: "000 §13.5",
        unblock: .requestTakedown, refusedSetup: closable + [C.social("https://chirp.example/p/9")],
        command: C.close,
        allowedSetup: closable + [
            C.social("https://chirp.example/p/9"), C.request(["E2"]), C.response("T2", .amended), C.check("T2", .amended),
        ]),
    RuleCase(
        rules: ["close-needs-takedown-for-url-evidence"], clause: "000 §13.5", unblock: .declareTakedownNotApplicable,
        refusedSetup: [C.web(), C.start, C.source(.parent), C.notThreatening, C.conclude, C.support], command: C.close,
        allowedSetup: [C.web(), C.start, C.source(.parent), C.notThreatening, C.conclude, C.support, C.notApplicable]),
    RuleCase(
        rules: ["close-needs-police-track-settled"], clause: "000 §13.7",
        unblock: .recordConsent,
        refusedSetup: closable.map { $0 == C.notThreatening ? C.threatening : $0 }, command: C.close,
        allowedSetup: closable.map { $0 == C.notThreatening ? C.threatening : $0 } + [C.consent(.declined)]),
    RuleCase(
        rules: ["close-needs-police-track-settled"], clause: "000 §13.7", unblock: .referToPolice,
        refusedSetup: closable.map { $0 == C.notThreatening ? C.threatening : $0 } + [C.consent(.given)], command: C.close,
        allowedSetup: closable.map { $0 == C.notThreatening ? C.threatening : $0 } + [C.consent(.given), C.refer]),
    RuleCase(
        rules: ["close-needs-police-track-settled"], clause: "000 §13.7", unblock: .recordConsent,
        refusedSetup: closable.map { $0 == C.notThreatening ? C.threatening : $0 }, command: C.close,
        allowedSetup: closable.map { $0 == C.notThreatening ? C.threatening : $0 } + [C.consent(.given), C.consent(.withdrawn)]),
    RuleCase(
        rules: ["close-needs-support-offered"], clause: "000 §13.8", unblock: .offerSupport,
        refusedSetup: closable.filter { $0 != C.support }, command: C.close, allowedSetup: closable),
]

@Suite("Workflow rules")
struct RuleTests {
    private func built(_ setup: [CaseCommand], categories: [Category] = [.harassment]) throws -> PureCase {
        var pure = try PureCase.open(categories: categories)
        for command in setup {
            pure.advance(hours: 0.25)
            try pure.apply(command)
        }
        pure.advance(hours: 0.25)
        return pure
    }

    // MARK: Every rule, refused and allowed

    @Test("refused with its rule, clause and unblock", arguments: ruleCases)
    func refusedWithRuleClauseAndUnblock(_ rule: RuleCase) throws {
        let pure = try built(rule.refusedSetup)
        let found = refusals { _ = try pure.decide(rule.command) }
        #expect(found.map(\.rule) == rule.rules)
        #expect(found.first?.clause == rule.clause)
        let unblock = found.first?.unblock.steps ?? []
        if let step = rule.unblock {
            #expect(unblock.contains(step), "unblock was: \(String(describing: found.first?.unblock))")
        } else {
            #expect(unblock.isEmpty, "unblock was: \(String(describing: found.first?.unblock))")
        }
        for refusal in found {
            #expect(!refusal.reason.description.isEmpty)
            #expect(refusal.clause.contains("§"))
        }
        if rule.checkAvailability {
            // `show` computes the same answer from the same guards.
            let available = pure.availability(rule.command.step)
            #expect(!available.isAllowed)
            #expect(Set(rule.rules).isSubset(of: Set(available.blockers.map(\.rule))), "\(available.blockers.map(\.rule))")
        }
    }

    @Test("allowed once the rule holds", arguments: ruleCases)
    func allowedOnceTheRuleHolds(_ rule: RuleCase) throws {
        let pure = try built(rule.allowedSetup)
        let command = rule.allowedCommand ?? rule.command
        let events = try pure.decide(command)
        #expect(events.count == 1)
        if rule.checkAvailability {
            #expect(pure.availability(command.step).isAllowed, "\(pure.availability(command.step).blockers)")
        }
    }

    @Test func everyRuleIsCovered() throws {
        // Every rule a refusal can name is in `Rule`; each has a scenario that triggers it:
        // the rule cases above, and here the two that are not `decide`'s.
        var covered = Set(ruleCases.flatMap(\.rules))
        let pure = try built([C.web(), C.start])
        covered.formUnion(pure.availability(.checkRemoval).blockers.map(\.rule))  // availability's own rule
        let fixture = try ServiceFixture()
        let reference = try fixture.openCase()
        covered.formUnion(refusals { try fixture.casebook.retention.redact(reference, version: 1, reason: "erasure", by: Staff.head) }.map(\.rule))
        // No file for child sexual imagery is invalid input (65), naming its rule in the message.
        let imageryCase = try built([imagery])
        let withFile = CaseCommand.addEvidence(EvidenceDraft(kind: .other, description: "a copy", files: [storedShot]))
        if let error = casebookError({ _ = try imageryCase.decide(withFile) }), error.isInvalidInput,
            error.description.contains("[child-sexual-imagery-no-files, Protection of Children Act 1978; UKCIS 2024; SPEC §9]")
        {
            covered.insert("child-sexual-imagery-no-files")
        }
        covered.formUnion(try TeamRuleCases.triggered())  // concerns (SPEC §11), through the service
        let named = Set(Rule.allCases.map(\.rawValue))
        #expect(named.subtracting(covered).isEmpty, "rules without a test: \(named.subtracting(covered).sorted())")
        #expect(covered.subtracting(named).isEmpty, "tests of rules that do not exist: \(covered.subtracting(named).sorted())")
        for rule in Rule.allCases { #expect(rule.clause.contains("§"), "\(rule) has no clause") }
        // No source file names a rule except through `Rule`: every `Refusal(` in Workflow/ takes a `Rule`.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Casebook/Workflow")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            #expect(!source.contains("Refusal(rule:") || file == "Refusal.swift", "\(file) names a rule by string")
        }
    }

    @Test func perRequestStepsWithoutARequest() throws {
        let pure = try built([C.web(), C.start])
        for step in [Step.recordHostResponse, .checkRemoval, .escalateToISP, .recordISPResponse] {
            let available = pure.availability(step)
            #expect(available.blockers.map(\.rule) == ["needs-takedown-request"])
            #expect(available.blockers.first?.unblock == .step(.requestTakedown, subject: "E1"))
        }
        let error = casebookError { _ = try pure.decide(C.response(.removed)) }
        #expect(error?.isNotFound == true)
        let declared = try built([C.email, C.notApplicable])
        #expect(declared.availability(.checkRemoval).blockers.first?.unblock == .none("takedown was declared not applicable"))
    }

    @Test func takedownOfEvidenceWithoutAURLIsRefused() throws {
        let pure = try built([C.web(), C.email, C.start])
        let found = refusals { _ = try pure.decide(C.request(["E1", "E2"])) }
        #expect(found.map(\.rule) == ["takedown-needs-url-evidence"])
        #expect(found.first?.reason.contains("E2") == true)
        #expect(try pure.decide(C.request(["e1"])) == [
            .takedownRequested(
                CaseEvent.TakedownRequest(
                    id: "T1", host: "social.example.com", evidence: ["E1"], method: .form, sentBy: .school,
                    deadline: Timestamp.string(from: pure.now.addingTimeInterval(24 * 3600))))
        ])
    }

    // MARK: Investigation needs evidence; takedown after the investigation starts

    @Test func investigationNeedsEvidenceOfAnyKind() throws {
        for kind in EvidenceKind.allCases {
            var pure = try PureCase.open()
            #expect(!pure.allows(C.start))
            try pure.apply(
                .addEvidence(EvidenceDraft(kind: kind, url: kind.needsURL ? "https://x.example.com/a" : nil, description: "what it shows")))
            #expect(pure.allows(C.start), "after \(kind) evidence")
        }
    }

    @Test func evidenceNeedsAFileAURLOrADescription() throws {
        let pure = try PureCase.open()
        for draft in [EvidenceDraft(kind: .other), EvidenceDraft(kind: .email, description: "  \n ")] {
            let error = casebookError { _ = try pure.decide(.addEvidence(draft)) }
            #expect(error?.isInvalidInput == true)
            #expect(error?.description.contains("at least a file, a URL or a description") == true)
        }
        #expect(pure.allows(.addEvidence(EvidenceDraft(kind: .other, description: "a note of the call"))))
        let file = StoredFile(name: "call.wav", sha256: String(repeating: "a", count: 64), size: 10, mediaType: "audio/wav")
        #expect(pure.allows(.addEvidence(EvidenceDraft(kind: .voicemail, files: [file]))))
    }

    @Test func takedownDeadlineIs24HoursAfterTheRequest() throws {
        var pure = try built([C.web(), C.start])
        let requestedAt = pure.now.addingTimeInterval(-600)
        try pure.apply(C.request(), at: requestedAt)
        let takedown = try #require(pure.state.takedown("T1"))
        #expect(takedown.requestedAt == requestedAt)
        #expect(takedown.deadline == requestedAt.addingTimeInterval(86_400))
        #expect(takedown.request.deadline == Timestamp.string(from: requestedAt.addingTimeInterval(86_400)))
    }

    // MARK: ISP escalation (000 §13.6)

    struct EscalationCase: Sendable, CustomTestStringConvertible {
        var name: String
        var afterRequest: [CaseCommand]
        /// Seconds after the request when escalation is tried.
        var at: TimeInterval
        var allowed: Bool
        var testDescription: String { name }
    }

    static let escalationCases: [EscalationCase] = [
        .init(name: "host refused", afterRequest: [C.response(.refused)], at: 3600, allowed: true),
        .init(name: "no host response, a check found it still present", afterRequest: [C.check(.stillPresent)], at: 3600, allowed: true),
        .init(
            name: "check found it still present", afterRequest: [C.response(.removed), C.check(.stillPresent)], at: 3600,
            allowed: true),
        .init(
            name: "amended, then still present", afterRequest: [C.response(.amended), C.check(.stillPresent)], at: 7200,
            allowed: true),
        .init(name: "deadline passed, nothing recorded", afterRequest: [], at: 86_400, allowed: true),
        .init(name: "deadline passed by a second", afterRequest: [], at: 86_401, allowed: true),
        .init(name: "deadline passed, host said removed, unchecked", afterRequest: [C.response(.removed)], at: 86_400, allowed: true),
        .init(name: "one second before the deadline", afterRequest: [], at: 86_399, allowed: false),
        .init(name: "host said removed, before the deadline", afterRequest: [C.response(.removed)], at: 86_399, allowed: false),
        .init(
            name: "check confirmed removal, deadline long past", afterRequest: [C.response(.removed), C.check(.removed)],
            at: 200_000, allowed: false),
        .init(
            name: "refused, then a check confirmed amendment", afterRequest: [C.response(.refused), C.check(.amended)], at: 3600,
            allowed: false),
        .init(
            name: "still present, then removed", afterRequest: [C.response(.refused), C.check(.stillPresent), C.check(.removed)],
            at: 3600, allowed: false),
    ]

    @Test(arguments: escalationCases)
    func ispEscalation(_ example: EscalationCase) throws {
        var pure = try built([C.web(), C.start])
        let requestedAt = pure.now
        try pure.apply(C.request())
        for command in example.afterRequest {
            pure.advance(hours: 0.1)
            try pure.apply(command)
        }
        pure.now = requestedAt.addingTimeInterval(example.at)
        if example.allowed {
            #expect(try pure.decide(C.escalate()) == [.ispEscalated(request: "T1", isp: "Example Broadband")])
            #expect(pure.availability(.escalateToISP).subjects == ["T1"])
        } else {
            let found = refusals { _ = try pure.decide(C.escalate()) }
            #expect(found.map(\.rule) == ["isp-needs-uncooperative-host"])
            #expect(found.first?.clause == "000 §13.6")
            #expect(!pure.availability(.escalateToISP).isAllowed)
        }
    }

    @Test func escalationUsesTheTimeTheStepHappened() throws {
        var pure = try built([C.web(), C.start])
        let requestedAt = pure.now
        try pure.apply(C.request())
        pure.now = requestedAt.addingTimeInterval(86_400 + 3600)
        // Recorded now, but said to have happened before the deadline: not allowed then.
        #expect(!pure.allows(C.escalate(), at: requestedAt.addingTimeInterval(86_399)))
        #expect(pure.allows(C.escalate(), at: requestedAt.addingTimeInterval(86_400)))
    }

    @Test func escalationIsPerRequest() throws {
        var pure = try built([C.web("https://a.example.com/1"), C.web("https://b.example.com/2"), C.start])
        try pure.apply(C.request(["E1"]))
        try pure.apply(C.request(["E2"]))
        try pure.apply(C.response("T2", .refused))
        #expect(pure.availability(.escalateToISP).subjects == ["T2"])
        #expect(!pure.allows(C.escalate("T1")))
        #expect(pure.allows(C.escalate("T2")))
        #expect(pure.state.takedowns.map(\.request.host) == ["a.example.com", "b.example.com"])
    }

    // MARK: Police (000 §13.7)

    @Test func consentGivenWithdrawnAndGivenAgain() throws {
        var pure = try built([C.web(), C.start, C.threatening])
        #expect(refusals { _ = try pure.decide(C.refer) }.map(\.rule) == ["police-needs-consent"])
        try pure.apply(C.consent(.given))
        #expect(pure.allows(C.refer))
        try pure.apply(C.consent(.withdrawn))
        let withdrawn = refusals { _ = try pure.decide(C.refer) }
        #expect(withdrawn.map(\.rule) == ["police-needs-consent"])
        #expect(withdrawn.first?.reason.contains("withdrew") == true)
        try pure.apply(C.consent(.given))
        try pure.apply(C.refer)
        #expect(pure.state.policeReferral?.force == "Metropolitan Police")
        #expect(pure.state.policeReferral?.overrideReason == nil)
    }

    @Test(arguments: Role.allCases)
    func childProtectionOverride(_ role: Role) throws {
        let actor = StaffMember(id: role == .staff ? Staff.colleague.id : "actor", name: "Actor", role: role)
        let pure = try built([C.web(), C.start, C.threatening, C.consent(.declined)])
        let decide = { try Workflow.decide(C.override, state: pure.state, context: Staff.context(actor, now: pure.now)) }
        if role == .headteacher || role == .safeguardingLead {
            #expect(try decide() == [
                .policeReferred(force: "Metropolitan Police", reference: "CRN-1", overrideReason: "a child is named and at risk")
            ])
        } else {
            #expect(casebookError { _ = try decide() }?.isNotPermitted == true)
        }
    }

    @Test func overrideStillNeedsThreateningMaterialAndIsOnce() throws {
        var pure = try built([C.web(), C.start, C.notThreatening])
        #expect(refusals { _ = try pure.decide(C.override, by: Staff.dsl) }.map(\.rule) == ["police-needs-threatening-material"])
        try pure.apply(C.threatening)
        // No consent recorded at all: the override refers anyway.
        try pure.apply(C.override, by: Staff.dsl)
        #expect(pure.state.policeReferral?.overrideReason == "a child is named and at risk")
        #expect(refusals { _ = try pure.decide(C.override, by: Staff.dsl) }.map(\.rule) == ["police-referral-once"])
    }

    @Test func consentByAnUnknownPersonIsNotFound() throws {
        let pure = try built([C.web()])
        #expect(casebookError { _ = try pure.decide(C.consent(.given, by: "nobody")) }?.isNotFound == true)
        #expect(casebookError { _ = try pure.decide(C.consent(.given, by: "bad id!")) }?.isInvalidInput == true)
    }

    // MARK: Referrals follow the source (000 §13.4, §14)

    @Test(arguments: SourceKind.allCases)
    func referralsFollowTheSource(_ kind: SourceKind) throws {
        let pure = try built([C.web(), C.start, C.source(kind, ref: "ref")])
        #expect(pure.allows(.referBehaviour(pupil: "Pupil B")) == (kind == .pupil))
        #expect(pure.allows(.referDisciplinary(staff: Staff.colleague.id)) == (kind == .staff))
        #expect(pure.availability(.referBehaviour).isAllowed == (kind == .pupil))
        #expect(pure.availability(.referDisciplinary).isAllowed == (kind == .staff))
    }

    @Test func aStaffDirectoryThatCannotBeReadIsNotNotFound() throws {
        let pure = try built([C.web(), C.start, C.source(.staff)])
        let broken = DecisionContext(now: pure.now, actor: Staff.head) { _ in throw CasebookError.io("disk I/O error") }
        let error = casebookError { _ = try Workflow.decide(.referDisciplinary(staff: Staff.colleague.id), state: pure.state, context: broken) }
        #expect(error == .io("disk I/O error"))
    }

    @Test func disciplinaryReferralNamesAKnownMember() throws {
        let pure = try built([C.web(), C.start, C.source(.staff)])
        #expect(casebookError { _ = try pure.decide(.referDisciplinary(staff: "nobody")) }?.isNotFound == true)
    }

    // MARK: Closing lists every missing step at once

    @Test func closeListsEveryMissingStep() throws {
        let pure = try built([
            C.web("https://a.example.com/1"), C.social("https://b.example.com/2"), C.start, C.threatening, C.request(["E1"]),
        ])
        let found = refusals { _ = try pure.decide(C.close) }
        #expect(found.map(\.rule) == [
            "close-needs-concluded-investigation", "close-needs-resolved-takedowns", "close-needs-takedown-for-url-evidence",
            "close-needs-police-track-settled", "close-needs-support-offered",
        ])
        #expect(found[1].reason.contains("T1"))
        #expect(found[2].reason.contains("E2"))
        #expect(pure.availability(.close).blockers == found)
    }

    @Test func closeListsEveryUncoveredItemAndUnresolvedRequest() throws {
        let pure = try built([
            C.web("https://a.example.com/1"), C.web("https://b.example.com/2"), C.web("https://c.example.com/3"),
            C.web("https://d.example.com/4"), C.start, C.request(["E1"]), C.request(["E2"]),
        ])
        let found = refusals { _ = try pure.decide(C.close) }
        #expect(found.filter { $0.rule == "close-needs-resolved-takedowns" }.count == 2)
        #expect(found.filter { $0.rule == "close-needs-takedown-for-url-evidence" }.map { $0.reason.description.prefix(2) } == ["E3", "E4"])
    }

    @Test func closeWithEvidenceWithoutURLsNeedsNoTakedown() throws {
        var pure = try built([C.email, C.start, C.source(.parent), C.notThreatening, C.conclude, C.support])
        try pure.apply(.close(outcome: "advice to the parent", action: .advice))
        #expect(pure.state.status == .closed)
        #expect(pure.state.closure?.action == .advice)
    }

    // MARK: Closed and reopened

    static let oneOfEachStep: [CaseCommand] = [
        C.web("https://z.example.com/9"), C.start, .addNote("note"), C.source(.pupil), C.threatening,
        .referBehaviour(pupil: "Pupil C"), .referDisciplinary(staff: Staff.colleague.id), C.conclude, C.request(),
        C.response(.removed), C.check(.removed), C.notApplicable, C.escalate(), C.ispResponse(), C.helpline(.posh),
        C.helpline(.reportHarmfulContent), C.helplineResponse(), C.consent(.given), C.refer,
        C.support, .recordSupportResponse(.accepted), .notifyPolice, C.withdraw("N1"), C.close,
        .correctClosure(outcome: "corrected", action: .advice, reason: "entered wrongly"), C.reopen,
        .changeCategory(.threat, add: true), .flagEvidence(item: "E1"), iwfReport, .purgeFiles(item: "E1", reason: "erasure"),
        .triage(accept: true, reason: nil), .referToLADO(reason: "reason"), .recordLADOAdvice(text: "advice"),
        .recordLADOOutcome(.unfounded),
    ]

    @Test func oneOfEachStepCoversEveryStep() {
        #expect(Set(Self.oneOfEachStep.map(\.step)) == Set(Step.allCases))
    }

    /// A purge is allowed on a closed case (retention, erasure); every other step needs it open.
    @Test(arguments: oneOfEachStep.filter { $0.step != .reopen && $0.step != .purgeFiles && $0.step != .correctClosure })
    func closedCaseRefusesEveryStepButReopen(_ command: CaseCommand) throws {
        let pure = try built(closable + [C.close])
        let found = refusals { _ = try pure.decide(command) }
        #expect(found.map(\.rule) == ["case-is-open"])
        #expect(pure.availability(command.step).blockers.map(\.rule) == ["case-is-open"])
    }

    @Test func closedCaseAllowsOnlyReopen() throws {
        var pure = try built(closable + [C.close])
        let allowed = Workflow.availability(of: pure.state, now: pure.now).filter(\.isAllowed).map(\.step)
        #expect(allowed == [.reopen, .correctClosure])
        try pure.apply(C.reopen)
        #expect(pure.state.status == .open)
        #expect(pure.state.closure == nil)
        // Steps are allowed again, a new round of investigation opens (source, assessment,
        // conclusion), and the case closes again once that round is concluded.
        #expect(pure.allows(.addNote("the material reappeared")))
        #expect(pure.allows(C.support))
        #expect(pure.allows(C.source(.pupil)))
        #expect(pure.allows(C.threatening))
        #expect(refusals { _ = try pure.decide(C.close) }.map(\.rule) == ["close-needs-concluded-investigation"])
        try pure.apply(C.conclude)
        #expect(pure.allows(C.close))
        try pure.apply(C.web("https://social.example.com/post/2"))
        #expect(refusals { _ = try pure.decide(C.close) }.map(\.rule) == ["close-needs-takedown-for-url-evidence"])
        try pure.apply(C.request(["E2"]))
        try pure.apply(C.response("T2", .removed))
        try pure.apply(C.check("T2", .removed))
        try pure.apply(C.close)
        #expect(pure.state.status == .closed)
        #expect(refusals { _ = try pure.decide(C.close) }.map(\.rule) == ["case-is-open"])
    }

    // MARK: Times (SPEC §3)

    @Test func timesMoreThanFiveMinutesAheadAreRefused() throws {
        let pure = try built([C.web(), C.start])
        let note = CaseCommand.addNote("called the host")
        #expect(pure.allows(note, at: pure.now.addingTimeInterval(300)))
        #expect(casebookError { _ = try pure.decide(note, at: pure.now.addingTimeInterval(301)) }?.isInvalidInput == true)
        #expect(casebookError { _ = try pure.decide(C.close, at: pure.now.addingTimeInterval(3600)) }?.isInvalidInput == true)
        let future = EvidenceDraft(kind: .email, capturedAt: pure.now.addingTimeInterval(301), description: "d")
        #expect(casebookError { _ = try pure.decide(.addEvidence(future)) }?.isInvalidInput == true)
        let posted = EvidenceDraft(kind: .email, capturedAt: pure.now.addingTimeInterval(-60), postedAt: pure.now, description: "d")
        #expect(casebookError { _ = try pure.decide(.addEvidence(posted)) }?.isInvalidInput == true)
        // Evidence captured before the report is ordinary.
        #expect(pure.allows(.addEvidence(EvidenceDraft(kind: .email, capturedAt: fixtureStart.addingTimeInterval(-86_400), description: "d"))))
    }

    @Test func timesBeforeTheCaseOpenedAreRefused() throws {
        let pure = try built([C.web()])
        #expect(pure.allows(C.start, at: fixtureStart))
        let error = casebookError { _ = try pure.decide(C.start, at: fixtureStart.addingTimeInterval(-1)) }
        #expect(error?.isInvalidInput == true)
        #expect(error?.description.contains("before CB-2026-0001 was opened") == true)
    }

    @Test func openingChecksItsTimes() throws {
        let now = fixtureStart
        func open(at: Date? = nil, discovered: Date? = nil) throws -> CaseEvent.Opened {
            let draft = CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "s", discoveredAt: discovered)
            return try Workflow.open(draft, reference: PureCase.reference, context: Staff.context(Staff.manager, now: now, at: at))
        }
        #expect(try open(at: now.addingTimeInterval(300)).discoveredAt == Timestamp.string(from: now.addingTimeInterval(300)))
        #expect(casebookError { _ = try open(at: now.addingTimeInterval(301)) }?.isInvalidInput == true)
        #expect(casebookError { _ = try open(discovered: now.addingTimeInterval(60)) }?.isInvalidInput == true)
        #expect(try open(discovered: now.addingTimeInterval(-86_400)).discoveredAt == Timestamp.string(from: now.addingTimeInterval(-86_400)))
    }

    // MARK: Roles (SPEC §5)

    @Test(arguments: [Role.hr, Role.staff], oneOfEachStep)
    func hrAndStaffMayDoNothingOnCases(_ role: Role, _ command: CaseCommand) throws {
        let actor = StaffMember(id: role == .staff ? Staff.teacher.id : Staff.hr.id, name: "X", role: role)
        let pure = try built([C.web(), C.start])
        #expect(casebookError { _ = try pure.decide(command, by: actor) }?.isNotPermitted == true)
        let draft = CaseDraft(affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "s")
        #expect(
            casebookError {
                _ = try Workflow.open(draft, reference: PureCase.reference, context: Staff.context(actor, now: fixtureStart))
            }?.isNotPermitted == true)
    }

    @Test(arguments: oneOfEachStep)
    func safeguardingLeadMayTakeEveryStepASeniorManagerMay(_ command: CaseCommand) throws {
        var pure = try PureCase.open(by: Staff.dsl)
        #expect(pure.state.opened.reportedTo == Staff.dsl.id)
        try pure.apply(C.web(), by: Staff.dsl)
        #expect(pure.state.evidence.first?.capturedBy == Staff.dsl.id)
        // Every step a senior manager may take, and lawful content's own (SPEC §9, §11):
        // refused here only by the workflow's rules, never for the role.
        do { _ = try pure.decide(command, by: Staff.dsl) } catch let error as CasebookError { #expect(!error.isNotPermitted) }
        #expect(Role.safeguardingLead.may(command.permission))
    }

    @Test(arguments: [Staff.head, Staff.manager])
    func headteacherAndSeniorManagerAdvanceCases(_ actor: StaffMember) throws {
        var pure = try PureCase.open(by: actor)
        for command in closable + [C.close, C.reopen] {
            try pure.apply(command, by: actor)
        }
        #expect(pure.state.status == .open)
        #expect(pure.state.version == closable.count + 3)
    }

    @Test func permissionTableMatchesTheSpec() {
        let advance: [Permission] = [.openCase, .addEvidence, .advanceCase, .triageConcerns, .assignCases]
        for permission in Permission.allCases { #expect(Role.headteacher.may(permission)) }
        for permission in Permission.allCases {
            // Any member of staff reports a concern and reads their own task list (SPEC §11).
            #expect(Role.staff.may(permission) == [.reportConcern, .readOwnTasks].contains(permission))
            // HR also records the accused's normal retirement date (SPEC §9) and reads the disciplinary bundle.
            #expect(
                Role.hr.may(permission)
                    == [.readOutcomes, .recordRetentionDate, .readDisciplinaryBundle, .reportConcern, .readOwnTasks].contains(permission))
        }
        for permission in advance { #expect(Role.seniorManager.may(permission)) }
        #expect(!Role.seniorManager.may(.overrideConsent))
        // The safeguarding lead: everything a senior manager may, and more.
        for permission in Permission.allCases where Role.seniorManager.may(permission) { #expect(Role.safeguardingLead.may(permission)) }
        #expect(Role.safeguardingLead.may(.overrideConsent))
        #expect(C.override.permission == .overrideConsent)
        #expect(C.refer.permission == .advanceCase)
        #expect(C.web().permission == .addEvidence)
    }
}
