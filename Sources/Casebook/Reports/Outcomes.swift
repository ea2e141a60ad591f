import Foundation

/// The HR outcomes report (SPEC §6): one row per case closed in a period, with the
/// outcome facts a disciplinary hearing needs and no evidence content or notes.
public struct Outcomes: Sendable {
    /// One closure of a case (a case closed twice has a row per closure).
    public struct Row: Sendable, Equatable {
        /// The case reference.
        public var reference: CaseReference
        /// The school.
        public var school: String
        /// When the case was opened (the report).
        public var openedAt: Date
        /// When it was closed.
        public var closedAt: Date
        /// The categories.
        public var categories: [String]
        /// The kind of source identified (`pupil`, `staff`, …), if one was.
        public var sourceKind: String?
        /// Live referrals at the closure, one kind each: `behaviour`, `disciplinary`.
        public var referrals: [String]
        /// `threatening` or `not-threatening`, once assessed.
        public var threat: String?
        /// `not-referred`, `referred`, `referred-override` (child-protection override) or
        /// `referred-unlawful-conduct` (000 §14.5).
        public var police: String
        /// The investigation's finding.
        public var finding: String?
        /// The action taken at closing.
        public var action: String?
        /// The outcome summary given at closing.
        public var outcome: String?
        /// The removal figures as they stood at this closure (see ``Removal``).
        public var removal: Removal
        /// When the case was reopened after this closure; nil while the closure stands.
        public var reopenedAt: Date? = nil
        /// The staff source's reference and the staff referred for discipline (for `staff`).
        public var staffInvolved: [String] = []

        /// Whether the member of staff is this case's staff source or referred for discipline.
        public func involves(staff id: String) -> Bool {
            staffInvolved.contains { $0.caseInsensitiveCompare(id) == .orderedSame }
        }

        /// The referrals in words: `behaviour`, `behaviour ×2, disciplinary`.
        public var referralsText: String {
            var counts: [(String, Int)] = []
            for kind in referrals {
                if let index = counts.firstIndex(where: { $0.0 == kind }) { counts[index].1 += 1 } else { counts.append((kind, 1)) }
            }
            return counts.map { $0.1 > 1 ? "\($0.0) ×\($0.1)" : $0.0 }.joined(separator: ", ")
        }

        /// Whether every takedown request had the material down within 24 hours of it; nil
        /// when no request was made.
        public var removedWithin24Hours: Bool? { removal.isAllWithin24Hours }
    }

    /// The counts across the rows: each case once (a case closed twice in the period is
    /// counted by its latest closure there), each live referral once.
    public struct Summary: Sendable, Equatable {
        /// Cases closed in the period.
        public var closed: Int
        /// Closures in the period (more than ``closed`` when a case closed, reopened and closed again).
        public var closures: Int = 0
        /// Cases by finding, e.g. `substantiated: 3`.
        public var findings: [String: Int]
        /// Cases by closing action.
        public var actions: [String: Int]
        /// Cases referred to the police (with or without consent).
        public var policeReferrals: Int
        /// Of those, referred under the child-protection override.
        public var overrides: Int
        /// Live behaviour referrals (000 §13.4), each once.
        public var behaviourReferrals: Int
        /// Live disciplinary referrals (000 §14), each once.
        public var disciplinaryReferrals: Int
        /// Cases with at least one takedown request.
        public var withTakedown: Int
        /// Of those, cases whose every request had the material down within 24 hours.
        public var removedWithin24Hours: Int

        /// The share of cases with a takedown request whose material was removed within 24
        /// hours of every request, from 0 to 1; nil when no case had a request.
        public var removedWithin24HoursShare: Double? {
            withTakedown == 0 ? nil : Double(removedWithin24Hours) / Double(withTakedown)
        }
    }

    /// The closures in the period, oldest first (a case closed twice has a row per closure).
    public var rows: [Row]
    /// With `staff`: only the cases where that member is the staff source or referred for discipline.
    public var staff: String?
    /// The period's start (inclusive), if bounded.
    public var since: Date?
    /// The period's end (exclusive), if bounded.
    public var until: Date?
    /// Who exported it.
    public var exportedBy: StaffMember
    /// When it was exported.
    public var exportedAt: Date
    /// The zone times are shown in.
    public var localTime: LocalTime
    /// Whether the database trusts `--as` as given (SPEC §8): the notice then says so.
    public var identitiesClaimed = false
    /// With `--as-of`: the instant whose record the report shows.
    public var asOf: Date?

    /// Creates a report from its rows.
    init(rows: [Row], since: Date?, until: Date?, exportedBy: StaffMember, exportedAt: Date, localTime: LocalTime) {
        self.rows = rows
        self.since = since
        self.until = until
        self.exportedBy = exportedBy
        self.exportedAt = exportedAt
        self.localTime = localTime
    }

    /// The counts across the rows.
    public var summary: Summary {
        // Each case by its latest closure in the period.
        var latest: [CaseReference: Row] = [:]
        for row in rows { latest[row.reference] = row }
        var summary = Summary(
            closed: latest.count, closures: rows.count, findings: [:], actions: [:], policeReferrals: 0, overrides: 0,
            behaviourReferrals: 0, disciplinaryReferrals: 0, withTakedown: 0, removedWithin24Hours: 0)
        for row in rows where latest[row.reference] == row {
            summary.findings[row.finding ?? "none", default: 0] += 1
            summary.actions[row.action ?? "none", default: 0] += 1
            if row.police != "not-referred" { summary.policeReferrals += 1 }
            if row.police == "referred-override" { summary.overrides += 1 }
            summary.behaviourReferrals += row.referrals.filter { $0 == "behaviour" }.count
            summary.disciplinaryReferrals += row.referrals.filter { $0 == "disciplinary" }.count
            if let removed = row.removedWithin24Hours {
                summary.withTakedown += 1
                if removed { summary.removedWithin24Hours += 1 }
            }
        }
        return summary
    }

    /// The period in words: `closed from 2026-01-01 00:00 GMT until 2026-04-01 00:00 BST`.
    public var period: String {
        switch (since, until) {
        case (nil, nil): return "closed at any time"
        case (let since?, nil): return "closed from \(localTime.format(since))"
        case (nil, let until?): return "closed before \(localTime.format(until))"
        case (let since?, let until?): return "closed from \(localTime.format(since)) until \(localTime.format(until))"
        }
    }

    /// The summary line: counts, and the share removed within 24 hours of the request.
    public var summaryLine: String {
        let summary = summary
        var parts = [
            "\(summary.closed) case\(summary.closed == 1 ? "" : "s") \(period)"
                + (summary.closures > summary.closed ? " (\(summary.closures) closures: a reopened case closed again counts once, by its latest closure)" : "")
                + (staff.map { " where \($0) is the staff source or referred for discipline" } ?? "")
        ]
        if !summary.findings.isEmpty {
            parts.append("findings: " + summary.findings.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        parts.append(
            "\(summary.policeReferrals) referred to the police"
                + (summary.overrides > 0 ? " (\(summary.overrides) under the child-protection override)" : ""))
        parts.append("\(summary.behaviourReferrals) behaviour and \(summary.disciplinaryReferrals) disciplinary referral(s) standing")
        if let share = summary.removedWithin24HoursShare {
            parts.append(
                "material removed within 24 hours of the request in \(summary.removedWithin24Hours) of "
                    + "\(summary.withTakedown) case(s) with a takedown request (\(Int((share * 100).rounded()))%)")
        } else {
            parts.append("no takedown requests")
        }
        return parts.joined(separator: "; ")
    }

    /// The confidentiality line every format carries.
    public var confidentialityNotice: String {
        "CONFIDENTIAL — HR outcomes of online-abuse cases \(period). Exported by "
            + "\(Timeline.Person(id: exportedBy.id, name: exportedBy.name).label) on \(localTime.formatWithSeconds(exportedAt)). "
            + "No evidence content or notes are included; share only with those hearing the case."
            + (asOf.map { " As the record stood at \(localTime.format($0)): entries recorded later are left out." } ?? "")
            + (identitiesClaimed ? " " + IdentityMode.claimedNotice : "")
    }

    /// The columns every tabular format shows, with each row's cells.
    static let columns = [
        "Reference", "School", "Opened", "Closed", "Reopened", "Categories", "Source", "Referrals", "Threat", "Police", "Finding",
        "Action", "Material", "Hours from request to removal", "Hours visible", "Visible from", "Removed within 24 h", "Outcome",
    ]

    /// One row's cells, in ``columns`` order.
    func cells(_ row: Row) -> [String] {
        [
            row.reference.description, row.school, localTime.formatDate(row.openedAt), localTime.formatDate(row.closedAt),
            row.reopenedAt.map(localTime.formatDate) ?? "",
            row.categories.joined(separator: ", "), row.sourceKind ?? "", row.referralsText,
            row.threat ?? "", row.police, row.finding ?? "", row.action ?? "", materialCell(row.removal),
            row.removal.longestHours.map(Removal.hoursFigure) ?? "",
            row.removal.longestVisibleHours.map(Removal.hoursFigure) ?? "", visibleFromCell(row.removal), row.removal.within24HoursText,
            row.outcome ?? "",
        ]
    }

    /// Where the hours visible (000 §14.2) start: `posting` (when the material was
    /// posted), or `first capture` when no posting time is known.
    func visibleFromCell(_ removal: Removal) -> String {
        guard let hours = removal.longestVisibleHours,
            let longest = removal.liveRequests.first(where: { $0.visibleHours == hours })
        else { return "" }
        return longest.visibleFromBasis == "posted" ? "posting" : "first capture"
    }

    /// The case figure in a cell: `all down 28 Mar 2026 16:00 GMT`, `still online`, …
    func materialCell(_ removal: Removal) -> String {
        switch removal.status {
        case .allDown(let at): return "all down \(localTime.format(at))"
        case .stillOnline: return "still online"
        case .nothingToRemove: return "nothing to remove"
        case .notApplicable: return "not applicable"
        }
    }
}
