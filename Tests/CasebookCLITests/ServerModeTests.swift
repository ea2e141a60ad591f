import Foundation
import Testing

@testable import CasebookCLI

#if canImport(Glibc)
    import Glibc
#endif

/// Server mode (SPEC §8) through the real binary: `casebook serve` on a real socket, and the
/// same binary as its client with `--server`. The transport's own robustness (garbage,
/// stalls, hang-ups, bounds) is tested in CasebookServerTests; here, what the commands do
/// through it.
@Suite struct ServerModeTests {
    /// A `casebook serve` process, started by `start` and stopped (SIGTERM) when it goes.
    final class Served {
        let running: CasebookBinary.Running
        let socket: String

        /// Starts `command` (a `casebook serve` command line, possibly behind setpriv) and
        /// waits until its socket is there, or the process has ended.
        init(
            _ arguments: [String], socket: String, in folder: URL, executable: URL? = nil, environment: [String: String] = [:]
        ) throws {
            running = try CasebookBinary.start(arguments, in: folder, environment: environment, executable: executable)
            self.socket = socket
            // Readiness, not timing: the socket file appears once the server listens.
            var waited = 0
            while !FileManager.default.fileExists(atPath: socket), running.process.isRunning, waited < 6000 {
                usleep(10_000)
                waited += 1
            }
        }

        var isListening: Bool { FileManager.default.fileExists(atPath: socket) && running.process.isRunning }

        /// Sends SIGTERM and waits for the end.
        func stop() throws -> CLIResult {
            if running.process.isRunning { kill(running.process.processIdentifier, SIGTERM) }
            return try running.finish()
        }

        deinit {
            if running.process.isRunning {
                kill(running.process.processIdentifier, SIGTERM)
                running.process.waitUntilExit()
            }
        }
    }

    /// A new empty folder for a socket (the socket path must stay short).
    static func socketFolder() throws -> URL {
        let folder = URL(fileURLWithPath: "/tmp/cbs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        chmod(folder.path, 0o755)
        return folder
    }

    static let year = Calendar.utcForTests.component(.year, from: Date())

    // MARK: Which options name files

    /// Every option whose value is a file or folder says whether the command reads or
    /// writes it, so that through the server the client reads or writes it (a command that
    /// forgot would read or write on the server's side).
    @Test func everyOptionNamingAFileSaysWhetherItIsReadOrWritten() {
        for command in Commands.all where command.spec.name != "serve" {
            for option in command.spec.options where ["file", "dir", "path"].contains(option.valueName ?? "") {
                #expect(option.file != .none, "casebook \(command.spec.name) --\(option.name)")
            }
        }
        let marked = Commands.all.flatMap { command in command.spec.options.filter { $0.file != .none }.map { "\(command.spec.name) --\($0.name)" } }
        #expect(Set(marked).isSuperset(of: [
            "evidence add --file", "takedown check --file", "verify --export", "verify --checkpoint", "evidence get --out",
            "timeline --out", "timeline --bundle", "outcomes --out", "backup --out", "checkpoint --out",
        ]))
    }

    // MARK: One login (runs everywhere)

    /// The server run by the test's own login: the same answers as direct use, and what
    /// the server refuses.
    @Test func throughTheSocketTheAnswersAreThoseOfDirectUse() throws {
        let sandbox = try Sandbox(.empty)
        let sockets = try Self.socketFolder()
        defer { try? FileManager.default.removeItem(at: sockets) }
        let socket = sockets.appendingPathComponent("s.sock").path
        try sandbox.succeed(["init", "--admin", "head", "--name", "Hannah Head"], as: nil)
        try sandbox.succeed(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff"], as: nil)
        let served = try Served(["serve", "--db", sandbox.database, "--socket", socket], socket: socket, in: sandbox.directory)
        try #require(served.isListening, "the server did not start")
        func remote(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
            try CasebookBinary.run(["--server", socket] + arguments, in: sandbox.directory, environment: environment)
        }
        let opened = try remote(["open", "--affected", "t.pennington", "--reported-by", "t.pennington", "--summary", "Abusive post"])
        try #require(opened.status == 0, "\(opened)")
        let reference = "CB-\(Self.year)-0001"
        // CASEBOOK_SERVER works as --server does.
        let fixture = CasebookBinary.fixture("screenshot-post.png")
        let added = try CasebookBinary.run(
            ["evidence", "add", reference, "--kind", "other", "--description", "The post", "--file", fixture], in: sandbox.directory,
            environment: ["CASEBOOK_SERVER": socket])
        #expect(added.status == 0, "\(added)")

        // The same bytes and status as direct use, for content, an error, and JSON.
        for arguments in [["show", reference], ["show", "CB-\(Self.year)-0099"], ["--json", "evidence", "list", reference], ["list"]] {
            let direct = try sandbox.run(arguments)
            let through = try remote(arguments)
            #expect(through.status == direct.status, "\(arguments): \(through)")
            #expect(through.stdout == direct.stdout, "\(arguments)")
            #expect(through.stderr == direct.stderr, "\(arguments)")
        }
        // The client's zone, not the server's, formats times.
        let york = try remote(["show", reference], environment: ["TZ": "America/New_York"])
        #expect(york.stdout == (try sandbox.run(["show", reference], environment: ["TZ": "America/New_York"])).stdout)
        // Help needs no server.
        let help = try CasebookBinary.run(["--server", sockets.appendingPathComponent("none").path, "show", "--help"], in: sandbox.directory)
        #expect(help.status == 0 && help.stdout.hasPrefix("Usage: casebook show"), "\(help)")

        // Output files: written by the client, 0600, never over an existing path.
        let timeline = try remote(["timeline", reference, "--out", "timeline.txt"])
        #expect(timeline.status == 0, "\(timeline)")
        let written = try FileManager.default.attributesOfItem(atPath: sandbox.path("timeline.txt"))
        #expect((written[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: sandbox.path("timeline.txt"), encoding: .utf8).contains("Abusive post"))
        let again = try remote(["timeline", reference, "--out", "timeline.txt"])
        #expect(again.status == 73, "\(again)")
        #expect(again.stderr.hasPrefix("error: a file already exists at timeline.txt\n"))
        let got = try remote(["evidence", "get", reference, "E1", "--out", "E1"])
        #expect(got.status == 0, "\(got)")
        #expect(FileManager.default.contents(atPath: sandbox.path("E1/screenshot-post.png")) == FileManager.default.contents(atPath: fixture))
        // The police bundle's folder, with its subfolders, is written by the client too.
        let bundle = try remote(["timeline", reference, "--bundle", "bundle", "--recipient", "DC Rao"])
        #expect(bundle.status == 0, "\(bundle)")
        #expect(FileManager.default.contents(atPath: sandbox.path("bundle/exhibits/HH-1/screenshot-post.png")) == FileManager.default.contents(atPath: fixture))
        #expect(FileManager.default.fileExists(atPath: sandbox.path("bundle/SHA256SUMS")))
        // A checkpoint is written by the client, and read back by it for verify --checkpoint.
        let checkpoint = try remote(["checkpoint", "--out", "checkpoint.json"])
        #expect(checkpoint.status == 0, "\(checkpoint)")
        #expect(try remote(["verify", "--checkpoint", "checkpoint.json"]).status == 0)
        // verify --export reads its file on the client's side.
        #expect(try remote(["timeline", reference, "--format", "json", "--out", "timeline.json"]).status == 0)
        let verified = try remote(["verify", "--export", "timeline.json"])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout == (try sandbox.run(["verify", "--export", "timeline.json"])).stdout)
        // An export is recorded when the server hands it over: a client that then cannot write
        // it says so (74), and the audit trail shows the export.
        let exports = try sandbox.run(["--json", "audit", "--case", reference]).jsonArray().count
        let unwritable = try remote(["timeline", reference, "--out", "missing/timeline.txt"])
        #expect(unwritable.status == 74, "\(unwritable)")
        #expect(unwritable.stderr.hasPrefix("error: the export was recorded but could not be written: "), "\(unwritable)")
        #expect(unwritable.stdout.isEmpty)
        #expect(try sandbox.run(["--json", "audit", "--case", reference]).jsonArray().count == exports + 2)  // the export, and the audit read
        let backup = try remote(["backup", "--out", "copy.sqlite"])
        #expect(backup.status == 0, "\(backup)")
        let copied = try remote(["--json", "list"])
        #expect(try CasebookBinary.run(["--db", "copy.sqlite", "--json", "list"], in: sandbox.directory).stdout == copied.stdout)

        // Input files: a missing one is reported by the client, as direct use does.
        let missing = try remote(["evidence", "add", reference, "--kind", "other", "--file", "nope.png"])
        #expect(missing.status == 66)
        #expect(missing.stderr == (try sandbox.run(["evidence", "add", reference, "--kind", "other", "--file", "nope.png"])).stderr)

        // The server chooses the database, and does not make or serve one.
        let before = try sandbox.dump()
        let otherDatabase = try remote(["--db", sandbox.path("other.sqlite"), "list"])
        #expect(otherDatabase.status == 64, "\(otherDatabase)")
        #expect(otherDatabase.stderr.hasPrefix("error: the server chooses the database"))
        let otherAsJSON = try remote(["--json", "--db", sandbox.path("other.sqlite"), "list"])
        #expect(try ((otherAsJSON.jsonObject()["error"] as? [String: Any])?["exitCode"] as? Int) == 64, "\(otherAsJSON)")
        for arguments in [["init", "--admin", "x", "--name", "X"], ["demo"]] {
            let refused = try remote(arguments)
            #expect(refused.status == 64, "\(refused)")
            #expect(refused.stderr.contains("is not run through the Casebook server"))
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("other.sqlite")))
        #expect(try sandbox.dump() == before)

        // SIGTERM: the server finishes, removes its socket and exits 0.
        let stopped = try served.stop()
        #expect(stopped.status == 0, "\(stopped)")
        #expect(!FileManager.default.fileExists(atPath: socket))
        let gone = try remote(["list"])
        #expect(gone.status == 66, "\(gone)")
        #expect(gone.stderr.hasPrefix("error: no Casebook server at \(socket)\n"))
    }

    /// What `serve` and `init --login` refuse.
    @Test func serveRefusesAClaimedIdentitiesDatabaseAndBadOptions() throws {
        let sandbox = try Sandbox(.staff)  // made with --claimed-identities
        let sockets = try Self.socketFolder()
        defer { try? FileManager.default.removeItem(at: sockets) }
        let socket = sockets.appendingPathComponent("s.sock").path
        let claimed = try sandbox.run(["serve", "--socket", socket])
        #expect(claimed.status == 65, "\(claimed)")
        #expect(claimed.stderr.contains("serve only a database made without --claimed-identities"))
        #expect(!FileManager.default.fileExists(atPath: socket))
        let mode = try sandbox.run(["serve", "--socket", socket, "--socket-mode", "0999"])
        #expect(mode.status == 65, "\(mode)")
        let noDatabase = try CasebookBinary.run(["--db", sandbox.path("none.sqlite"), "serve", "--socket", socket], in: sandbox.directory)
        #expect(noDatabase.status == 66, "\(noDatabase)")

        // init --login maps the first headteacher to another login than the one running it.
        let mapped = try CasebookBinary.run(
            ["--db", sandbox.path("new.sqlite"), "init", "--admin", "head", "--name", "H", "--login", "p.okafor", "--login-not-yet-created"],
            in: sandbox.directory)
        #expect(mapped.status == 0, "\(mapped)")
        #expect(mapped.stdout.contains("head acts as the login 'p.okafor'"))
        let notMe = try CasebookBinary.run(["--db", sandbox.path("new.sqlite"), "list"], in: sandbox.directory)
        #expect(notMe.status == 77, "\(notMe)")
        let badLogin = try CasebookBinary.run(
            ["--db", sandbox.path("bad.sqlite"), "init", "--admin", "head", "--name", "H", "--login", "a b"], in: sandbox.directory)
        #expect(badLogin.status == 65, "\(badLogin)")
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("bad.sqlite")))
    }

    // MARK: Real accounts (as root)

    /// A deployment as DEPLOYMENT.md describes it, with real accounts: a service account
    /// that alone can read the database's folder runs `serve`; staff use the socket.
    final class Deployment {
        let accounts: OSUsers
        let service: OSUsers.User
        let head: OSUsers.User
        let manager: OSUsers.User
        let stranger: OSUsers.User
        let serviceFolder: URL
        let sockets: URL
        var database: String { serviceFolder.appendingPathComponent("casebook.sqlite").path }
        var socket: String { sockets.appendingPathComponent("casebook.sock").path }
        private(set) var served: Served?

        static let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")

        init?(for test: String) throws {
            guard let accounts = try OSUsers.make(4, for: test) else { return nil }
            self.accounts = accounts
            (service, head, manager, stranger) = (accounts.users[0], accounts.users[1], accounts.users[2], accounts.users[3])
            serviceFolder = try accounts.folder(for: service)
            sockets = try ServerModeTests.socketFolder()
            // The socket's folder belongs to the service (systemd's RuntimeDirectory).
            chown(sockets.path, service.uid, service.gid)
        }

        deinit {
            served = nil
            try? FileManager.default.removeItem(at: serviceFolder)
            try? FileManager.default.removeItem(at: sockets)
        }

        /// `setpriv` arguments running `command` as `user` with no other groups.
        static func asUser(_ user: OSUsers.User, _ command: [String]) -> [String] {
            ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--"] + command
        }

        /// The service account makes the database, the headteacher mapped to `head`'s login,
        /// and serves it (socket mode 0666 here: the test's accounts share no group; who
        /// acts is decided by the peer's login in any case).
        func start() throws {
            let created = try accounts.run(
                ["--db", database, "init", "--admin", "head", "--name", "Hannah Head", "--login", head.name], as: service, in: serviceFolder)
            try #require(created.status == 0, "\(created)")
            served = try Served(
                Self.asUser(service, [accounts.binary.path, "--db", database, "serve", "--socket", socket, "--socket-mode", "0666"]),
                socket: socket, in: serviceFolder, executable: Self.setpriv)
            if served?.isListening != true {
                let failed = try served?.stop()
                try #require(Bool(false), "the server did not start: \(String(describing: failed))")
            }
        }

        func stop() throws -> CLIResult? { try served?.stop() }

        /// Runs `casebook --server SOCKET ARGUMENTS` as `user` in `folder`.
        func remote(_ arguments: [String], as user: OSUsers.User, in folder: URL) throws -> CLIResult {
            try accounts.run(["--server", socket] + arguments, as: user, in: folder)
        }

        /// A file only `user` can read, in `folder`, holding `bytes`.
        func privateFile(_ name: String, _ bytes: Data, for user: OSUsers.User, in folder: URL) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try bytes.write(to: URL(fileURLWithPath: path))
            chown(path, user.uid, user.gid)
            chmod(path, 0o600)
            return path
        }
    }

    @Test func staffWithoutAccessToTheDatabaseUseEveryCommandThroughTheSocket() throws {
        guard let deployment = try Deployment(for: "staffWithoutAccessToTheDatabaseUseEveryCommandThroughTheSocket") else { return }
        try deployment.start()
        let (head, manager, stranger) = (deployment.head, deployment.manager, deployment.stranger)
        let headFolder = try deployment.accounts.folder(for: head)
        let managerFolder = try deployment.accounts.folder(for: manager)
        let strangerFolder = try deployment.accounts.folder(for: stranger)
        defer { for folder in [headFolder, managerFolder, strangerFolder] { try? FileManager.default.removeItem(at: folder) } }

        // The staff cannot read the database: not with any tool, not with casebook directly.
        let peek = try CasebookBinary.start(
            Deployment.asUser(manager, ["/usr/bin/head", "-c", "16", deployment.database]), in: managerFolder,
            executable: Deployment.setpriv
        ).finish()
        #expect(peek.status != 0, "\(peek)")
        #expect(peek.output.isEmpty)
        let direct = try deployment.accounts.run(["--db", deployment.database, "list"], as: head, in: headFolder)
        #expect(direct.status != 0, "\(direct)")

        // Yet through the socket the headteacher's login acts as head.
        let added = try deployment.remote(
            ["staff", "add", "smt.jones", "--name", "Sam Jones", "--role", "senior-manager", "--login", manager.name], as: head, in: headFolder)
        #expect(added.status == 0, "\(added)")
        #expect(try deployment.remote(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff"], as: head, in: headFolder).status == 0)
        let opened = try deployment.remote(
            ["open", "--affected", "t.pennington", "--reported-by", "t.pennington", "--summary", "Abusive post"], as: manager, in: managerFolder)
        try #require(opened.status == 0, "\(opened)")
        let reference = "CB-\(ServerModeTests.year)-0001"

        // A file only the manager can read goes in as evidence.
        let screenshot = try Data(contentsOf: URL(fileURLWithPath: CasebookBinary.fixture("screenshot-post.png")))
        _ = try deployment.privateFile("post.png", screenshot, for: manager, in: managerFolder)
        let evidence = try deployment.remote(
            ["evidence", "add", reference, "--kind", "other", "--description", "The post", "--file", "post.png"], as: manager, in: managerFolder)
        #expect(evidence.status == 0, "\(evidence)")
        // The timeline goes into the manager's own folder, owned by them, 0600.
        let timeline = try deployment.remote(["timeline", reference, "--out", "timeline.txt"], as: manager, in: managerFolder)
        #expect(timeline.status == 0, "\(timeline)")
        var info = stat()
        #expect(lstat(managerFolder.appendingPathComponent("timeline.txt").path, &info) == 0)
        #expect(info.st_uid == manager.uid && info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOf: managerFolder.appendingPathComponent("timeline.txt"), encoding: .utf8).contains("Abusive post"))
        let got = try deployment.remote(["evidence", "get", reference, "E1", "--out", "E1"], as: manager, in: managerFolder)
        #expect(got.status == 0, "\(got)")
        #expect(FileManager.default.contents(atPath: managerFolder.appendingPathComponent("E1/post.png").path) == screenshot)
        #expect(lstat(managerFolder.appendingPathComponent("E1/post.png").path, &info) == 0 && info.st_uid == manager.uid)

        // The same answer as direct use: `show` through the socket and on a copy.
        let backup = try deployment.remote(["backup", "--out", "copy.sqlite"], as: head, in: headFolder)
        #expect(backup.status == 0, "\(backup)")
        chmod(headFolder.path, 0o755)
        let copy = headFolder.appendingPathComponent("copy.sqlite").path
        let copyForManager = try deployment.privateFile("copy.sqlite", try Data(contentsOf: URL(fileURLWithPath: copy)), for: manager, in: managerFolder)
        let throughSocket = try deployment.remote(["show", reference], as: manager, in: managerFolder)
        let onCopy = try deployment.accounts.run(["--db", copyForManager, "show", reference], as: manager, in: managerFolder)
        #expect(throughSocket.status == 0 && onCopy.status == 0, "\(throughSocket)\n\(onCopy)")
        #expect(throughSocket.stdout == onCopy.stdout)

        // An unmapped login, and a mapped one claiming another member: 77, nothing written.
        let unmapped = try deployment.remote(["list"], as: stranger, in: strangerFolder)
        #expect(unmapped.status == 77, "\(unmapped)")
        #expect(unmapped.stderr == """
            error: the login '\(stranger.name)' is not mapped to a current member of staff
            hint: ask the headteacher to run 'casebook staff login ID LOGIN'

            """)
        let mismatch = try deployment.remote(["--as", "head", "staff", "add", "x.new", "--name", "X", "--role", "hr"], as: manager, in: managerFolder)
        #expect(mismatch.status == 77, "\(mismatch)")
        #expect(mismatch.stderr.hasPrefix("error: the login '\(manager.name)' acts as smt.jones, but --as (or CASEBOOK_USER) names 'head'\n"))
        let staff = try deployment.remote(["--json", "staff", "list"], as: head, in: headFolder)
        #expect(!staff.stdout.contains("x.new"), "\(staff)")

        // Who looked is known by the login's member.
        let audit = try deployment.remote(["--json", "audit", "--case", reference], as: head, in: headFolder)
        let actors = try audit.jsonArray().compactMap { ($0 as? [String: Any])?.string("actor") }
        #expect(actors.contains("smt.jones"), "\(audit)")

        // SIGTERM: finishes, removes the socket, exits 0.
        let stopped = try deployment.stop()
        #expect(stopped?.status == 0, "\(String(describing: stopped))")
        #expect(!FileManager.default.fileExists(atPath: deployment.socket))
    }

    /// Twenty clients, as two logins, released together by a FIFO, on four cases: every one
    /// succeeds, and every write is there.
    @Test func twentyClientsAtOnceOnSeveralCasesAllSucceed() throws {
        guard let deployment = try Deployment(for: "twentyClientsAtOnceOnSeveralCasesAllSucceed") else { return }
        try deployment.start()
        let (head, manager) = (deployment.head, deployment.manager)
        let headFolder = try deployment.accounts.folder(for: head)
        let managerFolder = try deployment.accounts.folder(for: manager)
        defer { for folder in [headFolder, managerFolder] { try? FileManager.default.removeItem(at: folder) } }
        #expect(try deployment.remote(
            ["staff", "add", "smt.jones", "--name", "Sam Jones", "--role", "senior-manager", "--login", manager.name], as: head, in: headFolder).status == 0)
        #expect(try deployment.remote(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff"], as: head, in: headFolder).status == 0)
        let references = (1...4).map { "CB-\(ServerModeTests.year)-000\($0)" }
        for _ in references {
            let opened = try deployment.remote(
                ["open", "--affected", "t.pennington", "--reported-by", "t.pennington", "--summary", "Post"], as: manager, in: managerFolder)
            try #require(opened.status == 0, "\(opened)")
        }

        // The barrier: each client waits for one line of a FIFO the test holds open.
        let fifo = deployment.sockets.appendingPathComponent("go").path
        try #require(mkfifo(fifo, 0o666) == 0)
        chmod(fifo, 0o666)
        let holder = open(fifo, O_RDWR)
        try #require(holder >= 0)
        defer { close(holder) }
        var clients: [(arguments: [String], running: CasebookBinary.Running)] = []
        for index in 0..<20 {
            let reference = references[index % references.count]
            let (user, folder, arguments): (OSUsers.User, URL, [String]) =
                index % 5 == 4
                ? (head, headFolder, ["show", reference])
                : (manager, managerFolder, ["evidence", "add", reference, "--kind", "other", "--description", "Item \(index)"])
            let command = ["/bin/sh", "-c", "read go < \"$0\" && exec \"$@\"", fifo, deployment.accounts.binary.path, "--server", deployment.socket] + arguments
            clients.append((arguments, try CasebookBinary.start(Deployment.asUser(user, command), in: folder, executable: Deployment.setpriv)))
        }
        let lines = [UInt8](repeating: UInt8(ascii: "\n"), count: clients.count)
        #expect(write(holder, lines, lines.count) == lines.count)
        for (arguments, running) in clients {
            let result = try running.finish()
            #expect(result.status == 0, "\(arguments): \(result)")
        }
        for reference in references {
            let listed = try deployment.remote(["--json", "evidence", "list", reference], as: manager, in: managerFolder)
            #expect(try listed.jsonArray().count == 4, "\(reference): \(listed)")
        }
        #expect(try deployment.stop()?.status == 0)
    }
}
