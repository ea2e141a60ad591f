import Casebook
import EventLog
import Foundation

/// `casebook show` for people: the case, its tracks, what is overdue, and the steps
/// allowed now or blocked (from the library's own guards).
enum CaseText {
    static func render(
        _ state: CaseState, steps: [StepAvailability], overdue: [Deadline], repeats: [CaseReference], localTime: LocalTime,
        names: [String: String] = [:], exhibits: [String: String] = [:]
    ) -> String {
        func time(_ date: Date?) -> String { date.map(localTime.format) ?? "—" }
        func person(_ id: String) -> String { names[id.lowercased()].map { "\($0) (\(id))" } ?? id }
        var lines: [String] = []
        lines.append("\(state.reference)  \(state.status.rawValue.uppercased())\(state.isUrgent ? "  URGENT (child mentioned, 001 §8.6)" : "")")
        lines.append("School:      \(state.opened.school.isEmpty ? "—" : state.opened.school)")
        lines.append("Affected:    \(person(state.opened.affected))   reported by \(person(state.opened.reportedBy)) to \(person(state.opened.reportedTo))")
        lines.append("Opened:      \(time(state.openedAt))   discovered \(time(Timestamp.date(from: state.opened.discoveredAt)))")
        lines.append("Categories:  \(state.opened.categories.map(\.rawValue).joined(separator: ", "))")
        lines.append("Summary:     \(state.opened.summary)")
        switch state.triage {
        case .awaiting?: lines.append("Concern:     reported by \(person(state.opened.reportedBy)), AWAITING TRIAGE")
        case .accepted(let by, let at)?: lines.append("Concern:     accepted at triage by \(person(by)) on \(time(at))")
        case .declined(let decline)?:
            lines.append("Concern:     DECLINED at triage by \(person(decline.by)) on \(time(decline.at)): \(decline.reason)")
        case nil: break
        }
        if let owner = state.owner { lines.append("Owner:       \(person(owner))") }
        if state.involvesChildSexualImagery {
            let flagged = state.evidence.filter(\.isChildSexualImagery).map(\.id)
            lines.append(
                "CHILD SEXUAL IMAGERY\(flagged.isEmpty ? "" : " (\(flagged.joined(separator: ", ")))"): no file is kept; "
                    + "only the safeguarding lead and the headteacher see this case (SPEC §9)")
            let decisions = state.referralDecisions.map { "\($0.route.rawValue)" + ($0.reference.map { " (\($0))" } ?? "") + ($0.reason.map { " — \($0)" } ?? "") }
            lines.append("  referral:  \(decisions.isEmpty ? "NOT RECORDED: casebook report police|iwf|report-remove|ceop \(state.reference) --reference REF, or report none --reason TEXT" : decisions.joined(separator: "; "))")
        }
        for record in state.purges {
            lines.append(
                "Purged:      \(record.items.joined(separator: ", ")) on \(time(record.at)) by \(record.by): \(record.purge.reason) ("
                    + record.purge.files.map { "sha256 \($0.sha256)" }.joined(separator: ", ") + ")")
        }
        lines.append("")
        lines.append("Evidence:    \(state.liveEvidence.isEmpty ? "none" : state.liveEvidence.map { item in item.details.map { "\(item.id)\(exhibits[item.id].map { " (\($0))" } ?? "") \($0.kind.rawValue)" + ($0.url.map { " \($0)" } ?? "") + ($0.capture == nil ? "" : " (captured by Casebook)") } ?? "\(item.id) [redacted]" }.joined(separator: "; "))")
        let investigation: String
        switch state.investigation {
        case .notStarted: investigation = "not started"
        case .started:
            investigation = state.investigationRound > 1 ? "round \(state.investigationRound) under way (the case was reopened)" : "started"
        case .concluded(let finding, let summary): investigation = "concluded: \(finding.rawValue) — \(summary)"
        }
        lines.append("Investigation: \(investigation)")
        lines.append("  source:    \(state.source.map { $0.kind.rawValue + ($0.ref.map { " (\($0))" } ?? "") } ?? "—")"
            + (repeats.isEmpty ? "" : "   REPEAT SOURCE: also in \(repeats.map(\.description).joined(separator: ", ")) (001 §8.5)"))
        lines.append("  threat:    \(state.isThreatening.map { $0 ? "threatening or intimidating" : "not threatening" } ?? "—")"
            + (state.threatRationale.map { " — \($0)" } ?? ""))
        let referrals = state.referrals.filter { $0.withdrawal == nil }.map { referral in
            switch referral.kind {
            case .behaviour(let pupil): return "\(referral.id) behaviour (\(pupil))"
            case .disciplinary(let staff): return "\(referral.id) disciplinary (\(staff))"
            }
        }
        lines.append("  referrals: \(referrals.isEmpty ? "—" : referrals.joined(separator: ", "))")
        let notes = state.liveNotes
        lines.append(notes.isEmpty ? "  notes:     —" : "  notes:")
        for note in notes {
            lines.append("    \(note.id): " + note.text.replacingOccurrences(of: "\n", with: "\n        "))
        }
        let live = state.liveTakedowns
        lines.append("Takedown:    \(live.isEmpty ? "no requests" : "\(live.count) request\(live.count == 1 ? "" : "s")")"
            + state.liveNotApplicable.map { "; not applicable for \($0.covers.isEmpty ? "the case" : $0.covers.joined(separator: ",")) — \($0.reason)" }.joined())
        let removal = state.removal
        for takedown in live {
            var line = "  \(takedown.request.id) \(takedown.request.host) (\(takedown.request.evidence.joined(separator: ","))) by \(takedown.request.method.rawValue), sent by \(takedown.request.sentBy.rawValue); due \(time(takedown.deadline))"
            line += "; response \(takedown.response?.rawValue ?? "—"); check \(takedown.check?.rawValue ?? "—")"
            if let isp = takedown.isp { line += "; ISP \(isp): \(takedown.ispResponse?.rawValue ?? "awaiting")" }
            line += takedown.isResolved ? "; resolved for closing" : "; not resolved for closing"
            lines.append(line)
            if let request = removal.requests.first(where: { $0.id == takedown.request.id }) {
                lines.append("      material: " + Removal.requestText(request, localTime))
            }
            if let route = Workflow.imageryRoute(for: takedown.request, in: state) { lines.append("    IWF route: \(route)") }
        }
        lines.append("Material:    \(removal.statusText(localTime)); \(removal.within24HoursText)")
        let police = state.policeReferral.map {
            "referred to \($0.force)" + ($0.reference.map { " (\($0))" } ?? "")
                + ($0.overrideReason.map { " — CHILD-PROTECTION OVERRIDE, without consent: \($0)" } ?? "")
                + ($0.unlawfulConduct.map { " — conduct the school considers unlawful (000 §14.5): \($0)" } ?? "")
        } ?? "not referred"
        lines.append("Police:      consent \(state.consent?.rawValue ?? "not recorded"); \(police)")
        if state.policeToBeToldSince != nil {
            lines.append("  TO DO:     tell the force that consent was withdrawn, then record it: casebook police notified \(state.reference)")
        }
        for track in Commands.tracks { lines += track.showLines(state, time: time) }
        if state.supportOffers.isEmpty {
            lines.append("Support:     not offered")
        } else {
            lines.append("Support:     \(state.supportResponse.map { "answer recorded: \($0.rawValue)" } ?? "no answer yet")")
            for offer in state.supportOffers {
                lines.append("  offered \(time(offer.at)) by \(person(offer.by)): \(offer.services.joined(separator: ", "))")
            }
        }
        let withdrawn = withdrawnEntries(state)
        if !withdrawn.isEmpty {
            lines.append("Withdrawn:   \(withdrawn.joined(separator: ", ")) (entered in error; kept in the timeline)")
        }
        if let closure = state.closure {
            lines.append("Closed:      \(time(closure.at)) — \(closure.action.rawValue): \(closure.outcome)")
        }
        if !overdue.isEmpty {
            lines.append("")
            lines.append("OVERDUE:")
            for deadline in overdue { lines.append("  \(StepWords.what(deadline)), due \(time(deadline.due)): \(deadline.nextAction): \(StepWords.render(deadline.step, case: state.reference.description, localTime: localTime))") }
        }
        lines.append("")
        func command(_ step: StepAvailability) -> String {
            "casebook \(StepWords.command(step.step)) \(state.reference)" + (step.subjects.isEmpty ? "" : " " + step.subjects.joined(separator: "|"))
                + (StepWords.heading(step.step) == StepWords.command(step.step) ? "" : String(StepWords.heading(step.step).dropFirst(StepWords.command(step.step).count)))
        }
        func workflowBlockers(_ step: StepAvailability) -> [Refusal] { step.blockers.filter { $0.rule != Workflow.roleRule } }
        func roleBlocked(_ step: StepAvailability) -> Bool { step.blockers.contains { $0.rule == Workflow.roleRule } }
        if state.status == .closed {
            // One line, not a refusal per step: only reopening is possible.
            let reopen = steps.first { $0.step == .reopen }
            if let reopen, reopen.isAllowed {
                lines.append("Closed: only reopening is possible: \(command(reopen))")
            } else {
                lines.append("Closed: only reopen is possible, by \(StepWords.who(.reopen))")
            }
            if let correct = steps.first(where: { $0.step == .correctClosure }), correct.isAllowed {
                lines.append("        or, if the outcome was entered wrongly: \(command(correct)) --outcome TEXT --action ACTION --reason TEXT")
            }
        } else {
            lines.append("Allowed now:")
            let mine = steps.filter(\.isAllowed)
            if mine.isEmpty { lines.append("  nothing you may do now") }
            for step in mine { lines.append("  " + command(step)) }
            // Allowed by the workflow, but for another role: apart and named, so no one is told
            // to do what they will be refused (SPEC §11).
            let others = steps.filter { roleBlocked($0) && workflowBlockers($0).isEmpty }
            if !others.isEmpty { lines.append("Others may now:") }
            for step in others {
                lines.append("  \(StepWords.who(step.step)): \(StepWords.command(step.step))" + (step.subjects.isEmpty ? "" : " " + step.subjects.joined(separator: "|")))
            }
            lines.append("Blocked:")
            if state.triage == .awaiting {
                // One line, not the same refusal for every step.
                lines.append("  every other step, until the concern is triaged [concern-awaiting-triage]")
            }
            for step in steps where !workflowBlockers(step).isEmpty && state.triage != .awaiting {
                lines.append("  \(StepWords.heading(step.step))" + (roleBlocked(step) ? " (for \(StepWords.who(step.step)))" : "") + ":")
                for blocker in workflowBlockers(step) {
                    lines.append("    - \(MessageWords.render(blocker.reason, localTime: localTime)) [\(blocker.rule), \(blocker.clause)]")
                }
            }
        }
        // Each line holds values from the database: escaped, so none can fake a line.
        return lines.map { TextField.escaped($0) }.joined(separator: "\n")
    }

    /// The entries withdrawn as entered in error, by name, in the order they were made.
    static func withdrawnEntries(_ state: CaseState) -> [String] {
        state.evidence.filter { $0.withdrawal != nil }.map(\.id) + state.notes.filter { $0.withdrawal != nil }.map(\.id)
            + state.referrals.filter { $0.withdrawal != nil }.map(\.id) + state.takedowns.filter { $0.withdrawal != nil }.map(\.request.id)
            + (state.notApplicable.contains { $0.withdrawal != nil } ? ["not-applicable"] : [])
    }
}
