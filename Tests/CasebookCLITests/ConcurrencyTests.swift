import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several `casebook` processes advancing one database at once: a command reads the case,
/// decides and appends under one write lock, so commands on one case queue rather than
/// conflict; every one succeeds and nothing is lost or duplicated.
@Suite struct ConcurrencyTests {
    /// One command a worker ran, and what it gave.
    struct Outcome {
        let worker: Int
        let index: Int
        let arguments: [String]
        let result: CLIResult
    }

    /// What the workers' threads report back.
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var outcomes: [Outcome] = []
        private var errors: [String] = []

        func add(_ outcome: Outcome) { lock.withLock { outcomes.append(outcome) } }
        func add(_ error: any Error) { lock.withLock { errors.append("\(error)") } }
        var all: [Outcome] { lock.withLock { outcomes } }
        var failures: [String] { lock.withLock { errors } }
    }

    /// Starts `workers` threads together, each running `count` commands one after another
    /// (each a separate `casebook` process), and waits for them all.
    static func run(
        workers: Int, count: Int, in directory: URL, _ arguments: @escaping @Sendable (_ worker: Int, _ index: Int) -> [String]
    ) throws -> [Outcome] {
        let outcomes = Outcomes()
        let group = DispatchGroup()
        for worker in 0..<workers {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                for index in 0..<count {
                    let words = arguments(worker, index)
                    do {
                        outcomes.add(Outcome(worker: worker, index: index, arguments: words, result: try CasebookBinary.run(words, in: directory)))
                    } catch {
                        outcomes.add(error)
                    }
                }
            }
            thread.start()
        }
        group.wait()
        #expect(outcomes.failures.isEmpty, "\(outcomes.failures)")
        let all = outcomes.all
        #expect(all.count == workers * count)
        for outcome in all {
            #expect(outcome.result.status == 0, "\(outcome.arguments): \(outcome.result)")
        }
        return all
    }

    /// The versions of a stream, in order.
    static func versions(of stream: String, in sandbox: Sandbox) throws -> [Int] {
        try sandbox.events().filter { $0.stream == stream }.map(\.version)
    }

    @Test func fourProcessesAddingEvidenceAndNotesToOneCase() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let database = sandbox.database
        let stream = "case/\(r)"
        let versionsBefore = try Self.versions(of: stream, in: sandbox)
        let screenshot = CasebookBinary.fixture("screenshot-comment.jpg")
        // Workers 0 and 1 capture evidence (every other item with the same screenshot);
        // workers 2 and 3 add notes.
        let outcomes = try Self.run(workers: 4, count: 10, in: sandbox.directory) { worker, index in
            let globals = ["--db", database, "--as", Staff.manager]
            let label = "worker \(worker) item \(index)"
            if worker < 2 {
                return globals + ["evidence", "add", r, "--kind", "other", "--description", label, "--at", When.at(3)]
                    + (index % 2 == 0 ? ["--file", screenshot] : [])
            }
            return globals + ["investigate", "note", r, label, "--at", When.at(3)]
        }
        let succeeded = outcomes.filter { $0.result.status == 0 }
        #expect(succeeded.count == 40)
        let evidenceAdded = succeeded.filter { $0.worker < 2 }
        let notesAdded = succeeded.filter { $0.worker >= 2 }

        // Evidence ids run on from E2 with no gap and no repeat; each printed id is one item.
        let items = try sandbox.succeed(["evidence", "list", r], json: true).jsonArray().compactMap { $0 as? [String: Any] }
        let ids = items.compactMap { $0.string("id") }
        #expect(ids == (1...(2 + evidenceAdded.count)).map { "E\($0)" })
        let printed = evidenceAdded.compactMap { $0.result.stdout.split(separator: " ").first.map(String.init) }
        #expect(Set(printed).count == evidenceAdded.count)
        #expect(Set(printed) == Set(ids.dropFirst(2)))
        // Exactly the items whose command succeeded were stored, each once.
        let descriptions = items.dropFirst(2).compactMap { $0.string("description") }
        #expect(descriptions.sorted() == evidenceAdded.map { "worker \($0.worker) item \($0.index)" }.sorted())
        let notes = try SQLiteFile(database).rows(
            "SELECT json_extract(payload, '$.text') FROM events WHERE stream = '\(stream)' AND type = 'InvestigationNoteAdded'")
        #expect(notes.map { String($0[0].dropFirst(5)) }.sorted() == notesAdded.map { "worker \($0.worker) item \($0.index)" }.sorted())
        // The stream's versions are contiguous: one event per successful command.
        #expect(try Self.versions(of: stream, in: sandbox) == Array(1...(versionsBefore.count + succeeded.count)))
        // The screenshot is stored once however many items carry it.
        let withFile = evidenceAdded.filter { $0.index % 2 == 0 }.count
        #expect(try SQLiteFile(database).scalar("SELECT count(*) FROM blobs WHERE size = 46346") == (withFile > 0 ? "1" : "0"))
        // The read model agrees.
        #expect(try SQLiteFile(database).scalar("SELECT version FROM cases WHERE reference = '\(r)'") == "\(versionsBefore.count + succeeded.count)")
        #expect(try SQLiteFile(database).scalar("SELECT evidence_count FROM cases WHERE reference = '\(r)'") == "\(ids.count)")
        let verified = try sandbox.run(["verify"], as: Staff.manager)
        #expect(verified.status == 0, "\(verified)")
        #expect(try SQLiteFile(database).integrityCheck() == "ok")
    }

    /// Six shell processes each run `casebook evidence add` eight times on ONE case. They are
    /// held behind a gate (their standard input is one pipe whose only write end the test
    /// holds; `cat` blocks until it closes), so all six start together once all are running.
    /// Every command decides under the write lock: all 48 succeed, and the case gains 48
    /// contiguous versions and E-numbers, each printed once.
    @Test func sixProcessesTimesEightEvidenceItemsOnOneCaseAllSucceed() throws {
        let sandbox = try Sandbox(.openCase)
        let r = sandbox.reference
        let stream = "case/\(r)"
        let versionsBefore = try Self.versions(of: stream, in: sandbox).count
        let (workers, count) = (6, 8)
        let script = """
            cat >/dev/null
            i=0
            while [ "$i" -lt \(count) ]; do
              "$1" --db "$2" --as "$3" evidence add "$4" --kind other --description "worker $5 item $i" --at "$6" \\
                >"out-$5-$i" 2>"err-$5-$i"
              echo "$?" >"rc-$5-$i"
              i=$((i + 1))
            done
            """
        var gate: [Int32] = [0, 0]
        try #require(pipe(&gate) == 0)
        // Neither end is inherited by any process but through `standardInput` below.
        for fd in gate { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var writeEnd: Int32? = gate[1]
        defer { if let fd = writeEnd { close(fd) } }
        var processes: [Process] = []
        for worker in 0..<workers {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [
                "-c", script, "sh", try CasebookBinary.url().path, sandbox.database, Staff.manager, r, "\(worker)", When.at(3),
            ]
            process.currentDirectoryURL = sandbox.directory
            process.environment = CasebookBinary.environment(home: sandbox.directory)
            process.standardInput = FileHandle(fileDescriptor: gate[0], closeOnDealloc: false)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        close(gate[0])
        // Open the gate: every worker's `cat` sees the end of its input at once.
        if let fd = writeEnd { close(fd) }
        writeEnd = nil
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationReason == .exit && $0.terminationStatus == 0 })

        var printed: [String] = []
        for worker in 0..<workers {
            for index in 0..<count {
                func read(_ name: String) -> String {
                    (try? String(contentsOfFile: sandbox.path("\(name)-\(worker)-\(index)"), encoding: .utf8)) ?? "(missing)"
                }
                #expect(read("rc").trimmingCharacters(in: .whitespacesAndNewlines) == "0", "worker \(worker) item \(index): \(read("err"))")
                printed.append(read("out").split(separator: " ").first.map(String.init) ?? "")
            }
        }
        // Each command printed its own E-number: E3 to E50, none twice.
        #expect(printed.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count } == (3...50).map { "E\($0)" })
        let items = try sandbox.succeed(["evidence", "list", r], json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(items.compactMap { $0.string("id") } == (1...50).map { "E\($0)" })
        let descriptions = items.dropFirst(2).compactMap { $0.string("description") }
        #expect(descriptions.sorted() == (0..<workers).flatMap { w in (0..<count).map { "worker \(w) item \($0)" } }.sorted())
        #expect(try Self.versions(of: stream, in: sandbox) == Array(1...(versionsBefore + workers * count)))
        #expect(try SQLiteFile(sandbox.database).scalar("SELECT version FROM cases WHERE reference = '\(r)'") == "\(versionsBefore + 48)")
        let verified = try sandbox.run(["verify"], as: Staff.manager)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func fourProcessesOpeningCasesGetDistinctReferences() throws {
        let sandbox = try Sandbox(.staff)
        let database = sandbox.database
        let outcomes = try Self.run(workers: 4, count: 5, in: sandbox.directory) { worker, index in
            [
                "--db", database, "--as", Staff.manager, "--json", "open", "--affected", Staff.affected, "--reported-by",
                Staff.affected, "--summary", "worker \(worker) case \(index)", "--at", When.at(0),
            ]
        }
        let succeeded = outcomes.filter { $0.result.status == 0 }
        #expect(succeeded.count == 20)
        let references = try succeeded.map { try #require(try $0.result.jsonObject().string("reference")) }
        #expect(Set(references).count == references.count, "two processes got the same reference: \(references.sorted())")
        let expected = (1...succeeded.count).map { String(format: "CB-%04d-%04d", When.year, $0) }
        #expect(references.sorted() == expected)
        // Each case's summary is its own command's, and each stream has only its opening event.
        let listed = try sandbox.succeed(["list"], json: true).jsonArray().compactMap { $0 as? [String: Any] }
        #expect(listed.count == succeeded.count)
        for outcome in succeeded {
            let reference = try #require(try outcome.result.jsonObject().string("reference"))
            let shown = try sandbox.succeed(["show", reference], json: true).jsonObject()
            #expect(shown.string("summary") == "worker \(outcome.worker) case \(outcome.index)")
            #expect(try Self.versions(of: "case/\(reference)", in: sandbox) == [1])
        }
        #expect(try sandbox.run(["verify"], as: Staff.manager).status == 0)
    }

    @Test func concurrentStepsOnTwoCasesDoNotInterfere() throws {
        let sandbox = try Sandbox(.openCase)
        let first = sandbox.reference
        let second = try #require(try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Second", "--at", When.at(0)], json: true
        ).jsonObject().string("reference"))
        try sandbox.succeed(["evidence", "add", second, "--kind", "other", "--description", "a note of a call", "--at", When.at(1)])
        try sandbox.succeed(["investigate", "start", second, "--at", When.at(1)])
        let database = sandbox.database
        // One worker per case: no two processes share a stream, so none may conflict.
        let outcomes = try Self.run(workers: 2, count: 8, in: sandbox.directory) { worker, index in
            ["--db", database, "--as", Staff.manager, "investigate", "note", worker == 0 ? first : second, "note \(index)", "--at", When.at(3)]
        }
        #expect(outcomes.allSatisfy { $0.result.status == 0 }, "\(outcomes.filter { $0.result.status != 0 }.map(\.result))")
        #expect(try Self.versions(of: "case/\(first)", in: sandbox) == Array(1...14))
        #expect(try Self.versions(of: "case/\(second)", in: sandbox) == Array(1...11))
        #expect(try sandbox.run(["verify"], as: Staff.manager).status == 0)
    }
}
