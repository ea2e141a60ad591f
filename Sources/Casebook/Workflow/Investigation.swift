import Foundation

/// The investigation (SPEC §2.3, 000 §13.3–§13.4, §14): started once evidence exists;
/// notes, the source, the threat assessment and referrals while it runs; concluded with a
/// finding once the source and the threat assessment are recorded.
enum InvestigationTrack {
    // MARK: The step table's entries

    static let start = StepGuards(guards: [notStarted, evidenceCaptured])
    static let note = StepGuards(guards: [started])
    static let source = StepGuards(guards: [started, notConcluded])
    static let assess = StepGuards(guards: [started, notConcluded])
    static let referBehaviour = StepGuards(guards: [started, sourceIsPupil])
    static let referDisciplinary = StepGuards(guards: [started, sourceIsStaff])
    static let conclude = StepGuards(guards: [started, notConcluded, sourceIdentified, threatAssessed])

    // MARK: Guards

    /// The investigation may start only once evidence exists (000 §12.2, §13.3).
    static let evidenceCaptured = Guard("investigation-needs-evidence") { input in
        guard input.state.liveEvidence.isEmpty else { return nil }
        return Refusal(
            .investigationNeedsEvidence, reason: "no evidence has been captured", unblock: .step(.addEvidence))
    }

    /// The investigation starts once.
    static let notStarted = Guard("investigation-starts-once") { input in
        guard input.state.investigation != .notStarted else { return nil }
        return Refusal(.investigationStartsOnce, reason: "the investigation has already started", unblock: .none("it is under way"))
    }

    /// Investigation steps need a started investigation (000 §13.3).
    static let started = Guard("investigation-started") { input in
        guard input.state.investigation == .notStarted else { return nil }
        return Refusal(.investigationStarted, reason: "the investigation has not started", unblock: .step(.startInvestigation))
    }

    /// The source and the threat assessment are fixed once the investigation concludes.
    static let notConcluded = Guard("investigation-not-concluded") { input in
        guard case .concluded(let finding, _) = input.state.investigation else { return nil }
        return Refusal(
            .investigationNotConcluded, reason: "the investigation is concluded (\(finding.rawValue))",
            unblock: .none("the conclusion stands; add a note or reopen the case after closing if new facts emerge"))
    }

    /// A behaviour referral needs a pupil source (000 §13.4).
    static let sourceIsPupil = Guard("behaviour-referral-needs-pupil-source") { input in
        guard input.state.source?.kind != .pupil else { return nil }
        return Refusal(
            .behaviourReferralNeedsPupilSource, reason: "the source is \(describe(input.state.source)), not a pupil",
            unblock: .step(.identifySource, choice: SourceKind.pupil.rawValue))
    }

    /// A disciplinary referral needs a staff source (000 §14.1, §14.4).
    static let sourceIsStaff = Guard("disciplinary-referral-needs-staff-source") { input in
        guard input.state.source?.kind != .staff else { return nil }
        return Refusal(
            .disciplinaryReferralNeedsStaffSource, reason: "the source is \(describe(input.state.source)), not a member of staff",
            unblock: .step(.identifySource, choice: SourceKind.staff.rawValue))
    }

    /// Concluding needs the source (000 §13.4).
    static let sourceIdentified = Guard("conclusion-needs-source") { input in
        guard input.state.source == nil else { return nil }
        return Refusal(.conclusionNeedsSource, reason: "the source of the material is not recorded", unblock: .step(.identifySource))
    }

    /// Concluding needs the threat assessment (000 §13.7).
    static let threatAssessed = Guard("conclusion-needs-threat-assessment") { input in
        guard input.state.assessment == nil else { return nil }
        return Refusal(.conclusionNeedsThreatAssessment, reason: "the threat has not been assessed", unblock: .step(.assessThreat))
    }

    /// The source cannot change away from pupil or staff while a live referral depends on
    /// it (000 §13.4, §14.1): withdraw the referral first. `kind` is the new source, nil
    /// when the source itself is being withdrawn.
    static func sourceChange(_ state: CaseState, to kind: SourceKind?) -> Refusal? {
        guard let current = state.source?.kind, current != kind else { return nil }
        let dependent = state.referrals.first { referral in
            guard referral.withdrawal == nil else { return false }
            switch referral.kind {
            case .behaviour: return current == .pupil
            case .disciplinary: return current == .staff
            }
        }
        guard let dependent else { return nil }
        return Refusal(
            .sourceChangeNeedsReferralWithdrawn,
            reason: "\(dependent.id) (\(describe(dependent.kind))) depends on the source being a \(current.rawValue)",
            unblock: .step(.withdraw, subject: dependent.id))
    }

    private static func describe(_ source: CaseState.Source?) -> String {
        source.map { "a \($0.kind.rawValue)" } ?? "not identified"
    }

    static func describe(_ kind: CaseState.Referral.Kind) -> String {
        switch kind {
        case .behaviour(let pupil): return "behaviour referral of \(pupil)"
        case .disciplinary(let staff): return "disciplinary referral of \(staff)"
        }
    }

    // MARK: Decisions

    static func addNote(_ note: String) throws -> Workflow.Decision {
        Workflow.Decision(events: [.noteAdded(text: try Workflow.text(note, "the note"))])
    }

    static func identifySource(_ kind: SourceKind, ref: String?, _ state: CaseState) throws -> Workflow.Decision {
        let ref = try Workflow.optionalText(ref, "the source reference")
        return Workflow.Decision(
            events: [.sourceIdentified(kind: kind, ref: ref)], refusals: [sourceChange(state, to: kind)].compactMap { $0 })
    }

    static func assess(_ isThreatening: Bool, _ rationale: String) throws -> Workflow.Decision {
        Workflow.Decision(
            events: [.threatAssessed(isThreatening: isThreatening, rationale: try Workflow.text(rationale, "the rationale"))])
    }

    static func referBehaviour(_ pupil: String) throws -> Workflow.Decision {
        Workflow.Decision(events: [.behaviourReferral(pupil: try Workflow.text(pupil, "the pupil"))])
    }

    static func referDisciplinary(_ staff: String, _ context: DecisionContext) throws -> Workflow.Decision {
        let member = try Workflow.existingStaff(staff, role: "member of staff referred", context)
        return Workflow.Decision(events: [.disciplinaryReferral(staff: member.id)])
    }

    static func conclude(_ finding: Finding, _ summary: String) throws -> Workflow.Decision {
        Workflow.Decision(events: [.investigationConcluded(finding: finding, summary: try Workflow.text(summary, "the summary"))])
    }
}

// MARK: Evolution

extension CaseState {
    mutating func addNote(_ text: String) {
        notes.append(Note(id: "N\(notes.count + 1)", text: text, version: version))
    }

    mutating func refer(_ kind: Referral.Kind) {
        referrals.append(Referral(id: "R\(referrals.count + 1)", kind: kind, version: version))
    }
}
