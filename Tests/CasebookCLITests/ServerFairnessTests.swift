import Foundation
import Testing

/// Issue 18 item 3: a server one login cannot monopolise. Real accounts, the real binary,
/// the real socket: a login mapped to nobody is answered at connect and holds no slot; a
/// mapped login holding its maximum of idle connections leaves every other member served.
@Suite("Server fairness: per-login limits and refusal at connect")
struct ServerFairnessTests {
    /// A Python client, run as a given account: opens `count` connections to the socket
    /// without sending anything, prints "ready", reads what each of the connections from
    /// `answered` on says (the server answers them at once: refused or busy) and prints it,
    /// then holds the rest open until its standard input closes.
    static let holder = """
        import socket, sys
        path, count, answered = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        held = []
        for _ in range(count):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            held.append(s)
        for s in held[answered:]:
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            print("busy" if b"is busy" in data else "refused" if b"not mapped" in data else "other", flush=True)
        print("ready", flush=True)
        sys.stdin.read()
        """

    /// Starts the holder as `user`; returns the process, its lines so far (read to "ready") and its stdin.
    static func hold(
        _ count: Int, answeredFrom: Int, as user: OSUsers.User, socket: String
    ) throws -> (process: Process, lines: [String], input: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ServerModeTests.Deployment.asUser(user, ["/usr/bin/python3", "-c", holder, socket, String(count), String(answeredFrom)])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var lines: [String] = []
        var buffer = Data()
        while !lines.contains("ready") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += chunk
            lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        return (process, lines, input)
    }

    @Test("An unmapped login's 40 connections and a mapped login's idle maximum take nothing from another member")
    func oneLoginCannotMonopolise() throws {
        guard let deployment = try ServerModeTests.Deployment(for: "oneLoginCannotMonopolise") else { return }
        try deployment.start()
        let (head, manager, stranger) = (deployment.head, deployment.manager, deployment.stranger)
        let headFolder = try deployment.accounts.folder(for: head)
        defer { try? FileManager.default.removeItem(at: headFolder) }
        let added = try deployment.remote(
            ["staff", "add", "smt.jones", "--name", "Sam Jones", "--role", "senior-manager", "--login", manager.name], as: head, in: headFolder)
        try #require(added.status == 0, "\(added)")

        // The stranger maps to nobody: all 40 connections (more than the server's 32 slots)
        // are answered at connect with the refusal.
        let strangers = try Self.hold(40, answeredFrom: 0, as: stranger, socket: deployment.socket)
        #expect(strangers.lines.filter { $0 == "refused" }.count == 40, "\(strangers.lines)")
        // The manager holds 4 idle connections (the per-login maximum); 4 more are told "busy".
        let idle = try Self.hold(8, answeredFrom: 4, as: manager, socket: deployment.socket)
        #expect(idle.lines.filter { $0 == "busy" }.count == 4, "\(idle.lines)")

        // Meanwhile every one of the headteacher's requests is served.
        var statuses: [Int32] = []
        for _ in 0..<10 { statuses.append(try deployment.remote(["list"], as: head, in: headFolder).status) }
        #expect(statuses == Array(repeating: 0, count: 10), "\(statuses)")

        for holder in [strangers, idle] {
            try holder.input.fileHandleForWriting.close()
            holder.process.waitUntilExit()
        }
        _ = try deployment.stop()
    }
}
