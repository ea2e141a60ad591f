import EventLog

/// Exhibit labels as police exhibits are cited in England and Wales: the producer's
/// initials and their number, `IK/1`, `IK/2` (issue 23).
///
/// Derived, never stored: the capturing member's initials from the staff directory's name
/// (their id when the name is unknown) and the order of the items with those initials in
/// the case's events. The same events and names always give the same labels.
public enum ExhibitLabels {
    /// `Imran Khan` → `IK`; `Mary-Jane O'Neil` → `MJON` (four letters at most); a bare id `dsl.khan` → `DK`.
    public static func initials(name: String?, id: String) -> String {
        let source = name.flatMap { $0.isEmpty ? nil : $0 } ?? id
        let words = source.split { !$0.isLetter }
        let letters = words.compactMap(\.first).map { String($0).uppercased() }.joined()
        return letters.isEmpty ? "X" : String(letters.prefix(4))
    }

    /// One evidence item's exhibit label.
    public struct Exhibit: Sendable, Equatable {
        /// `E1`.
        public var id: String
        /// The version of the event that captured it.
        public var version: Int
        /// `IK/1`.
        public var label: String
        /// The staff id of who captured it (the producer).
        public var producer: String
    }

    /// The label of every evidence item of the case, by id (`E1` → `IK/1`).
    public static func labels(events: [RecordedEvent], staffNames: [String: String]) throws -> [String: String] {
        Dictionary(try exhibits(events: events, staffNames: staffNames).map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every evidence item's exhibit, in capture order.
    public static func exhibits(events: [RecordedEvent], staffNames: [String: String]) throws -> [Exhibit] {
        var counts: [String: Int] = [:]
        var labels: [Exhibit] = []
        var items = 0
        for stored in events.sorted(by: { $0.version < $1.version }) where stored.type == "EvidenceCaptured" {
            items += 1
            // A redacted item keeps its label: ids are given in capture order, and the actor
            // stays. An item that is not redacted and cannot be read is damage (65), never a
            // label guessed from its place.
            var id = "E\(items)"
            if !stored.isRedacted, case .evidenceCaptured(let evidence) = try CaseEvent(stored: stored) { id = evidence.id }
            let initials = initials(name: staffNames[stored.actor], id: stored.actor)
            let number = counts[initials, default: 0] + 1
            counts[initials] = number
            labels.append(Exhibit(id: id, version: stored.version, label: "\(initials)/\(number)", producer: stored.actor))
        }
        return labels
    }

    /// The label as a folder name: `IK/1` → `IK-1`.
    public static func folderName(_ label: String) -> String { label.replacingOccurrences(of: "/", with: "-") }
}
