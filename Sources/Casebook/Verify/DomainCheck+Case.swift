import EventLog
import Foundation

extension DomainCheck {
    func checkCase(_ pending: [RecordedEvent], chains: inout ChainVerifier) -> Outcome {
        var decoded: [(stored: RecordedEvent, event: CaseEvent)] = []
        decoded.reserveCapacity(pending.count)
        for stored in pending {
            do {
                decoded.append((stored, try CaseEvent(type: stored.type, payload: stored.payload)))
            } catch {
                record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
            }
        }
        // Every erased payload: a redactable type, and a later EventRedacted naming it.
        var recordedBy: [Int: Int] = [:]
        for (stored, event) in decoded {
            if case .redaction(let version, _) = event, version < stored.version, recordedBy[version] == nil {
                recordedBy[version] = stored.version
            }
        }
        for stored in pending where stored.payload == nil {
            let reference = EventReference(stream: stored.stream, version: stored.version)
            if !Workflow.redactableTypes.contains(stored.type) {
                chains.removeRedacted(reference)
                record(stored, .unrecordedErasure, "the payload was erased, but a \(stored.type.prefix(64)) event cannot be redacted", in: &chains)
            } else if recordedBy[stored.version] == nil {
                chains.removeRedacted(reference)
                record(stored, .unrecordedErasure, "the payload was erased, but no EventRedacted event of the case records it", in: &chains)
            }
        }
        for (stored, event) in decoded { checkActor(stored, needs: event.permission, chains: &chains) }
        // The read models, replayed and compared with the stored ones.
        let reference = String(pending[0].stream.dropFirst("case/".count))
        guard decoded.count == pending.count, case .opened(let opened)? = decoded.first?.event,
            let openedAt = Timestamp.date(from: pending[0].occurredAt)
        else {
            if decoded.count == pending.count {
                record(pending[0], .undecodablePayload, "the case does not begin with CaseOpened", in: &chains)
            }
            // Not rebuilt: its stored rows are carried over, so only the break is reported.
            return Outcome(rows: .carriedOver(reference: reference))
        }
        // The history re-decided while it is replayed: every event one the workflow would
        // have accepted then, by someone who could act on the case then.
        var named = opened
        named.school = staff.schools.current(opened.school)
        let (state, broken) = HistoryRules.replay(
            decoded, opened: named, openedAt: openedAt, member: { staff.member($0, before: $1) },
            settings: { settings.settings(before: $0) })
        for found in broken + HistoryRules.unerasedPayloads(decoded, in: pending) { chains.record(found) }
        var outcome = Outcome(rows: .projected(ProjectedRows(state, settings: settings.current), reference: reference))
        for (stored, event) in decoded {
            for file in event.files {
                outcome.files.append(
                    Outcome.FileReference(label: "\(stored.stream) v\(stored.version): \(file.name) (\(file.sha256))", sha256: file.sha256))
            }
            if case .filesPurged(let purge) = event {
                for file in purge.files where purge.erased.contains(file.sha256) {
                    outcome.erased.append(Outcome.ErasedFile(stream: stored.stream, version: stored.version, file: file))
                }
            }
        }
        return outcome
    }
}

extension CaseEvent {
    /// What the actor's role needed to record this event: the permission of the command
    /// that gives it (``CaseCommand/permission``), opening, or redaction.
    var permission: Permission {
        switch self {
        case .opened(let opened): return opened.concern == nil ? .openCase : .reportConcern
        case .concernTriaged: return .triageConcerns
        case .assigned: return .assignCases
        case .track(let event): return event.event.permission
        case .redaction: return .redact
        case .evidenceCaptured, .evidenceFilesAttached: return .addEvidence
        case .policeReferred(let force, let reference, let overrideReason):
            return CaseCommand.referToPolice(force: force, reference: reference, overrideReason: overrideReason).permission
        case .policeReferredUnlawful: return .referUnlawfulConduct
        case .redacted(let type): return type == Self.evidenceCapturedType ? .addEvidence : .advanceCase
        case .withdrawn(let item, let reason): return CaseCommand.withdraw(item: item, reason: reason).permission
        case .accessRestricted, .accessRestored: return .restrictAccess
        case .categoryAdded, .categoryRemoved: return .classifyCase
        case .retentionDateRecorded: return .recordRetentionDate
        case .held, .holdReleased: return .holdCases
        case .retentionApplied: return .applyRetention
        case .evidenceFlagged: return .addEvidence
        case .referralDecision: return .recordReferralDecision
        case .filesPurged(let purge):
            // Child sexual imagery is purged by whoever marks it (category add, evidence flag).
            return purge.reason == LawfulContentTrack.imageryPurgeReason ? .addEvidence : .purgeFiles
        default: return .advanceCase
        }
    }

    /// The files the event refers to (evidence files, a removal check's screenshot).
    var files: [StoredFile] {
        switch self {
        case .evidenceCaptured(let evidence): return evidence.files
        case .opened(let opened): return opened.concern?.files ?? []
        case .evidenceFilesAttached(_, let files): return files
        case .removalChecked(_, _, let file?), .hostResponded(_, _, let file?): return [file]
        default: return []
        }
    }
}
