import EventLog
import Foundation

/// Evidence Casebook fetches itself (SPEC §13): the rules that apply before anything is
/// fetched, and the checks of the facts it records. The fetching is not here: it is I/O,
/// done by the front end, which then records one item like any other evidence.
extension EvidenceTrack {
    /// Why a page may not be fetched for this case, or nil: never on a case involving child
    /// sexual imagery, never for an address an item flagged as such records, never an item
    /// marked so (SPEC §9: nothing is viewed, copied or saved).
    static func captureRefusal(_ url: String?, isChildSexualImagery: Bool, _ state: CaseState) -> Message? {
        if isChildSexualImagery || state.opened.categories.contains(.childSexualImagery) {
            return LawfulContentTrack.noFilesMessage
        }
        guard let url = url?.trimmingCharacters(in: .whitespaces) else { return nil }
        let flagged = state.evidence.filter(\.isChildSexualImagery).compactMap { $0.details?.url }
        if flagged.contains(where: { $0.trimmingCharacters(in: .whitespaces) == url }) {
            return "the address is recorded as child sexual imagery on \(state.reference): Casebook never fetches it. "
                + LawfulContentTrack.noFilesMessage
        }
        return nil
    }

    /// The capture's facts, checked: its times are real instants, not in the future, in order.
    static func captureFacts(_ facts: CaptureFacts?, context: DecisionContext) throws -> CaptureFacts? {
        guard let facts else { return nil }
        guard let started = Timestamp.date(from: facts.startedAt), let ended = Timestamp.date(from: facts.endedAt) else {
            throw CasebookError.invalidInput("the capture's start and end must be UTC times")
        }
        try Workflow.checkNotFuture(ended, now: context.now, field: "the capture's end")
        guard started <= ended else { throw CasebookError.invalidInput("the capture ends before it starts") }
        _ = try WebURL.parse(facts.finalURL, field: "the URL as loaded")
        return facts
    }
}

extension Casebook {
    /// Checks, before anything is fetched, that an evidence item fetched from `url` could be
    /// recorded on the case now: the role, who may see the case, the case open, the URL, and
    /// the child-sexual-imagery rule (SPEC §9). Writes nothing; the recording itself
    /// (``execute(_:on:by:at:files:expectedVersion:)``) checks it all again.
    public func checkCapture(
        of url: String, kind: EvidenceKind, description: String?, on reference: CaseReference, by actor: StaffMember,
        at date: Date? = nil
    ) throws {
        let draft = EvidenceDraft(kind: kind, url: url, description: description)
        let command = CaseCommand.addEvidence(draft)
        try actor.require(command.permission)
        try Self.translatingErrors {
            let state = try visibleState(of: reference, by: actor)
            if let refusal = EvidenceTrack.captureRefusal(url, isChildSexualImagery: false, state) {
                throw CasebookError.invalidInput(refusal)
            }
            _ = try Workflow.decide(command, state: state, context: try decisionContext(actor: actor, at: date))
        }
    }
}
