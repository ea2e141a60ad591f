import EventLog
import Foundation

/// The report and evidence capture (SPEC §2.1–§2.2, 000 §12): opening a case and adding
/// evidence items `E1`, `E2`, … at any time while it is open.
enum EvidenceTrack {
    // MARK: Guards

    /// Evidence can be added whenever the case is open.
    static let addEvidence = StepGuards(guards: [], permission: .addEvidence)

    // MARK: Decisions

    /// Validates a new case and gives its opening event.
    static func open(_ draft: CaseDraft, reference: CaseReference, context: DecisionContext) throws -> CaseEvent.Opened {
        try context.actor.require(.openCase)
        try Workflow.checkNotFuture(context.occurredAt, now: context.now, field: "the report's time")
        let affected = try Workflow.existingStaff(draft.affected, role: "affected person", context)
        let reporter = try Workflow.existingStaff(draft.reportedBy, role: "reporter", context)
        let discovered = draft.discoveredAt ?? context.occurredAt
        try Workflow.checkNotFuture(discovered, now: context.now, field: "the discovery time")
        guard discovered <= context.occurredAt else {
            throw CasebookError.invalidInput(
                "the discovery time is after the report's time: material is discovered before it is reported")
        }
        return CaseEvent.Opened(
            reference: reference, school: try Workflow.text(draft.school, "the school", allowEmpty: true),
            affected: affected.id, reportedBy: reporter.id, reportedTo: context.actor.id,
            summary: try Workflow.text(draft.summary, "the summary"), categories: Array(Set(draft.categories)).sorted(),
            discoveredAt: Timestamp.string(from: discovered))
    }

    static func addEvidence(_ draft: EvidenceDraft, _ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision {
        if draft.capture != nil, let refusal = captureRefusal(draft.url, isChildSexualImagery: draft.isChildSexualImagery, state) {
            throw CasebookError.invalidInput(refusal)
        }
        return Workflow.Decision(events: [.evidenceCaptured(try evidence(draft, id: "E\(state.evidence.count + 1)", context: context))])
    }

    /// More files for an item captured earlier: not for a withdrawn or redacted one.
    static func attachFiles(_ id: String, _ files: [StoredFile], _ state: CaseState) throws -> Workflow.Decision {
        guard let item = state.evidenceItem(id) else { throw CasebookError.notFound("\(state.reference) has no evidence item '\(id)'") }
        guard !files.isEmpty else { throw CasebookError.invalidInput("give the files to add with \(option: "file")") }
        guard item.details != nil else {
            throw CasebookError.invalidInput("\(item.id) was redacted: capture the material again as a new item")
        }
        return Workflow.Decision(
            events: [.evidenceFilesAttached(evidence: item.id, files: files)],
            refusals: [CorrectionsTrack.withdrawnEntry(item.id, item.withdrawal)].compactMap { $0 })
    }

    static func evidence(_ draft: EvidenceDraft, id: String, context: DecisionContext) throws -> CaseEvent.Evidence {
        var host: String?
        var url: String?
        if let given = draft.url {
            host = try WebURL.parse(given).host
            url = given.trimmingCharacters(in: .whitespaces)
        } else if draft.kind.needsURL {
            // Say which kind fits what has no address: a private message is not published material.
            throw CasebookError.invalidInput(
                "\(draft.kind.rawValue) evidence needs the URL (the address of the published material); a private or direct "
                    + "message with no address (on Snapchat, say) is kind text-message, or other")
        }
        let captured = draft.capturedAt ?? context.occurredAt
        try Workflow.checkNotFuture(captured, now: context.now, field: "the capture time")
        if let posted = draft.postedAt {
            try Workflow.checkNotFuture(posted, now: context.now, field: "the posting time")
            guard posted <= captured else {
                throw CasebookError.invalidInput("the posting time is after the capture time: material is posted before it is captured")
            }
        }
        let description = try Workflow.optionalText(draft.description, "the description")
        guard url != nil || description != nil || !draft.files.isEmpty else {
            throw CasebookError.invalidInput(
                "an evidence item needs at least a file, a URL or a description: there is nothing to keep")
        }
        return CaseEvent.Evidence(
            id: id, kind: draft.kind, url: url, host: host, capturedAt: Timestamp.string(from: captured),
            postedAt: draft.postedAt.map(Timestamp.string(from:)),
            platform: try Workflow.optionalText(draft.platform, "the platform"), description: description, files: draft.files,
            isChildSexualImagery: draft.isChildSexualImagery, capture: try captureFacts(draft.capture, context: context))
    }
}

// MARK: Evolution

extension CaseState {
    /// The state right after a case is opened.
    public init(opened: CaseEvent.Opened, at date: Date) {
        self.reference = opened.reference
        self.opened = opened
        self.openedAt = date
        self.updatedAt = date
        self.version = 1
        self.triage = opened.concern == nil ? nil : .awaiting
    }

    mutating func attachFiles(_ files: [StoredFile], to id: String) {
        guard let index = evidence.firstIndex(where: { $0.id == id }) else { return }
        evidence[index].details?.files += files
    }

    mutating func captureEvidence(_ evidence: CaseEvent.Evidence?, at date: Date, actor: String) {
        self.evidence.append(
            EvidenceItem(
                id: evidence?.id ?? "E\(self.evidence.count + 1)", details: evidence, capturedBy: actor, addedAt: date, version: version))
    }
}
