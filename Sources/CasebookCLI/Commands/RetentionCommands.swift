import Casebook
import EventLog
import Foundation

/// `retention`, `retention set`, `retention apply`, `retention-date`, `hold`, `hold release` (SPEC §9).
enum RetentionCommands {
    static let schedule = Command(
        spec: CommandSpec(
            name: "retention",
            summary: "List closed cases with their retention class, review date, and whether held or due (SPEC §9).",
            options: [
                OptionSpec(name: "as-of", valueName: "time", help: "Which cases are due at this instant (default: now)."),
                OptionSpec(name: "format", valueName: "format", help: "text (default), csv or json."),
            ],
            examples: ["casebook retention", "casebook retention --as-of 2032-09-01 --format csv"])
    ) { invocation in
        let asOf = try invocation.time("as-of") ?? invocation.clock()
        let format = invocation.optional("format") ?? "text"
        guard ["text", "csv", "json"].contains(format) else {
            throw CommandError.usage("--format is one of: text, csv, json")
        }
        let entries = try invocation.casebook().retention.retentionSchedule(asOf: asOf, by: try invocation.actor())
        let json = JSONValue.array(entries.map(Self.json))
        let header = ["CASE", "CLASS", "CLOSED", "REVIEW DATE", "STATUS"]
        // People read local times; a spreadsheet sorts the stored UTC form.
        let localTime = invocation.localTime
        let csv = format == "csv"
        func time(_ date: Date) -> String { csv ? Timestamp.string(from: date) : localTime.format(date) }
        let rows = entries.map { entry in
            [
                entry.reference.description, entry.retentionClass.rawValue, time(entry.closedAt), time(entry.reviewDate),
                status(entry),
            ]
        }
        switch format {
        case "csv":
            let lines = ([header] + rows).map { $0.map(csvField).joined(separator: ",") }
            return Output(text: lines.joined(separator: "\r\n"), json: json)
        case "json":
            return Output(text: json.serialized(), json: json)
        default:
            var table = Table(header: header)
            table.rows = rows
            let due = entries.filter(\.isDue).count
            return Output(
                text: entries.isEmpty ? "No closed cases." : table.rendered + "\n\(due) due for erasure as of \(invocation.localTime.format(asOf)).",
                json: json)
        }
    }

    static let set = Command(
        spec: CommandSpec(
            name: "retention set", summary: "Change a retention class's period, in years (headteacher).",
            positionals: [PositionalSpec(name: "class", help: "One of: \(RetentionClass.allCases.map(\.rawValue).joined(separator: ", ")).")],
            options: [OptionSpec(name: "years", valueName: "n", isRequired: true, help: "1 to 100.")],
            examples: ["casebook retention set standard --years 7"])
    ) { invocation in
        let retentionClass = try Invocation.word(try invocation.positional(0), option: "class", as: RetentionClass.self)
        guard let years = Int(try invocation.value("years")) else { throw CommandError.usage("--years takes a whole number") }
        try invocation.casebook().retention.setRetentionPeriod(retentionClass, years: years, by: try invocation.actor())
        return Output(
            text: "\(retentionClass.rawValue) cases are now kept \(years) years.",
            json: ["class": .string(retentionClass.rawValue), "years": .int(years)])
    }

    static let apply = Command(
        spec: CommandSpec(
            name: "retention apply",
            summary: "Erase what is due and not held: redact evidence and notes, purge files, one transaction per case (headteacher).",
            options: [OptionSpec(name: "as-of", valueName: "time", isRequired: true, help: "The instant the schedule is applied at.")],
            examples: ["casebook retention apply --as-of 2032-09-01"])
    ) { invocation in
        let asOf = try invocation.time("as-of") ?? invocation.clock()
        let applied = try invocation.casebook().retention.applyRetention(asOf: asOf, by: try invocation.actor())
        let lines = applied.map {
            "\($0.reference): \($0.retentionClass.rawValue), review date \(invocation.localTime.format($0.reviewDate)): evidence and notes redacted, files purged"
        }
        let remains = applied.isEmpty ? nil : LawfulContentCommands.erasureRemains(invocation)
        return Output(
            text: (lines + ["\(applied.count) case\(applied.count == 1 ? "" : "s") erased."] + (remains.map { [$0] } ?? [])).joined(separator: "\n"),
            json: .array(applied.map(Self.json)))
    }

    static let date = Command(
        spec: CommandSpec(
            name: "retention-date",
            summary: "Record the accused's normal retirement date, for a staff-conduct case's retention (HR).",
            positionals: [CaseCommands.casePositional, PositionalSpec(name: "date", help: "e.g. 2041-07-31.")],
            examples: ["casebook retention-date CB-2026-0001 2041-07-31"])
    ) { invocation in
        let date = try invocation.localTime.parse(try invocation.positional(1), field: "the date")
        let state = try invocation.casebook().retention.recordRetentionDate(try invocation.caseReference(), date: date, by: try invocation.actor())
        return Output(
            text: "\(state.reference): normal retirement date \(invocation.localTime.format(date)) recorded.",
            json: ["case": .string(state.reference.description), "date": .string(Timestamp.string(from: date))])
    }

    static let hold = Command(
        spec: CommandSpec(
            name: "hold", summary: "Hold a case from erasure (headteacher, safeguarding lead).",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "reason", valueName: "text", isRequired: true, help: "Why (e.g. a legal claim).")],
            examples: ["casebook hold CB-2026-0001 --reason 'Employment tribunal claim'"])
    ) { invocation in
        let state = try invocation.casebook().retention.hold(try invocation.caseReference(), reason: try invocation.value("reason"), by: try invocation.actor())
        return Output(text: "\(state.reference) is held: nothing on it will be erased.", json: ["case": .string(state.reference.description)])
    }

    static let release = Command(
        spec: CommandSpec(
            name: "hold release", summary: "Release a hold (headteacher, safeguarding lead).",
            positionals: [CaseCommands.casePositional],
            options: [OptionSpec(name: "reason", valueName: "text", help: "Why.")],
            examples: ["casebook hold release CB-2026-0001"])
    ) { invocation in
        let state = try invocation.casebook().retention.releaseHold(
            try invocation.caseReference(), reason: invocation.optional("reason"), by: try invocation.actor())
        return Output(text: "\(state.reference) is no longer held.", json: ["case": .string(state.reference.description)])
    }

    static let all: [Command] = [schedule, set, apply, date, hold, release]

    static func status(_ entry: RetentionEntry) -> String {
        if entry.appliedAt != nil { return "erased" }
        if let hold = entry.hold { return "held: \(hold)" }
        return entry.isDue ? "due" : "kept"
    }

    static func json(_ entry: RetentionEntry) -> JSONValue {
        [
            "case": .string(entry.reference.description), "class": .string(entry.retentionClass.rawValue),
            "closedAt": .string(Timestamp.string(from: entry.closedAt)), "reviewDate": .string(Timestamp.string(from: entry.reviewDate)),
            "held": .bool(entry.hold != nil), "due": .bool(entry.isDue), "erased": .bool(entry.appliedAt != nil),
        ]
    }

    static func csvField(_ value: String) -> String {
        let escaped = TextField.escaped(value)
        guard escaped.contains(where: { $0 == "," || $0 == "\"" }) else { return escaped }
        return "\"" + escaped.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
