import EventLog
import Foundation

/// The case workflow as pure functions: ``decide(_:state:context:)`` turns a command into
/// events or a refusal; ``CaseState/evolve(_:at:actor:)`` applies an event.
public enum Workflow {
    /// A host has 24 hours from the request (000 §13.5). Absolute: across a clock change a
    /// request at 10:00 GMT is due at 11:00 BST.
    public static let takedownWindow: TimeInterval = 24 * 3600
    /// How far in the future a given time may be (clock skew between machines).
    public static let futureTolerance: TimeInterval = 5 * 60
    /// The longest free text accepted.
    public static let maximumTextLength = 20_000
    /// The event types whose payload may be redacted: the others carry the workflow's state.
    public static let redactableTypes: Set<String> = [CaseEvent.evidenceCapturedType, CaseEvent.noteAddedType]

    // MARK: Opening

    /// Validates a new case and gives its opening event.
    public static func open(_ draft: CaseDraft, reference: CaseReference, context: DecisionContext) throws -> CaseEvent.Opened {
        try context.actor.require(.openCase)
        try checkNotFuture(context.occurredAt, now: context.now, field: "--at")
        let affected = try existingStaff(draft.affected, role: "affected person", context)
        let reporter = try existingStaff(draft.reportedBy, role: "reporter", context)
        let discovered = draft.discoveredAt ?? context.occurredAt
        try checkNotFuture(discovered, now: context.now, field: "--discovered-at")
        guard discovered <= context.occurredAt else {
            throw CasebookError.invalidInput("--discovered-at is after the report (--at): material is discovered before it is reported")
        }
        return CaseEvent.Opened(
            reference: reference, school: try text(draft.school, "--school", allowEmpty: true),
            affected: affected.id, reportedBy: reporter.id, reportedTo: context.actor.id,
            summary: try text(draft.summary, "--summary"), categories: Array(Set(draft.categories)).sorted(),
            discoveredAt: Timestamp.string(from: discovered))
    }

    // MARK: Deciding

    /// The events a command produces on a case, or why not.
    ///
    /// Checks, in order: the role (``CasebookError/notPermitted(_:)``), the times and the
    /// input (``CasebookError/invalidInput(_:)``, ``CasebookError/notFound(_:)``), then the
    /// workflow rules (``CasebookError/refused(_:)``, listing every blocking rule).
    public static func decide(_ command: CaseCommand, state: CaseState, context: DecisionContext) throws -> [CaseEvent] {
        try context.actor.require(command.permission)
        try checkNotFuture(context.occurredAt, now: context.now, field: "--at")
        guard context.occurredAt >= state.openedAt else {
            throw CasebookError.invalidInput(
                "--at \(Timestamp.string(from: context.occurredAt)) is before \(state.reference) was opened (\(Timestamp.string(from: state.openedAt)))")
        }
        func refuse(_ refusals: Refusal?...) throws {
            let found = refusals.compactMap { $0 }
            if !found.isEmpty { throw CasebookError.refused(found) }
        }
        if command.step != .reopen { try refuse(Rules.caseIsOpen(state)) }

        switch command {
        case .addEvidence(let draft):
            return [.evidenceCaptured(try evidence(draft, id: "E\(state.evidence.count + 1)", context: context))]
        case .startInvestigation:
            try refuse(Rules.investigationNotStarted(state), Rules.evidenceCaptured(state))
            return [.investigationStarted]
        case .addNote(let note):
            let note = try text(note, "note")
            try refuse(Rules.investigationStarted(state))
            return [.noteAdded(text: note)]
        case .identifySource(let kind, let ref):
            let ref = try optionalText(ref, "--ref")
            try refuse(Rules.investigationStarted(state), Rules.investigationNotConcluded(state))
            return [.sourceIdentified(kind: kind, ref: ref)]
        case .assessThreat(let isThreatening, let rationale):
            let rationale = try text(rationale, "--rationale")
            try refuse(Rules.investigationStarted(state), Rules.investigationNotConcluded(state))
            return [.threatAssessed(isThreatening: isThreatening, rationale: rationale)]
        case .referBehaviour(let pupil):
            let pupil = try text(pupil, "--pupil")
            try refuse(Rules.investigationStarted(state), Rules.sourceIsPupil(state))
            return [.behaviourReferral(pupil: pupil)]
        case .referDisciplinary(let staffID):
            let member = try existingStaff(staffID, role: "member of staff referred", context)
            try refuse(Rules.investigationStarted(state), Rules.sourceIsStaff(state))
            return [.disciplinaryReferral(staff: member.id)]
        case .concludeInvestigation(let finding, let summary):
            let summary = try text(summary, "--summary")
            try refuse(
                Rules.investigationStarted(state), Rules.investigationNotConcluded(state), Rules.sourceIdentified(state),
                Rules.threatAssessed(state))
            return [.investigationConcluded(finding: finding, summary: summary)]
        case .requestTakedown(let evidenceIDs, let host, let method, let sentBy):
            try refuse(
                Rules.takedownAfterInvestigationStart(state), Rules.takedownApplicable(state), Rules.urlEvidenceCaptured(state))
            let request = try takedownRequest(
                evidenceIDs, host: host, method: method, sentBy: sentBy, state: state, at: context.occurredAt)
            return [.takedownRequested(request)]
        case .recordHostResponse(let id, let result):
            let takedown = try existingTakedown(id, state, at: context.occurredAt)
            try refuse(Rules.hostResponseMissing(state, takedown))
            return [.hostResponded(request: takedown.request.id, result: result)]
        case .checkRemoval(let id, let result, let file):
            let takedown = try existingTakedown(id, state, at: context.occurredAt)
            try refuse(Rules.hostResponded(state, takedown))
            return [.removalChecked(request: takedown.request.id, result: result, file: file)]
        case .declareTakedownNotApplicable(let reason):
            let reason = try text(reason, "--reason")
            try refuse(Rules.noTakedownRequested(state))
            return [.takedownNotApplicable(reason: reason)]
        case .escalateToISP(let id, let isp):
            let isp = try text(isp, "--isp")
            let takedown = try existingTakedown(id, state, at: context.occurredAt)
            try refuse(Rules.hostUncooperative(state, takedown, now: context.occurredAt))
            return [.ispEscalated(request: takedown.request.id, isp: isp)]
        case .recordISPResponse(let id, let result):
            let takedown = try existingTakedown(id, state, at: context.occurredAt)
            try refuse(Rules.escalatedAwaitingISP(state, takedown))
            return [.ispResponded(request: takedown.request.id, result: result)]
        case .recordConsent(let decision, let person):
            let member = try existingStaff(person, role: "person giving consent (--by)", context)
            try refuse(Rules.consentByAffected(state, by: member.id))
            return [.consentRecorded(decision: decision, by: member.id)]
        case .referToPolice(let force, let reference, let overrideReason):
            let force = try text(force, "--force")
            let reference = try optionalText(reference, "--reference")
            let overrideReason = try optionalText(overrideReason, "--override-reason")
            try refuse(
                Rules.notReferred(state), Rules.materialThreatening(state),
                overrideReason == nil ? Rules.consentGiven(state) : nil)
            return [.policeReferred(force: force, reference: reference, overrideReason: overrideReason)]
        case .offerSupport(let services):
            let services = try services.map { try text($0, "--service") }
            guard !services.isEmpty else {
                throw CasebookError.invalidInput("name at least one service with --service, e.g. --service 'Employee assistance programme'")
            }
            return [.supportOffered(services: services)]
        case .recordSupportResponse(let response):
            try refuse(Rules.supportOffered(state))
            return [.supportResponded(response)]
        case .close(let outcome, let action):
            let outcome = try text(outcome, "--outcome")
            let blockers = Rules.closeBlockers(state)
            if !blockers.isEmpty { throw CasebookError.refused(blockers) }
            return [.closed(outcome: outcome, action: action)]
        case .reopen(let reason):
            let reason = try text(reason, "--reason")
            try refuse(Rules.caseIsClosed(state))
            return [.reopened(reason: reason)]
        }
    }

    // MARK: What is allowed now

    /// Every step, allowed now or blocked and why, from the same rules `decide` enforces.
    public static func availability(of state: CaseState, now: Date) -> [StepAvailability] {
        Step.allCases.map { step in
            var subjects: [String] = []
            var blockers: [Refusal]
            if step != .reopen, let closed = Rules.caseIsOpen(state) {
                blockers = [closed]
            } else {
                switch step {
                case .addEvidence, .offerSupport: blockers = []
                case .startInvestigation:
                    blockers = [Rules.investigationNotStarted(state), Rules.evidenceCaptured(state)].compactMap { $0 }
                case .addNote: blockers = [Rules.investigationStarted(state)].compactMap { $0 }
                case .identifySource, .assessThreat:
                    blockers = [Rules.investigationStarted(state), Rules.investigationNotConcluded(state)].compactMap { $0 }
                case .referBehaviour:
                    blockers = [Rules.investigationStarted(state), Rules.sourceIsPupil(state)].compactMap { $0 }
                case .referDisciplinary:
                    blockers = [Rules.investigationStarted(state), Rules.sourceIsStaff(state)].compactMap { $0 }
                case .concludeInvestigation:
                    blockers = [
                        Rules.investigationStarted(state), Rules.investigationNotConcluded(state),
                        Rules.sourceIdentified(state), Rules.threatAssessed(state),
                    ].compactMap { $0 }
                case .requestTakedown:
                    blockers = [
                        Rules.takedownAfterInvestigationStart(state), Rules.takedownApplicable(state),
                        Rules.urlEvidenceCaptured(state),
                    ].compactMap { $0 }
                case .declareTakedownNotApplicable:
                    blockers = [Rules.noTakedownRequested(state)].compactMap { $0 }
                case .recordHostResponse:
                    (subjects, blockers) = perRequest(state) { Rules.hostResponseMissing(state, $0) }
                case .checkRemoval:
                    (subjects, blockers) = perRequest(state) { Rules.hostResponded(state, $0) }
                case .escalateToISP:
                    (subjects, blockers) = perRequest(state) { Rules.hostUncooperative(state, $0, now: now) }
                case .recordISPResponse:
                    (subjects, blockers) = perRequest(state) { Rules.escalatedAwaitingISP(state, $0) }
                case .recordConsent: blockers = []
                case .referToPolice:
                    blockers = [Rules.notReferred(state), Rules.materialThreatening(state), Rules.consentGiven(state)]
                        .compactMap { $0 }
                case .recordSupportResponse: blockers = [Rules.supportOffered(state)].compactMap { $0 }
                case .close: blockers = Rules.closeBlockers(state)
                case .reopen: blockers = [Rules.caseIsClosed(state)].compactMap { $0 }
                }
            }
            return StepAvailability(step: step, subjects: subjects, blockers: blockers)
        }
    }

    /// A per-request step: allowed for the requests whose guard passes; otherwise blocked
    /// by every request's reason (or by having no request at all).
    private static func perRequest(
        _ state: CaseState, _ guardFor: (CaseState.Takedown) -> Refusal?
    ) -> ([String], [Refusal]) {
        if state.takedowns.isEmpty {
            let unblock = Rules.takedownApplicable(state) == nil
                ? Rules.command(state, "takedown request CASE --evidence E1 --method M")
                : "nothing: takedown was declared not applicable"
            return ([], [Refusal(rule: "needs-takedown-request", clause: "000 §13.5", reason: "no takedown request has been made", unblock: unblock)])
        }
        let results = state.takedowns.map { ($0.request.id, guardFor($0)) }
        let allowed = results.filter { $0.1 == nil }.map(\.0)
        return allowed.isEmpty ? ([], results.compactMap(\.1)) : (allowed, [])
    }

    // MARK: Input

    static func checkNotFuture(_ date: Date, now: Date, field: String) throws {
        guard date <= now.addingTimeInterval(futureTolerance) else {
            throw CasebookError.invalidInput(
                "\(field) \(Timestamp.string(from: date)) is in the future (now is \(Timestamp.string(from: now)))")
        }
    }

    static func text(_ value: String, _ field: String, allowEmpty: Bool = false) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty && !allowEmpty { throw CasebookError.invalidInput("\(field) is empty") }
        guard trimmed.count <= maximumTextLength else {
            throw CasebookError.invalidInput("\(field) is \(trimmed.count) characters long; at most \(maximumTextLength)")
        }
        try TextField.validate(trimmed, field: field, allowsNewlines: TextField.allowsNewlines(field))
        return trimmed
    }

    static func optionalText(_ value: String?, _ field: String) throws -> String? {
        guard let value else { return nil }
        let trimmed = try text(value, field, allowEmpty: true)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func existingStaff(_ id: String, role: String, _ context: DecisionContext) throws -> StaffMember {
        _ = try StaffID.validate(id, field: "staff id for the \(role)")
        guard let member = context.staff(id) else {
            throw CasebookError.notFound("no member of staff '\(id)' (the \(role)); see 'casebook staff list'")
        }
        return member
    }

    /// The request named, which must exist and have been made before the step (`--at`).
    static func existingTakedown(_ id: String, _ state: CaseState, at date: Date) throws -> CaseState.Takedown {
        guard let takedown = state.takedown(id) else {
            let known = state.takedowns.map(\.request.id).joined(separator: ", ")
            throw CasebookError.notFound(
                "\(state.reference) has no takedown request '\(id)'" + (known.isEmpty ? "" : " (it has \(known))"))
        }
        guard date >= takedown.requestedAt else {
            throw CasebookError.invalidInput(
                "--at \(Timestamp.string(from: date)) is before \(takedown.request.id) was requested (\(Timestamp.string(from: takedown.requestedAt)))")
        }
        return takedown
    }

    static func evidence(_ draft: EvidenceDraft, id: String, context: DecisionContext) throws -> CaseEvent.Evidence {
        var host: String?
        var url: String?
        if let given = draft.url {
            host = try WebURL.parse(given).host
            url = given.trimmingCharacters(in: .whitespaces)
        } else if draft.kind.needsURL {
            throw CasebookError.invalidInput("\(draft.kind.rawValue) evidence needs --url (the address of the material)")
        }
        let captured = draft.capturedAt ?? context.occurredAt
        try checkNotFuture(captured, now: context.now, field: "--captured-at")
        if let posted = draft.postedAt {
            try checkNotFuture(posted, now: context.now, field: "--posted-at")
            guard posted <= captured else {
                throw CasebookError.invalidInput("--posted-at is after --captured-at: material is posted before it is captured")
            }
        }
        return CaseEvent.Evidence(
            id: id, kind: draft.kind, url: url, host: host, capturedAt: Timestamp.string(from: captured),
            postedAt: draft.postedAt.map(Timestamp.string(from:)), platform: try optionalText(draft.platform, "--platform"),
            description: try optionalText(draft.description, "--description"), files: draft.files)
    }

    static func takedownRequest(
        _ evidenceIDs: [String], host: String?, method: TakedownMethod, sentBy: RequestSender, state: CaseState, at: Date
    ) throws -> CaseEvent.TakedownRequest {
        guard !evidenceIDs.isEmpty else { throw CasebookError.invalidInput("name the evidence with --evidence E1[,E2]") }
        var items: [CaseState.EvidenceItem] = []
        for id in evidenceIDs {
            guard let item = state.evidenceItem(id) else {
                throw CasebookError.notFound("\(state.reference) has no evidence item '\(id)'")
            }
            guard let details = item.details, details.kind.needsURL, details.host != nil else {
                throw CasebookError.refused([
                    Refusal(
                        rule: "takedown-needs-url-evidence", clause: "000 §12.2, §13.5",
                        reason: "\(item.id) is not web or social evidence with a URL",
                        unblock: Rules.command(state, "evidence add CASE --kind web|social --url URL"))
                ])
            }
            if !items.contains(item) { items.append(item) }
        }
        let hosts = Set(items.compactMap(\.details?.host))
        let requestHost: String
        if let host {
            requestHost = try WebURL.host(host, field: "--host")
        } else if hosts.count == 1 {
            requestHost = hosts.first!
        } else {
            throw CasebookError.invalidInput(
                "the evidence is on several hosts (\(hosts.sorted().joined(separator: ", "))): make one request per host, or name it with --host")
        }
        return CaseEvent.TakedownRequest(
            id: "T\(state.takedowns.count + 1)", host: requestHost, evidence: items.map(\.id), method: method,
            sentBy: sentBy, deadline: Timestamp.string(from: at.addingTimeInterval(takedownWindow)))
    }
}
