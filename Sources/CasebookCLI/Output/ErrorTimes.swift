import Casebook
import EventLog
import Foundation

/// Times in messages, shown as a person typed them: the library's errors carry instants in
/// its stored form (`2026-10-20T15:00:00.000Z`, always with milliseconds); the command line
/// shows each in the local zone (`2026-10-20 16:00 BST`). Examples of the RFC 3339 form in
/// a message (`2026-11-20T14:05:00Z`, no milliseconds) are left as written.
enum ErrorTimes {
    /// `message` with every stored-form instant in `localTime`.
    static func localized(_ message: String, _ localTime: LocalTime) -> String {
        guard message.contains("Z"),
            let pattern = try? NSRegularExpression(pattern: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"#)
        else { return message }
        let text = message as NSString
        var result = ""
        var last = 0
        for match in pattern.matches(in: message, range: NSRange(location: 0, length: text.length)) {
            let stamp = text.substring(with: match.range)
            guard let date = Timestamp.date(from: stamp) else { continue }
            result += text.substring(with: NSRange(location: last, length: match.range.location - last))
            let wholeMinute = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
            result += wholeMinute ? localTime.format(date) : localTime.formatWithSeconds(date)
            last = match.range.location + match.range.length
        }
        return result + text.substring(from: last)
    }
}
