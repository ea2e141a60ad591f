import Casebook
import EventLog
import Foundation

/// `casebook-bench timeline`: one case of `--events` events (1,000 by default: evidence with
/// screenshots, takedowns on ten hosts with checks, the investigation, hundreds of notes)
/// exported in every format, as a library call (``Casebook/timeline(_:format:recipient:by:localTime:at:)``,
/// which also records the export in the audit stream) and as a whole `casebook timeline
/// --out FILE` process, against reading the case's events raw through the C API.
enum TimelineBenchmark {
    static let summary = "a 1,000-event case's timeline in every format, library and whole process: [--events 1000] [--runs 30] [--directory D] [--casebook P]"

    static func run(_ arguments: [String]) throws {
        let options = try BenchmarkOptions(arguments, known: ["events", "runs", "directory", "casebook"])
        let eventCount = try options.integer("events", default: 1000)
        let runs = try options.integer("runs", default: 30)
        guard eventCount >= 60 else { throw BenchmarkUsageError(description: "--events needs at least 60") }
        let casebookPath = options.text("casebook") ?? "\(ProcessTiming.executableDirectory)/casebook"
        let parent = options.text("directory") ?? FileManager.default.temporaryDirectory.path
        let directory = URL(fileURLWithPath: parent).appendingPathComponent("casebook-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("timeline.sqlite").path

        let head = StaffMember(id: "head", name: "Dr Priya Okafor", role: .headteacher)
        let manager = StaffMember(id: "smt.jones", name: "Sam Jones", role: .seniorManager)
        let teacher = StaffMember(id: "t.pennington", name: "Ada Pennington", role: .staff)
        let casebook = try Casebook.create(at: path, admin: head.id, name: head.name)
        for member in [manager, teacher] { try casebook.staff.addStaff(member, by: head) }
        let script = try makeScript(events: eventCount, affected: teacher.id, now: casebook.now)
        let state = try casebook.maintenance.importCases([script], by: manager)[0]
        let reference = state.reference
        guard state.version == eventCount else {
            throw BenchmarkFailure(description: "the case has \(state.version) events, not \(eventCount)")
        }
        let localTime = try LocalTime(identifier: "Europe/London")
        let raw = try SQLiteHandle(path, readOnly: true)
        print("Timeline of one case with \(grouped(eventCount)) events (\(state.evidence.count) evidence items, \(state.takedowns.count) takedowns, \(state.notes.count) notes): median of \(runs)")
        print("machine: \(Machine.summary())")
        var rawSample = Sample()
        for _ in 0..<(runs + 3) {
            rawSample.add(try measure {
                _ = try raw.scan(QueryBenchmark.streamEvents.replacingOccurrences(of: "version >= ?", with: "version >= 1"), [reference.stream])
            })
        }
        print(String(format: "  raw read of the case's events through the C API: %.2f ms", rawSample.median * 1000))
        print("  format   size        library   ×raw     whole process   target")
        let environment = ["TZ": "Europe/London", "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        for format in [TimelineFormat.html, .json, .text, .md, .csv] {
            var library = Sample()
            var size = 0
            for round in 0..<(runs + 3) {
                let seconds = try measure {
                    size = try casebook.reports.timeline(reference, format: format, recipient: "Northshire Police", by: manager, localTime: localTime)
                        .utf8.count
                }
                if round >= 3 { library.add(seconds) }
            }
            var process = Sample()
            let out = directory.appendingPathComponent("timeline.\(format.rawValue)").path
            for round in 0..<(min(runs, 10) + 2) {
                let result = try ProcessTiming.run(
                    casebookPath,
                    ["--db", path, "--as", manager.id, "timeline", reference.description, "--format", format.rawValue, "--out", out,
                     "--recipient", "Northshire Police"], environment: environment)
                guard result.status == 0 else { throw BenchmarkFailure(description: "casebook timeline exited with \(result.status)") }
                if round >= 2 { process.add(result.seconds) }
            }
            let verdict = library.median < 0.1 && process.median < 0.1 ? "ok" : "MISSED"
            print(
                "  " + format.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + leftPadded(mebibytes(size), 10)
                    + String(format: "  %8.1f ms %6.1f×  %10.1f ms   < 100 ms %@", library.median * 1000, library.median / rawSample.median,
                             process.median * 1000, verdict))
        }
    }

    /// One case with exactly `events` events, all in the last 30 days.
    static func makeScript(events total: Int, affected: String, now: Date) throws -> CaseScript {
        var rng = SplitMix64(seed: 1000)
        let opened = now.addingTimeInterval(-30 * 24 * 3600)
        var t = opened
        var steps: [CaseScript.Step] = []
        func add(_ command: CaseCommand, files: [[UInt8]] = []) {
            t = t.addingTimeInterval(60)
            steps.append(CaseScript.Step(command, at: t, files: files))
        }
        let shared: [(StoredFile, [UInt8])] = try (0..<8).map { index in
            var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            while bytes.count < 1500 + index * 200 { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            return (try Casebook.fileInfo(name: "shared-\(index).png", bytes: bytes), bytes)
        }
        let hosts = Array(CaseGenerator.hosts.prefix(10))
        let evidenceCount = max(10, total / 5)
        // 1 open + evidence + start + 3 per host (request, response, check) + source + assess
        // + consent + support + conclude + close; notes fill the rest.
        let fixed = 1 + evidenceCount + 1 + 3 * hosts.count + 6
        guard total >= fixed else { throw BenchmarkUsageError(description: "--events \(total) is too few for this case") }
        var byHost: [String: [String]] = [:]
        for index in 1...evidenceCount {
            let host = hosts[index % hosts.count]
            var (info, bytes) = shared[index % shared.count]
            if index % 4 == 0 {
                bytes = bytes + Array("unique \(index)".utf8)
                info = try Casebook.fileInfo(name: "E\(index).png", bytes: bytes)
            }
            info.name = "E\(index).png"
            add(.addEvidence(EvidenceDraft(
                kind: .social, url: "https://\(host)/status/\(100_000 + index)", capturedAt: t, platform: CaseGenerator.platforms[host],
                description: "Post \(index) about the teacher, with a photograph", files: [info])), files: [bytes])
            byHost[host, default: []].append("E\(index)")
        }
        add(.startInvestigation)
        for host in hosts { add(.requestTakedown(evidence: byHost[host]!, host: nil, method: .form, sentBy: .school)) }
        for (index, _) in hosts.enumerated() { add(.recordHostResponse(request: "T\(index + 1)", .removed)) }
        add(.identifySource(.pupil, ref: "@hf_truthteller"))
        add(.assessThreat(isThreatening: false, rationale: "Offensive, but no threat of harm."))
        let notes = total - fixed
        for index in 0..<notes { add(.addNote("Note \(index + 1): spoke to the pupils concerned and their parents; the posts were discussed and recorded.")) }
        for (index, _) in hosts.enumerated() { add(.checkRemoval(request: "T\(index + 1)", .removed, file: nil)) }
        add(.recordConsent(.declined, by: affected))
        add(.offerSupport(services: ["Employee assistance programme"]))
        add(.concludeInvestigation(.substantiated, summary: "The pupil admitted posting."))
        add(.close(outcome: "Removed; pupil sanctioned.", action: .behaviourSanction))
        return CaseScript(
            draft: CaseDraft(affected: affected, reportedBy: affected, summary: "A run of posts about a teacher", categories: [.harassment],
                             school: "Harrowgate Fields Academy"),
            openedAt: opened, steps: steps)
    }
}
