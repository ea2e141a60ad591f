import Casebook
import CasebookFixtures
import EventLog
import Foundation

/// `casebook demo`: a complete worked case from policy 000 §12–§13 in a fresh database,
/// run through the real commands, ending with its timeline.
enum DemoCommand {
    static let demo = Command(
        spec: CommandSpec(
            name: "demo",
            summary: "Run a complete worked case from the policy (000 §12–§13) in a fresh database, then print its timeline.",
            examples: ["casebook demo", "casebook --db demo.sqlite demo"],
            discussion: "Without --db the database is made in a new temporary folder, whose path is printed.")
    ) { invocation in
        if let database = invocation.globals.db, FileManager.default.fileExists(atPath: database) {
            throw CasebookError.cannotCreate("a file already exists at \(database); the demo needs a fresh database")
        }
        // The evidence files are written to a new folder, as a member of staff would save them.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-demo-\(UUID().uuidString.prefix(8))").path
        guard mkdir(folder, 0o700) == 0 else {
            throw CasebookError.io("cannot create \(folder): \(String(cString: strerror(errno)))")
        }
        let database = invocation.globals.db ?? (folder as NSString).appendingPathComponent("casebook.sqlite")
        var files: [String: String] = [:]
        for name in ["screenshot-post.png", "screenshot-comment.jpg", "removal-check.png", "abusive-email.eml", "voicemail.wav"] {
            var size = 0
            guard let bytes = casebook_fixture(name, &size) else { throw ProgrammerError("the fixture \(name) is not compiled in") }
            let path = (folder as NSString).appendingPathComponent(name)
            _ = try Casebook.translatingErrors {
                try NewFile.write(
                    Array(UnsafeBufferPointer(start: bytes, count: size)), to: path,
                    protecting: NewFile.Protected(database: database))
            }
            files[name] = path
        }
        var transcript: [String] = [
            "Casebook demo: a complete case from policy 000 §12–§13, in \(database)",
            "The demo database is made with --claimed-identities: each step says who acts with --as, and the",
            "record says the identities were claimed, not verified. A real database maps each member to a login.",
            "The case runs over three days ending a day ago. Each step is recorded as it happened: the demo runs",
            "its own clock, so its record has no late entries (a real record flags steps typed in long after).", "",
        ]
        // The case runs over three days ending now, so that the host's 24 hours really pass.
        let now = invocation.clock()
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 3 * 86_400)
        func at(_ hours: Double) -> String { Timestamp.string(from: start.addingTimeInterval(hours * 3600)) }
        var reference = "CB-0000-0000"
        // Contemporaneous: each step is recorded at the time it happened (its --at, or
        // `clockAt` hours into the case); the closing reports run at the real time.
        func run(_ words: [String], as actor: String? = "smt.jones", show: Bool = true, clockAt: Double? = nil) throws {
            let stepTime: Date?
            if let index = words.firstIndex(of: "--at"), index + 1 < words.count {
                stepTime = Timestamp.date(from: words[index + 1])
            } else {
                stepTime = clockAt.map { start.addingTimeInterval($0 * 3600) }
            }
            let clock: @Sendable () -> Date
            if let stepTime {
                clock = { stepTime }
            } else {
                clock = invocation.clock
            }
            var arguments = ["--db", database]
            if let actor { arguments += ["--as", actor] }
            arguments += words
            var out = ""
            var err = ""
            let code = CLI.run(
                arguments, environment: invocation.environment, clock: clock, login: invocation.callerLogin,
                standardOutput: { out += $0 }, standardError: { err += $0 }, standardErrorIsTerminal: false)
            guard code == 0 else {
                throw CasebookError.io("the demo step 'casebook \(words.joined(separator: " "))' failed (exit \(code)): \(err)")
            }
            if show {
                let shown = (actor.map { ["--as", $0] } ?? []) + words
                transcript.append("$ casebook " + shown.map(quoted).joined(separator: " "))
                transcript.append(out.trimmingCharacters(in: .newlines))
                transcript.append("")
            }
            if let match = out.range(of: #"CB-\d{4}-\d{4,}"#, options: .regularExpression), reference == "CB-0000-0000" {
                reference = String(out[match])
            }
        }
        try run(["init", "--admin", "head", "--name", "Dr Priya Okafor", "--claimed-identities"], as: nil, clockAt: -0.1)
        try run(["staff", "add", "smt.jones", "--name", "Sam Jones", "--role", "senior-manager", "--at", at(0)], as: "head")
        try run(["staff", "add", "dsl.khan", "--name", "Imran Khan", "--role", "safeguarding-lead", "--at", at(0)], as: "head")
        try run(["staff", "add", "hr.lee", "--name", "Morgan Lee", "--role", "hr", "--at", at(0)], as: "head")
        try run(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff", "--at", at(0)], as: "head")
        try run([
            "open", "--affected", "t.pennington", "--reported-by", "t.pennington",
            "--summary", "Abusive posts about Ms Pennington on Chirp and a local forum; one names her street.",
            "--category", "harassment", "--category", "threat", "--school", "Harrowgate Fields Academy",
            "--discovered-at", at(-1), "--at", at(0),
        ])
        let r = reference
        try run([
            "evidence", "add", r, "--kind", "social", "--url", "https://chirp.example/hf_truthteller/status/8812",
            "--platform", "Chirp", "--posted-at", at(-3), "--captured-at", at(0.5), "--file", files["screenshot-post.png"]!,
            "--description", "Post calling Ms Pennington a liar and naming her street", "--at", at(0.5),
        ])
        try run([
            "evidence", "add", r, "--kind", "web", "--url", "https://forum.harrowgate-parents.example/t/412#p9",
            "--captured-at", at(0.6), "--file", files["screenshot-comment.jpg"]!, "--description", "Forum comment repeating the post",
            "--at", at(0.6),
        ])
        try run([
            "evidence", "add", r, "--kind", "email", "--file", files["abusive-email.eml"]!, "--description",
            "Email sent to Ms Pennington's school address", "--at", at(0.7),
        ])
        try run([
            "evidence", "add", r, "--kind", "voicemail", "--file", files["voicemail.wav"]!, "--description",
            "Voicemail left on the school office line", "--at", at(0.8),
        ])
        try run(["investigate", "start", r, "--at", at(1)])
        try run(["takedown", "request", r, "--evidence", "E1", "--method", "form", "--at", at(1.5)])
        try run(["takedown", "request", r, "--evidence", "E2", "--method", "email", "--by", "complainant", "--at", at(1.6)])
        try run(["investigate", "note", r, "Head of Year 10 recognised the handle from a previous incident.", "--at", at(3)])
        try run(["investigate", "source", r, "--kind", "pupil", "--ref", "@hf_truthteller", "--at", at(5)])
        try run([
            "investigate", "assess", r, "--threatening", "--rationale",
            "Names her home street and says 'we know where you live'.", "--at", at(5.5),
        ])
        try run(["refer", "behaviour", r, "--pupil", "Y10-0423", "--at", at(6)])
        try run(["takedown", "response", r, "T2", "--result", "removed", "--at", at(9)])
        try run(["takedown", "check", r, "T2", "--result", "removed", "--file", files["removal-check.png"]!, "--at", at(9.5)])
        try run(["police", "consent", r, "--given", "--by", "t.pennington", "--at", at(10)])
        try run(["police", "refer", r, "--force", "Northshire Police", "--reference", "NP-26-118822", "--at", at(11)])
        try run([
            "support", "offer", r, "--service", "Employee assistance programme", "--service",
            "Education Support stress counselling line", "--at", at(11.5),
        ])
        try run(["support", "response", r, "--accepted", "--at", at(12)])
        // The next morning: T1's 24 hours have passed without an answer.
        try run(["show", r], clockAt: 25.6)
        try run(["overdue"], as: "dsl.khan", clockAt: 25.6)
        try run(["takedown", "response", r, "T1", "--result", "no-response", "--at", at(26)])
        try run(["isp", "escalate", r, "T1", "--isp", "Example Telecom", "--at", at(26.5)])
        try run(["isp", "response", r, "T1", "--result", "blocked", "--at", at(40)])
        try run([
            "investigate", "conclude", r, "--finding", "substantiated", "--summary",
            "A Year 10 pupil posted the material and admitted it.", "--at", at(44),
        ])
        try run([
            "close", r, "--outcome", "Material removed or blocked; pupil sanctioned; police informed.", "--action",
            "behaviour-sanction", "--at", at(48),
        ])
        try run(["verify"], as: "dsl.khan")
        try run(["outcomes"], as: "hr.lee")
        try run(["timeline", r, "--recipient", "Northshire Police"], as: "dsl.khan")
        let db = quoted(database)
        transcript += [
            "What next:",
            "  The demo database is \(database); the evidence files it took in are in \(folder).",
            "  Look around it as each role:",
            "    casebook --db \(db) --as smt.jones show \(r)",
            "    casebook --db \(db) --as dsl.khan timeline \(r) --format html --out \(quoted((folder as NSString).appendingPathComponent("case.html")))",
            "    casebook --db \(db) --as hr.lee outcomes",
            "    casebook --db \(db) --as head verify",
            "  Try a step the policy refuses, and read why: casebook --db \(db) --as smt.jones isp escalate \(r) T2 --isp 'Example Telecom'",
            "  When done, delete the database and the folder. For a real school, start with docs/DEPLOYMENT.md: a new database",
            "  (casebook init), each member of staff mapped to their login, no --claimed-identities.",
        ]
        return Output(
            text: transcript.joined(separator: "\n").trimmingCharacters(in: .newlines),
            json: ["database": .string(database), "case": .string(reference)],
            recorded: "made the demo database \(database)")
    }

    /// Quotes a word for a shell when it needs it.
    static func quoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./:@,#=+".unicodeScalars.contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
