import EventLog
import Foundation

/// The case workflow as pure functions: ``decide(_:state:context:)`` turns a command into
/// events or a refusal; ``CaseState/evolve(_:at:actor:)`` applies an event. Each track's
/// guards, decisions and evolution live in its own file (`EvidenceTrack` … `CorrectionsTrack`);
/// the step table (``guards(for:)``) says which guards apply to each step.
public enum Workflow {
    /// A host has 24 hours from the request (000 §13.5). Absolute: across a clock change a
    /// request at 10:00 GMT is due at 11:00 BST.
    public static let takedownWindow: TimeInterval = 24 * 3600
    /// How far in the future a given time may be (clock skew between machines).
    public static let futureTolerance: TimeInterval = 5 * 60
    /// The longest free text accepted.
    public static let maximumTextLength = 20_000
    /// The event types whose payload may be redacted: the others carry the workflow's state.
    public static let redactableTypes: Set<String> = [CaseEventType.evidenceCaptured.rawValue, CaseEventType.noteAdded.rawValue]

    // MARK: Opening

    /// Validates a new case and gives its opening event (``EvidenceTrack``).
    public static func open(_ draft: CaseDraft, reference: CaseReference, context: DecisionContext) throws -> CaseEvent.Opened {
        try EvidenceTrack.open(draft, reference: reference, context: context)
    }

    // MARK: Deciding

    /// What a track decides for one command: its events, the request a per-request step acts
    /// on, and the refusals of rules that read the command's own arguments (who gives
    /// consent, which evidence a request names, a `no-response` before the deadline).
    struct Decision {
        var events: [CaseEvent]
        var takedown: CaseState.Takedown? = nil
        var refusals: [Refusal] = []
        /// Step-table rules the command's arguments waive (the child-protection override waives consent).
        var waived: Set<String> = []
    }

    /// The events a command produces on a case, or why not.
    ///
    /// Checks, in order: the role (``CasebookError/notPermitted(_:)``), the times, that the
    /// case is open, the input (``CasebookError/invalidInput(_:)``, ``CasebookError/notFound(_:)``),
    /// then the step table's rules and the argument rules (``CasebookError/refused(_:)``,
    /// listing every blocking rule).
    public static func decide(_ command: CaseCommand, state: CaseState, context: DecisionContext) throws -> [CaseEvent] {
        try context.actor.require(command.permission)
        try checkNotFuture(context.occurredAt, now: context.now, field: "the step's time")
        guard context.occurredAt >= state.openedAt else {
            throw CasebookError.invalidInput(
                "the step's time \(context.occurredAt) is before \(state.reference) was opened (\(state.openedAt))")
        }
        let table = guards(for: command.step)
        let at = context.occurredAt
        if let concern = ConcernTrack.blocksStep(command.step, state) { throw CasebookError.refused([concern]) }
        if table.needsOpenCase, let closed = ClosingTrack.caseIsOpen.check(GuardInput(state: state, now: at)).first {
            throw CasebookError.refused([closed])
        }
        let decision = try decideTrack(command, state, context)
        // No file is ever kept for child sexual imagery (SPEC §9): invalid input, whatever else is wrong.
        if let refusal = LawfulContentTrack.fileRefusal(command, state) { throw CasebookError.invalidInput(refusal) }
        let stepRefusals = table.refusals(state, takedown: decision.takedown, now: at, settings: context.settings).filter { !decision.waived.contains($0.rule) }
        // An argument rule the step table already names (no URL evidence at all) is said once.
        let refusals = stepRefusals + decision.refusals.filter { refusal in !stepRefusals.contains { $0.rule == refusal.rule } }
        if !refusals.isEmpty { throw CasebookError.refused(refusals) }
        return decision.events
    }

    /// Hands the command to its track.
    private static func decideTrack(_ command: CaseCommand, _ state: CaseState, _ context: DecisionContext) throws -> Decision {
        switch command {
        case .addEvidence(let draft): return try EvidenceTrack.addEvidence(draft, state, context)
        case .attachFiles(let id, let files): return try EvidenceTrack.attachFiles(id, files, state)
        case .startInvestigation: return Decision(events: [.investigationStarted])
        case .addNote(let note): return try InvestigationTrack.addNote(note)
        case .identifySource(let kind, let ref): return try InvestigationTrack.identifySource(kind, ref: ref, state)
        case .assessThreat(let isThreatening, let rationale): return try InvestigationTrack.assess(isThreatening, rationale)
        case .referBehaviour(let pupil): return try InvestigationTrack.referBehaviour(pupil)
        case .referDisciplinary(let staff): return try InvestigationTrack.referDisciplinary(staff, context)
        case .concludeInvestigation(let finding, let summary): return try InvestigationTrack.conclude(finding, summary)
        case .requestTakedown(let evidence, let host, let method, let sentBy, let platformReference):
            return try TakedownTrack.request(
                evidence, host: host, method: method, sentBy: sentBy, platformReference: platformReference, state, at: context.occurredAt)
        case .recordHostResponse(let id, let result, let file):
            return try TakedownTrack.response(id, result, file: file, state, at: context.occurredAt)
        case .checkRemoval(let id, let result, let file): return try TakedownTrack.check(id, result, file, state, at: context.occurredAt)
        case .declareTakedownNotApplicable(let reason): return try TakedownTrack.declareNotApplicable(reason, state)
        case .escalateToISP(let id, let isp): return try ISPTrack.escalate(id, isp: isp, state, at: context.occurredAt)
        case .recordISPResponse(let id, let result): return try ISPTrack.response(id, result, state, at: context.occurredAt)
        case .escalateToHelpline(let id, let helpline, let reference):
            return try HelplineTrack.escalate(id, to: helpline, reference: reference, state, at: context.occurredAt)
        case .recordHelplineResponse(let id, let result): return try HelplineTrack.response(id, result, state, at: context.occurredAt)
        case .recordConsent(let decision, let person): return try PoliceTrack.consent(decision, by: person, state, context)
        case .referToPolice(let force, let reference, let overrideReason):
            return try PoliceTrack.refer(force: force, reference: reference, overrideReason: overrideReason, state, context)
        case .referToPoliceUnlawful(let force, let reference, let reason):
            return try PoliceTrack.referUnlawful(force: force, reference: reference, reason: reason)
        case .notifyPolice: return Decision(events: [.policeNotified])
        case .offerSupport(let services): return try SupportTrack.offer(services)
        case .recordSupportResponse(let response): return Decision(events: [.supportResponded(response)])
        case .close(let outcome, let action): return try ClosingTrack.close(outcome, action)
        case .reopen(let reason): return try ClosingTrack.reopen(reason)
        case .withdraw(let item, let reason): return try CorrectionsTrack.withdraw(item, reason: reason, state)
        case .correctClosure(let outcome, let action, let reason):
            return try CorrectionsTrack.correctClosure(outcome, action, reason: reason)
        case .changeCategory(let category, let add): return try LawfulContentTrack.changeCategory(category, add: add, state, context)
        case .flagEvidence(let item): return try LawfulContentTrack.flag(item, state, context)
        case .recordReferralDecision(let route, let reference, let reason):
            return try LawfulContentTrack.referralDecision(route, reference: reference, reason: reason)
        case .purgeFiles(let item, let reason): return try LawfulContentTrack.purge(item, reason: reason, state, context)
        case .triage(let accept, let reason): return try ConcernTrack.triage(accept: accept, reason: reason, state, context)
        case .track(let command): return try command.command.decide(state, context)
        }
    }

    // MARK: What is allowed now

    /// Every step, allowed now or blocked and why, from the step table `decide` enforces.
    public static func availability(of state: CaseState, now: Date, settings: Settings = .defaults) -> [StepAvailability] {
        Step.allCases.map { availability(of: $0, in: state, now: now, settings: settings) }
    }

    /// One step, allowed now or blocked and why.
    public static func availability(
        of step: Step, in state: CaseState, now: Date, settings: Settings = .defaults
    ) -> StepAvailability {
        let table = guards(for: step)
        var subjects: [String] = []
        var blockers: [Refusal] = []
        if table.isPerRequest {
            (subjects, blockers) = perRequest(state, table, now: now, settings: settings)
        } else {
            blockers = table.refusals(state, takedown: nil, now: now, settings: settings)
            if step == .withdraw, blockers.isEmpty { subjects = CorrectionsTrack.liveItems(state) }
        }
        return StepAvailability(step: step, subjects: subjects, blockers: blockers)
    }

    /// A per-request step: allowed for the live requests whose guards pass; otherwise
    /// blocked by every live request's reason (or by having no live request at all).
    private static func perRequest(
        _ state: CaseState, _ table: StepGuards, now: Date, settings: Settings
    ) -> ([String], [Refusal]) {
        if let closed = ClosingTrack.caseIsOpen.check(GuardInput(state: state, now: now)).first { return ([], [closed]) }
        let live = state.liveTakedowns
        if live.isEmpty { return ([], [TakedownTrack.needsRequest(state)]) }
        let results = live.map { ($0.request.id, table.refusals(state, takedown: $0, now: now, settings: settings)) }
        let allowed = results.filter { $0.1.isEmpty }.map(\.0)
        return allowed.isEmpty ? ([], results.flatMap(\.1)) : (allowed, [])
    }

    // MARK: Input

    static func checkNotFuture(_ date: Date, now: Date, field: Message) throws {
        guard date <= now.addingTimeInterval(futureTolerance) else {
            throw CasebookError.invalidInput(
                "\(field) \(date) is in the future (now is \(now))")
        }
    }

    static func text(_ value: String, _ field: Message, allowEmpty: Bool = false) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty && !allowEmpty { throw CasebookError.invalidInput("\(field) is empty") }
        guard trimmed.count <= maximumTextLength else {
            throw CasebookError.invalidInput("\(field) is \(trimmed.count) characters long; at most \(maximumTextLength)")
        }
        try TextField.validate(trimmed, field: field, allowsNewlines: TextField.allowsNewlines(field.description))
        return trimmed
    }

    static func optionalText(_ value: String?, _ field: Message) throws -> String? {
        guard let value else { return nil }
        let trimmed = try text(value, field, allowEmpty: true)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func existingStaff(_ id: String, role: String, _ context: DecisionContext) throws -> StaffMember {
        _ = try StaffID.validate(id, field: "staff id for the \(role)")
        guard let member = try context.staff(id) else {
            throw CasebookError.notFound("no member of staff '\(id)' (the \(role)) in the staff directory")
        }
        return member
    }

    /// The request named, which must exist and have been made before the step.
    static func existingTakedown(_ id: String, _ state: CaseState, at date: Date) throws -> CaseState.Takedown {
        guard let takedown = state.takedown(id) else {
            let known = state.takedowns.map(\.request.id).joined(separator: ", ")
            throw CasebookError.notFound(
                "\(state.reference) has no takedown request '\(id)'" + (known.isEmpty ? "" : " (it has \(known))"))
        }
        guard date >= takedown.requestedAt else {
            throw CasebookError.invalidInput(
                "the step's time \(date) is before \(takedown.request.id) was requested (\(takedown.requestedAt))")
        }
        return takedown
    }
}
