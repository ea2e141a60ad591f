import EventLog
import Foundation

/// Removal of the material, told per host and per case (SPEC §6; 000 §13.5–§13.6): the one
/// computation the HR outcomes report, the timeline header and `show` all read, so that
/// no two of them can disagree.
///
/// Per request: when it was made, how it was resolved (``Resolution``), when, the hours
/// from the request and whether that was within 24 hours. Per case (``Status``): when all
/// the material was down (the last live request taken down by removal, amendment or a
/// block), still online when any request is not, or nothing to remove. Every time runs
/// from the request it belongs to, never from the report: a request made after a
/// reopening counts from when it was made.
public struct Removal: Sendable, Equatable {
    /// How a takedown request was resolved.
    ///
    /// Extension point: a track that resolves requests another way (a helpline's
    /// outcome, say) adds its case here; every switch over it is in this file, so the
    /// compiler names each place that must decide whether it takes the material down.
    public enum Resolution: String, Sendable, Equatable, CaseIterable {
        /// A check confirmed the material was removed.
        case removed
        /// A check confirmed the material was amended.
        case amended
        /// The ISP blocked the material.
        case blockedByISP = "blocked-by-isp"
        /// The ISP closed the site.
        case siteClosedByISP = "site-closed-by-isp"
        /// A helpline (POSH, Report Harmful Content) had the platform remove it (SPEC §10).
        case removedViaHelpline = "removed-via-helpline"
        /// Nothing has taken it down (whatever the host or the ISP answered).
        case stillOnline = "still-online"
        /// The request was withdrawn as entered in error: it counts for nothing.
        case withdrawn

        /// Whether the material is down: the hours and the 24 hours count to here.
        public var takesMaterialDown: Bool {
            switch self {
            case .removed, .amended, .blockedByISP, .siteClosedByISP, .removedViaHelpline: return true
            case .stillOnline, .withdrawn: return false
            }
        }

        /// `removed`, `blocked by the ISP`, …, in words for people.
        public var words: String {
            switch self {
            case .removed: return "removed"
            case .amended: return "amended"
            case .blockedByISP: return "blocked by the ISP"
            case .siteClosedByISP: return "site closed by the ISP"
            case .removedViaHelpline: return "removed through the helpline"
            case .stillOnline: return "still online"
            case .withdrawn: return "withdrawn (entered in error)"
            }
        }
    }

    /// One takedown request's removal.
    public struct Request: Sendable, Equatable {
        /// `T1`, …
        public var id: String
        /// The host asked.
        public var host: String
        /// When the request was made: its hours count from here.
        public var requestedAt: Date
        /// How it was resolved.
        public var resolution: Resolution
        /// When the material was taken down (or the request withdrawn); nil while still online.
        public var resolvedAt: Date?
        /// Whether the request is resolved for closing the case (SPEC §2.8): a check
        /// confirmed removal, the ISP blocked or closed the site, or a helpline answered (an ISP
        /// refusal leaves the material online and the request open).
        public var isResolvedForClosing: Bool
        /// Since when the material was visible (000 §14.2, "how long the content remained
        /// visible"): the earliest time one of the request's evidence items was posted, or,
        /// with no posting time known, first captured; nil when neither is known.
        public var visibleFrom: Date?
        /// `posted` or `captured`: which of the two ``visibleFrom`` is.
        public var visibleFromBasis: String?

        /// Creates a request's removal.
        public init(
            id: String, host: String, requestedAt: Date, resolution: Resolution, resolvedAt: Date?, isResolvedForClosing: Bool,
            visibleFrom: Date? = nil, visibleFromBasis: String? = nil
        ) {
            self.id = id
            self.host = host
            self.requestedAt = requestedAt
            self.resolution = resolution
            self.resolvedAt = resolvedAt
            self.isResolvedForClosing = isResolvedForClosing
            self.visibleFrom = visibleFrom
            self.visibleFromBasis = visibleFromBasis
        }

        /// Hours the material remained visible: from ``visibleFrom`` to it being down,
        /// with the same rounding as ``hours``; nil unless it is down and the start is known.
        public var visibleHours: Double? {
            guard resolution.takesMaterialDown, let from = visibleFrom, let to = resolvedAt else { return nil }
            return Removal.hours(from: from, to: to)
        }

        /// Whether it counts (not withdrawn).
        public var isLive: Bool { resolution != .withdrawn }

        /// Hours from the request to the material being down, rounded up to a tenth (so a
        /// figure of 24.0 or less is always within the 24 hours, and more never is); nil
        /// unless it is down.
        public var hours: Double? {
            guard resolution.takesMaterialDown, let resolvedAt else { return nil }
            return Removal.hours(from: requestedAt, to: resolvedAt)
        }

        /// Whole milliseconds from the request to the material being down (times are stored to the millisecond).
        private var milliseconds: Int64? {
            resolvedAt.map { Int64(($0.timeIntervalSince(requestedAt) * 1000).rounded()) }
        }

        /// Whether the material was down within 24 hours of the request; false while still
        /// online; nil for a withdrawn request.
        public var isWithin24Hours: Bool? {
            switch resolution {
            case .withdrawn: return nil
            case .stillOnline: return false
            case .removed, .amended, .blockedByISP, .siteClosedByISP, .removedViaHelpline:
                guard let milliseconds else { return false }
                return milliseconds <= Int64(Workflow.takedownWindow * 1000)
            }
        }
    }

    /// Where the case's material stands.
    public enum Status: Sendable, Equatable {
        /// No live URL evidence and no live request: nothing on a host to take down.
        case nothingToRemove
        /// URL evidence, all declared not applicable, and no live request.
        case notApplicable
        /// Some material is still online: a live request not taken down, or URL evidence
        /// with neither a request nor a declaration.
        case stillOnline
        /// Every live request was taken down; the last at this instant.
        case allDown(at: Date)

        /// `nothing-to-remove`, `not-applicable`, `still-online`, `all-down`.
        public var word: String {
            switch self {
            case .nothingToRemove: return "nothing-to-remove"
            case .notApplicable: return "not-applicable"
            case .stillOnline: return "still-online"
            case .allDown: return "all-down"
            }
        }
    }

    /// Every request, withdrawn ones included, in order.
    public var requests: [Request]
    /// Where the case's material stands.
    public var status: Status
    /// Live URL evidence with neither a live request nor a declaration (`E2`, …): still
    /// online, and not yet asked for.
    public var unrequested: [String]

    /// Creates a removal from its parts (the closures read model stores them).
    public init(requests: [Request], status: Status, unrequested: [String] = []) {
        self.requests = requests
        self.status = status
        self.unrequested = unrequested
    }

    /// Hours between two instants rounded up to a tenth: the one rounding every report uses
    /// for a time to removal (so 24.0 or less is always within the 24 hours, and more never is).
    public static func hours(from start: Date, to end: Date) -> Double {
        let milliseconds = Int64((end.timeIntervalSince(start) * 1000).rounded())
        return Double((max(0, milliseconds) + 359_999) / 360_000) / 10
    }

    /// A figure in hours as every report writes it: `23.5`.
    public static func hoursFigure(_ hours: Double) -> String { String(format: "%.1f", hours) }

    /// The requests that count.
    public var liveRequests: [Request] { requests.filter(\.isLive) }

    /// When all the material was down; nil unless it is.
    public var allDownAt: Date? { if case .allDown(let at) = status { at } else { nil } }

    /// How many live requests had the material down within 24 hours.
    public var within24HoursCount: Int { liveRequests.filter { $0.isWithin24Hours == true }.count }

    /// Whether every live request had the material down within 24 hours of it; nil when no
    /// request was made.
    public var isAllWithin24Hours: Bool? {
        let live = liveRequests
        guard !live.isEmpty else { return nil }
        return allDownAt != nil && within24HoursCount == live.count
    }

    /// The longest hours from a request to its material being down, once all is down.
    public var longestHours: Double? {
        guard allDownAt != nil else { return nil }
        return liveRequests.compactMap(\.hours).max()
    }

    /// The longest time the material remained visible (000 §14.2), once all is down: from
    /// when it was posted (or first captured) to its removal; nil when no start is known.
    public var longestVisibleHours: Double? {
        guard allDownAt != nil else { return nil }
        return liveRequests.compactMap(\.visibleHours).max()
    }

    /// `hosts` when each live request went to a different host, else `requests`.
    private var unit: String {
        let live = liveRequests
        return Set(live.map { $0.host.lowercased() }).count == live.count ? (live.count == 1 ? "host" : "hosts") : (live.count == 1 ? "request" : "requests")
    }

    /// `2 of 3 hosts within 24 h`, or `no request`; with `, E2 not yet requested` while
    /// URL evidence has no request.
    public var within24HoursText: String {
        let live = liveRequests
        let pending = unrequested.isEmpty ? "" : ", \(unrequested.joined(separator: " and ")) not yet requested"
        guard !live.isEmpty else { return "no request" + pending }
        return "\(within24HoursCount) of \(live.count) \(unit) within 24 h" + pending
    }

    /// The case figure in words, with times in `localTime`: `all material down 21 Oct 2026
    /// 14:00 BST (longest 46.8 h after its request)`, `still online (T2 example.com)`,
    /// `nothing to remove`, `takedown not applicable`.
    public func statusText(_ localTime: LocalTime) -> String {
        switch status {
        case .nothingToRemove: return "nothing to remove (no web or social evidence)"
        case .notApplicable: return "takedown not applicable"
        case .stillOnline:
            let online = liveRequests.filter { $0.resolution == .stillOnline }.map { "\($0.id) \($0.host)" }
            return "still online (" + (online + unrequested.map { "\($0) not yet requested" }).joined(separator: ", ") + ")"
        case .allDown(let at):
            return "all material down at \(localTime.format(at))"
                + (longestHours.map { " (longest \(Removal.hoursFigure($0)) h after its request)" } ?? "")
        }
    }

    /// One request in words: `T1 chirp.example: removed 28 Mar 16:00 GMT, 6.0 h after the request (within 24 h)`.
    public static func requestText(_ request: Request, _ localTime: LocalTime) -> String {
        var text = "\(request.id) \(request.host): requested \(localTime.format(request.requestedAt)); \(request.resolution.words)"
        if request.resolution.takesMaterialDown, let at = request.resolvedAt, let hours = request.hours {
            text += " \(localTime.format(at)), \(Removal.hoursFigure(hours)) h after the request"
                + (request.isWithin24Hours == true ? " (within 24 h)" : " (NOT within 24 h)")
        } else if request.resolution == .stillOnline {
            text += request.isResolvedForClosing ? " (resolved for closing: the helpline answered)" : ""
        }
        return text
    }

    // MARK: The computation

    /// The removal figures of a case as its state stands.
    public static func of(_ state: CaseState) -> Removal {
        let requests = state.takedowns.map { request(of: $0, in: state) }
        let live = requests.filter(\.isLive)
        let status: Status
        if live.contains(where: { !$0.resolution.takesMaterialDown }) || !state.uncoveredURLEvidence.isEmpty {
            status = .stillOnline
        } else if let last = live.compactMap(\.resolvedAt).max() {
            status = .allDown(at: last)
        } else if state.liveEvidence.contains(where: \.isURLEvidence) {
            status = .notApplicable
        } else {
            status = .nothingToRemove
        }
        return Removal(requests: requests, status: status, unrequested: state.uncoveredURLEvidence.map(\.id))
    }

    /// One request's resolution: the earliest standing take-down — a check confirming
    /// removal or amendment, or the ISP's block or closure — unless a later check found
    /// the material still present.
    static func request(of takedown: CaseState.Takedown, in state: CaseState) -> Request {
        var resolution = Resolution.stillOnline
        var resolvedAt: Date?
        if let withdrawal = takedown.withdrawal {
            resolution = .withdrawn
            resolvedAt = withdrawal.at
        } else {
            var candidates: [(Resolution, Date)] = []
            if let check = takedown.check, check.confirmsRemoval, let at = takedown.removalConfirmedAt {
                candidates.append((check == .amended ? .amended : .removed, at))
            }
            if let answered = takedown.ispRespondedAt, !(takedown.check == .stillPresent && (takedown.checkedAt ?? .distantPast) > answered) {
                switch takedown.ispResponse {
                case .blocked?: candidates.append((.blockedByISP, answered))
                case .siteClosed?: candidates.append((.siteClosedByISP, answered))
                case .refused?, .noResponse?, nil: break
                }
            }
            if takedown.helplineResult == .removed, let answered = takedown.helplineRespondedAt,
                !(takedown.check == .stillPresent && (takedown.checkedAt ?? .distantPast) > answered)
            {
                candidates.append((.removedViaHelpline, answered))
            }
            if let first = candidates.min(by: { $0.1 < $1.1 }) {
                resolution = first.0
                resolvedAt = first.1
            }
        }
        let items = takedown.request.evidence.compactMap { state.evidenceItem($0)?.details }
        let posted = items.compactMap { $0.postedAt.flatMap(Timestamp.date(from:)) }.min()
        let captured = items.compactMap { Timestamp.date(from: $0.capturedAt) }.min()
        return Request(
            id: takedown.request.id, host: takedown.request.host, requestedAt: takedown.requestedAt, resolution: resolution,
            resolvedAt: resolvedAt, isResolvedForClosing: takedown.isResolved, visibleFrom: posted ?? captured,
            visibleFromBasis: posted != nil ? "posted" : captured != nil ? "captured" : nil)
    }

    // MARK: Stored form (the closures read model)

    /// The figures as JSON, for the closures read model and the JSON reports. Times are UTC.
    public var jsonValue: JSONValue { json(hosts: true) }

    /// The figures as JSON; without the hosts for the HR outcomes report, which names no
    /// evidence (its request ids and counts are enough).
    public func json(hosts: Bool) -> JSONValue {
        [
            "status": .string(status.word),
            "allDownAt": JSONValue(allDownAt.map(Timestamp.string(from:))),
            "longestHours": longestHours.map(JSONValue.double) ?? .null,
            "longestVisibleHours": longestVisibleHours.map(JSONValue.double) ?? .null,
            "within24Hours": .int(within24HoursCount),
            "requests": .int(liveRequests.count),
            "allWithin24Hours": isAllWithin24Hours.map(JSONValue.bool) ?? .null,
            "unrequested": .array(unrequested.map(JSONValue.string)),
            "perRequest": .array(
                requests.map { request in
                    [
                        "id": .string(request.id), "host": hosts ? .string(request.host) : .null,
                        "requestedAt": .string(Timestamp.string(from: request.requestedAt)),
                        "resolution": .string(request.resolution.rawValue),
                        "resolvedAt": JSONValue(request.resolvedAt.map(Timestamp.string(from:))),
                        "hours": request.hours.map(JSONValue.double) ?? .null,
                        "visibleFrom": JSONValue(request.visibleFrom.map(Timestamp.string(from:))),
                        "visibleFromBasis": JSONValue(request.visibleFromBasis),
                        "visibleHours": request.visibleHours.map(JSONValue.double) ?? .null,
                        "within24Hours": request.isWithin24Hours.map(JSONValue.bool) ?? .null,
                        "resolvedForClosing": .bool(request.isResolvedForClosing),
                    ]
                }),
        ]
    }

    /// Reads ``jsonValue`` back; nil when the text is not that form (an old read model:
    /// `casebook rebuild` rewrites it).
    public init?(json: JSONValue) {
        guard let object = json.object, let word = object["status"]?.string, let list = object["perRequest"]?.array else { return nil }
        var requests: [Request] = []
        for item in list {
            guard let fields = item.object, let id = fields["id"]?.string,
                let requested = fields["requestedAt"]?.string.flatMap(Timestamp.date(from:)),
                let resolution = fields["resolution"]?.string.flatMap(Resolution.init(rawValue:))
            else { return nil }
            requests.append(
                Request(
                    id: id, host: fields["host"]?.string ?? "", requestedAt: requested, resolution: resolution,
                    resolvedAt: fields["resolvedAt"]?.string.flatMap(Timestamp.date(from:)),
                    isResolvedForClosing: fields["resolvedForClosing"]?.bool ?? false,
                    visibleFrom: fields["visibleFrom"]?.string.flatMap(Timestamp.date(from:)),
                    visibleFromBasis: fields["visibleFromBasis"]?.string))
        }
        let status: Status
        switch word {
        case "nothing-to-remove": status = .nothingToRemove
        case "not-applicable": status = .notApplicable
        case "still-online": status = .stillOnline
        case "all-down":
            guard let at = object["allDownAt"]?.string.flatMap(Timestamp.date(from:)) else { return nil }
            status = .allDown(at: at)
        default: return nil
        }
        self.init(requests: requests, status: status, unrequested: object["unrequested"]?.array?.compactMap(\.string) ?? [])
    }
}
