import EventLog
import Foundation

/// Why a member of staff may not see or act on a case (SPEC §8, conflicts of interest).
public enum Involvement: String, Sendable, CaseIterable {
    /// The person the material is about.
    case affected
    /// A member of staff identified as the source: `investigate source --kind staff --ref ID`.
    case source
    /// Referred to the disciplinary procedure on the case.
    case disciplinary
    /// Excluded with `restrict CASE --exclude ID`.
    case excluded

    /// The refusal's words.
    var refusal: String {
        switch self {
        case .affected, .source, .disciplinary: return "you are involved in this case"
        case .excluded: return "you are excluded from this case"
        }
    }
}

extension CaseState {
    /// Everyone who may not see the case, with why: ids lowercased (staff ids are unique
    /// without regard to case), each reason once.
    public var involvement: [(staff: String, reason: Involvement)] {
        var list: [(staff: String, reason: Involvement)] = [(opened.affected.lowercased(), .affected)]
        if let source, source.kind == .staff, let ref = source.ref?.trimmingCharacters(in: .whitespaces), !ref.isEmpty {
            list.append((ref.lowercased(), .source))
        }
        list += disciplinaryReferrals.map { ($0.lowercased(), .disciplinary) }
        list += excluded.map { ($0.lowercased(), .excluded) }
        var seen: Set<String> = []
        return list.filter { seen.insert("\($0.staff) \($0.reason.rawValue)").inserted }
    }

    /// Why `id` may not see the case, or nil. An involvement (affected, source,
    /// disciplinary) is named before an exclusion.
    public func involvement(of id: String) -> Involvement? {
        // The first of ``involvement`` naming `id`, without making the list (verify asks
        // this for every event it re-decides).
        let key = id.lowercased()
        if opened.affected.lowercased() == key { return .affected }
        if let source, source.kind == .staff, let ref = source.ref?.trimmingCharacters(in: .whitespaces), !ref.isEmpty,
            ref.lowercased() == key
        {
            return .source
        }
        if disciplinaryReferrals.contains(where: { $0.lowercased() == key }) { return .disciplinary }
        if excluded.contains(where: { $0.lowercased() == key }) { return .excluded }
        return nil
    }
}

/// The access rules of SPEC §8 for one case and one member: scope first, then conflicts of
/// interest. A case outside the member's scope is answered exactly as a case that does not
/// exist (exit 66, the same message), so a refusal never reveals that it exists.
public enum CaseAccess {
    /// The error for a case that does not exist, or that the member may not know of.
    public static func noSuchCase(_ reference: CaseReference) -> CasebookError {
        CasebookError.notFound("no case \(reference); see '\(command: .listCases)'")
    }

    /// Throws unless `actor` may see and act on the case.
    public static func check(_ state: CaseState, by actor: StaffMember) throws {
        try check(
            reference: state.reference, school: state.opened.school, involvement: state.involvement(of: actor.id),
            isRestricted: state.involvesChildSexualImagery, by: actor)
    }

    /// Whether `actor` may see cases involving child sexual imagery (SPEC §9).
    static func seesRestricted(_ actor: StaffMember) -> Bool { LawfulContentTrack.rolesForImagery.contains(actor.role) }

    static func check(
        reference: CaseReference, school: String, involvement: Involvement?, isRestricted: Bool = false, by actor: StaffMember
    ) throws {
        guard actor.scope.includes(school: school) else { throw noSuchCase(reference) }
        // A case involving child sexual imagery is answered to others as one that does not exist.
        guard !isRestricted || seesRestricted(actor) else { throw noSuchCase(reference) }
        if let involvement {
            throw CasebookError.notPermitted("\(involvement.refusal) (\(reference)), so you may not see or act on it")
        }
    }
}

extension Casebook {
    /// Throws unless `actor` may see the case, read from the read models (no replay): for
    /// reads that do not need the case's state.
    public func checkAccess(to reference: CaseReference, by actor: StaffMember) throws {
        guard let (school, isRestricted) = try CaseAccess.scope(of: reference, in: store) else {
            throw CaseAccess.noSuchCase(reference)
        }
        let reasons = try CaseAccess.involvements(of: actor, in: reference, in: store)
        let involvement = Involvement.allCases.first { reasons.contains($0) }
        try CaseAccess.check(reference: reference, school: school, involvement: involvement, isRestricted: isRestricted, by: actor)
    }

    /// A case's state for a member who may see it (``CaseAccess``), with `asOf` as the
    /// record stood then.
    ///
    /// Who may see it is always decided on the case as it is **now** (scope, involvement,
    /// exclusion, child-sexual-imagery visibility): `--as-of` changes what is shown, never
    /// who may see it, and an out-of-scope case answers exactly like a missing one before
    /// anything is said about the past (issue 18, L2 and L5).
    func visibleState(of reference: CaseReference, by actor: StaffMember, asOf: Date? = nil) throws -> CaseState {
        let events = try events(of: reference)
        let current = try withCurrentSchool(try CaseState.replay(events))
        try CaseAccess.check(current, by: actor)
        guard let asOf else { return current }
        return try withCurrentSchool(try CaseState.replay(try Self.events(events, of: reference, asOf: asOf)))
    }

}
