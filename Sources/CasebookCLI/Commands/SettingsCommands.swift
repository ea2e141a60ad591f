import Casebook
import EventLog
import Foundation

/// `settings set|list`: the waiting times the workflow reads (SPEC §10).
enum SettingsCommands {
    static let set = Command(
        spec: CommandSpec(
            name: "settings set", summary: "Change a setting, e.g. the POSH waiting time (headteacher); recorded as an event.",
            positionals: [
                PositionalSpec(name: "key", help: "One of: \(Settings.Key.allCases.map(\.rawValue).joined(separator: ", "))."),
                PositionalSpec(name: "value", help: "A whole number."),
            ],
            options: [.at],
            examples: ["casebook --as head.ahmed settings set helpline.posh.wait-hours 48"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let key = try invocation.positional(0)
        let settings = try casebook.staff.setSetting(key, to: try invocation.positional(1), by: actor, at: try invocation.at())
        let value = Settings.Key(rawValue: key).map { settings[$0] } ?? 0
        return Output(
            text: "\(key) is now \(value).", json: ["key": .string(key), "value": .int(value)],
            recorded: "recorded as SettingChanged \(key)")
    }

    static let list = Command(
        spec: CommandSpec(
            name: "settings list", summary: "Every setting, its value and meaning, and who last changed it.",
            examples: ["casebook --as smt.jones settings list"])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let changes = try casebook.staff.settingChanges(by: actor)
        let settings = try casebook.settings()
        var table = Table(header: ["SETTING", "VALUE", "CHANGED", "MEANING"])
        var json: [JSONValue] = []
        for key in Settings.Key.allCases {
            let last = changes.last { $0.key == key }
            let changed = last.map { "\(invocation.show($0.at)) by \($0.actor)" } ?? "default"
            table.rows.append([key.rawValue, String(settings[key]), changed, key.meaning])
            json.append(
                [
                    "key": .string(key.rawValue), "value": .int(settings[key]), "default": .int(key.defaultValue),
                    "changedBy": JSONValue(last?.actor), "changedAt": JSONOutput.time(last?.at),
                ])
        }
        return Output(text: table.rendered, json: .array(json))
    }
}
