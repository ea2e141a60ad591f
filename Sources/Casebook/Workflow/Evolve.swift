import EventLog
import Foundation

extension CaseState {
    /// The state after one more event. Never fails: an event in the log has happened.
    public func evolve(_ event: CaseEvent, at date: Date, actor: String) -> CaseState {
        var next = self
        next.apply(event, at: date, actor: actor)
        return next
    }

    /// ``evolve(_:at:actor:)`` in place: a replay folds every event of a case without
    /// copying the state (and its growing arrays) once per event. Each event goes to its
    /// track's evolution (the track files under `Workflow/`).
    mutating func apply(_ event: CaseEvent, at date: Date, actor: String) {
        self.version += 1
        self.updatedAt = date
        switch event {
        case .opened:
            // A second CaseOpened cannot be appended (decide never emits one); keep the first.
            break
        case .evidenceCaptured(let evidence): captureEvidence(evidence, at: date, actor: actor)
        case .evidenceFilesAttached(let id, let files): attachFiles(files, to: id)
        case .investigationStarted: investigation = .started
        case .noteAdded(let text): addNote(text)
        case .sourceIdentified(let kind, let ref): source = Source(kind: kind, ref: ref, version: version, identifiedAt: date)
        case .threatAssessed(let isThreatening, let rationale):
            assessment = Assessment(isThreatening: isThreatening, rationale: rationale, version: version)
        case .behaviourReferral(let pupil): refer(.behaviour(pupil: pupil))
        case .disciplinaryReferral(let staff): refer(.disciplinary(staff: staff))
        case .investigationConcluded(let finding, let summary): investigation = .concluded(finding, summary: summary)
        case .takedownRequested(let request): requestTakedown(request, at: date)
        case .hostResponded(let id, let result, let file):
            updateTakedown(id) { $0.response = result }
            if let file { updateTakedown(id) { $0.checkFiles.append(file) } }
        case .removalChecked(let id, let result, let file):
            checkRemoval(id, result, at: date)
            if let file { updateTakedown(id) { $0.checkFiles.append(file) } }
        case .takedownNotApplicable(let reason): declareNotApplicable(reason)
        case .ispEscalated(let id, let isp): updateTakedown(id) { $0.isp = isp }
        case .ispResponded(let id, let result):
            updateTakedown(id) {
                $0.ispResponse = result
                $0.ispRespondedAt = date
            }
        case .helplineEscalated(let id, let helpline, let reference): escalateToHelpline(id, helpline, reference: reference, at: date)
        case .helplineResponded(let id, let result): recordHelplineResponse(id, result, at: date)
        case .consentRecorded(let decision, _): recordConsent(decision, at: date)
        case .policeReferred(let force, let reference, let overrideReason):
            policeReferral = PoliceReferral(force: force, reference: reference, overrideReason: overrideReason, at: date)
        case .policeReferredUnlawful(let force, let reference, let reason):
            policeReferral = PoliceReferral(force: force, reference: reference, overrideReason: nil, at: date, unlawfulConduct: reason)
        case .policeNotified: policeToBeToldSince = nil
        case .supportOffered(let services):
            supportServices = services
            supportOffers.append(SupportOffer(services: services, at: date, by: actor))
        case .supportResponded(let response): supportResponse = response
        case .closed(let outcome, let action): close(outcome, action, at: date)
        case .reopened: reopen(at: date)
        case .closureCorrected(let outcome, let action, let reason): correctClosure(outcome, action, reason: reason)
        case .withdrawn(let item, let reason): withdraw(item, reason: reason, at: date, actor: actor)
        case .accessRestricted(let staff, _): excluded.append(staff)
        case .accessRestored(let staff, _): excluded.removeAll { $0.caseInsensitiveCompare(staff) == .orderedSame }
        case .redaction: break
        case .categoryAdded(let category): changeCategory(category, add: true)
        case .categoryRemoved(let category): changeCategory(category, add: false)
        case .evidenceFlagged(let item): flagEvidence(item)
        case .referralDecision(let route, let reference, let reason):
            referralDecisions.append(ReferralDecision(route: route, reference: reference, reason: reason, by: actor, at: date))
        case .filesPurged(let purge): purges.append(PurgeRecord(purge: purge, by: actor, at: date, version: version))
        case .retentionDateRecorded(let text): retentionDate = Timestamp.date(from: text)
        case .held(let reason): hold = reason
        case .holdReleased: hold = nil
        case .retentionApplied: retentionAppliedAt = date
        case .concernTriaged(let accepted, let reason): triage(accepted: accepted, reason: reason, at: date, actor: actor)
        case .assigned(let staff): owner = staff
        case .track(let event): event.event.apply(to: &self, at: date, actor: actor)
        case .redacted(let type):
            // Only evidence and notes can be redacted (see Workflow.redactableTypes): the
            // item keeps its place and id, its details are gone.
            switch CaseEventType(rawValue: type) {
            case .evidenceCaptured?: captureEvidence(nil, at: date, actor: actor)
            case .noteAdded?: addNote("[redacted]")
            default: break
            }
        }
    }

    /// Folds a case's stored events, oldest first, into its state.
    public static func replay(_ events: [RecordedEvent]) throws -> CaseState {
        try replay(events) { _, _ in }
    }

    /// Folds a case's stored events into its state, handing `visit` each stored event with
    /// its decoded form: for checks that read the same events (verify's evidence files), so
    /// that no payload is decoded twice.
    static func replay(_ events: [RecordedEvent], visit: (RecordedEvent, CaseEvent) -> Void) throws -> CaseState {
        guard let first = events.first else { throw CasebookError.notFound("the case has no events") }
        let firstEvent = try CaseEvent(stored: first)
        guard case .opened(let opened) = firstEvent, let openedAt = Timestamp.date(from: first.occurredAt)
        else { throw CasebookError.damaged("\(first.stream) does not begin with CaseOpened at version 1") }
        visit(first, firstEvent)
        var state = CaseState(opened: opened, at: openedAt)
        for stored in events.dropFirst() {
            let event = try CaseEvent(stored: stored)
            visit(stored, event)
            state.apply(event, at: Timestamp.date(from: stored.occurredAt) ?? state.updatedAt, actor: stored.actor)
        }
        return state
    }
}
