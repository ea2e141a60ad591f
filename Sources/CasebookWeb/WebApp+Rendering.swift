import EventLog
import Foundation

/// Turning the door's JSON into page nodes: problems, refusals, values, local times, tables.
extension WebApp {
    func problems(_ json: Any?, _ result: WebRun, case reference: String? = nil) -> [Node] {
        let error = (json as? [String: Any])?["error"] as? [String: Any]
        let message = (error?["message"] as? String) ?? result.stderr
        let refusals = error?["refusals"] as? [[String: Any]] ?? []
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        // With the refusals listed below, only the message's first line ("the step is not
        // allowed now (1 rule blocks it):"); the rest repeats them in the command line's words.
        if !refusals.isEmpty, let line = text.split(separator: "\n").first { text = String(line) }
        if text.hasPrefix("error: ") { text = String(text.dropFirst("error: ".count)) }
        var nodes: [Node] = [.el("div", [("class", "problem"), ("role", "alert")], [.el("p", [], text)])]
        if !refusals.isEmpty { nodes.append(.el("ul", [("class", "refusals")], refusals.map { refusal($0, case: reference) })) }
        return nodes
    }

    /// A refusal: its reason, rule and clause, and what unblocks it — each step that would as a
    /// link to its form (never the command line's words), else the library's words for waiting
    /// or for nothing to do.
    func refusal(_ refusal: [String: Any], case reference: String? = nil) -> Node {
        let steps = (refusal["steps"] as? [[String: Any]] ?? []).compactMap { step -> Node? in
            guard let command = step["command"] as? String, !command.isEmpty else { return nil }
            let subject = (step["subject"] as? String).map { " \($0)" } ?? ""
            let choice = (step["choice"] as? String).map { " (\($0))" } ?? ""
            let target = "/step?command=\(percent(command))" + (reference.map { "&case=\(percent($0))" } ?? "")
            return .el("a", [("href", target)], command + subject + choice)
        }
        var next: [Node] = []
        if !steps.isEmpty {
            next = [.el("br"), .text("Next: ")]
            for (index, link) in steps.enumerated() { next += (index == 0 ? [] : [.text(" or ")]) + [link] }
        } else if case let unblock = string(refusal["unblock"]), !unblock.isEmpty, !unblock.hasPrefix("casebook ") {
            next = [.el("br"), .text("Next: \(unblock)")]
        }
        return .el("li", [], [
            .text(string(refusal["reason"])), .text(" "),
            .el("span", [("class", "rule")], "(\(string(refusal["rule"])), \(string(refusal["clause"])))"),
        ] + next)
    }

    func string(_ value: Any?) -> String {
        switch value {
        case let text as String: return text
        case let number as NSNumber:
            // JSON's true and false (an NSNumber of a Bool, "c", as JSONSerialization makes them).
            if String(cString: number.objCType) == "c" { return number.boolValue ? "yes" : "no" }
            return number.stringValue
        case nil, is NSNull: return ""
        default: return "\(value ?? "")"
        }
    }

    /// Any JSON value as HTML: objects as definition lists, lists of objects as tables.
    func value(_ value: Any?) -> Node {
        switch value {
        case let object as [String: Any]:
            let keys = object.keys.sorted()
            return .el("dl", [], keys.flatMap { key -> [Node] in [.el("dt", [], words(key)), .el("dd", [], [self.value(object[key])])] })
        case let rows as [[String: Any]] where !rows.isEmpty: return table(rows, linking: nil)
        case let items as [Any]:
            if items.isEmpty { return .text("none") }
            return .el("ul", [], items.map { .el("li", [], [self.value($0)]) })
        case nil, is NSNull: return .text("—")
        case let text as String:
            // A UTC instant of the JSON output, shown in local time (the server's TZ).
            if let local = WebApp.localTime(text) { return .el("time", [("datetime", text)], local) }
            return .text(text)
        default: return .text(string(value))
        }
    }

    /// The command line's zone (`LocalTime.fromTZ`): TZ, or Europe/London; its British names.
    static let zone: TimeZone = {
        let value = ProcessInfo.processInfo.environment["TZ"].flatMap { $0.isEmpty ? nil : $0 } ?? "Europe/London"
        let name = value.hasPrefix(":") ? String(value.dropFirst()) : value
        return TimeZone(identifier: name) ?? TimeZone(identifier: "Europe/London") ?? TimeZone.current
    }()
    static let zoneNames: (standard: String, daylight: String) = {
        let british = Locale(identifier: "en_GB")
        let fallback = zone.abbreviation() ?? zone.identifier
        return (zone.localizedName(for: .shortStandard, locale: british) ?? fallback, zone.localizedName(for: .shortDaylightSaving, locale: british) ?? fallback)
    }()

    /// "2026-12-07T22:22:09.980Z" → "2026-12-07 22:22 GMT" in the command line's zone; nil
    /// for anything that is not such an instant. By hand (timegm, gmtime_r): a formatter
    /// made for each cell of a long table costs more than the rest of the page.
    static func localTime(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == UInt8(ascii: "Z"), bytes[10] == UInt8(ascii: "T"),
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let utc = timegm(&parts)
        let date = Date(timeIntervalSince1970: TimeInterval(utc))
        var local = utc + time_t(zone.secondsFromGMT(for: date))
        var shown = tm()
        guard gmtime_r(&local, &shown) != nil else { return nil }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(shown.tm_year + 1900)-\(two(shown.tm_mon + 1))-\(two(shown.tm_mday)) \(two(shown.tm_hour)):\(two(shown.tm_min)) "
            + (zone.isDaylightSavingTime(for: date) ? zoneNames.daylight : zoneNames.standard)
    }

    func table(_ rows: [[String: Any]], linking key: String?) -> Node {
        var columns: [String] = []
        for row in rows { for name in row.keys.sorted() where !columns.contains(name) { columns.append(name) } }
        if let key, let index = columns.firstIndex(of: key) { columns.insert(columns.remove(at: index), at: 0) }
        return .el("div", [("class", "scroll")], [.el("table", [], [
            .el("thead", [], [.el("tr", [], columns.map { .el("th", [("scope", "col")], words($0)) })]),
            .el("tbody", [], rows.map { row in
                .el("tr", [], columns.map { column in
                    if column == key, let reference = row[column] as? String {
                        return .el("td", [("data-label", words(column))], [.el("a", [("href", "/cases/\(percent(reference))")], reference)])
                    }
                    return .el("td", [("data-label", words(column))], [value(row[column])])
                })
            }),
        ])])
    }

    /// `nextAction` → `next action`.
    func words(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase { out += " " + character.lowercased() } else { out.append(character) }
        }
        return out
    }

    func percent(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    func html(_ status: Int, _ title: String, user: String, _ content: [Node]) -> WebResponse {
        let document = "<!DOCTYPE html>\n" + page(title: title, user: user, content).rendered
        return WebResponse(status: status, headers: WebApp.securityHeaders + [("Content-Type", "text/html; charset=utf-8")], body: Data(document.utf8))
    }
}
