import Casebook
import EventLog
import Foundation

/// `evidence capture`: Casebook fetches the page itself (SPEC §13, 000 §12.2) and records
/// one evidence item through the same path as `evidence add`.
enum CaptureCommand {
    /// The default time limit, in seconds.
    static let defaultTimeout = 60

    static let capture = Command(
        spec: CommandSpec(
            name: "evidence capture",
            summary: "Fetch a page and keep it as one evidence item: a full-window screenshot (PNG), a print (PDF) and a WARC of the exchange, with the address it loaded, the addresses it resolved to, the status and the times (000 §12.2).",
            positionals: [
                CaseCommands.casePositional, PositionalSpec(name: "url", help: "The http or https address of the page."),
            ],
            options: [
                OptionSpec(name: "description", valueName: "text", help: "What it shows."),
                OptionSpec(name: "kind", valueName: "kind", help: "web (the default) or social."),
                OptionSpec(
                    name: "allow-private",
                    help: "Allow a host that resolves to a private, loopback or link-local address (an intranet page); recorded."),
                OptionSpec(
                    name: "timeout", valueName: "seconds",
                    help: "The time limit of the whole capture (default \(defaultTimeout), at most 600); past it nothing is stored."),
            ],
            examples: [
                "casebook --as smt.jones evidence capture CB-2026-0001 https://forum.example/t/9 --description 'The copy'"
            ])
    ) { invocation in
        let casebook = try invocation.casebook()
        let actor = try invocation.actor()
        let reference = try invocation.caseReference()
        let url = try invocation.positional(1).trimmingCharacters(in: .whitespaces)
        let kind = try invocation.optional("kind").map { try Invocation.word($0, option: "kind", as: EvidenceKind.self) } ?? .web
        guard kind.needsURL else { throw CasebookError.invalidInput("a captured page is web or social evidence, not \(kind.rawValue)") }
        let timeout = try timeout(invocation.optional("timeout"))
        let allowPrivate = invocation.arguments.flag("allow-private")
        let parsed = try WebURL.parse(url)
        let description = invocation.optional("description")
        // Every rule that can be checked before the fetch is: nothing is fetched for a case
        // or an address Casebook may not keep (child sexual imagery), nor by a role that
        // could not record it.
        try casebook.checkCapture(of: url, kind: kind, description: description, on: reference, by: actor)
        // The tools of the machine that fetches (the server's, through the server).
        let tools = try fetching {
            try PageCapture.tools(environment: ProcessInfo.processInfo.environment, timeout: timeout, allowPrivate: allowPrivate)
        }
        let started = invocation.clock()
        let result = try fetching { try PageCapture(tools: tools).capture(url, parsed: parsed) }
        let ended = max(started, invocation.clock())
        let stored = try result.files.map { try Casebook.fileInfo(name: $0.name, bytes: $0.bytes) }
        let facts = CaptureFacts(
            finalURL: result.finalURL, addresses: result.addresses, status: result.status,
            startedAt: Timestamp.string(from: started), endedAt: Timestamp.string(from: ended), tools: result.tools,
            allowedPrivate: allowPrivate)
        let draft = EvidenceDraft(
            kind: kind, url: url, capturedAt: started, description: description, files: stored, capture: facts)
        let (events, state) = try casebook.cases.execute(.addEvidence(draft), on: reference, by: actor, files: result.files.map(\.bytes))
        guard case .evidenceCaptured(let evidence)? = events.first else {
            throw CommandError.programmer("evidence capture recorded no EvidenceCaptured event")
        }
        var text = "\(evidence.id) captured by Casebook on \(state.reference): \(evidence.kind.rawValue) \(url)"
        for line in facts.lines(invocation.localTime) { text += "\n  " + line }
        for file in evidence.files {
            text += "\n  \(TextField.escaped(file.name))  \(file.mediaType)  \(file.size) bytes  sha256 \(file.sha256)"
        }
        return Output(
            text: TextField.escaped(text, keepingLines: true),
            json: [
                "case": .string(reference.description), "version": .int(state.version), "status": .string(state.status.rawValue),
                "events": .array(events.map(JSONOutput.event)),
            ],
            recorded: "recorded as \(evidence.id) on \(reference)")
    }

    /// `--timeout`: whole seconds from 1 to 600.
    static func timeout(_ text: String?) throws -> TimeInterval {
        guard let text else { return TimeInterval(defaultTimeout) }
        guard let seconds = Int(text), (1...600).contains(seconds) else {
            throw CasebookError.invalidInput("--timeout '\(text.prefix(20))' is not a number of seconds from 1 to 600")
        }
        return TimeInterval(seconds)
    }

    /// The capture's failures as the command line says them.
    private static func fetching<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PageCapture.Failure.unavailable(let reason) {
            throw CommandError.unavailable(reason)
        } catch PageCapture.Failure.refused(let reason) {
            throw CasebookError.invalidInput(Message(reason))
        }
    }
}
