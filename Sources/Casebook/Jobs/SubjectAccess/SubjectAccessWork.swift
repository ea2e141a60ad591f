import EventLog
import Foundation

/// The answer to a subject access request (SPEC §9): every entry that names a person, with
/// how it names them, and the other people it names marked for review before release.
public struct SubjectAccessExport: Sendable {
    /// One stored event that names the person.
    public struct Entry: Sendable {
        /// `case/CB-2026-0001`, `staff`, `audit`, `retention`.
        public var stream: String
        /// Its version.
        public var version: Int
        /// Its type.
        public var type: String
        /// When it happened (UTC text).
        public var occurredAt: String
        /// Who recorded it.
        public var actor: String
        /// How it names the person: affected, reporter, recorded-the-report, actor, source,
        /// referred, consenting, excluded, named-in-text, staff-record.
        public var roles: [String]
        /// The payload as stored (null once redacted).
        public var payload: JSONValue
        /// Other people it names: to review, and withhold or redact, before release.
        public var others: [String]
    }

    /// The person's id (a staff id, or a pupil's reference).
    public var subject: String

    /// The cases whose entries it holds, in order, each once: the audit trail of each
    /// case shows the request.
    public var cases: [CaseReference] {
        var seen: Set<CaseReference> = []
        return entries.compactMap { entry -> CaseReference? in
            guard entry.stream.hasPrefix("case/"), let reference = CaseReference(String(entry.stream.dropFirst(5))) else {
                return nil
            }
            return seen.insert(reference).inserted ? reference : nil
        }
    }
    /// Their name, when they are in the staff directory.
    public var name: String?
    /// When the request was received.
    public var receivedAt: Date
    /// One calendar month after it was received (UK GDPR art. 12(3)).
    public var deadline: Date
    /// Every entry naming them, oldest first.
    public var entries: [Entry]
    /// The other ways of naming them searched for in free text: the forms made from their
    /// directory name (`Mr Davies`, …) and those asked for (`--also`).
    public var alsoSearched: [String] = []

    /// The export as JSON.
    public var json: JSONValue {
        [
            "subject": .string(subject), "name": JSONValue(name), "receivedAt": .string(Timestamp.string(from: receivedAt)),
            "deadline": .string(Timestamp.string(from: deadline)),
            "alsoSearched": .array(alsoSearched.map { .string($0) }),
            "review": .string(
                "Before release, review every entry's 'others': they name other people, whose details must be withheld or redacted unless they consent."),
            "entries": .array(
                entries.map { entry in
                    [
                        "stream": .string(entry.stream), "version": .int(entry.version), "type": .string(entry.type),
                        "occurredAt": .string(entry.occurredAt), "actor": .string(entry.actor),
                        "roles": .array(entry.roles.map { .string($0) }), "payload": entry.payload,
                        "others": .array(entry.others.map { .string($0) }),
                    ]
                }),
        ]
    }

    /// The export as a standalone HTML page, times in UTC.
    public var html: String { html(localTime: nil) }

    /// The export as a standalone HTML page, times in `localTime` (UTC without one).
    public func html(localTime: LocalTime?) -> String {
        func time(_ date: Date) -> String { localTime?.format(date) ?? Timestamp.string(from: date) }
        func time(_ text: String) -> String { Timestamp.date(from: text).map(time) ?? text }
        var rows = ""
        for entry in entries {
            let review = entry.others.isEmpty ? "" : "<p class=\"review\">REVIEW before release, names others: \(HTMLText.escape(entry.others.joined(separator: ", ")))</p>"
            rows += """
                <tr><td>\(HTMLText.escape(entry.stream)) v\(entry.version)</td><td>\(HTMLText.escape(time(entry.occurredAt)))</td>\
                <td>\(HTMLText.escape(entry.type))</td><td>\(HTMLText.escape(entry.roles.joined(separator: ", ")))</td>\
                <td><pre>\(HTMLText.escape(entry.payload.serialized()))</pre>\(review)</td></tr>

                """
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Subject access: \(HTMLText.escape(subject))</title>
            <style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px;vertical-align:top}.review{color:#a00;font-weight:bold}pre{white-space:pre-wrap}</style>
            </head><body>
            <h1>Subject access request: \(HTMLText.escape(subject))\(name.map { " (\(HTMLText.escape($0)))" } ?? "")</h1>
            <p>Received \(HTMLText.escape(time(receivedAt))); due by \(HTMLText.escape(time(deadline))) (one calendar month).</p>
            <p>Also searched for in free text: \(HTMLText.escape(alsoSearched.isEmpty ? "(nothing)" : alsoSearched.joined(separator: "; "))).</p>
            <p class="review">Entries marked REVIEW name other people: withhold or redact their details before release.</p>
            <table><tr><th>Entry</th><th>When</th><th>What</th><th>Names the subject as</th><th>Content</th></tr>
            \(rows)</table></body></html>

            """
    }
}

/// Subject access requests (UK GDPR Art. 15): everything held about one person, and the
/// record of its export. Reached as `casebook.subjectAccess`;
/// it holds only the shared core.
public struct SubjectAccessWork {
    let core: Casebook
}

extension Casebook {
    /// Subject access: the export about one person.
    public var subjectAccess: SubjectAccessWork { SubjectAccessWork(core: self) }
}

extension SubjectAccessWork {
    /// Gathers every entry that names `subject` (headteacher): as affected, reporter,
    /// actor, source, referred, consenting, excluded, or by name in free text; with the
    /// other people each names, for review. Only cases in the headteacher's scope.
    ///
    /// Free text is searched for the person's name, the forms people write it in (`Mr
    /// Davies`, `Ms Davies`, … from the directory name's last word), every alias declared
    /// for them (`staff alias`) and every `also` text (a nickname, a misspelling, a former name).
    public func subjectAccess(
        _ subject: String, also: [String] = [], receivedAt: Date? = nil, by actor: StaffMember
    ) throws -> SubjectAccessExport {
        try actor.requireWholeRecord(.answerSubjectAccess)
        let subject = try Workflow.text(subject, "the person's id")
        let received = receivedAt ?? core.now
        try Workflow.checkNotFuture(received, now: core.now, field: .option("received"))
        let key = subject.lowercased()
        let directory = try core.staff.all(as: actor)
        let name = directory.first { $0.id.lowercased() == key }?.name
        var aliases: [String] = []
        if let surname = name?.split(separator: " ").last.map(String.init), name?.contains(" ") == true {
            aliases += ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"].map { "\($0) \(surname)" }
        }
        // Every alias declared for them (`staff alias`), then those asked for now.
        let declared = try directory.first { $0.id.lowercased() == key }.map { try core.staff.staffAliases()[$0.id] ?? [] } ?? []
        for text in declared + also {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw CasebookError.invalidInput("a further text to search for is empty") }
            if !aliases.contains(where: { $0.lowercased() == trimmed.lowercased() }) { aliases.append(trimmed) }
        }
        let aliasKeys = aliases.map { $0.lowercased() }
        let schools = try CaseRows.schoolsByStream(in: core.store)
        // The cases the member answering may not see (involved or excluded): a request that
        // reaches one of them is answered by someone else, never with it left out silently.
        let barred = Set(try CaseAccess.casesBarring(actor, in: core.store))
        func checkNotBarred(_ reference: CaseReference?) throws {
            guard let reference, barred.contains(reference.description) else { return }
            throw CasebookError.notPermitted(
                "this request reaches a case you are involved in or excluded from, so another trust-wide headteacher must answer it")
        }
        var entries: [SubjectAccessExport.Entry] = []
        try Casebook.translatingErrors {
            try core.store.reading {
                try core.store.forEachEventByStream { stored in
                    if stored.stream.hasPrefix("case/"), let school = schools[stored.stream], !actor.scope.includes(school: school) { return }
                    let payload: JSONValue
                    do {
                        try stored.checkTimes()
                        payload = try stored.payload.map { try JSONValue.parse($0) } ?? .null
                    } catch {
                        throw CasebookError.undecodable(stored, error)
                    }
                    let text = payload.serialized().lowercased()
                    var roles: [String] = []
                    if stored.actor.lowercased() == key { roles.append("actor") }
                    // A case event that is not redacted and cannot be read is damage (65, naming
                    // the case and version), never left out of the person's export.
                    let caseEvent = stored.stream.hasPrefix("case/") && !stored.isRedacted ? try CaseEvent(stored: stored) : nil
                    if stored.stream.hasPrefix("case/"), let event = caseEvent {
                        roles += Self.roles(of: key, in: event)
                    } else if stored.stream == StaffEvent.stream, payload["id"]?.string?.lowercased() == key || text.contains("\"\(key)\"") {
                        roles.append("staff-record")
                    }
                    if let name, text.contains(name.lowercased()), !roles.contains("named-in-text") { roles.append("named-in-text") }
                    if !roles.contains("named-in-text"), aliasKeys.contains(where: { text.contains($0) }) { roles.append("named-in-text") }
                    guard !roles.isEmpty else { return }
                    if stored.stream.hasPrefix("case/") {
                        try checkNotBarred(CaseReference(String(stored.stream.dropFirst("case/".count))))
                    } else if stored.stream == AuditEvent.stream {
                        try checkNotBarred(try AuditEvent(stored: stored).caseReference)
                    }
                    var others: [String] = []
                    for member in directory where member.id.lowercased() != key {
                        if text.contains("\"\(member.id.lowercased())\"") || text.contains(member.name.lowercased()) {
                            others.append("\(member.id) (\(member.name))")
                        }
                    }
                    if case .behaviourReferral(let pupil)? = caseEvent,
                        pupil.lowercased() != key
                    {
                        others.append("pupil \(pupil)")
                    }
                    entries.append(
                        SubjectAccessExport.Entry(
                            stream: stored.stream, version: stored.version, type: stored.type, occurredAt: stored.occurredAt,
                            actor: stored.actor, roles: roles, payload: payload, others: others))
                }
            }
        }
        let deadline = Calendar.utc.date(byAdding: .month, value: 1, to: received) ?? received
        var export = SubjectAccessExport(subject: subject, name: name, receivedAt: received, deadline: deadline, entries: entries)
        export.alsoSearched = aliases
        return export
    }

    /// Records the request, its deadline and the export in the audit stream.
    public func recordSubjectAccess(_ export: SubjectAccessExport, format: String, by actor: StaffMember) throws {
        try actor.require(.answerSubjectAccess)
        try core.recordExport(
            .subjectAccessExported(
                subject: export.subject, receivedAt: Timestamp.string(from: export.receivedAt),
                deadline: Timestamp.string(from: export.deadline), format: format, entries: export.entries.count,
                cases: export.cases),
            by: actor)
    }

    /// How a case event names the person (lowercased id).
    static func roles(of key: String, in event: CaseEvent) -> [String] {
        func matches(_ value: String?) -> Bool { value?.trimmingCharacters(in: .whitespaces).lowercased() == key }
        switch event {
        case .opened(let opened):
            return (matches(opened.affected) ? ["affected"] : []) + (matches(opened.reportedBy) ? ["reporter"] : [])
                + (matches(opened.reportedTo) ? ["recorded-the-report"] : [])
        case .sourceIdentified(_, let ref): return matches(ref) ? ["source"] : []
        case .disciplinaryReferral(let staff): return matches(staff) ? ["referred"] : []
        case .behaviourReferral(let pupil): return matches(pupil) ? ["referred"] : []
        case .consentRecorded(_, let by): return matches(by) ? ["consenting"] : []
        case .accessRestricted(let staff, _), .accessRestored(let staff, _): return matches(staff) ? ["excluded"] : []
        default: return []
        }
    }
}
