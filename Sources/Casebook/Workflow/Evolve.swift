import EventLog
import Foundation

extension CaseState {
    /// The state right after a case is opened.
    public init(opened: CaseEvent.Opened, at date: Date) {
        self.reference = opened.reference
        self.opened = opened
        self.openedAt = date
        self.updatedAt = date
        self.version = 1
    }

    /// The state after one more event. Never fails: an event in the log has happened.
    public func evolve(_ event: CaseEvent, at date: Date, actor: String) -> CaseState {
        var next = self
        next.apply(event, at: date, actor: actor)
        return next
    }

    /// ``evolve(_:at:actor:)`` in place: a replay folds every event of a case without
    /// copying the state (and its growing arrays) once per event.
    mutating func apply(_ event: CaseEvent, at date: Date, actor: String) {
        self.version += 1
        self.updatedAt = date
        switch event {
        case .opened(let opened):
            // A second CaseOpened cannot be appended (decide never emits one); keep the first.
            _ = opened
        case .evidenceCaptured(let evidence):
            self.evidence.append(EvidenceItem(id: evidence.id, details: evidence, capturedBy: actor))
        case .investigationStarted:
            self.investigation = .started
        case .noteAdded(let text):
            self.notes.append(text)
        case .sourceIdentified(let kind, let ref):
            self.source = Source(kind: kind, ref: ref)
        case .threatAssessed(let isThreatening, let rationale):
            self.isThreatening = isThreatening
            self.threatRationale = rationale
        case .behaviourReferral(let pupil):
            self.behaviourReferrals.append(pupil)
        case .disciplinaryReferral(let staff):
            self.disciplinaryReferrals.append(staff)
        case .investigationConcluded(let finding, let summary):
            self.investigation = .concluded(finding, summary: summary)
        case .takedownRequested(let request):
            let deadline = Timestamp.date(from: request.deadline) ?? date.addingTimeInterval(Workflow.takedownWindow)
            self.takedowns.append(Takedown(request: request, requestedAt: date, deadline: deadline))
        case .hostResponded(let id, let result):
            self.updateTakedown(id) { $0.response = result }
        case .removalChecked(let id, let result, _):
            self.updateTakedown(id) { takedown in
                takedown.check = result
                // The material reappearing undoes an earlier removal: the time to removal
                // counts to the removal that stands.
                if !result.confirmsRemoval {
                    takedown.removalConfirmedAt = nil
                } else if takedown.removalConfirmedAt == nil {
                    takedown.removalConfirmedAt = date
                }
            }
        case .takedownNotApplicable(let reason):
            self.takedownNotApplicable = reason
        case .ispEscalated(let id, let isp):
            self.updateTakedown(id) { $0.isp = isp }
        case .ispResponded(let id, let result):
            self.updateTakedown(id) { $0.ispResponse = result }
        case .consentRecorded(let decision, _):
            self.consent = decision
        case .policeReferred(let force, let reference, let overrideReason):
            self.policeReferral = PoliceReferral(force: force, reference: reference, overrideReason: overrideReason, at: date)
        case .supportOffered(let services):
            self.supportServices = services
        case .supportResponded(let response):
            self.supportResponse = response
        case .closed(let outcome, let action):
            self.status = .closed
            self.closure = Closure(outcome: outcome, action: action, at: date)
        case .reopened:
            self.status = .open
            self.closure = nil
        case .redaction:
            break
        case .redacted(let type):
            // Only evidence and notes can be redacted (see Workflow.redactableTypes): the
            // item keeps its place and id, its details are gone.
            if type == CaseEvent.evidenceCapturedType {
                self.evidence.append(EvidenceItem(id: "E\(self.evidence.count + 1)", details: nil, capturedBy: actor))
            } else if type == CaseEvent.noteAddedType {
                self.notes.append("[redacted]")
            }
        }
    }

    private mutating func updateTakedown(_ id: String, _ change: (inout Takedown) -> Void) {
        guard let index = takedowns.firstIndex(where: { $0.request.id == id }) else { return }
        change(&takedowns[index])
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
