import Casebook
import EventLog
import Foundation

/// `casebook show` for people: the case, its tracks, what is overdue, and the steps
/// allowed now or blocked (from the library's own guards).
enum CaseText {
    static func render(
        _ state: CaseState, steps: [StepAvailability], overdue: [Deadline], repeats: [CaseReference], localTime: LocalTime
    ) -> String {
        func time(_ date: Date?) -> String { date.map(localTime.format) ?? "—" }
        var lines: [String] = []
        lines.append("\(state.reference)  \(state.status.rawValue.uppercased())\(state.isUrgent ? "  URGENT (child mentioned, 001 §8.6)" : "")")
        lines.append("School:      \(state.opened.school.isEmpty ? "—" : state.opened.school)")
        lines.append("Affected:    \(state.opened.affected)   reported by \(state.opened.reportedBy) to \(state.opened.reportedTo)")
        lines.append("Opened:      \(time(state.openedAt))   discovered \(time(Timestamp.date(from: state.opened.discoveredAt)))")
        lines.append("Categories:  \(state.opened.categories.map(\.rawValue).joined(separator: ", "))")
        lines.append("Summary:     \(state.opened.summary)")
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
        lines.append("Evidence:    \(state.liveEvidence.isEmpty ? "none" : state.liveEvidence.map { item in item.details.map { "\(item.id) \($0.kind.rawValue)" + ($0.url.map { " \($0)" } ?? "") } ?? "\(item.id) [redacted]" }.joined(separator: "; "))")
        let investigation: String
        switch state.investigation {
        case .notStarted: investigation = "not started"
        case .started: investigation = "started"
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
        let live = state.liveTakedowns
        lines.append("Takedown:    \(live.isEmpty ? "no requests" : "\(live.count) request\(live.count == 1 ? "" : "s")")"
            + state.liveNotApplicable.map { "; not applicable for \($0.covers.isEmpty ? "the case" : $0.covers.joined(separator: ",")) — \($0.reason)" }.joined())
        for takedown in live {
            var line = "  \(takedown.request.id) \(takedown.request.host) (\(takedown.request.evidence.joined(separator: ","))) by \(takedown.request.method.rawValue), sent by \(takedown.request.sentBy.rawValue); due \(time(takedown.deadline))"
            line += "; response \(takedown.response?.rawValue ?? "—"); check \(takedown.check?.rawValue ?? "—")"
            if let isp = takedown.isp { line += "; ISP \(isp): \(takedown.ispResponse?.rawValue ?? "awaiting")" }
            line += takedown.isResolved ? "; RESOLVED" : ""
            lines.append(line)
            if let route = Workflow.imageryRoute(for: takedown.request, in: state) { lines.append("    IWF route: \(route)") }
        }
        let police = state.policeReferral.map {
            "referred to \($0.force)" + ($0.reference.map { " (\($0))" } ?? "")
                + ($0.overrideReason.map { " — CHILD-PROTECTION OVERRIDE, without consent: \($0)" } ?? "")
        } ?? "not referred"
        lines.append("Police:      consent \(state.consent?.rawValue ?? "not recorded"); \(police)")
        if state.policeToBeToldSince != nil {
            lines.append("  TO DO:     tell the force that consent was withdrawn, then record it: casebook police notified \(state.reference)")
        }
        lines.append("Support:     \(state.supportServices.map { "offered (\($0.joined(separator: ", "))); \(state.supportResponse?.rawValue ?? "no answer yet")" } ?? "not offered")")
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
            for deadline in overdue { lines.append("  \(deadline.kind.rawValue) \(deadline.subject), due \(time(deadline.due)): \(deadline.nextAction): \(StepWords.render(deadline.step, case: state.reference.description, localTime: localTime))") }
        }
        lines.append("")
        lines.append("Allowed now:")
        for step in steps where step.isAllowed {
            lines.append("  casebook \(StepWords.command(step.step)) \(state.reference)" + (step.subjects.isEmpty ? "" : " " + step.subjects.joined(separator: "|")))
        }
        lines.append("Blocked:")
        for step in steps where !step.isAllowed {
            lines.append("  \(StepWords.command(step.step)):")
            for blocker in step.blockers { lines.append("    - \(blocker.reason) [\(blocker.rule), \(blocker.clause)]") }
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
