import EventLog
import Foundation

extension Casebook {
    /// How identities are established in this database: the first `IdentityModeSet` of the
    /// staff stream, the one `init` wrote (a later one is never honoured; verify reports it);
    /// ``IdentityMode/claimed`` for a database made before SPEC §8. A mode that cannot be
    /// read is damage (``CasebookError/damaged(_:)``), never taken for `claimed`.
    public func identityMode() throws -> IdentityMode {
        guard let raw = try Self.translatingErrors({ try StaffRows.identityMode(in: store) }) else { return .claimed }
        guard let mode = IdentityMode(rawValue: raw) else {
            throw CasebookError.damaged("the staff stream's identity mode '\(raw.prefix(40))' cannot be read")
        }
        return mode
    }

    /// The staff directory replayed from the `staff` stream.
    public func directory() throws -> StaffDirectory {
        try Self.translatingErrors { try StaffDirectory.replay(try store.events(in: StaffEvent.stream)) }
    }

    /// The current member mapped to an operating-system login, or nil.
    public func member(login: String) throws -> StaffMember? {
        try StaffRows.member(login: login, in: store)
    }

    /// Who is acting (SPEC §8).
    ///
    /// In a ``IdentityMode/verified`` database the acting member is the one mapped to
    /// `login`, the operating-system login running the command (or, in server mode, the
    /// connecting process's); `named` (`--as`) may be given and must name that same member.
    /// In a ``IdentityMode/claimed`` database `named` is trusted as given.
    ///
    /// - Parameters:
    ///   - login: The caller's login name as the operating system reports it; nil when the
    ///     user id has no name.
    ///   - named: `--as` or `CASEBOOK_USER`, if given.
    /// - Throws: ``CasebookError/notPermitted(_:)`` for an unmapped login, a mismatched
    ///   `--as`, or a member who has left; ``CasebookError/notFound(_:)`` for an unknown
    ///   `--as` in a claimed database; ``CasebookError/invalidInput(_:)`` when `named` is
    ///   needed (claimed) but missing.
    public func resolveActor(login: String?, named: String?) throws -> StaffMember {
        switch try identityMode() {
        case .claimed:
            guard let named else {
                throw CasebookError.invalidInput("say who is acting with \(option: "as") STAFF-ID (or set CASEBOOK_USER)")
            }
            let member = try actor(named)
            guard !member.hasLeft else {
                throw CasebookError.notPermitted("\(member.id) has left (staff leave) and can no longer act")
            }
            return member
        case .verified:
            if let named { _ = try StaffID.validate(named, field: .option("as")) }
            guard let login else {
                throw CasebookError.notPermitted(
                    ("cannot tell who is running casebook: the user id has no login name" as Message).hint(Self.mappingHint))
            }
            guard let member = try member(login: login) else {
                throw CasebookError.notPermitted(
                    ("the login '\(login)' is not mapped to a current member of staff" as Message).hint(Self.mappingHint))
            }
            if let named, named.lowercased() != member.id.lowercased() {
                throw CasebookError.notPermitted(
                    ("the login '\(login)' acts as \(member.id), but \(option: "as") (or CASEBOOK_USER) names '\(named)'" as Message)
                        .hint("leave \(option: "as") out, or give \(option: "as") \(member.id)"))
            }
            return member
        }
    }

    /// What to do about an unmapped login. (Identity refusals carry their own ``Message/hint``;
    /// front ends print it instead of their usual one.)
    public static let mappingHint: Message = "ask the headteacher to run '\(command: .mapLogin)'"
}

/// The login name of a user id, from the system's user database (`getpwuid_r`, so NSS
/// sources such as SSSD are asked too); nil when the id has no entry.
public func loginName(uid: uid_t) -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    for _ in 0..<4 {
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        if status == ERANGE {
            buffer = [CChar](repeating: 0, count: buffer.count * 4)
            continue
        }
        guard status == 0, let found = result, let name = found.pointee.pw_name else { return nil }
        return String(cString: name)
    }
    return nil
}
