/// Operations that read the whole trust's record, not one case (SPEC §8; issue 18 item 2):
/// `backup`, `checkpoint`, `verify` and `subject-access` copy, list or report on every
/// school's cases, so only a trust-wide member may run them. A member scoped to one school
/// is refused (exit 77) before anything is read, and the refusal names no case.
extension StaffMember {
    /// Throws ``CasebookError/notPermitted(_:)`` unless the role allows `permission` and the
    /// member is trust-wide.
    public func requireWholeRecord(_ permission: Permission) throws {
        try require(permission)
        if let school = scope.school {
            throw CasebookError.notPermitted(
                "\(id) sees the cases of \(school) only, and this would \(permission.rawValue) across the whole trust's record; ask a trust-wide member")
        }
    }
}
