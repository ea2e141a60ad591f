import EventLog
import Foundation

/// Concerns (SPEC §11, 000 §12.1): any member of staff reports what happened to them or
/// what they saw happen to a colleague; the case waits in state `reported` until a senior
/// manager, the safeguarding lead or the headteacher triages it. Accepted, it proceeds like
/// any case and what the reporter gave (a URL, files) becomes evidence E1; declined, it is
/// closed as not a case, with the reason kept. Untriaged, it is overdue after one working day.
enum ConcernTrack {
    // MARK: The step table's entries

    static let triage = StepGuards(guards: [untriagedConcern], permission: .triageConcerns)

    // MARK: Guards

    /// Triage is for a concern not yet triaged.
    static let untriagedConcern = Guard("triage-needs-untriaged-concern") { input in
        switch input.state.triage {
        case .awaiting: return nil
        case nil:
            return Refusal(
                .triageNeedsUntriagedConcern, reason: "\(input.state.reference) was opened as a case, not reported as a concern",
                unblock: .none("there is nothing to triage"))
        case .accepted, .declined:
            return Refusal(
                .triageNeedsUntriagedConcern, reason: "\(input.state.reference) has already been triaged",
                unblock: .none("a concern is triaged once"))
        }
    }

    /// Every other step waits for triage; nothing follows a declined concern (not even reopening).
    static func blocksStep(_ step: Step, _ state: CaseState) -> Refusal? {
        guard step != .triage else { return nil }
        switch state.triage {
        case .awaiting:
            return Refusal(
                .concernAwaitingTriage, reason: "\(state.reference) is a concern awaiting triage",
                unblock: .step(.triage, choice: "accept|decline"))
        case .declined(let decline):
            return Refusal(
                .concernDeclined, reason: "\(state.reference) was declined at triage as not a case: \(decline.reason)",
                unblock: .none("report a new concern if something new has happened"))
        case nil, .accepted: return nil
        }
    }

    // MARK: Decisions

    static func triage(accept: Bool, reason: String?, _ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision {
        let reason = try Workflow.optionalText(reason, "the reason")
        guard accept else {
            guard let reason else { throw CasebookError.invalidInput("a concern declined at triage needs its reason") }
            return Workflow.Decision(events: [.concernTriaged(accepted: false, reason: reason)])
        }
        var events: [CaseEvent] = [.concernTriaged(accepted: true, reason: reason)]
        if let concern = state.opened.concern, concern.url != nil || !concern.files.isEmpty, state.triage == .awaiting {
            // What the reporter gave becomes the case's first evidence item.
            let kind: EvidenceKind = concern.url == nil ? .other : .web
            events.append(
                .evidenceCaptured(
                    CaseEvent.Evidence(
                        id: "E\(state.evidence.count + 1)", kind: kind, url: concern.url,
                        host: try concern.url.map { try WebURL.parse($0).host }, capturedAt: concern.seenAt ?? Timestamp.string(from: state.openedAt),
                        postedAt: nil, platform: nil, description: "given by \(state.opened.reportedBy) with the concern",
                        files: concern.files, isChildSexualImagery: false)))
        }
        return Workflow.Decision(events: events)
    }
}

// MARK: State

extension CaseState {
    /// Where a concern stands (SPEC §11); nil for a case opened as a case.
    public enum Triage: Sendable, Equatable {
        /// Reported, awaiting triage.
        case awaiting
        /// Accepted: the case proceeds.
        case accepted(by: String, at: Date)
        /// Declined as not a case.
        case declined(Decline)

        /// The word the reporter sees.
        public var status: String {
            switch self {
            case .awaiting: return "reported"
            case .accepted: return "accepted"
            case .declined: return "declined"
            }
        }
    }

    /// A concern declined at triage.
    public struct Decline: Sendable, Equatable {
        /// Why.
        public var reason: String
        /// Who declined it.
        public var by: String
        /// When.
        public var at: Date
    }

    mutating func triage(accepted: Bool, reason: String?, at date: Date, actor: String) {
        if accepted {
            triage = .accepted(by: actor, at: date)
        } else {
            triage = .declined(Decline(reason: reason ?? "", by: actor, at: date))
            // Closed as not a case: its closing time starts retention; no outcome is reported.
            status = .closed
            closure = Closure(outcome: "declined at triage: \(reason ?? "")", action: .none, at: date)
        }
    }
}
