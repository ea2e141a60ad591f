import CasebookServer
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Real operating-system accounts, made for one test with useradd and removed after it.
/// Needs root (CI runs as root); elsewhere the tests are skipped with the reason.
final class TemporaryAccounts {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// A group standing for `casebook-staff`.
    let group: String
    /// A login in the group.
    let member: String
    /// A login outside it.
    let outsider: String
    private var made: [(String, [String])] = []

    init() throws {
        let tag = UUID().uuidString.prefix(6).lowercased()
        group = "cbtest-g\(tag)"
        member = "cbtest-m\(tag)"
        outsider = "cbtest-o\(tag)"
        try make("/usr/sbin/groupadd", [group], undo: ("/usr/sbin/groupdel", [group]))
        try make("/usr/sbin/useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", "--groups", group, member], undo: ("/usr/sbin/userdel", [member]))
        try make("/usr/sbin/useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", outsider], undo: ("/usr/sbin/userdel", [outsider]))
    }

    private func make(_ tool: String, _ arguments: [String], undo: (String, [String])) throws {
        let result = try runProgram(tool, arguments)
        guard result.status == 0 else { throw Failed(description: "\(tool) \(arguments.joined(separator: " ")) failed: \(result.errors)") }
        made.append(undo)
    }

    /// The user id of a login, from the account database.
    func uid(_ login: String) -> uid_t? { getpwnam(login)?.pointee.pw_uid }

    /// The group id of a group.
    func gid(ofGroup name: String) -> gid_t? { getgrnam(name)?.pointee.gr_gid }

    deinit {
        // Users first (each takes its own user group with it), then the shared group.
        for (tool, arguments) in made.reversed() { _ = try? runProgram(tool, arguments) }
    }
}

/// Runs a program to its end: status, standard output and error.
func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Small outputs: read both to their ends, then wait.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

@Suite("Server and real operating-system users")
struct OperatingSystemUserTests {
    @Test(.enabled(if: geteuid() == 0, "needs root to create operating-system users with useradd"))
    func theServerSeesWhoConnectedAndTheSocketsGroupDecidesWhoMay() throws {
        let accounts = try TemporaryAccounts()
        let folder = try TemporaryFolder()
        let path = folder.path("casebook.sock")
        let staff = try #require(accounts.gid(ofGroup: accounts.group))
        let running = try InProcessServer(socket: path, configure: { $0.socketGroup = staff }) { request, peer in
            Response(exitCode: 0, stdout: Data("uid \(peer.uid) gid \(peer.gid) login \(peer.login ?? "-")\n".utf8))
        }
        defer { running.stop() }
        let client = try Binaries.url("casebook-echo-client").path
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_gid == staff)
        #expect(status.st_mode & 0o777 == 0o660)

        // A member of the staff group: connects, and is known by its own uid and login
        // even though it claims to be someone else.
        let memberUID = try #require(accounts.uid(accounts.member))
        let memberGID = try #require(getpwnam(accounts.member)?.pointee.pw_gid)
        let member = try runProgram(
            "/usr/bin/setpriv", ["--reuid=\(accounts.member)", "--regid=\(accounts.member)", "--init-groups", "--", client, path, "--as", "head"])
        #expect(member.status == 0, "\(member)")
        #expect(member.output == "uid \(memberUID) gid \(memberGID) login \(accounts.member)\n")

        // A login outside the group cannot connect at all.
        let outsider = try runProgram(
            "/usr/bin/setpriv", ["--reuid=\(accounts.outsider)", "--regid=\(accounts.outsider)", "--init-groups", "--", client, path])
        #expect(outsider.status == 77, "\(outsider)")
        #expect(outsider.errors.contains("error: not permitted to connect to the Casebook server at \(path)"))
        #expect(outsider.output.isEmpty)

        // A user id with no account (but the staff group): seen, with no login name.
        let nobody = try #require((54321..<60000).first { getpwuid(uid_t($0)) == nil })
        let unknown = try runProgram("/usr/bin/setpriv", ["--reuid=\(nobody)", "--regid=\(staff)", "--clear-groups", "--", client, path])
        #expect(unknown.status == 0, "\(unknown)")
        #expect(unknown.output == "uid \(nobody) gid \(staff) login -\n")
    }
}
