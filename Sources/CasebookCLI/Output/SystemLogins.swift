import Casebook
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Logins are checked against the machine's user database before a member is mapped to one:
/// `getpwnam`, which reads `/etc/passwd` and, through NSS, SSSD for directory accounts. A
/// login nobody can log in as would leave the member unable to act, and a typo
/// (`p.okafr`) would go unnoticed until the day they need it.
enum SystemLogins {
    /// The option that says a login is meant to be created later.
    static let notYetCreated = OptionSpec(
        name: "login-not-yet-created",
        help: "Accept a login the system's user database does not know yet (an account still to be made).")

    /// Whether the system's user database knows the login.
    static func exists(_ login: String) -> Bool {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getpwnam_r(login, &entry, &buffer, buffer.count, &result)
        return status == 0 && result != nil
    }

    /// Refuses (65) a login the system does not know, unless `--login-not-yet-created` says
    /// it is intended. The login's form is checked first.
    static func check(_ login: String, _ invocation: Invocation) throws {
        let login = try LoginName.validate(login)
        guard !invocation.arguments.flag(notYetCreated.name), !exists(login) else { return }
        throw CasebookError.invalidInput(
            "no login '\(login)' on this machine: the system's user database (getpwnam, which SSSD answers for directory "
                + "accounts) has none; check the spelling ('id \(login)' shows it), or give --login-not-yet-created if the "
                + "account is still to be made")
    }
}
