import EventLog
import Foundation
import Testing

/// Times for `--at`: every test works in the past, relative to a base instant ten days before
/// the run, so no test depends on the clock and none is refused as "in the future".
enum When {
    /// Ten days ago, to the minute.
    static let base: Date = {
        let seconds = Date().timeIntervalSince1970 - 10 * 86_400
        return Date(timeIntervalSince1970: (seconds / 60).rounded(.down) * 60)
    }()

    /// The instant `hours` after the base.
    static func date(_ hours: Double) -> Date { base.addingTimeInterval(hours * 3600) }

    /// `hours` after the base as RFC 3339 UTC, for `--at`.
    static func at(_ hours: Double) -> String { Timestamp.string(from: date(hours)) }

    /// The year of the base, in UTC: the year in the template case's reference.
    static var year: Int { Calendar.utcForTests.component(.year, from: base) }

    /// Whether `value` is a UTC time as Casebook's JSON writes it: RFC 3339, milliseconds, `Z`.
    static func isUTC(_ value: Any?) -> Bool {
        guard let text = value as? String else { return false }
        return text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/#) != nil
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static let utcForTests: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// The people of every test database.
enum Staff {
    static let head = "head"
    static let manager = "smt.jones"
    static let safeguarding = "dsl.khan"
    static let hr = "hr.lee"
    /// The affected member of staff in the template case.
    static let affected = "t.pennington"
    /// Another member of staff.
    static let other = "k.marsh"
}

/// A fresh temporary directory holding one test's database, removed at the end of the test.
final class Sandbox {
    /// What the database starts as.
    enum Start {
        /// No database.
        case empty
        /// `init` and the staff directory of ``Staff``.
        case staff
        /// The staff, and ``Templates/reference`` open with two URL evidence items (E1 with a
        /// screenshot), the investigation started, the material assessed as threatening and
        /// T1 requested from the host of E1.
        case openCase
        /// The template case taken through every workflow step to closed (see
        /// ``CommandTests/workflow(_:)``, all but the reopening).
        case closedCase
    }

    /// The directory.
    let directory: URL

    /// The database file in it.
    var database: String { directory.appendingPathComponent("casebook.sqlite").path }

    /// The template case's reference.
    var reference: String { Templates.reference }

    init(_ start: Start = .staff) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        switch start {
        case .empty: break
        case .staff: try Templates.copy(try Templates.staff.get(), to: database)
        case .openCase: try Templates.copy(try Templates.openCase.get(), to: database)
        case .closedCase: try Templates.copy(try Templates.closedCase.get(), to: database)
        }
    }

    deinit {
        // Undo any chmod a test made, then remove everything.
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            for name in names { chmod(directory.appendingPathComponent(name).path, 0o700) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A path in the directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `casebook --db DATABASE [--as ACTOR] [--json] ARGUMENTS…` in the directory.
    @discardableResult
    func run(
        _ arguments: [String], as actor: String? = nil, json: Bool = false, environment: [String: String] = [:]
    ) throws -> CLIResult {
        try CasebookBinary.run(globals(actor: actor, json: json) + arguments, in: directory, environment: environment)
    }

    /// Starts the same, without waiting.
    func start(_ arguments: [String], as actor: String? = nil, json: Bool = false) throws -> CasebookBinary.Running {
        try CasebookBinary.start(globals(actor: actor, json: json) + arguments, in: directory)
    }

    private func globals(actor: String?, json: Bool) -> [String] {
        ["--db", database] + (actor.map { ["--as", $0] } ?? []) + (json ? ["--json"] : [])
    }

    /// Runs a command that must succeed; records an issue (with both streams) and throws if not.
    @discardableResult
    func succeed(
        _ arguments: [String], as actor: String? = Staff.manager, json: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let result = try run(arguments, as: actor, json: json)
        try #require(result.status == 0, "casebook \(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
        return result
    }

    /// A dump of every table of the database (see ``SQLiteFile/dump()``).
    func dump() throws -> [String] { try SQLiteFile.dump(database) }

    /// The database's events as `(stream, version, type)`, in commit order.
    func events() throws -> [(stream: String, version: Int, type: String)] {
        try SQLiteFile(database).rows("SELECT stream, version, type FROM events ORDER BY position").map {
            (String($0[0].dropFirst(5)), Int($0[1]) ?? -1, String($0[2].dropFirst(5)))
        }
    }
}

/// Databases built once per test run by the real binary and copied into each sandbox.
enum Templates {
    /// Where the templates live; removed when the test process exits.
    static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-cli-templates-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { Templates.removeRoot() }
        return root
    }()

    private static func removeRoot() { try? FileManager.default.removeItem(at: root) }

    /// The template case's reference.
    static var reference: String { "CB-\(When.year)-0001" }

    /// `init` and the staff directory.
    static let staff: Result<URL, any Error> = Result {
        let directory = root.appendingPathComponent("staff")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("casebook.sqlite").path
        func run(_ arguments: [String]) throws {
            let result = try CasebookBinary.run(["--db", database] + arguments, in: directory)
            guard result.status == 0 else { throw TemplateFailure(arguments: arguments, result: result) }
        }
        try run(["init", "--admin", Staff.head, "--name", "Dr Priya Okafor", "--claimed-identities"])
        for (id, name, role) in [
            (Staff.manager, "Sam Jones", "senior-manager"), (Staff.safeguarding, "Imran Khan", "safeguarding-lead"),
            (Staff.hr, "Morgan Lee", "hr"), (Staff.affected, "Ada Pennington", "staff"), (Staff.other, "Kit Marsh", "staff"),
        ] {
            try run(["--as", Staff.head, "staff", "add", id, "--name", name, "--role", role, "--at", When.at(-24)])
        }
        return URL(fileURLWithPath: database)
    }

    /// The staff, and one case well under way (see ``Sandbox/Start/openCase``).
    static let openCase: Result<URL, any Error> = Result {
        let directory = root.appendingPathComponent("open-case")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("casebook.sqlite").path
        try copy(try staff.get(), to: database)
        func run(_ arguments: [String]) throws -> CLIResult {
            let result = try CasebookBinary.run(["--db", database, "--as", Staff.manager] + arguments, in: directory)
            guard result.status == 0 else { throw TemplateFailure(arguments: arguments, result: result) }
            return result
        }
        let opened = try run([
            "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary",
            "Abusive posts about Ms Pennington; one names her street.", "--category", "harassment", "--category", "threat",
            "--school", "Harrowgate Fields Academy", "--discovered-at", When.at(-1), "--at", When.at(0),
        ])
        guard opened.stdout.contains(reference) else { throw TemplateFailure(arguments: ["open"], result: opened) }
        _ = try run([
            "evidence", "add", reference, "--kind", "social", "--url", "https://chirp.example/hf_truthteller/status/8812",
            "--platform", "Chirp", "--posted-at", When.at(-3), "--captured-at", When.at(0.5), "--file",
            CasebookBinary.fixture("screenshot-post.png"), "--description", "Post naming her street", "--at", When.at(0.5),
        ])
        _ = try run([
            "evidence", "add", reference, "--kind", "web", "--url", "https://forum.parents.example/t/412#p9", "--at", When.at(0.6),
        ])
        _ = try run(["investigate", "start", reference, "--at", When.at(1)])
        _ = try run([
            "investigate", "assess", reference, "--threatening", "--rationale", "Names her home street.", "--at", When.at(1.5),
        ])
        _ = try run(["takedown", "request", reference, "--evidence", "E1", "--method", "form", "--at", When.at(2)])
        return URL(fileURLWithPath: database)
    }

    /// The template case, closed.
    static let closedCase: Result<URL, any Error> = Result {
        let directory = root.appendingPathComponent("closed-case")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("casebook.sqlite").path
        try copy(try openCase.get(), to: database)
        for step in try CommandTests.workflow(reference) where step.type != "CaseReopened" {
            let result = try CasebookBinary.run(["--db", database, "--as", step.actor] + step.arguments, in: directory)
            guard result.status == 0 else { throw TemplateFailure(arguments: step.arguments, result: result) }
        }
        return URL(fileURLWithPath: database)
    }

    /// Copies a database file (and its write-ahead log, if any) to `path`.
    static func copy(_ template: URL, to path: String) throws {
        for suffix in ["", "-wal"] {
            let source = template.path + suffix
            if FileManager.default.fileExists(atPath: source) {
                try FileManager.default.copyItem(atPath: source, toPath: path + suffix)
            }
        }
    }

    struct TemplateFailure: Error, CustomStringConvertible {
        let arguments: [String]
        let result: CLIResult
        var description: String { "building a template database: casebook \(arguments.joined(separator: " ")): \(result)" }
    }
}
