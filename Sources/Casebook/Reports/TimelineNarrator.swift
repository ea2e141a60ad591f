import EventLog
import Foundation

/// Puts each case event into plain words for a chronology: what happened, and the details
/// and reasons given for it.
struct TimelineNarrator {
    /// What a row says about one event.
    struct Narration {
        var what: String
        var details: [String] = []
        var files: [StoredFile] = []
        var flags: [Timeline.Flag] = []
    }

    /// Names from the staff directory, by id.
    let names: [String: String]
    /// The zone times are shown in.
    let localTime: LocalTime
    /// For each redacted version, the EventRedacted event that erased it and its reason.
    let erasures: [Int: (version: Int, reason: String)]

    /// A member of staff by id, with their name when known.
    func person(_ id: String) -> Timeline.Person { Timeline.Person(id: id, name: names[id]) }

    /// Every staff id a case's events name in their payloads.
    static func staffIDs(in events: [CaseEvent]) -> [String] {
        var ids: [String] = []
        for event in events {
            switch event {
            case .opened(let opened): ids += [opened.affected, opened.reportedBy, opened.reportedTo]
            case .consentRecorded(_, let by): ids.append(by)
            case .disciplinaryReferral(let staff): ids.append(staff)
            case .accessRestricted(let staff, _), .accessRestored(let staff, _), .assigned(let staff): ids.append(staff)
            case .track(let event): ids += event.event.staffIDs
            case .evidenceCaptured, .evidenceFilesAttached, .investigationStarted, .noteAdded, .sourceIdentified, .threatAssessed,
                .behaviourReferral, .investigationConcluded, .takedownRequested, .hostResponded, .removalChecked,
                .takedownNotApplicable, .ispEscalated, .ispResponded, .helplineEscalated, .helplineResponded, .policeReferred, .policeReferredUnlawful, .supportOffered,
                .supportResponded, .closed, .reopened, .closureCorrected, .redaction, .redacted, .policeNotified, .withdrawn, .categoryAdded,
                .categoryRemoved, .evidenceFlagged, .referralDecision, .filesPurged, .retentionDateRecorded, .held, .holdReleased,
                .retentionApplied, .concernTriaged:
                break
            }
        }
        return ids
    }

    /// The words for one event, given the case as it stood just before it.
    func narrate(_ event: CaseEvent, stored: RecordedEvent, before state: CaseState, at date: Date) -> Narration {
        switch event {
        case .opened(let opened):
            var narration = Narration(what: "Case opened: reported by \(person(opened.reportedBy).label)")
            narration.details = [
                "Affected: \(person(opened.affected).label)",
                "Reported by: \(person(opened.reportedBy).label)",
                "Reported to: \(person(opened.reportedTo).label)",
                "Discovered: \(time(opened.discoveredAt))",
                "School: \(opened.school.isEmpty ? "(not given)" : opened.school)",
                "Categories: \(opened.categories.isEmpty ? "(none)" : opened.categories.map(\.rawValue).joined(separator: ", "))",
            ]
            if opened.categories.contains(.childMentioned) {
                narration.details.append("Urgent: a child is mentioned (001 §8.6)")
            }
            narration.details.append("Summary: \(opened.summary)")
            if let concern = opened.concern {
                narration.what = "Concern reported by \(person(opened.reportedBy).label), awaiting triage"
                if let url = concern.url { narration.details.append("URL: \(url)") }
                if let seen = concern.seenAt { narration.details.append("Seen: \(time(seen))") }
                for file in concern.files { narration.details.append(fileLine(file)) }
                narration.files = concern.files
            }
            return narration
        case .evidenceFilesAttached(let id, let files):
            var narration = Narration(what: "\(files.count) file\(files.count == 1 ? "" : "s") added to evidence \(id)")
            for file in files { narration.details.append(fileLine(file)) }
            narration.files = files
            return narration
        case .evidenceCaptured(let evidence):
            var what = "Evidence \(evidence.id) captured\(evidence.capture == nil ? "" : " by Casebook"): \(evidence.kind.rawValue)"
            if let url = evidence.url { what += ", \(url)" }
            var narration = Narration(what: what)
            narration.details.append("Kind: \(evidence.kind.rawValue)")
            if let url = evidence.url { narration.details.append("URL: \(url)") }
            if let host = evidence.host { narration.details.append("Host: \(host)") }
            if let platform = evidence.platform { narration.details.append("Platform: \(platform)") }
            narration.details.append("Captured: \(time(evidence.capturedAt))")
            if let posted = evidence.postedAt { narration.details.append("Posted: \(time(posted))") }
            if let description = evidence.description { narration.details.append("Description: \(description)") }
            if let capture = evidence.capture { narration.details += capture.lines(localTime) }
            for file in evidence.files { narration.details.append(fileLine(file)) }
            narration.files = evidence.files
            return narration
        case .investigationStarted:
            return Narration(what: "Investigation started")
        case .noteAdded(let text):
            return Narration(what: "Investigation note added", details: ["Note: \(text)"])
        case .sourceIdentified(let kind, let ref):
            let revised = state.source != nil ? "Source revised" : "Source identified"
            var narration = Narration(what: "\(revised): \(kind.rawValue)" + (ref.map { " (\($0))" } ?? ""))
            narration.details.append("Source: \(kind.rawValue)")
            if let ref { narration.details.append("Reference: \(ref)") }
            return narration
        case .threatAssessed(let isThreatening, let rationale):
            return Narration(
                what: isThreatening
                    ? "Threat assessed: the material is threatening or intimidating"
                    : "Threat assessed: the material is not threatening or intimidating",
                details: ["Assessment: \(isThreatening ? "threatening" : "not threatening")", "Rationale: \(rationale)"])
        case .behaviourReferral(let pupil):
            return Narration(
                what: "Referred under the behaviour policy: pupil \(pupil)", details: ["Pupil: \(pupil)", "Policy: 000 §13.4"])
        case .disciplinaryReferral(let staff):
            return Narration(
                what: "Referred to the disciplinary procedure: \(person(staff).label)",
                details: ["Member of staff: \(person(staff).label)", "Policy: 000 §14"])
        case .investigationConcluded(let finding, let summary):
            return Narration(
                what: "Investigation concluded: \(finding.rawValue)", details: ["Finding: \(finding.rawValue)", "Summary: \(summary)"])
        case .takedownRequested(let request):
            let sender = request.sentBy == .school ? "sent by the school" : "sent by the complainant with the school's support"
            var narration = Narration(
                what: "Takedown \(request.id) requested from host \(request.host) by \(request.method.rawValue) (\(sender)); "
                    + "due \(time(request.deadline))" + (request.platformReference.map { "; platform reference \($0)" } ?? ""),
                details: [
                    "Host: \(request.host)", "Evidence: \(request.evidence.joined(separator: ", "))",
                    "Method: \(request.method.rawValue)", "Sent by: \(request.sentBy.rawValue)",
                    "Deadline: \(time(request.deadline)) (24 hours after the request)",
                ])
            if let reference = request.platformReference { narration.details.append("Platform reference: \(reference)") }
            return narration
        case .hostResponded(let id, let result, let file):
            var narration = Narration(
                what: "Host \(host(id, state)) responded to \(id): \(result.rawValue)"
                    + (file.map { " (reply kept: \($0.name))" } ?? ""),
                details: ["Response: \(result.rawValue)"])
            if let reference = state.takedown(id)?.request.platformReference {
                narration.details.append("Platform reference: \(reference)")
            }
            if let file {
                narration.details.append("Platform's reply: " + fileLine(file))
                narration.files = [file]
            }
            return narration
        case .removalChecked(let id, let result, let file):
            var narration = Narration(what: "Removal check for \(id) (host \(host(id, state))): \(result.rawValue)")
            narration.details.append("Result: \(result.rawValue)")
            if result.confirmsRemoval, let takedown = state.takedown(id) {
                // The same rounding as the removal figures of every report (Removal.hours).
                let afterRequest = Timeline.hoursText(Removal.hours(from: takedown.requestedAt, to: date))
                if date > takedown.deadline {
                    let late = Timeline.hoursText(Timeline.hours(date.timeIntervalSince(takedown.deadline)))
                    narration.details.append("Confirmed \(afterRequest) after the request: \(late) after the 24-hour deadline")
                } else {
                    narration.details.append("Confirmed \(afterRequest) after the request, within the 24-hour deadline")
                }
            }
            if let file {
                narration.details.append(fileLine(file))
                narration.files = [file]
            }
            return narration
        case .takedownNotApplicable(let reason):
            return Narration(what: "Takedown declared not applicable", details: ["Reason: \(reason)"])
        case .ispEscalated(let id, let isp):
            return Narration(
                what: "Takedown \(id) (host \(host(id, state))) escalated to the ISP \(isp)",
                details: ["ISP: \(isp)", "Why: \(escalationReason(id, state))"])
        case .ispResponded(let id, let result):
            let isp = state.takedown(id)?.isp ?? "the ISP"
            return Narration(what: "ISP \(isp) responded to \(id): \(result.rawValue)", details: ["Response: \(result.rawValue)"])
        case .helplineEscalated(let id, let helpline, let reference):
            var narration = Narration(
                what: "Takedown \(id) (host \(host(id, state))) escalated to \(helpline.name)" + (reference.map { ", reference \($0)" } ?? ""),
                details: ["Helpline: \(helpline.name)"])
            if let reference { narration.details.append("Helpline reference: \(reference)") }
            if let platform = state.takedown(id)?.request.platformReference {
                narration.details.append("Platform reference: \(platform)")
            }
            narration.details.append("Why: \(helplineReason(id, helpline, state, at: date))")
            narration.details.append("Policy: SPEC §10 (beyond the host and the ISP of 000 §13.5–§13.6)")
            return narration
        case .helplineResponded(let id, let result):
            let helpline = state.takedown(id)?.helpline?.helpline.name ?? "the helpline"
            var narration = Narration(what: "\(helpline) responded to \(id): \(result.rawValue)", details: ["Response: \(result.rawValue)"])
            if result == .removed { narration.details.append("Counted as the material's removal") }
            return narration
        case .consentRecorded(let decision, let by):
            let verb: String
            switch decision {
            case .given: verb = "given"
            case .declined: verb = "declined"
            case .withdrawn: verb = "withdrawn"
            }
            return Narration(
                what: "Consent to a police referral \(verb) by \(person(by).label)",
                details: ["Consent: \(decision.rawValue)", "By: \(person(by).label)"])
        case .policeReferred(let force, let reference, let overrideReason):
            var narration: Narration
            if let overrideReason {
                narration = Narration(
                    what: "Referred to the police (\(force)) WITHOUT CONSENT — child-protection override: \(overrideReason)")
                narration.details = ["Force: \(force)", "Consent: overridden for child protection", "Override reason: \(overrideReason)"]
                narration.flags.append(
                    Timeline.Flag(
                        kind: .childProtectionOverride,
                        text: "CHILD-PROTECTION OVERRIDE: referred to the police without the affected person's consent (reason: \(overrideReason))"))
            } else {
                narration = Narration(what: "Referred to the police (\(force)) with the affected person's consent")
                narration.details = ["Force: \(force)", "Consent: \(state.consent?.rawValue ?? "given")"]
            }
            if let reference { narration.details.append("Crime reference: \(reference)") }
            return narration
        case .policeReferredUnlawful(let force, let reference, let reason):
            var narration = Narration(
                what: "Reported to the police (\(force)) as conduct the school considers unlawful (000 §14.5): \(reason)")
            narration.details = ["Force: \(force)", "Route: unlawful conduct (000 §14.5), the school's decision", "Reasons: \(reason)"]
            if let reference { narration.details.append("Crime reference: \(reference)") }
            return narration
        case .policeNotified:
            return Narration(
                what: "The police (\(state.policeReferral?.force ?? "the force")) told that consent was withdrawn",
                details: ["Policy: 000 §13.7"])
        case .withdrawn(let item, let reason):
            return Narration(
                what: "\(Self.entryName(item, state)) withdrawn as entered in error", details: ["Entry: \(item)", "Reason: \(reason)"])
        case .supportOffered(let services):
            return Narration(
                what: "Support offered: \(services.joined(separator: "; "))", details: services.map { "Service signposted: \($0)" })
        case .supportResponded(let response):
            return Narration(what: "Support \(response.rawValue) by the affected person", details: ["Response: \(response.rawValue)"])
        case .closed(let outcome, let action):
            return Narration(what: "Case closed: action \(action.rawValue)", details: ["Outcome: \(outcome)", "Action: \(action.rawValue)"])
        case .closureCorrected(let outcome, let action, let reason):
            var details = ["Outcome: \(outcome)", "Action: \(action.rawValue)", "Reason: \(reason)"]
            if let earlier = state.closures.last?.closure {
                details.insert("Earlier outcome: \(earlier.outcome) (action \(earlier.action.rawValue))", at: 0)
            }
            return Narration(what: "Closure outcome corrected: action \(action.rawValue)", details: details)
        case .reopened(let reason):
            if case .concluded = state.investigation {
                return Narration(
                    what: "Case reopened: round \(state.investigationRound + 1) of the investigation begins", details: ["Reason: \(reason)"])
            }
            return Narration(what: "Case reopened", details: ["Reason: \(reason)"])
        case .accessRestricted(let staff, let reason):
            return Narration(
                what: "\(person(staff).label) excluded from the case", details: ["Excluded: \(person(staff).label)", "Reason: \(reason)"])
        case .accessRestored(let staff, let reason):
            return Narration(
                what: "\(person(staff).label) no longer excluded from the case",
                details: ["Included again: \(person(staff).label)"] + (reason.map { ["Reason: \($0)"] } ?? []))
        case .redaction(let version, let reason):
            return Narration(
                what: "Version \(version) redacted (payload erased; the hash chain still verifies)",
                details: ["Redacted version: \(version)", "Reason: \(reason)"])
        case .categoryAdded(let category):
            var narration = Narration(what: "Category added: \(category.rawValue)", details: ["Category: \(category.rawValue)"])
            if category == .childSexualImagery {
                narration.details.append("Child sexual imagery: no file is kept; only the safeguarding lead and the headteacher see the case (SPEC §9)")
            }
            return narration
        case .categoryRemoved(let category):
            return Narration(what: "Category removed: \(category.rawValue)", details: ["Category: \(category.rawValue)"])
        case .evidenceFlagged(let item):
            return Narration(
                what: "Evidence \(item) marked as child sexual imagery",
                details: ["Evidence: \(item)", "No file is kept for it (Protection of Children Act 1978; UKCIS)"])
        case .referralDecision(let route, let reference, let reason):
            let what = route == .none ? "Decision not to refer the child sexual imagery" : "Child sexual imagery referred to \(route.rawValue)"
            return Narration(
                what: what,
                details: ["Route: \(route.rawValue)"] + (reference.map { ["Reference: \($0)"] } ?? [])
                    + (reason.map { ["Reason: \($0)"] } ?? []))
        case .filesPurged(let purge):
            let who = person(stored.actor).label
            let day = localTime.format(date)
            var narration = Narration(what: "Files of \(purge.items.joined(separator: ", ")) purged")
            for file in purge.files {
                let kept = purge.erased.contains(file.sha256) ? "" : " (bytes kept: another item still holds them)"
                narration.details.append(
                    "File purged on \(day) by \(who): \(purge.reason); \(file.name), \(file.size) bytes, sha256 \(file.sha256)\(kept)")
            }
            return narration
        case .retentionDateRecorded(let text):
            return Narration(what: "Retention date recorded: \(time(text))", details: ["Normal retirement date: \(time(text))"])
        case .held(let reason):
            return Narration(what: "Held from erasure", details: ["Reason: \(reason)"])
        case .track(let event): return event.event.narrate(self)
        case .assigned(let staff):
            return Narration(what: "Case assigned to \(person(staff).label), its owner")
        case .concernTriaged(let accepted, let reason):
            return Narration(
                what: accepted ? "Concern accepted at triage: the case proceeds" : "Concern declined at triage: closed as not a case",
                details: reason.map { ["Reason: \($0)"] } ?? [])
        case .holdReleased(let reason):
            return Narration(what: "Hold released", details: reason.map { ["Reason: \($0)"] } ?? [])
        case .retentionApplied(let retentionClass, let reviewDate):
            return Narration(
                what: "Retention period ended: evidence and notes erased, files purged",
                details: ["Retention class: \(retentionClass)", "Review date: \(time(reviewDate))"])
        case .redacted(let type):
            var narration = Narration(what: "[redacted]", details: ["Event type: \(type)"])
            var flag = "[redacted] payload erased"
            if let erasure = erasures[stored.version] {
                narration.details.append("Erased by version \(erasure.version): \(erasure.reason)")
                flag += " by version \(erasure.version)"
            }
            narration.flags.append(Timeline.Flag(kind: .redacted, text: flag + "; its SHA-256 is kept, so the chain still verifies"))
            return narration
        }
    }

    /// An entry in words: `Evidence E2`, `Note N1`, `Referral R1 (disciplinary, c.smith)`, `The source`.
    static func entryName(_ item: String, _ state: CaseState) -> String {
        switch CorrectionsTrack.Item(item) {
        case .evidence(let id)?: return "Evidence \(id)"
        case .note(let id)?: return "Note \(id)"
        case .referral(let id)?:
            guard let referral = state.referrals.first(where: { $0.id == id }) else { return "Referral \(id)" }
            return "Referral \(id) (\(InvestigationTrack.describe(referral.kind)))"
        case .takedown(let id)?: return "Takedown request \(id)"
        case .source?: return "The source" + (state.source.map { " (\($0.kind.rawValue))" } ?? "")
        case .assessment?: return "The threat assessment"
        case .consent?: return "The consent decision" + (state.consent.map { " (\($0.rawValue))" } ?? "")
        case .notApplicable?: return "The not-applicable declaration"
        case nil: return item
        }
    }

    /// The flag an entry's own row carries once it is withdrawn: who, when and why.
    /// The flag on an entry a later one replaced: a revised source or assessment, a corrected closure.
    func supersededFlag(by what: String, at date: Date, version: Int) -> Timeline.Flag {
        Timeline.Flag(kind: .superseded, text: "SUPERSEDED by the \(what) of \(localTime.format(date)) (version \(version))")
    }

    func withdrawnFlag(_ item: String, by actor: String, at date: Date, reason: String, version: Int) -> Timeline.Flag {
        Timeline.Flag(
            kind: .withdrawn,
            text: "WITHDRAWN as entered in error by \(person(actor).label) on \(localTime.format(date)) (version \(version)): \(reason)")
    }

    /// A stored UTC time in the local zone; the text itself when it is not one.
    private func time(_ text: String) -> String {
        Timestamp.date(from: text).map(localTime.format) ?? text
    }

    /// `File: screenshot.png (image/png, 11044 bytes), SHA-256 …`.
    private func fileLine(_ file: StoredFile) -> String {
        "File: \(file.name) (\(file.mediaType), \(file.size) bytes), SHA-256 \(file.sha256)"
    }

    /// The host of a takedown request, as the case stood.
    private func host(_ id: String, _ state: CaseState) -> String { state.takedown(id)?.request.host ?? "?" }

    /// Why a helpline escalation was allowed (SPEC §10), as the case stood.
    private func helplineReason(_ id: String, _ helpline: Helpline, _ state: CaseState, at date: Date) -> String {
        guard let takedown = state.takedown(id) else { return "takedown request \(id)" }
        if takedown.response == .refused { return "the platform refused" }
        if takedown.check == .stillPresent { return "a removal check found the material still present" }
        if takedown.response == .noResponse { return "the platform did not respond" }
        let hours = Timeline.hoursText(Timeline.hours(date.timeIntervalSince(takedown.requestedAt)))
        return "\(hours) had passed since the platform report"
    }

    /// Why an escalation to the ISP was allowed (000 §13.6), as the case stood.
    private func escalationReason(_ id: String, _ state: CaseState) -> String {
        guard let takedown = state.takedown(id) else { return "takedown request \(id)" }
        if takedown.check == .stillPresent { return "a removal check found the material still present" }
        if let response = takedown.response {
            switch response {
            case .refused: return "the host refused"
            case .noResponse: return "the host did not respond"
            case .removed, .amended: break
            }
        }
        return "the 24-hour deadline (\(localTime.format(takedown.deadline))) passed without a check confirming removal"
    }
}
