import Casebook
import EventLog
import Foundation

/// JSON shapes of the library's values for `--json`: stable field names, UTC times.
enum JSONOutput {
    static func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.string(from: $0)) } ?? .null }

    /// A refusal: `unblock` is the command to type; `steps` the same, structured.
    static func refusal(_ refusal: Refusal, case reference: String, localTime: LocalTime?) -> JSONValue {
        [
            "rule": .string(refusal.rule), "clause": .string(refusal.clause),
            "reason": .string(MessageWords.render(refusal.reason, localTime: localTime)),
            "reasonParts": parts(refusal.reason),
            "unblock": .string(StepWords.render(refusal.unblock, case: reference, localTime: localTime)),
            "steps": .array(StepWords.json(refusal.unblock)),
        ]
    }

    /// A message's parts as data, for a front end that words them itself (the browser):
    /// `{"text": …}`, `{"instant": UTC}`, `{"option": "evidence"}`, `{"command": "list-staff"}`.
    static func parts(_ message: Message) -> JSONValue {
        .array(
            message.segments.map { segment -> JSONValue in
                switch segment {
                case .text(let text): return ["text": .string(text)]
                case .instant(let date): return ["instant": time(date)]
                case .option(let name): return ["option": .string(name)]
                case .command(let command): return ["command": .string(command.description)]
                }
            })
    }

    static func staff(_ member: StaffMember) -> JSONValue {
        [
            "id": .string(member.id), "name": .string(member.name), "role": .string(member.role.rawValue),
            "login": JSONValue(member.login), "school": JSONValue(member.scope.school), "left": .bool(member.hasLeft),
        ]
    }

    static func event(_ event: CaseEvent) -> JSONValue {
        ["type": .string(event.typeName), "payload": event.payload]
    }

    static func deadline(_ deadline: Deadline) -> JSONValue {
        [
            "case": .string(deadline.reference.description), "kind": .string(deadline.kind.rawValue),
            "subject": .string(deadline.subject), "due": time(deadline.due), "nextAction": .string(deadline.nextAction),
            "command": .string(StepWords.render(deadline.step, case: deadline.reference.description, localTime: nil)),
        ]
    }

    static func takedown(_ takedown: CaseState.Takedown) -> JSONValue {
        [
            "id": .string(takedown.request.id), "host": .string(takedown.request.host),
            "evidence": .array(takedown.request.evidence.map { .string($0) }),
            "method": .string(takedown.request.method.rawValue), "sentBy": .string(takedown.request.sentBy.rawValue),
            "requestedAt": time(takedown.requestedAt), "deadline": time(takedown.deadline),
            "response": JSONValue(takedown.response?.rawValue), "check": JSONValue(takedown.check?.rawValue),
            "removalConfirmedAt": time(takedown.removalConfirmedAt), "isp": JSONValue(takedown.isp),
            "ispResponse": JSONValue(takedown.ispResponse?.rawValue), "resolved": .bool(takedown.isResolved),
            "platformReference": JSONValue(takedown.request.platformReference),
            "helpline": JSONValue(takedown.helpline?.helpline.rawValue), "helplineReference": JSONValue(takedown.helpline?.reference),
            "helplineResult": JSONValue(takedown.helplineResult?.rawValue),
        ]
    }

    static func evidence(_ item: CaseState.EvidenceItem) -> JSONValue {
        guard let details = item.details else {
            return [
                "id": .string(item.id), "redacted": true, "capturedBy": .string(item.capturedBy),
                "withdrawn": withdrawal(item.withdrawal),
            ]
        }
        return [
            "id": .string(item.id), "redacted": false, "kind": .string(details.kind.rawValue), "url": JSONValue(details.url),
            "host": JSONValue(details.host), "capturedAt": .string(details.capturedAt), "postedAt": JSONValue(details.postedAt),
            "platform": JSONValue(details.platform), "description": JSONValue(details.description),
            "capturedBy": .string(item.capturedBy), "withdrawn": withdrawal(item.withdrawal),
            "childSexualImagery": .bool(item.isChildSexualImagery),
            "files": .array(details.files.map { file(of: $0) }),
            "capture": details.capture.map(capture) ?? .null,
        ]
    }

    /// What Casebook saw when it fetched the item itself (`evidence capture`).
    static func capture(_ facts: CaptureFacts) -> JSONValue {
        [
            "finalURL": .string(facts.finalURL), "addresses": .array(facts.addresses.map { .string($0) }),
            "status": facts.status.map { .int($0) } ?? .null, "startedAt": .string(facts.startedAt),
            "endedAt": .string(facts.endedAt), "tools": .array(facts.tools.map { .string($0) }),
            "allowedPrivate": .bool(facts.allowedPrivate),
        ]
    }

    /// Who withdrew an entry, when and why; null while it stands.
    static func withdrawal(_ withdrawal: CaseState.Withdrawal?) -> JSONValue {
        withdrawal.map { ["by": .string($0.by), "at": time($0.at), "reason": .string($0.reason)] } ?? .null
    }

    static func file(of file: StoredFile) -> JSONValue {
        [
            "name": .string(file.name), "sha256": .string(file.sha256), "size": .int(file.size),
            "mediaType": .string(file.mediaType),
        ]
    }

    static func investigation(_ state: CaseState) -> JSONValue {
        var value: [String: JSONValue] = ["status": "not-started"]
        switch state.investigation {
        case .notStarted: break
        case .started: value["status"] = "started"
        case .concluded(let finding, let summary):
            value["status"] = "concluded"
            value["finding"] = .string(finding.rawValue)
            value["summary"] = .string(summary)
        }
        value["round"] = .int(state.investigationRound)
        value["source"] = state.source.map { ["kind": .string($0.kind.rawValue), "ref": JSONValue($0.ref)] } ?? .null
        value["threatening"] = state.isThreatening.map { .bool($0) } ?? .null
        value["rationale"] = JSONValue(state.threatRationale)
        value["notes"] = .int(state.liveNotes.count)
        value["behaviourReferrals"] = .array(state.behaviourReferrals.map { .string($0) })
        value["disciplinaryReferrals"] = .array(state.disciplinaryReferrals.map { .string($0) })
        return .object(value)
    }

    static func state(_ state: CaseState) -> JSONValue {
        [
            "reference": .string(state.reference.description), "school": .string(state.opened.school),
            "affected": .string(state.opened.affected), "reportedBy": .string(state.opened.reportedBy),
            "reportedTo": .string(state.opened.reportedTo), "summary": .string(state.opened.summary),
            "categories": .array(state.opened.categories.map { .string($0.rawValue) }), "urgent": .bool(state.isUrgent),
            "status": .string(state.status.rawValue), "openedAt": time(state.openedAt),
            "discoveredAt": .string(state.opened.discoveredAt), "version": .int(state.version),
            "evidence": .array(state.liveEvidence.map(evidence)), "investigation": investigation(state),
            "takedowns": .array(state.liveTakedowns.map(takedown)),
            "takedownNotApplicableCovers": .array(state.liveNotApplicable.flatMap(\.covers).map { .string($0) }),
            "withdrawn": .array(CaseText.withdrawnEntries(state).map { .string($0) }),
            "policeToBeTold": .bool(state.policeToBeToldSince != nil),
            "takedownNotApplicable": JSONValue(state.takedownNotApplicable),
            "consent": JSONValue(state.consent?.rawValue),
            "policeReferral": state.policeReferral.map {
                ["force": .string($0.force), "reference": JSONValue($0.reference), "overrideReason": JSONValue($0.overrideReason),
                 "unlawfulConduct": JSONValue($0.unlawfulConduct), "at": time($0.at)]
            } ?? .null,
            "support": state.supportServices.map {
                ["services": .array($0.map { .string($0) }), "response": JSONValue(state.supportResponse?.rawValue)]
            } ?? .null,
            "closure": state.closure.map {
                ["outcome": .string($0.outcome), "action": .string($0.action.rawValue), "at": time($0.at)]
            } ?? .null,
            // SPEC §9: child sexual imagery, its referral decisions, purges, retention.
            "childSexualImagery": .bool(state.involvesChildSexualImagery),
            "referralDecisions": .array(
                state.referralDecisions.map {
                    ["route": .string($0.route.rawValue), "reference": JSONValue($0.reference), "reason": JSONValue($0.reason),
                     "by": .string($0.by), "at": time($0.at)]
                }),
            "purges": .array(
                state.purges.map {
                    ["items": .array($0.items.map { .string($0) }), "reason": .string($0.purge.reason), "by": .string($0.by),
                     "at": time($0.at), "files": .array($0.purge.files.map { .string($0.sha256) }),
                     "erased": .array($0.purge.erased.map { .string($0) })]
                }),
            "hold": JSONValue(state.hold),
            "retentionDate": time(state.retentionDate),
        ]
    }
}
