import EventLog
import Foundation

/// What Casebook itself saw when it fetched a page for an evidence item (SPEC §13, 000
/// §12.2: "the time, date and address of site"): kept in the item's `EvidenceCaptured`
/// event beside the URL as given, so the screenshot, the print and the WARC are tied to the
/// address and the time. Absent for evidence a person added.
public struct CaptureFacts: Sendable, Equatable, Codable {
    /// The URL as finally loaded, after any redirects.
    public var finalURL: String
    /// The addresses the host resolved to just before the fetch (the ISP step needs to know
    /// who hosts it).
    public var addresses: [String]
    /// The HTTP status of the final response, when one was received.
    public var status: Int?
    /// When the capture started and ended (UTC text), from the clock.
    public var startedAt: String
    public var endedAt: String
    /// The tools that fetched it, with their versions (e.g. `Chromium 120.0.6099.224`).
    public var tools: [String]
    /// The fetch was allowed to reach a private address (an intranet page), as asked.
    public var allowedPrivate: Bool

    /// Creates the facts of one capture.
    public init(
        finalURL: String, addresses: [String], status: Int?, startedAt: String, endedAt: String, tools: [String],
        allowedPrivate: Bool = false
    ) {
        self.finalURL = finalURL
        self.addresses = addresses
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.tools = tools
        self.allowedPrivate = allowedPrivate
    }

    /// The facts as a payload object.
    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "finalURL": .string(finalURL), "addresses": .array(addresses.map { .string($0) }),
            "startedAt": .string(startedAt), "endedAt": .string(endedAt), "tools": .array(tools.map { .string($0) }),
        ]
        if let status { fields["status"] = .int(status) }
        if allowedPrivate { fields["allowedPrivate"] = .bool(true) }
        return .object(fields)
    }

    /// Reads the facts back; nil when the payload has none, or not all of them.
    init?(json: JSONValue?) {
        guard let json, let finalURL = json["finalURL"]?.string, let startedAt = json["startedAt"]?.string,
            let endedAt = json["endedAt"]?.string
        else { return nil }
        self.init(
            finalURL: finalURL, addresses: (json["addresses"]?.array ?? []).compactMap(\.string), status: json["status"]?.int,
            startedAt: startedAt, endedAt: endedAt, tools: (json["tools"]?.array ?? []).compactMap(\.string),
            allowedPrivate: json["allowedPrivate"]?.bool ?? false)
    }

    /// The facts in words, one line each, for the timeline and `show` (times in `localTime`).
    public func lines(_ localTime: LocalTime) -> [String] {
        func time(_ text: String) -> String { Timestamp.date(from: text).map(localTime.formatWithSeconds) ?? text }
        var lines = [
            "Captured by Casebook: fetched \(time(startedAt)) to \(time(endedAt))",
            "Loaded: \(finalURL)",
            "Addresses: \(addresses.isEmpty ? "(none resolved)" : addresses.joined(separator: ", "))"
                + (allowedPrivate ? " (a private address was allowed, as asked)" : ""),
            "HTTP status: \(status.map(String.init) ?? "(none received)")",
        ]
        if !tools.isEmpty { lines.append("Tools: \(tools.joined(separator: "; "))") }
        return lines
    }
}
