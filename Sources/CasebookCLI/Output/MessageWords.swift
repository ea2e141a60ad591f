import Casebook
import EventLog
import Foundation

/// The command line's words for the library's messages (``Message``): an instant in the
/// local zone (`2026-10-20 16:00 BST`, with seconds when it has them), an option as its flag
/// (`--evidence`), a command as the line to type (`casebook staff list`). The library never
/// writes these; the browser words the same values its own way.
enum MessageWords {
    /// `message` as the command line prints it; instants in `localTime`, or in the stored
    /// form (UTC) when no zone is known yet.
    static func render(_ message: Message, localTime: LocalTime?) -> String {
        message.rendered { segment in
            switch segment {
            case .text(let text): return text
            case .instant(let date): return time(date, localTime)
            case .option(let name): return flag(name)
            case .command(let command): return self.command(command)
            }
        }
    }

    /// An instant in a message: minutes when it falls on a whole minute, else seconds.
    static func time(_ date: Date, _ localTime: LocalTime?) -> String {
        guard let localTime else { return Timestamp.string(from: date) }
        let wholeMinute = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
        return wholeMinute ? localTime.format(date) : localTime.formatWithSeconds(date)
    }

    /// `--evidence` for the input `evidence`.
    static func flag(_ name: String) -> String { "--" + name }

    /// The line to type for a command a message names.
    static func command(_ command: CommandReference) -> String {
        switch command {
        case .listCases: return "casebook list"
        case .listStaff: return "casebook staff list"
        case .mapLogin: return "casebook staff login ID LOGIN"
        case .createDatabase: return "casebook init --admin ID --name NAME"
        case .verify: return "casebook verify"
        case .makeCheckpoint: return "casebook checkpoint --out FILE"
        case .exportTimelineJSON(let reference): return "casebook timeline \(reference) --format json --out FILE"
        case .verifyExport: return "casebook verify --export FILE"
        case .recordChildSexualImagery:
            return "casebook evidence add CASE --kind social --url URL --platform NAME --description TEXT --child-sexual-imagery"
        }
    }

    /// An error as `error: …` and its `hint: …` line: the message's own hint when it has one,
    /// else `otherwise` (the hint the command line gives for that kind of error), if any.
    static func error(_ message: Message, hint otherwise: String?, localTime: LocalTime?) -> String {
        let hint = message.hint.map { render($0, localTime: localTime) } ?? otherwise
        return "error: " + render(message, localTime: localTime) + (hint.map { "\nhint: " + $0 } ?? "")
    }
}
