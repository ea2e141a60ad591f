import EventLog
import Foundation
import Testing

@testable import Casebook

// Shared fixtures for the Casebook tests: a clock moved by hand, a staff directory, pure
// cases driven through `Workflow.decide` and `CaseState.evolve`, and a real database file
// in a fresh temporary directory for tests of the `Casebook` service.

/// A clock the test moves by hand; tests never sleep.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func set(_ date: Date) {
        lock.lock()
        current = date
        lock.unlock()
    }

    func advance(by seconds: TimeInterval) {
        lock.lock()
        current = current.addingTimeInterval(seconds)
        lock.unlock()
    }

    /// The reading the library is given.
    var reading: @Sendable () -> Date { { [self] in self.now } }
}

/// Parses a UTC instant (`2026-03-28T10:00:00Z`) and fails the test if it does not parse.
func utc(_ text: String) -> Date {
    guard let date = LocalTime.parseRFC3339(text) else {
        Issue.record("bad fixture time \(text)")
        return Date(timeIntervalSince1970: 0)
    }
    return date
}

/// The start of most tests: a Friday morning in term, in GMT.
let fixtureStart = utc("2026-11-20T09:00:00Z")

/// The staff directory the tests use.
enum Staff {
    static let head = StaffMember(id: "head", name: "Hannah Head", role: .headteacher)
    static let manager = StaffMember(id: "sm", name: "Sam Manager", role: .seniorManager)
    static let dsl = StaffMember(id: "dsl", name: "Dee Lead", role: .safeguardingLead)
    static let hr = StaffMember(id: "hr1", name: "Harriet Resources", role: .hr)
    /// The affected member of staff.
    static let teacher = StaffMember(id: "t.jones", name: "Tom Jones", role: .staff)
    /// A colleague who turns out to be the source in the disciplinary case.
    static let colleague = StaffMember(id: "c.smith", name: "Cat Smith", role: .staff)

    static let all = [head, manager, dsl, hr, teacher, colleague]

    static func lookup(_ id: String) -> StaffMember? { all.first { $0.id == id } }

    static func context(_ actor: StaffMember, now: Date, at: Date? = nil) -> DecisionContext {
        DecisionContext(now: now, occurredAt: at, actor: actor, staff: lookup)
    }
}

/// The error a body throws, as a ``CasebookError``; records an issue for any other outcome.
func casebookError(
    _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) -> CasebookError? {
    do {
        try body()
        Issue.record("expected a CasebookError, but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as CasebookError {
        return error
    } catch {
        Issue.record("expected a CasebookError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The refusals a body throws; records an issue when it does anything but refuse.
func refusals(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> [Refusal] {
    switch casebookError(body, sourceLocation: sourceLocation) {
    case .refused(let found)?: return found
    case let other?:
        Issue.record("expected a refusal, got \(other)", sourceLocation: sourceLocation)
        return []
    case nil: return []
    }
}

extension CasebookError {
    var isInvalidInput: Bool { if case .invalidInput = self { return true } else { return false } }
    var isNotPermitted: Bool { if case .notPermitted = self { return true } else { return false } }
    var isNotFound: Bool { if case .notFound = self { return true } else { return false } }
}

/// A case held in memory and driven through the pure workflow: `decide`, then `evolve`.
struct PureCase {
    var state: CaseState
    /// The clock's reading for the next step.
    var now: Date
    /// Every event since the opening (the opening itself is `state`'s start).
    var events: [CaseEvent] = []

    static let reference = CaseReference(year: 2026, number: 1)

    /// Opens a case for the affected teacher, reported by them to the senior manager.
    static func open(
        categories: [Category] = [.harassment], at date: Date = fixtureStart, by actor: StaffMember = Staff.manager
    ) throws -> PureCase {
        let draft = CaseDraft(
            affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: "Comments about Mr Jones on a public page",
            categories: categories, school: "Hill Primary")
        let opened = try Workflow.open(draft, reference: reference, context: Staff.context(actor, now: date))
        return PureCase(state: CaseState(opened: opened, at: date), now: date)
    }

    /// What `decide` gives, without applying it.
    func decide(_ command: CaseCommand, by actor: StaffMember = Staff.head, at: Date? = nil) throws -> [CaseEvent] {
        try Workflow.decide(command, state: state, context: Staff.context(actor, now: now, at: at))
    }

    /// Decides and applies one command.
    @discardableResult
    mutating func apply(_ command: CaseCommand, by actor: StaffMember = Staff.head, at: Date? = nil) throws -> [CaseEvent] {
        let decided = try decide(command, by: actor, at: at)
        for event in decided { state = state.evolve(event, at: at ?? now, actor: actor.id) }
        events += decided
        return decided
    }

    /// Moves the clock on.
    mutating func advance(hours: Double) { now = now.addingTimeInterval(hours * 3600) }

    /// Whether `decide` accepts the command now (without applying it).
    func allows(_ command: CaseCommand, by actor: StaffMember = Staff.head, at: Date? = nil) -> Bool {
        (try? decide(command, by: actor, at: at)) != nil
    }

    /// The step as `availability` sees it now.
    func availability(_ step: Step) -> StepAvailability {
        Workflow.availability(of: state, now: now).first { $0.step == step }!
    }
}

// MARK: Commands with ordinary arguments

enum Commands {
    static func web(_ url: String = "https://social.example.com/post/1") -> CaseCommand {
        .addEvidence(EvidenceDraft(kind: .web, url: url, platform: "Example", description: "screenshot of the post"))
    }
    static func social(_ url: String) -> CaseCommand {
        .addEvidence(EvidenceDraft(kind: .social, url: url, platform: "Chirp"))
    }
    static let email = CaseCommand.addEvidence(EvidenceDraft(kind: .email, description: "saved email"))
    static let start = CaseCommand.startInvestigation
    static func source(_ kind: SourceKind, ref: String? = nil) -> CaseCommand { .identifySource(kind, ref: ref) }
    static let threatening = CaseCommand.assessThreat(isThreatening: true, rationale: "threatens violence")
    static let notThreatening = CaseCommand.assessThreat(isThreatening: false, rationale: "rude but not threatening")
    static let conclude = CaseCommand.concludeInvestigation(.substantiated, summary: "the account posted it")
    static func request(_ evidence: [String] = ["E1"], host: String? = nil) -> CaseCommand {
        .requestTakedown(evidence: evidence, host: host, method: .form, sentBy: .school)
    }
    static func response(_ result: HostResponse) -> CaseCommand { response("T1", result) }
    static func response(_ id: String, _ result: HostResponse) -> CaseCommand { .recordHostResponse(request: id, result) }
    static func check(_ result: CheckResult) -> CaseCommand { check("T1", result) }
    static func check(_ id: String, _ result: CheckResult) -> CaseCommand { .checkRemoval(request: id, result, file: nil) }
    static let notApplicable = CaseCommand.declareTakedownNotApplicable(reason: "a private message: there is no host")
    static func escalate(_ id: String = "T1") -> CaseCommand { .escalateToISP(request: id, isp: "Example Broadband") }
    static func ispResponse(_ id: String = "T1", _ result: ISPResponse = .blocked) -> CaseCommand {
        .recordISPResponse(request: id, result)
    }
    static func helpline(_ helpline: Helpline = .posh, _ id: String = "T1", reference: String? = nil) -> CaseCommand {
        .escalateToHelpline(request: id, helpline, reference: reference)
    }
    static func helplineResponse(_ result: HelplineResult = .removed, _ id: String = "T1") -> CaseCommand {
        .recordHelplineResponse(request: id, result)
    }
    static func consent(_ decision: ConsentDecision, by person: String = Staff.teacher.id) -> CaseCommand {
        .recordConsent(decision, by: person)
    }
    static let refer = CaseCommand.referToPolice(force: "Metropolitan Police", reference: nil, overrideReason: nil)
    static let override = CaseCommand.referToPolice(
        force: "Metropolitan Police", reference: "CRN-1", overrideReason: "a child is named and at risk")
    static let support = CaseCommand.offerSupport(services: ["Employee assistance programme", "Stress counselling service"])
    static let close = CaseCommand.close(outcome: "material removed; advice given", action: .advice)
    static let reopen = CaseCommand.reopen(reason: "the material reappeared")
    static func withdraw(_ item: String) -> CaseCommand { .withdraw(item: item, reason: "entered in error") }
}

// MARK: Real database files

/// A fresh, empty directory, removed when the last reference to it goes.
///
/// Prefer this (through ``ServiceFixture/init(start:)``) to ``withTemporaryDirectory(_:)``:
/// Swift 6.3.1 miscompiles some test bodies written inside a closure. When a closure is
/// written inside a `#expect`/`#require` argument within an enclosing closure, a later
/// closure in that enclosing closure can get the same symbol, and calling it runs the
/// earlier closure's body instead (for example, inside `withTemporaryDirectory { … }`,
/// `#expect([1, 2].map { $0 * 10 } == [10, 20])` followed by `let m = [1, 2].map { $0 + 100 }`
/// gives `m == [10, 20]`). Test bodies at the top level of the test function are not affected.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("casebook-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Runs `body` with a fresh, empty directory that is removed afterwards. See
/// ``TemporaryDirectory`` for why tests should not put `#expect` with closures inside `body`.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("casebook-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// A `Casebook` on a new file with the whole test staff directory, and its clock.
struct ServiceFixture {
    let casebook: Casebook
    let clock: TestClock
    let path: String
    /// The directory this fixture made, removed with the fixture.
    private let ownDirectory: TemporaryDirectory?

    /// A new database in a fresh temporary directory of its own, removed with the fixture.
    init(start: Date = fixtureStart) throws {
        let directory = try TemporaryDirectory()
        try self.init(directory: directory.url, start: start, owning: directory)
    }

    /// A new database in `directory`.
    init(directory: URL, start: Date = fixtureStart) throws {
        try self.init(directory: directory, start: start, owning: nil)
    }

    private init(directory: URL, start: Date, owning: TemporaryDirectory?) throws {
        ownDirectory = owning
        clock = TestClock(start)
        path = directory.appendingPathComponent("casebook.sqlite").path
        casebook = try Casebook.create(at: path, admin: Staff.head.id, name: Staff.head.name, clock: clock.reading)
        for member in Staff.all where member != Staff.head { try casebook.staff.addStaff(member, by: Staff.head) }
    }

    /// Opens a case for the affected teacher.
    func openCase(
        categories: [Category] = [.harassment], by actor: StaffMember = Staff.manager, summary: String = "Posts about Mr Jones"
    ) throws -> CaseReference {
        try casebook.cases.openCase(
            CaseDraft(
                affected: Staff.teacher.id, reportedBy: Staff.teacher.id, summary: summary, categories: categories,
                school: "Hill Primary"), by: actor
        ).reference
    }

    /// Takes a step now.
    @discardableResult
    func run(
        _ command: CaseCommand, on reference: CaseReference, by actor: StaffMember = Staff.manager, files: [[UInt8]] = []
    ) throws -> CaseState {
        try casebook.cases.execute(command, on: reference, by: actor, files: files).state
    }

    /// Every read-model table, every row and column, in a fixed order: for byte-for-byte comparison.
    func readModelDump() throws -> [String: [String]] {
        var dump: [String: [String]] = [:]
        for table in Projection.tables {
            var columns = 0
            try casebook.store.database.forEachRow("SELECT count(*) FROM pragma_table_info('\(table)')") { columns = $0.int(0) }
            #expect(columns > 0, "table \(table) has columns")
            let order = (1...max(columns, 1)).map(String.init).joined(separator: ", ")
            var rows: [String] = []
            try casebook.store.database.forEachRow("SELECT * FROM \(table) ORDER BY \(order)") { row in
                rows.append(
                    (0..<row.columnCount).map { index -> String in
                        switch row.value(index) {
                        case .null: return "NULL"
                        case .integer(let value): return "i:\(value)"
                        case .real(let value): return "r:\(value)"
                        case .text(let value): return "t:" + Hex.encode(Array(value.utf8))
                        case .blob(let bytes): return "b:" + Hex.encode(bytes)
                        }
                    }.joined(separator: "|"))
            }
            dump[table] = rows
        }
        return dump
    }

    /// `verify` is intact, and `rebuild` leaves every read-model table byte-identical.
    func expectIntactAndRebuildable(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try casebook.maintenance.verify(by: Staff.head)
        #expect(report.isIntact, "verify: \(report.breaks) \(report.projectionDifferences) \(report.missingFiles)", sourceLocation: sourceLocation)
        #expect(report.breaks.isEmpty, sourceLocation: sourceLocation)
        #expect(report.eventCount == (try casebook.store.eventCount()), sourceLocation: sourceLocation)
        let before = try readModelDump()
        #expect(before["cases"]?.isEmpty == false, sourceLocation: sourceLocation)
        try casebook.maintenance.rebuild(by: Staff.head)
        let after = try readModelDump()
        for table in Projection.tables {
            #expect(before[table] == after[table], "table \(table) changed in a rebuild", sourceLocation: sourceLocation)
        }
    }

    /// One row of the `cases` read model, column name → text (NULL as nil).
    func caseRow(_ reference: CaseReference) throws -> [String: String?] {
        var names: [String] = []
        try casebook.store.database.forEachRow("SELECT name FROM pragma_table_info('cases') ORDER BY cid") { names.append($0.text(0)) }
        var result: [String: String?] = [:]
        try casebook.store.database.forEachRow("SELECT * FROM cases WHERE reference = ?", [reference.description]) { row in
            for (index, name) in names.enumerated() {
                switch row.value(Int32(index)) {
                case .null: result[name] = .some(nil)
                case .integer(let value): result[name] = String(value)
                case .real(let value): result[name] = String(value)
                case .text(let value): result[name] = value
                case .blob(let bytes): result[name] = Hex.encode(bytes)
                }
            }
        }
        return result
    }
}

/// A few bytes that sniff as a PNG screenshot.
let screenshotBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("fake screenshot of the post".utf8)
