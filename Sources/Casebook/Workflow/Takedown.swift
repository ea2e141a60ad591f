import EventLog
import Foundation

/// Host takedown (SPEC §2.4, 000 §13.5–§13.6): requests `T1`, `T2`, … per host with a
/// 24-hour deadline, the host's response, removal checks, and not-applicable declarations
/// covering the URL evidence live when they are made.
enum TakedownTrack {
    // MARK: The step table's entries

    static let request = StepGuards(guards: [afterInvestigationStart, urlEvidenceCaptured, applicable])
    static let response = StepGuards(guards: [responseMissing], isPerRequest: true)
    /// A removal check can be recorded any time after the request, with or without a host
    /// response: hosts often remove material without answering.
    static let check = StepGuards(guards: [], isPerRequest: true)
    static let notApplicable = StepGuards(guards: [somethingToDeclare])

    // MARK: Guards

    /// Takedown requests come after the investigation has started (SPEC §2.4).
    static let afterInvestigationStart = Guard("takedown-needs-investigation") { input in
        guard input.state.investigation == .notStarted else { return nil }
        return Refusal(.takedownNeedsInvestigation, reason: "the investigation has not started", unblock: .step(.startInvestigation))
    }

    /// A request needs live URL evidence to point at (000 §13.5).
    static let urlEvidenceCaptured = Guard("takedown-needs-url-evidence") { input in
        guard !input.state.liveEvidence.contains(where: \.isURLEvidence) else { return nil }
        return Refusal(
            .takedownNeedsURLEvidence, reason: "no web or social evidence with a URL has been captured",
            unblock: .step(.addEvidence, choice: "web|social"))
    }

    /// Not every live URL evidence item may be covered by a not-applicable declaration.
    static let applicable = Guard("takedown-declared-not-applicable") { input in
        let state = input.state
        let url = state.liveEvidence.filter(\.isURLEvidence)
        let declared = Set(state.liveNotApplicable.flatMap(\.covers))
        guard !url.isEmpty, url.allSatisfy({ declared.contains($0.id) }), let last = state.liveNotApplicable.last else {
            return nil
        }
        return declaredRefusal(url.map(\.id), reason: last.reason)
    }

    static func declaredRefusal(_ ids: [String], reason: String) -> Refusal {
        Refusal(
            .takedownDeclaredNotApplicable,
            reason: "takedown was declared not applicable for \(ids.joined(separator: ", ")) (\(reason))",
            unblock: .step(.withdraw, subject: CorrectionsTrack.Item.notApplicable.name))
    }

    /// A declaration needs URL evidence that no live request or declaration covers yet
    /// (or, with no URL evidence at all, no live declaration).
    static let somethingToDeclare = Guard("not-applicable-needs-something-to-cover") { input in
        let state = input.state
        let url = state.liveEvidence.filter(\.isURLEvidence)
        guard state.uncoveredURLEvidence.isEmpty, !(url.isEmpty && state.liveNotApplicable.isEmpty) else { return nil }
        let declared = Set(state.liveNotApplicable.flatMap(\.covers))
        if let last = state.liveNotApplicable.last, url.isEmpty || url.contains(where: { declared.contains($0.id) }) {
            return declaredRefusal(url.isEmpty ? ["the case"] : url.map(\.id).filter(declared.contains), reason: last.reason)
        }
        let requests = state.liveTakedowns.map(\.request.id).joined(separator: ", ")
        return Refusal(
            .notApplicableWithoutRequests,
            reason: "every URL evidence item has a takedown request (\(requests))",
            unblock: .none("resolve the requests instead, or withdraw one entered in error"))
    }

    /// The host's response is recorded once per request.
    static let responseMissing = Guard("host-response-once") { input in
        guard let takedown = input.takedown else { return nil }  // never without one: see StepGuards.refusals
        guard let response = takedown.response else { return nil }
        return Refusal(
            .hostResponseOnce, reason: "\(takedown.request.id)'s host response is already recorded (\(response.rawValue))",
            unblock: .step(.checkRemoval, subject: takedown.request.id))
    }

    /// Silence is established only once the 24 hours have passed (000 §13.5).
    static func silenceEstablished(_ takedown: CaseState.Takedown, at date: Date) -> Refusal? {
        guard date < takedown.deadline else { return nil }
        return Refusal(
            .noResponseNeedsDeadlinePassed,
            reason: "\(takedown.request.id)'s 24 hours run until \(takedown.deadline): "
                + "the host has not failed to respond before then",
            unblock: .anyOf([
                .wait(until: takedown.deadline), .step(.recordHostResponse, subject: takedown.request.id, choice: "refused"),
            ]))
    }

    /// Per-request steps need a live request (availability's own rule; `decide` says
    /// "not found" for a request that does not exist).
    static func needsRequest(_ state: CaseState) -> Refusal {
        let unblock: StepReference
        if let item = state.uncoveredURLEvidence.first {
            unblock = .step(.requestTakedown, subject: item.id)
        } else if !state.liveNotApplicable.isEmpty {
            unblock = .none("takedown was declared not applicable")
        } else {
            unblock = .step(.addEvidence, choice: "web|social")
        }
        return Refusal(.needsTakedownRequest, reason: "no takedown request has been made", unblock: unblock)
    }

    // MARK: Decisions

    static func request(
        _ evidenceIDs: [String], host: String?, method: TakedownMethod, sentBy: RequestSender, platformReference: String? = nil,
        _ state: CaseState, at: Date
    ) throws -> Workflow.Decision {
        let platformReference = try Workflow.optionalText(platformReference, "the platform reference")
        guard !evidenceIDs.isEmpty else { throw CasebookError.invalidInput("name the evidence items the request covers") }
        var items: [CaseState.EvidenceItem] = []
        var refusals: [Refusal] = []
        let declared = Dictionary(
            state.liveNotApplicable.flatMap { declaration in declaration.covers.map { ($0, declaration.reason) } },
            uniquingKeysWith: { _, last in last })
        for id in evidenceIDs {
            guard let item = state.evidenceItem(id) else {
                throw CasebookError.notFound("\(state.reference) has no evidence item '\(id)'")
            }
            if let withdrawn = CorrectionsTrack.withdrawnEntry(item.id, item.withdrawal) {
                refusals.append(withdrawn)
            } else if !(item.details.map { $0.kind.needsURL && $0.host != nil } ?? false) {
                refusals.append(
                    Refusal(
                        .takedownNeedsURLEvidence, reason: "\(item.id) is not web or social evidence with a URL",
                        unblock: .step(.addEvidence, choice: "web|social")))
            } else if let reason = declared[item.id] {
                refusals.append(declaredRefusal([item.id], reason: reason))
            }
            if !items.contains(item) { items.append(item) }
        }
        let hosts = Set(items.compactMap(\.details?.host))
        let requestHost: String
        if let host {
            requestHost = try WebURL.host(host, field: "the host")
        } else if hosts.count == 1, let only = hosts.first {
            requestHost = only
        } else if hosts.isEmpty {
            requestHost = "?"
        } else {
            throw CasebookError.invalidInput(
                "the evidence is on several hosts (\(hosts.sorted().joined(separator: ", "))): make one request per host, or name the host")
        }
        let request = CaseEvent.TakedownRequest(
            id: "T\(state.takedowns.count + 1)", host: requestHost, evidence: items.map(\.id), method: method,
            sentBy: sentBy, deadline: Timestamp.string(from: at.addingTimeInterval(Workflow.takedownWindow)),
            platformReference: platformReference)
        return Workflow.Decision(events: [.takedownRequested(request)], refusals: refusals)
    }

    static func response(
        _ id: String, _ result: HostResponse, file: StoredFile? = nil, _ state: CaseState, at date: Date
    ) throws -> Workflow.Decision {
        let takedown = try Workflow.existingTakedown(id, state, at: date)
        let silence = result == .noResponse ? silenceEstablished(takedown, at: date) : nil
        return Workflow.Decision(
            events: [.hostResponded(request: takedown.request.id, result: result, file: file)], takedown: takedown,
            refusals: [silence].compactMap { $0 })
    }

    static func check(
        _ id: String, _ result: CheckResult, _ file: StoredFile?, _ state: CaseState, at date: Date
    ) throws -> Workflow.Decision {
        let takedown = try Workflow.existingTakedown(id, state, at: date)
        return Workflow.Decision(events: [.removalChecked(request: takedown.request.id, result: result, file: file)], takedown: takedown)
    }

    static func declareNotApplicable(_ reason: String, _ state: CaseState) throws -> Workflow.Decision {
        Workflow.Decision(events: [.takedownNotApplicable(reason: try Workflow.text(reason, "the reason"))])
    }
}

// MARK: Evolution

extension CaseState {
    mutating func requestTakedown(_ request: CaseEvent.TakedownRequest, at date: Date) {
        let deadline = Timestamp.date(from: request.deadline) ?? date.addingTimeInterval(Workflow.takedownWindow)
        takedowns.append(Takedown(request: request, requestedAt: date, deadline: deadline, version: version))
    }

    mutating func checkRemoval(_ id: String, _ result: CheckResult, at date: Date) {
        updateTakedown(id) { takedown in
            takedown.check = result
            takedown.checkedAt = date
            // The material reappearing undoes an earlier removal: the time to removal
            // counts to the removal that stands.
            if !result.confirmsRemoval {
                if takedown.removalConfirmedAt != nil { takedown.reappearedAt = date }
                takedown.removalConfirmedAt = nil
            } else if takedown.removalConfirmedAt == nil {
                takedown.removalConfirmedAt = date
            }
        }
    }

    /// A declaration covers the URL evidence no live request or declaration covers now.
    mutating func declareNotApplicable(_ reason: String) {
        notApplicable.append(NotApplicable(reason: reason, covers: uncoveredURLEvidence.map(\.id), version: version))
    }

    mutating func updateTakedown(_ id: String, _ change: (inout Takedown) -> Void) {
        guard let index = takedowns.firstIndex(where: { $0.request.id == id }) else { return }
        change(&takedowns[index])
    }
}
