import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real operating-system accounts for the identity tests (SPEC §8): made with `useradd` when
/// the tests run as root (as CI does), removed with `userdel` when the value goes. Commands
/// run as one of them through `setpriv`, with its user and group ids and no other groups.
final class OSUsers {
    /// One account.
    struct User {
        let name: String
        let uid: uid_t
        let gid: gid_t
    }

    /// The accounts, in the order asked for.
    let users: [User]

    /// A folder only root can change, holding a copy of the binary every account can run.
    let binaryFolder: URL
    var binary: URL { binaryFolder.appendingPathComponent("casebook") }

    /// Why the accounts cannot be made here, or nil when they can.
    static var unavailableReason: String? {
        if getuid() != 0 { return "not running as root, so no operating-system accounts can be made" }
        for tool in ["/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/bin/setpriv"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing"
        }
        return nil
    }

    /// Makes `count` accounts named `cbt` and random letters, or returns nil (printing why)
    /// when this machine cannot.
    static func make(_ count: Int, for test: String) throws -> OSUsers? {
        if let reason = unavailableReason {
            print("SKIPPED \(test): \(reason)")
            return nil
        }
        return try OSUsers(count: count)
    }

    private init(count: Int) throws {
        var made: [User] = []
        do {
            for _ in 0..<count {
                let name = "cbt" + String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(9))
                // useradd exits 10 when another process holds /etc/passwd's lock: try again.
                var status = try Self.tool("/usr/sbin/useradd", ["-M", "-N", "-s", "/usr/sbin/nologin", name])
                for _ in 0..<20 where status == 10 {
                    usleep(100_000)
                    status = try Self.tool("/usr/sbin/useradd", ["-M", "-N", "-s", "/usr/sbin/nologin", name])
                }
                guard status == 0, let entry = getpwnam(name) else { throw Failure(message: "useradd \(name) exited \(status)") }
                made.append(User(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid))
            }
        } catch {
            for user in made { _ = try? Self.tool("/usr/sbin/userdel", [user.name]) }
            throw error
        }
        users = made
        binaryFolder = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: binaryFolder, withIntermediateDirectories: false)
        chmod(binaryFolder.path, 0o755)
        try FileManager.default.copyItem(at: try CasebookBinary.url(), to: binary)
        chmod(binary.path, 0o755)
    }

    deinit {
        for user in users { _ = try? Self.tool("/usr/sbin/userdel", [user.name]) }
        try? FileManager.default.removeItem(at: binaryFolder)
    }

    /// A new folder owned by `user`, mode 0700: where they keep their database.
    func folder(for user: User) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-id-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        guard chown(folder.path, user.uid, user.gid) == 0, chmod(folder.path, 0o700) == 0 else {
            throw Failure(message: "cannot give \(folder.path) to \(user.name)")
        }
        return folder
    }

    /// Runs `casebook ARGUMENTS…` in `directory` as `user`, with the test environment plus `environment`.
    func run(_ arguments: [String], as user: User, in directory: URL, environment: [String: String] = [:]) throws -> CLIResult {
        try CasebookBinary.start(
            ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--", binary.path] + arguments, in: directory,
            environment: environment, executable: URL(fileURLWithPath: "/usr/bin/setpriv")
        ).finish()
    }

    /// Runs a system tool to the end, its output discarded; its exit status (the one way the
    /// CLI tests run useradd, mount and the like).
    @discardableResult
    static func tool(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
