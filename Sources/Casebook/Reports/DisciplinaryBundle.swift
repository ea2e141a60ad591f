import EventLog
import Foundation

/// HR's disciplinary bundle (SPEC §1, §11): of a case with a live disciplinary referral,
/// the referral, the evidence it rests on, the source and threat findings, the conclusion
/// and the outcome, and nothing else (no support, notes, takedowns, police or corrections
/// entries). A referral names no evidence items, so every live evidence item is included.
enum DisciplinaryBundle {
    /// The event types a bundle keeps.
    static let types: Set<String> = [
        CaseEventType.opened, .evidenceCaptured, .evidenceFilesAttached, .sourceIdentified, .threatAssessed,
        .disciplinaryReferral, .investigationConcluded, .closed, .reopened,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// The versions of the case's events the bundle shows; ``CasebookError/notPermitted(_:)``
    /// when the case has no live disciplinary referral (HR may read nothing else of a case).
    static func versions(of state: CaseState, events: [RecordedEvent], by actor: StaffMember) throws -> Set<Int> {
        guard !state.disciplinaryReferrals.isEmpty else {
            throw CasebookError.notPermitted(
                "\(actor.id) has the \(actor.role.rawValue) role, which may read only the disciplinary bundle of a case referred for discipline, and \(state.reference) has no disciplinary referral")
        }
        let live = Set(state.liveEvidence.filter { !$0.isChildSexualImagery }.map(\.version))
        let evidenceType = CaseEventType.evidenceCaptured.rawValue
        let withdrawnReferrals = Set(state.referrals.filter { $0.withdrawal != nil }.map(\.version))
        return Set(
            events.filter { event in
                guard types.contains(event.type) else { return false }
                if event.type == evidenceType { return live.contains(event.version) }
                return !withdrawnReferrals.contains(event.version)
            }.map(\.version))
    }

    /// The timeline cut down to the bundle: its rows, no overdue list.
    static func cut(_ timeline: Timeline, to versions: Set<Int>) -> Timeline {
        var bundle = timeline
        bundle.rows = timeline.rows.filter { versions.contains($0.event.version) }
        bundle.overdue = []
        bundle.isDisciplinaryBundle = true
        return bundle
    }
}
