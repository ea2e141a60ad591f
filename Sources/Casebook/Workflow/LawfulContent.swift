import EventLog
import Foundation

/// Lawful content (SPEC §9): child sexual imagery is never stored, its case is seen by the
/// safeguarding lead and the headteacher only, and it closes only once the safeguarding
/// lead's referral decision is recorded; stored files can be purged (their hashes stay).
enum LawfulContentTrack {
    // MARK: The step table's entries

    static let changeCategory = StepGuards(guards: [], permission: .classifyCase)
    static let flagEvidence = StepGuards(guards: [], permission: .addEvidence)
    static let referralDecision = StepGuards(guards: [involvesImagery], permission: .recordReferralDecision)
    /// A purge is allowed on a closed case too (retention, erasure).
    static let purge = StepGuards(guards: [holdsFiles], needsOpenCase: false, permission: .purgeFiles)

    /// The roles that may see a case involving child sexual imagery.
    static let rolesForImagery: Set<Role> = [.headteacher, .safeguardingLead]

    /// The reason recorded when files are purged because they are child sexual imagery.
    static let imageryPurgeReason =
        "child sexual imagery: Casebook keeps no copy (Protection of Children Act 1978; UKCIS Sharing nudes and semi-nudes)"

    /// The reason a police referral on such a case carries without consent.
    static let imageryOverrideReason =
        "child sexual imagery: child protection comes first, consent is not needed (UKCIS Sharing nudes and semi-nudes)"

    /// Why no file is kept, and what to record instead (exit 65).
    static let noFilesMessage: Message = """
        no file may be kept for child sexual imagery: making or possessing such an image is a crime \
        (Protection of Children Act 1978), and the UKCIS guidance 'Sharing nudes and semi-nudes' says never to \
        view, copy, print, share, store or save it. Nothing was stored. Record instead where it is and what it is: \
        the URL, the platform, a description (not of the image itself), who reported seeing it and when, e.g. \
        \(command: .recordChildSexualImagery) \
        [\(Rule.childSexualImageryNoFiles.rawValue), \(Rule.childSexualImageryNoFiles.clause)]
        """

    /// Where to report such material instead of (or as well as) asking the host.
    static let iwfRoute =
        "child sexual imagery: report it to the Internet Watch Foundation (https://report.iwf.org.uk), or for a young person's own image Childline's Report Remove; never send the image to anyone"

    // MARK: Guards

    /// A referral decision is for a case involving child sexual imagery.
    static let involvesImagery = Guard("referral-decision-needs-child-sexual-imagery") { input in
        guard !input.state.involvesChildSexualImagery else { return nil }
        return Refusal(
            .referralDecisionNeedsChildSexualImagery,
            reason: "\(input.state.reference) does not involve child sexual imagery",
            unblock: .step(.changeCategory, choice: Category.childSexualImagery.rawValue))
    }

    /// Some item holds a stored file that is not purged.
    static let holdsFiles = Guard("purge-needs-stored-files") { input in
        guard input.state.heldFiles.isEmpty else { return nil }
        return Refusal(.purgeNeedsStoredFiles, reason: "\(input.state.reference) holds no stored file", unblock: .none("nothing to purge"))
    }

    /// Closing a case involving child sexual imagery needs the referral decision.
    static func referralDecided(_ state: CaseState) -> Refusal? {
        guard state.involvesChildSexualImagery, state.referralDecisions.isEmpty else { return nil }
        return Refusal(
            .closeNeedsReferralDecision,
            reason: "the case involves child sexual imagery and the safeguarding lead's referral decision is not recorded",
            unblock: .step(.recordReferralDecision, choice: ReferralRoute.allCases.map(\.rawValue).joined(separator: "|")))
    }

    /// The refusal of any file for child sexual imagery: on such a case every file; for an
    /// item captured as such, its files; a removal check of a request covering such an item.
    /// `hasFiles` says whether the command carries files or bytes at all.
    static func fileRefusal(_ command: CaseCommand, _ state: CaseState, hasFiles: Bool? = nil) -> Message? {
        guard hasFiles ?? !command.files.isEmpty else { return nil }
        if state.opened.categories.contains(.childSexualImagery) { return noFilesMessage }
        switch command {
        case .addEvidence(let draft) where draft.isChildSexualImagery: return noFilesMessage
        case .attachFiles(let id, _): return state.evidenceItem(id)?.isChildSexualImagery == true ? noFilesMessage : nil
        case .checkRemoval(let id, _, _), .recordHostResponse(let id, _, _):
            let covered = state.takedown(id)?.request.evidence ?? []
            return state.evidence.contains { covered.contains($0.id) && $0.isChildSexualImagery } ? noFilesMessage : nil
        default: return nil
        }
    }

    /// The IWF route, when a takedown request covers child sexual imagery.
    static func route(for request: CaseEvent.TakedownRequest, in state: CaseState) -> String? {
        let imagery =
            state.opened.categories.contains(.childSexualImagery)
            || state.evidence.contains { request.evidence.contains($0.id) && $0.isChildSexualImagery }
        return imagery ? iwfRoute : nil
    }

    // MARK: Decisions

    static func changeCategory(_ category: Category, add: Bool, _ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision {
        let has = state.opened.categories.contains(category)
        if add, has { throw CasebookError.invalidInput("\(state.reference) already has the category \(category.rawValue)") }
        if !add, !has { throw CasebookError.invalidInput("\(state.reference) does not have the category \(category.rawValue)") }
        guard add else { return Workflow.Decision(events: [.categoryRemoved(category)]) }
        var events: [CaseEvent] = [.categoryAdded(category)]
        if category == .childSexualImagery, let purge = forcedPurge(state.heldFiles) { events.append(purge) }
        return Workflow.Decision(events: events)
    }

    static func flag(_ id: String, _ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision {
        let item = try existingItem(id, state)
        guard !item.isChildSexualImagery else {
            throw CasebookError.invalidInput("\(item.id) is already marked as child sexual imagery")
        }
        var events: [CaseEvent] = [.evidenceFlagged(item: item.id)]
        if let purge = forcedPurge(state.heldFiles.filter { $0.item == item.id }) { events.append(purge) }
        return Workflow.Decision(events: events)
    }

    static func referralDecision(_ route: ReferralRoute, reference: String?, reason: String?) throws -> Workflow.Decision {
        let reference = try Workflow.optionalText(reference, "the referral's reference")
        let reason = try Workflow.optionalText(reason, "the reason")
        if route == .none {
            guard reason != nil else { throw CasebookError.invalidInput("a decision not to refer needs its reason (\(option: "reason") TEXT)") }
            guard reference == nil else { throw CasebookError.invalidInput("a decision not to refer has no reference") }
        } else {
            guard reference != nil else {
                throw CasebookError.invalidInput("a referral to \(route.rawValue) needs its reference (\(option: "reference") REF)")
            }
        }
        return Workflow.Decision(events: [.referralDecision(route: route, reference: reference, reason: reason)])
    }

    static func purge(_ id: String, reason: String, _ state: CaseState, _ context: DecisionContext) throws -> Workflow.Decision {
        let item = try existingItem(id, state)
        let reason = try Workflow.text(reason, "the reason")
        let held = state.heldFiles.filter { $0.item == item.id }
        guard !held.isEmpty else {
            return Workflow.Decision(
                events: [],
                refusals: [
                    Refusal(
                        .purgeNeedsStoredFiles,
                        reason: item.details == nil
                            ? "\(item.id) was redacted before files were purged with it: its files are not known to the case"
                            : "\(item.id) holds no stored file (none given, or already purged)",
                        unblock: .none("nothing to purge"))
                ])
        }
        // Bytes another item (of this case or another) still refers to are kept.
        let others = Set(state.heldFiles.filter { $0.item != item.id }.map(\.file.sha256))
        var erased: [String] = []
        for sha in Set(held.map(\.file.sha256)).sorted() where !others.contains(sha) {
            if try !context.blobHeldElsewhere(sha, state.reference) { erased.append(sha) }
        }
        return Workflow.Decision(
            events: [.filesPurged(CaseEvent.Purge(items: [item.id], files: held.map(\.file), erased: erased, reason: reason))])
    }

    /// Purges files whatever else refers to them: child sexual imagery is kept nowhere.
    static func forcedPurge(_ held: [(item: String, file: StoredFile)]) -> CaseEvent? {
        guard !held.isEmpty else { return nil }
        var items: [String] = []
        for entry in held where !items.contains(entry.item) { items.append(entry.item) }
        return .filesPurged(
            CaseEvent.Purge(
                items: items, files: held.map(\.file), erased: Set(held.map(\.file.sha256)).sorted(), reason: imageryPurgeReason))
    }

    static func existingItem(_ id: String, _ state: CaseState) throws -> CaseState.EvidenceItem {
        guard let item = state.evidenceItem(id) else {
            let known = state.evidence.map(\.id).joined(separator: ", ")
            throw CasebookError.notFound("\(state.reference) has no evidence item '\(id)'" + (known.isEmpty ? "" : " (it has \(known))"))
        }
        return item
    }
}

// MARK: State

extension CaseState {
    /// Whether the case involves child sexual imagery: its category, or an item captured or
    /// marked as such. Only the safeguarding lead and the headteacher see it.
    public var involvesChildSexualImagery: Bool {
        opened.categories.contains(.childSexualImagery) || evidence.contains { $0.isChildSexualImagery }
    }

    /// Every stored file the case still holds, with the item holding it (`E2`, or `T1` for a
    /// removal check's screenshot): not purged, in the item's own record.
    public var heldFiles: [(item: String, file: StoredFile)] {
        // Purged per item and file: a file attached after a purge is held again.
        var purged: Set<String> = []
        for record in purges {
            for item in record.items { for file in record.purge.files { purged.insert(item.uppercased() + " " + file.sha256) } }
        }
        var held: [(item: String, file: StoredFile)] = []
        for item in evidence {
            for file in item.details?.files ?? [] where !purged.contains(item.id.uppercased() + " " + file.sha256) {
                held.append((item.id, file))
            }
        }
        for takedown in takedowns {
            for file in takedown.checkFiles where !purged.contains(takedown.request.id.uppercased() + " " + file.sha256) {
                held.append((takedown.request.id, file))
            }
        }
        return held
    }

    /// The purge of an item's files, if they were purged.
    public func purge(of item: String) -> PurgeRecord? {
        purges.last { $0.items.contains { $0.caseInsensitiveCompare(item) == .orderedSame } }
    }
}

extension CaseState {
    /// A referral decision on child sexual imagery (SPEC §9).
    public struct ReferralDecision: Sendable, Equatable {
        /// Where, or `none`.
        public var route: ReferralRoute
        /// The receiving body's reference.
        public var reference: String?
        /// Why not referred.
        public var reason: String?
        /// Who recorded it.
        public var by: String
        /// When.
        public var at: Date
    }

    /// Files purged: which items, which files, whose bytes went, why, by whom and when.
    public struct PurgeRecord: Sendable, Equatable {
        /// The purge as recorded.
        public var purge: CaseEvent.Purge
        /// Who purged.
        public var by: String
        /// When.
        public var at: Date
        /// The version of the purge event.
        public var version: Int
        /// The items.
        public var items: [String] { purge.items }
    }

    mutating func changeCategory(_ category: Category, add: Bool) {
        // The categories in `opened` are kept current: the opening event keeps what was reported.
        opened.categories.removeAll { $0 == category }
        if add { opened.categories = (opened.categories + [category]).sorted() }
    }

    mutating func flagEvidence(_ id: String) {
        guard let index = evidence.firstIndex(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) else { return }
        evidence[index].isFlaggedChildSexualImagery = true
    }
}

extension Workflow {
    /// Why no file is kept for child sexual imagery, and what to record instead (SPEC §9).
    public static var childSexualImageryNoFiles: Message { LawfulContentTrack.noFilesMessage }

    /// The IWF route, when a takedown request covers child sexual imagery (SPEC §9).
    public static func imageryRoute(for request: CaseEvent.TakedownRequest, in state: CaseState) -> String? {
        LawfulContentTrack.route(for: request, in: state)
    }
}
