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
        next.version += 1
        next.updatedAt = date
        switch event {
        case .opened(let opened):
            // A second CaseOpened cannot be appended (decide never emits one); keep the first.
            _ = opened
        case .evidenceCaptured(let evidence):
            next.evidence.append(EvidenceItem(id: evidence.id, details: evidence, capturedBy: actor))
        case .investigationStarted:
            next.investigation = .started
        case .noteAdded(let text):
            next.notes.append(text)
        case .sourceIdentified(let kind, let ref):
            next.source = Source(kind: kind, ref: ref)
        case .threatAssessed(let isThreatening, let rationale):
            next.isThreatening = isThreatening
            next.threatRationale = rationale
        case .behaviourReferral(let pupil):
            next.behaviourReferrals.append(pupil)
        case .disciplinaryReferral(let staff):
            next.disciplinaryReferrals.append(staff)
        case .investigationConcluded(let finding, let summary):
            next.investigation = .concluded(finding, summary: summary)
        case .takedownRequested(let request):
            let deadline = Timestamp.date(from: request.deadline) ?? date.addingTimeInterval(Workflow.takedownWindow)
            next.takedowns.append(Takedown(request: request, requestedAt: date, deadline: deadline))
        case .hostResponded(let id, let result):
            next.updateTakedown(id) { $0.response = result }
        case .removalChecked(let id, let result, _):
            next.updateTakedown(id) { takedown in
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
            next.takedownNotApplicable = reason
        case .ispEscalated(let id, let isp):
            next.updateTakedown(id) { $0.isp = isp }
        case .ispResponded(let id, let result):
            next.updateTakedown(id) { $0.ispResponse = result }
        case .consentRecorded(let decision, _):
            next.consent = decision
        case .policeReferred(let force, let reference, let overrideReason):
            next.policeReferral = PoliceReferral(force: force, reference: reference, overrideReason: overrideReason, at: date)
        case .supportOffered(let services):
            next.supportServices = services
        case .supportResponded(let response):
            next.supportResponse = response
        case .closed(let outcome, let action):
            next.status = .closed
            next.closure = Closure(outcome: outcome, action: action, at: date)
        case .reopened:
            next.status = .open
            next.closure = nil
        case .redaction:
            break
        case .redacted(let type):
            // Only evidence and notes can be redacted (see Workflow.redactableTypes): the
            // item keeps its place and id, its details are gone.
            if type == CaseEvent.evidenceCapturedType {
                next.evidence.append(EvidenceItem(id: "E\(evidence.count + 1)", details: nil, capturedBy: actor))
            } else if type == CaseEvent.noteAddedType {
                next.notes.append("[redacted]")
            }
        }
        return next
    }

    private mutating func updateTakedown(_ id: String, _ change: (inout Takedown) -> Void) {
        guard let index = takedowns.firstIndex(where: { $0.request.id == id }) else { return }
        change(&takedowns[index])
    }

    /// Folds a case's stored events, oldest first, into its state.
    public static func replay(_ events: [RecordedEvent]) throws -> CaseState {
        guard let first = events.first else { throw CasebookError.notFound("the case has no events") }
        guard case .opened(let opened) = try CaseEvent(type: first.type, payload: first.payload),
            let openedAt = Timestamp.date(from: first.occurredAt)
        else { throw CasebookError.invalidInput("\(first.stream) does not begin with CaseOpened") }
        var state = CaseState(opened: opened, at: openedAt)
        for stored in events.dropFirst() {
            let event = try CaseEvent(type: stored.type, payload: stored.payload)
            state = state.evolve(event, at: Timestamp.date(from: stored.occurredAt) ?? state.updatedAt, actor: stored.actor)
        }
        return state
    }
}
