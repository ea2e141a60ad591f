import EventLog
import Foundation

/// The checks that need to know what events mean, one stream at a time on any thread:
/// decoding, recorded erasures, actors, the replay. What needs the connection (writing the
/// replayed read models, looking up stored files) is handed back as a ``Outcome`` for
/// ``Written`` to do on the connection's thread.
struct DomainCheck: Sendable {
    let staff: StaffTimeline
    let settings: SettingsTimeline

    /// Checks one whole stream (its chain already checked into `chains`).
    func check(_ pending: [RecordedEvent], chains: inout ChainVerifier) throws -> Outcome {
        guard let first = pending.first else { return Outcome() }
        for stored in pending { checkTimes(stored, chains: &chains) }
        if first.stream == StaffEvent.stream {
            return checkStaff(pending, chains: &chains)
        } else if first.stream == AuditEvent.stream {
            return checkAudit(pending, chains: &chains)
        } else if first.stream == SchoolEvent.stream {
            for stored in pending {
                do {
                    _ = try SchoolEvent(type: stored.type, payload: stored.payload)
                    checkActor(stored, needs: .manageStaff, chains: &chains)
                } catch {
                    record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                }
            }
            return Outcome()
        } else if first.stream == RetentionEvent.stream {
            for stored in pending {
                do {
                    _ = try RetentionEvent(type: stored.type, payload: stored.payload)
                    checkActor(stored, needs: .applyRetention, chains: &chains)
                } catch {
                    record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                }
            }
            return Outcome()
        } else if first.stream == SettingsEvent.stream {
            for stored in pending {
                // Decoded once, by the timeline: out of its range (what `settings set`
                // refuses) or not a number at all is a break here.
                if let undecodable = settings.undecodable[stored.position] {
                    undecodable.record(stored, in: &chains)
                } else if !settings.hasDecoded(stored.position) {
                    // Not in the timeline's snapshot of the stream: decoded here.
                    do {
                        _ = try SettingsEvent(type: stored.type, payload: stored.payload)
                    } catch {
                        UndecodableEventError(stored, error, what: SettingsTimeline.undecodableWords).record(stored, in: &chains)
                    }
                }
                checkActor(stored, needs: .manageSettings, chains: &chains)
            }
            return Outcome()
        } else if Casebook.isStreamName(first.stream) {
            return checkCase(pending, chains: &chains)
        }
        return Outcome()
    }

    /// Both times are real instants, and the event did not happen after it was recorded
    /// (beyond the clock skew a command accepts).
    func checkTimes(_ stored: RecordedEvent, chains: inout ChainVerifier) {
        do {
            try stored.checkTimes()
        } catch {
            record(stored, .brokenRule, "rule event-time: \(error)", in: &chains)
            return
        }
        if let occurred = Timestamp.date(from: stored.occurredAt), let recorded = Timestamp.date(from: stored.recordedAt),
            occurred > recorded.addingTimeInterval(Workflow.futureTolerance)
        {
            record(
                stored, .brokenRule, "rule event-time: it happened at \(stored.occurredAt), after it was recorded at \(stored.recordedAt)",
                in: &chains)
        }
    }

    func record(_ stored: RecordedEvent, _ kind: ChainBreak.Kind, _ detail: String, in chains: inout ChainVerifier) {
        chains.record(ChainBreak(stream: stored.stream, version: stored.version, kind: kind, detail: detail))
    }

    /// Whether the actor could take this step when the event was committed.
    func checkActor(_ stored: RecordedEvent, needs permission: Permission, chains: inout ChainVerifier) {
        guard let role = staff.role(of: stored.actor, before: stored.position) else {
            record(stored, .unauthorisedActor, "\(stored.actor.prefix(64)) was not a member of staff when this \(stored.type) was committed", in: &chains)
            return
        }
        if !role.may(permission) {
            record(stored, .unauthorisedActor, "\(stored.actor) had the \(role.rawValue) role, which may not \(permission.rawValue)", in: &chains)
        }
    }

    func checkStaff(_ pending: [RecordedEvent], chains: inout ChainVerifier) -> Outcome {
        var changes: [Outcome.StaffChange] = []
        for stored in pending {
            // Decoded once, by the timeline (or here, for an event it did not read).
            let decoded = staff.decoded[stored.position] ?? Result { try StaffEvent(type: stored.type, payload: stored.payload) }
                .mapError { UndecodableEventError(stored, $0) }
            let event: StaffEvent
            switch decoded {
            case .success(let found): event = found
            case .failure(let undecodable):
                undecodable.record(stored, in: &chains)
                continue
            }
            // `init` adds the first headteacher, who acts as themselves: the one bootstrap.
            var isBootstrap = false
            if case .added(let member) = event {
                isBootstrap = stored.version == 1 && member.role == .headteacher && member.id == stored.actor
            }
            // The identity mode is set once, by `init`, right after the first headteacher (SPEC §8).
            if case .identityModeSet(let mode) = event, stored.version != 2 || pending.first?.actor != stored.actor {
                record(
                    stored, .brokenRule,
                    "rule identity-mode-set-once: the identity mode is set once, by init; this later IdentityModeSet (\(mode.rawValue)) is not honoured",
                    in: &chains)
            }
            // A member turns their own alerts on or off (SPEC §11).
            if case .alertsSet(let id, _) = event, id == stored.actor { isBootstrap = true }
            if !isBootstrap { checkActor(stored, needs: .manageStaff, chains: &chains) }
            changes.append(Outcome.StaffChange(event: event, occurredAt: stored.occurredAt))
        }
        return Outcome(rows: .staff(changes))
    }

    func checkAudit(_ pending: [RecordedEvent], chains: inout ChainVerifier) -> Outcome {
        var outcome = Outcome()
        for stored in pending {
            let event: AuditEvent
            do {
                event = try AuditEvent(type: stored.type, payload: stored.payload)
            } catch {
                record(stored, .undecodablePayload, "the \(stored.type.prefix(64)) payload cannot be read: \(error)", in: &chains)
                continue
            }
            switch event {
            case .timelineExported(let reference, _, _, let head):
                checkActor(stored, needs: .readCases, chains: &chains)
                if let head {
                    outcome.exports.append(
                        Outcome.Export(head: StreamHead(stream: reference.stream, version: head.version, hash: head.hash), audit: stored.version))
                }
            case .bundleExported(let reference, _, _, _, _, let head):
                checkActor(stored, needs: .readCases, chains: &chains)
                outcome.exports.append(
                    Outcome.Export(head: StreamHead(stream: reference.stream, version: head.version, hash: head.hash), audit: stored.version))
            case .outcomesExported:
                checkActor(stored, needs: .readOutcomes, chains: &chains)
            case .caseRead:
                checkActor(stored, needs: .readCases, chains: &chains)
            case .auditRead(let reference, _):
                // The headteacher reads any audit; the safeguarding lead one case's (SPEC §8).
                checkActor(stored, needs: reference == nil ? .readAudit : .readCases, chains: &chains)
            case .backupMade:
                checkActor(stored, needs: .backup, chains: &chains)
            case .checkpointTaken:
                checkActor(stored, needs: .checkpoint, chains: &chains)
            case .subjectAccessExported:
                checkActor(stored, needs: .answerSubjectAccess, chains: &chains)
            case .alertSent, .alertFailed:
                checkActor(stored, needs: .sendAlerts, chains: &chains)
            }
        }
        return outcome
    }

}
