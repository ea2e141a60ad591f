import TestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A database with a teacher, a safeguarding lead and a second teacher; `casebook serve
/// --scgi` as the database's owner; Apache in front on a free loopback port with an
/// htpasswd file; all in a temporary folder removed at the end.
final class Site {
    struct Failure: Error, CustomStringConvertible { let description: String }

    struct Answer: CustomStringConvertible {
        let status: Int
        let headers: [(String, String)]
        let body: String
        func header(_ name: String) -> String? { headers.last { $0.0.lowercased() == name.lowercased() }?.1 }
        var description: String { "HTTP \(status) \(headers) \(body.prefix(2000))" }
    }

    static let passwords = ["t.pennington": "pw-teacher", "dsl.khan": "pw-dsl", "k.marsh": "pw-other", "smt.far": "pw-far", "hr.lee": "pw-hr"]
    /// A 1×1 PNG.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    let folder: String
    let casebook: String
    let port: Int
    let socket: String
    private var serve: Process?
    private var httpd: Process?

    init() throws {
        var template = Array("/tmp/casebook-web-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed") }
        folder = String(cString: made)
        // The web server's account must reach the socket in this folder.
        chmod(folder, 0o755)
        casebook = try Site.binary("casebook")
        socket = folder + "/web.sock"
        port = try Site.freePort()
        let webUser = getuid() == 0 ? "www-data" : (String(validatingCString: getpwuid(getuid()).pointee.pw_name) ?? "")
        try run(casebook, ["--db", "db.sqlite", "init", "--admin", "head", "--name", "Hannah Head"])
        for (id, role) in [("t.pennington", "staff"), ("dsl.khan", "safeguarding-lead"), ("k.marsh", "staff"), ("hr.lee", "hr")] {
            try run(casebook, ["--db", "db.sqlite", "staff", "add", id, "--name", id, "--role", role, "--login", id, "--login-not-yet-created"])
        }
        // A senior manager of another school: the trust's cases are out of their scope.
        try run(casebook, [
            "--db", "db.sqlite", "staff", "add", "smt.far", "--name", "smt.far", "--role", "senior-manager", "--school", "Far School",
            "--login", "smt.far", "--login-not-yet-created",
        ])
        var first = true
        for (user, password) in Site.passwords.sorted(by: { $0.key < $1.key }) {
            try run("/usr/bin/htpasswd", (first ? ["-bc"] : ["-b"]) + [folder + "/htpasswd", user, password])
            first = false
        }
        // casebook serve --scgi: ready once it says it listens.
        let serve = Site.process(casebook, ["--db", folder + "/db.sqlite", "serve", "--scgi", socket, "--web-user", webUser])
        serve.currentDirectoryURL = URL(fileURLWithPath: folder)
        let errors = Pipe()
        serve.standardError = errors
        serve.standardOutput = FileHandle.nullDevice
        try serve.run()
        self.serve = serve
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("listening on") {
            let chunk = errors.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw Failure(description: "serve --scgi stopped: \(String(decoding: said, as: UTF8.self))") }
            said += chunk
        }
        // Apache, in the foreground, its logs and pid file here.
        let user = getuid() == 0 ? "User www-data\nGroup www-data\n" : ""
        let modules = [
            ("mpm_event", "mod_mpm_event"), ("authz_core", "mod_authz_core"), ("authn_core", "mod_authn_core"),
            ("authn_file", "mod_authn_file"), ("auth_basic", "mod_auth_basic"), ("authz_user", "mod_authz_user"),
            ("proxy", "mod_proxy"), ("proxy_scgi", "mod_proxy_scgi"),
        ].map { "LoadModule \($0.0)_module /usr/lib/apache2/modules/\($0.1).so" }.joined(separator: "\n")
        let configuration = """
            ServerRoot \(folder)
            ServerName 127.0.0.1
            Listen 127.0.0.1:\(port)
            PidFile \(folder)/httpd.pid
            DefaultRuntimeDir \(folder)
            ErrorLog \(folder)/error.log
            LogLevel warn
            LimitRequestBody 0
            \(user)\(modules)
            <Location "/">
              AuthType Basic
              AuthName "Casebook"
              AuthBasicProvider file
              AuthUserFile \(folder)/htpasswd
              Require valid-user
            </Location>
            ProxyPass "/" "unix:\(socket)|scgi://localhost/"

            """
        try configuration.write(toFile: folder + "/httpd.conf", atomically: true, encoding: .utf8)
        let httpd = Site.process(ApacheTests.apache, ["-f", folder + "/httpd.conf", "-DFOREGROUND"])
        httpd.environment = ["APACHE_RUN_DIR": folder, "APACHE_LOG_DIR": folder, "APACHE_PID_FILE": folder + "/httpd.pid", "LANG": "C"]
        try httpd.run()
        self.httpd = httpd
        // Ready once the port answers (a readiness wait, not a timing assumption).
        for _ in 0..<500 {
            if Site.answers(port: port) { return }
            guard httpd.isRunning else { break }
            usleep(20_000)
        }
        let log = (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? ""
        stop()
        throw Failure(description: "apache2 did not start: \(log)")
    }

    func stop() {
        for process in [httpd, serve].compactMap({ $0 }) where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        httpd = nil
        serve = nil
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: Requests

    /// Apache's error log, for a failure's message.
    var errorLog: String { (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? "" }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func get(_ path: String, as user: String, headers: [String] = []) throws -> Answer {
        try curl(user: user, ["http://127.0.0.1:\(port)\(path)"] + headers.flatMap { ["-H", $0] })
    }

    /// Posts a form (multipart when it has files) with the token from `form`, as the browser does.
    func post(
        as user: String, form: Answer, command: String, fields: [String: String], files: [String: String] = [:],
        origin: String? = nil, fetchSite: String = "same-origin"
    ) throws -> Answer {
        let token = form.body.range(of: #"name="_csrf" value="([0-9a-f]+)""#, options: .regularExpression).map {
            String(form.body[$0].dropFirst(#"name="_csrf" value=""#.count).dropLast())
        } ?? ""
        var arguments = ["http://127.0.0.1:\(port)/step", "-H", "Origin: \(origin ?? "http://127.0.0.1:\(port)")", "-H", "Sec-Fetch-Site: \(fetchSite)"]
        let all = [("_command", command), ("_csrf", token)] + fields.sorted { $0.key < $1.key }
        if files.isEmpty {
            for (name, value) in all { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        } else {
            for (name, value) in all { arguments += ["--form-string", "\(name)=\(value)"] }
            for (name, path) in files { arguments += ["-F", "\(name)=@\(path);type=image/png"] }
        }
        return try curl(user: user, arguments)
    }

    private func curl(user: String, _ arguments: [String]) throws -> Answer {
        let password = Site.passwords[user] ?? ""
        let headers = folder + "/headers-\(UUID().uuidString)"
        defer { unlink(headers) }
        let output = try run("/usr/bin/curl", ["-s", "-S", "-u", "\(user):\(password)", "-D", headers] + arguments)
        let head = (try? String(contentsOfFile: headers, encoding: .utf8)) ?? ""
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        // After a 100 Continue, the final status line is the last one.
        if let last = lines.lastIndex(where: { $0.hasPrefix("HTTP/") }) { lines.removeFirst(last) }
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let pairs = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Answer(status: status, headers: pairs, body: output)
    }

    // MARK: The record, read as the database's owner

    func notes(_ reference: String) throws -> String {
        try run(casebook, ["--db", "db.sqlite", "--json", "show", reference])
            .components(separatedBy: "\n").filter { $0.contains("\"text\"") }.joined(separator: "\n")
    }

    /// The audit trail of one case, as JSON text (read as the headteacher).
    func audit(_ reference: String) throws -> String {
        try run(casebook, ["--db", "db.sqlite", "--json", "audit", "--case", reference])
    }

    /// Gets a step's form and posts it with `fields`, as `user`.
    func step(_ command: String, case reference: String, as user: String, fields: [String: String], files: [String: String] = [:]) throws -> Answer {
        let form = try get("/step?command=\(command.replacingOccurrences(of: " ", with: "+"))&case=\(reference)", as: user)
        return try post(as: user, form: form, command: command, fields: ["p.case": reference].merging(fields) { $1 }, files: files)
    }

    /// Gets `path` and saves the body as bytes (curl -o), for binary downloads.
    func download(_ path: String, as user: String, to name: String) throws -> (status: Int, path: String, headers: String) {
        let file = folder + "/" + name
        let headers = folder + "/headers-\(UUID().uuidString)"
        defer { unlink(headers) }
        let password = Site.passwords[user] ?? ""
        _ = try run("/usr/bin/curl", ["-s", "-S", "-u", "\(user):\(password)", "-D", headers, "-o", file, url(path)])
        let head = (try? String(contentsOfFile: headers, encoding: .utf8)) ?? ""
        let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return (status, file, head)
    }

    func caseCount() throws -> Int {
        let list = try run(casebook, ["--db", "db.sqlite", "--json", "list"])
        return list.components(separatedBy: "\"reference\"").count - 1
    }

    /// Connects to the SCGI socket as this process (not the web server) and sends a request:
    /// what comes back.
    func scgiAnswerToThisProcess() throws -> Data {
        let fd = socket_unix()
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in socket.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to \(socket): \(errno)") }
        let request = Array("24:CONTENT_LENGTH\u{0}0\u{0}SCGI\u{0}1\u{0},".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return answer
    }

    private func socket_unix() -> Int32 { Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }

    // MARK: Support

    /// A made-up screenshot of a post (grey bars for text, no person in it), 360×220, as a
    /// PNG written by Python's zlib: something a page can show visibly.
    func picture(_ name: String) throws -> String {
        let path = folder + "/" + name
        let script = """
            import struct, sys, zlib
            w, h = 360, 220
            def pixel(x, y):
                if y < 36: return (29, 161, 242)
                if 14 <= x < 46 and 50 <= y < 82: return (200, 120, 60)
                for top, left, length, colour in [(54, 60, 140, (30, 30, 30)), (70, 60, 100, (120, 120, 120)), (104, 14, 320, (90, 90, 90)),
                                                  (122, 14, 300, (90, 90, 90)), (140, 14, 250, (90, 90, 90)), (176, 14, 120, (29, 161, 242))]:
                    if top <= y < top + 9 and left <= x < left + length: return colour
                return (250, 250, 250)
            raw = b"".join(b"\\x00" + b"".join(bytes(pixel(x, y)) for x in range(w)) for y in range(h))
            def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
            png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
            open(sys.argv[1], "wb").write(png)
            """
        try run("/usr/bin/python3", ["-c", script, path])
        return path
    }

    func write(_ name: String, _ data: Data) throws -> String {
        let path = folder + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let (status, text) = try ToolRun.run(tool, arguments, in: folder)
        if tool != "/usr/bin/curl", status != 0 {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(status): \(text)")
        }
        return text
    }

    static func freePort() throws -> Int {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func answers(port: Int) -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A process whose signal mask is cleared first: the test runner's threads block SIGTERM,
    /// a spawned child inherits the mask, and a server that cannot receive SIGTERM never stops.
    static func process(_ tool: String, _ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])", tool,
        ] + arguments
        return process
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func binary(_ name: String) throws -> String {
        var candidates: [String] = []
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name).path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "\(name) not found; build it (swift build)")
        }
        return found
    }
}
