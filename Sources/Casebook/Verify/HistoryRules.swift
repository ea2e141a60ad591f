import EventLog
import Foundation

/// `verify` re-decides a case's history (issue 19): each recorded event is checked against
/// what the workflow would have accepted at that point — the step table's guards on the
/// state replayed so far, with the settings then in force; its times; the actor's scope,
/// involvement and sight of child sexual imagery as of that event; and the erasures (who,
/// which types, what justifies them). Pure: the caller hands in the staff and settings
/// timelines, so it runs on any thread, one stream at a time.
enum HistoryRules {
    /// A decoded event with the row it came from.
    typealias Entry = (stored: RecordedEvent, event: CaseEvent)

    /// Replays the case (its first entry the opening) and gives its state and every break:
    /// each naming the stream, the version and the rule.
    static func replay(
        _ entries: [Entry], opened: CaseEvent.Opened, openedAt: Date, member: (String, Int64) -> StaffMember?,
        settings: (Int64) -> Settings
    ) -> (state: CaseState, breaks: [ChainBreak]) {
        var breaks: [ChainBreak] = []
        func broken(_ stored: RecordedEvent, _ rule: String, _ detail: String) {
            breaks.append(ChainBreak(stream: stored.stream, version: stored.version, kind: .brokenRule, detail: "rule \(rule): \(detail)"))
        }
        var state = CaseState(opened: opened, at: openedAt)
        guard let first = entries.first else { return (state, breaks) }
        // Opening: the school must be in the opener's scope (who then sees it is for later steps).
        if let actor = member(first.stored.actor, first.stored.position), !actor.scope.includes(school: state.opened.school) {
            broken(first.stored, "case-scope", "\(actor.id) was scoped to another school than \(state.opened.school.prefix(60)) when this was recorded")
        }
        // Which versions were redacted, and by which record (the first one naming them).
        var redactedBy: [Int: Int] = [:]
        // The state when the command that recorded an event began: the events one command
        // records share actor and both times, and are judged on the state before the first.
        var commandStart = state
        var previous = first.stored
        for (stored, event) in entries.dropFirst() {
            let at = Timestamp.date(from: stored.occurredAt)
            let sameCommand =
                stored.actor == previous.actor && stored.occurredAt == previous.occurredAt && stored.recordedAt == previous.recordedAt
            if !sameCommand { commandStart = state }
            previous = stored
            if let at, at < state.openedAt {
                broken(stored, "time-before-opening", "it happened at \(stored.occurredAt), before the case was opened (\(Timestamp.string(from: state.openedAt)))")
            }
            if let actor = member(stored.actor, stored.position) { checkAccess(stored, actor, commandStart, broken) }
            let now = at ?? state.updatedAt
            checkStep(stored, event, state: state, now: now, settings: settings(stored.position), broken)
            checkErasure(stored, event, entries: entries, state: state, redactedBy: &redactedBy, broken)
            state.apply(event, at: now, actor: stored.actor)
        }
        return (state, breaks)
    }

    /// Scope, involvement and sight of child sexual imagery (SPEC §8, §9), as of the
    /// command's start.
    private static func checkAccess(
        _ stored: RecordedEvent, _ actor: StaffMember, _ state: CaseState, _ broken: (RecordedEvent, String, String) -> Void
    ) {
        if !actor.scope.includes(school: state.opened.school) {
            broken(stored, "case-scope", "\(actor.id) was scoped to another school than \(state.opened.school.prefix(60)) when this was recorded")
        }
        if state.involvesChildSexualImagery, !CaseAccess.seesRestricted(actor) {
            broken(
                stored, "child-sexual-imagery-visibility",
                "the case involved child sexual imagery, which only the safeguarding lead and the headteacher see; \(actor.id) had the \(actor.role.rawValue) role")
        }
        if let involvement = state.involvement(of: actor.id) {
            broken(stored, "conflict-of-interest", "\(actor.id) was \(involvement.rawValue) in this case, so could not act on it")
        }
    }

    /// The step an event records, and the takedown request it acts on.
    private static func step(of event: CaseEvent) -> (Step, request: String?)? {
        switch event {
        case .evidenceCaptured, .evidenceFilesAttached: return (.addEvidence, nil)
        case .investigationStarted: return (.startInvestigation, nil)
        case .noteAdded: return (.addNote, nil)
        case .sourceIdentified: return (.identifySource, nil)
        case .threatAssessed: return (.assessThreat, nil)
        case .behaviourReferral: return (.referBehaviour, nil)
        case .disciplinaryReferral: return (.referDisciplinary, nil)
        case .investigationConcluded: return (.concludeInvestigation, nil)
        case .takedownRequested: return (.requestTakedown, nil)
        case .hostResponded(let request, _, _): return (.recordHostResponse, request)
        case .removalChecked(let request, _, _): return (.checkRemoval, request)
        case .takedownNotApplicable: return (.declareTakedownNotApplicable, nil)
        case .ispEscalated(let request, _): return (.escalateToISP, request)
        case .ispResponded(let request, _): return (.recordISPResponse, request)
        case .helplineEscalated(let request, let helpline, _):
            return (helpline == .posh ? .escalateToPOSH : .escalateToReportHarmfulContent, request)
        case .helplineResponded(let request, _): return (.recordHelplineResponse, request)
        case .consentRecorded: return (.recordConsent, nil)
        case .policeReferred: return (.referToPolice, nil)
        case .policeNotified: return (.notifyPolice, nil)
        case .supportOffered: return (.offerSupport, nil)
        case .supportResponded: return (.recordSupportResponse, nil)
        case .closed: return (.close, nil)
        case .reopened: return (.reopen, nil)
        case .closureCorrected: return (.correctClosure, nil)
        case .concernTriaged: return (.triage, nil)
        case .track(let event): return event.event.step.map { ($0, nil) }
        case .withdrawn: return (.withdraw, nil)
        case .categoryAdded, .categoryRemoved: return (.changeCategory, nil)
        case .evidenceFlagged: return (.flagEvidence, nil)
        case .referralDecision: return (.recordReferralDecision, nil)
        case .filesPurged: return (.purgeFiles, nil)
        case .opened, .redaction, .accessRestricted, .accessRestored, .retentionDateRecorded, .held, .holdReleased,
            .retentionApplied, .redacted:
            return nil
        // The unlawful-conduct route (000 §14.5) is the school's decision, not the consent
        // route's guards: its role is checked with every event's actor.
        case .policeReferredUnlawful:
            return nil
        // An owner is chosen by who may act on the case (checked with its actor), not a step.
        case .assigned:
            return nil
        }
    }

    /// The step table's guards for the event's step, on the state before it, at its time,
    /// with the settings then in force; and the rules of the events that are no step.
    private static func checkStep(
        _ stored: RecordedEvent, _ event: CaseEvent, state: CaseState, now: Date, settings: Settings,
        _ broken: (RecordedEvent, String, String) -> Void
    ) {
        switch event {
        case .opened:
            broken(stored, "case-opened-once", "a case is opened once, by its first event")
            return
        case .held:
            if let hold = state.hold { broken(stored, "hold-once", "the case was already held (\(hold.prefix(60)))") }
            return
        case .holdReleased:
            if state.hold == nil { broken(stored, "hold-release-needs-hold", "the case was not held") }
            return
        case .retentionApplied:
            if state.status != .closed { broken(stored, "retention-needs-closed-case", "the case was open") }
            return
        default: break
        }
        guard let (step, requestID) = step(of: event) else { return }
        let table = Workflow.guards(for: step)
        var takedown: CaseState.Takedown?
        if let requestID {
            guard let found = state.takedown(requestID) else {
                broken(stored, "unknown-request", "the case had no takedown request '\(requestID.prefix(20))'")
                return
            }
            if now < found.requestedAt {
                broken(stored, "time-before-request", "it happened at \(stored.occurredAt), before \(found.request.id) was requested")
            }
            takedown = found
        }
        // A per-request guard needs its request: never run one without.
        if table.isPerRequest, takedown == nil { return }
        var waived: Set<String> = []
        if case .policeReferred(_, _, let overrideReason?) = event, !overrideReason.trimmingCharacters(in: .whitespaces).isEmpty {
            waived.insert(Rule.policeNeedsConsent.rawValue)
        }
        if case .filesPurged(let purge) = event {
            // The files a child-sexual-imagery marking purges go whatever holds them; and an
            // item redacted since (a redaction purges first) no longer shows its files.
            if purge.reason == LawfulContentTrack.imageryPurgeReason { return }
            if purge.items.contains(where: { state.evidenceItem($0).map { $0.details == nil } ?? false }) { return }
        }
        for refusal in table.refusals(state, takedown: takedown, now: now, settings: settings) where !waived.contains(refusal.rule) {
            broken(stored, refusal.rule, "the workflow would have refused this \(stored.type): \(refusal.reason)")
        }
    }

    /// Erasures re-decided: a redaction names an earlier, redactable, not yet redacted event
    /// and is dated on or after it, and what it erased stays erased; a purge for child
    /// sexual imagery follows the marking.
    private static func checkErasure(
        _ stored: RecordedEvent, _ event: CaseEvent, entries: [Entry], state: CaseState, redactedBy: inout [Int: Int],
        _ broken: (RecordedEvent, String, String) -> Void
    ) {
        switch event {
        case .redaction(let version, _):
            guard version < stored.version, let target = entries.first(where: { $0.stored.version == version })?.stored else {
                broken(stored, "redaction-target", "it names version \(version), which is not an earlier event of the case")
                return
            }
            if !Workflow.redactableTypes.contains(target.type) {
                broken(stored, "redact-evidence-and-notes-only", "version \(version) is \(target.type.prefix(64)), which the workflow's state depends on")
            }
            if let earlier = redactedBy[version] {
                broken(stored, "redaction-target", "version \(version) was already redacted by version \(earlier)")
            } else {
                redactedBy[version] = stored.version
            }
            if let erased = Timestamp.date(from: target.occurredAt), let at = Timestamp.date(from: stored.occurredAt), at < erased {
                broken(stored, "redaction-time", "it is dated before version \(version) happened (\(target.occurredAt))")
            }
        case .filesPurged(let purge):
            if purge.reason == LawfulContentTrack.imageryPurgeReason, !state.involvesChildSexualImagery {
                broken(
                    stored, "imagery-purge-needs-marking",
                    "it gives the child-sexual-imagery reason, but neither the case nor an item was marked as such before it")
            }
            let recorded = Set(purge.files.map(\.sha256))
            for sha in purge.erased where !recorded.contains(sha) {
                broken(stored, "purge-erases-its-files", "it erases \(sha.prefix(64)), which is not among the files it purges")
            }
        default: break
        }
    }

    /// Every payload a recorded redaction erased that is present again (`un-erased`).
    static func unerasedPayloads(_ entries: [Entry], in pending: [RecordedEvent]) -> [ChainBreak] {
        var breaks: [ChainBreak] = []
        var seen: Set<Int> = []
        for (stored, event) in entries {
            guard case .redaction(let version, _) = event, version < stored.version, seen.insert(version).inserted,
                let target = pending.first(where: { $0.version == version })
            else { continue }
            if target.payload != nil {
                breaks.append(
                    ChainBreak(
                        stream: target.stream, version: version, kind: .unerased,
                        detail: "version \(stored.version) redacted this payload, but it is present again"))
            }
        }
        return breaks
    }
}
