import EventLog
import Foundation

/// A concern as a member of staff reports it (SPEC §11): what happened, where, when they
/// saw it, whom it is about (themselves by default), and any files.
public struct ConcernDraft: Sendable, Equatable {
    /// What happened, in the reporter's words.
    public var summary: String
    /// Where the material is.
    public var url: String?
    /// When they saw it.
    public var seenAt: Date?
    /// The member of staff it is about; nil for the reporter themselves.
    public var about: String?
    /// The files they give (hashed; their bytes are given to ``Casebook/reportConcern(_:by:at:files:)``).
    public var files: [StoredFile]

    /// Creates a draft.
    public init(summary: String, url: String? = nil, seenAt: Date? = nil, about: String? = nil, files: [StoredFile] = []) {
        self.summary = summary
        self.url = url
        self.seenAt = seenAt
        self.about = about
        self.files = files
    }
}

/// One of a reporter's concerns as they may see it: its reference and status only.
public struct ConcernStatus: Sendable, Equatable {
    /// The reference.
    public var reference: CaseReference
    /// When it was reported.
    public var reportedAt: Date
    /// `reported`, `accepted` or `declined`.
    public var triage: String
    /// Whether the case is closed.
    public var isClosed: Bool

    /// The status in the reporter's words: awaiting triage, declined, being handled, closed.
    public var status: String {
        switch triage {
        case "reported": return "awaiting triage"
        case "declined": return "declined"
        default: return isClosed ? "closed" : "being handled"
        }
    }
}

extension CaseWork {
    /// Reports a concern (any member of staff, SPEC §11, 000 §12.1): a case in state
    /// `reported`, awaiting triage, about the reporter unless `about` names a colleague, in
    /// the reporter's school (or the colleague's when the reporter is trust-wide). The files'
    /// bytes are stored in the same transaction.
    @discardableResult
    public func reportConcern(_ draft: ConcernDraft, by actor: StaffMember, at date: Date? = nil, files: [[UInt8]] = []) throws -> CaseState {
        try actor.require(.reportConcern)
        let occurredAt = date ?? core.now
        try Workflow.checkNotFuture(occurredAt, now: core.now, field: "the report's time")
        let summary = try Workflow.text(draft.summary, "the summary")
        let url = try Workflow.optionalText(draft.url, "the URL")
        if let url { _ = try WebURL.parse(url) }
        if let seen = draft.seenAt {
            try Workflow.checkNotFuture(seen, now: core.now, field: "the time it was seen")
            guard seen <= occurredAt else { throw CasebookError.invalidInput("the time it was seen is after the report's time") }
        }
        var affected = actor
        if let about = draft.about {
            _ = try StaffID.validate(about, field: "the member it is about")
            guard let member = try core.member(about) else {
                throw CasebookError.notFound("no member of staff '\(about)' in the staff directory")
            }
            affected = member
        }
        try core.requireCurrent(affected.id, as: "affected person")
        for file in draft.files { try FileName.validate(file.name) }
        // The triage clock must be countable (SPEC §11: an error, not a guess).
        _ = try WorkingDays.requireOneWorkingDay(after: occurredAt, for: "the concern's triage")
        let school = actor.scope.school ?? affected.scope.school ?? ""
        let concern = CaseEvent.Opened.Concern(
            url: url?.trimmingCharacters(in: .whitespaces), seenAt: draft.seenAt.map(Timestamp.string(from:)), files: draft.files)
        return try Casebook.translatingErrors {
            try core.door.pass(by: actor.id) { passage in
                // Any member may report a concern (the role, checked above); the person it is
                // about is checked again now, under the write lock.
                try passage.authorise { try core.requireCurrent(affected.id, as: "affected person") }
                let year = Calendar.utc.component(.year, from: occurredAt)
                let reference = CaseReference(year: year, number: try CaseRows.highestNumber(in: year, in: passage) + 1)
                let opened = CaseEvent.Opened(
                    reference: reference, school: school, affected: affected.id, reportedBy: actor.id, reportedTo: actor.id,
                    summary: summary, categories: [], discoveredAt: Timestamp.string(from: draft.seenAt ?? occurredAt), concern: concern)
                try storeConcernFiles(files, named: draft.files, in: passage)
                let state = CaseState(opened: opened, at: occurredAt)
                try passage.append(
                    [CaseEvent.opened(opened).newEvent(occurredAt: Timestamp.string(from: occurredAt), actor: actor.id)],
                    to: reference.stream, expectedVersion: 0)
                try Projection.write(state, settings: try core.settings(), to: passage)
                return state
            }
        }
    }

    /// The concerns `actor` reported, newest first, with their status only.
    public func myConcerns(by actor: StaffMember) throws -> [ConcernStatus] {
        try actor.require(.reportConcern)
        return try Casebook.translatingErrors { try CaseRows.concerns(reportedBy: actor.id, in: core.store) }
    }

    /// Stores a concern's files and checks each named file is among the bytes given.
    private func storeConcernFiles(_ bytes: [[UInt8]], named files: [StoredFile], in passage: Passage) throws {
        let stored = try bytes.map { try passage.storeBlob($0) }
        for info in stored where try core.store.isPurged(info.sha256) {
            throw CasebookError.invalidInput(
                "a file with SHA-256 \(info.sha256) was purged from this database; its bytes cannot be stored again")
        }
        let given = Dictionary(stored.map { ($0.sha256, $0.size) }, uniquingKeysWith: { first, _ in first })
        for file in files {
            if let size = given[file.sha256] {
                guard size == file.size else { throw CasebookError.invalidInput("\(file.name): its size does not match its bytes") }
            } else if try !core.store.hasBlob(file.sha256) {
                throw CasebookError.invalidInput("\(file.name): its bytes were not given (SHA-256 \(file.sha256))")
            }
        }
    }
}
