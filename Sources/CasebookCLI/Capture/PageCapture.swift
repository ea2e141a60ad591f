import Casebook
import EventLog
import Foundation

/// Fetches a web page for `evidence capture` (SPEC §13): a WARC of the exchange with
/// `wget`, then a screenshot (PNG) and a print (PDF) with headless Chromium, each in a fresh
/// private temporary folder removed after. I/O only: the rules and the recording are the
/// library's, through the same path as `evidence add`.
///
/// The order is chosen for the private-address rule: `wget` fetches first, and the address
/// of every answer it received (the WARC's `WARC-IP-Address`, so a name that resolved to a
/// public address a moment earlier cannot slip through) is checked before Chromium loads the
/// page as finally loaded, pinned to that address when it is IPv4.
struct PageCapture {
    /// Where the tools are and how long the capture may take.
    struct Tools {
        var chromium: String
        var wget: String
        var timeout: TimeInterval
        var allowPrivate: Bool
    }

    /// A capture that worked: its files and what was seen.
    struct Result {
        var files: [(name: String, bytes: [UInt8])]
        var finalURL: String
        var addresses: [String]
        var status: Int?
        var tools: [String]
    }

    /// Why a capture did not happen.
    enum Failure: Error {
        /// A tool is missing, or the page could not be fetched in time (exit 69).
        case unavailable(String)
        /// The address or what came back is refused (exit 65).
        case refused(String)
    }

    /// The screenshot's window: 1280 pixels wide (a desktop browser) and 2400 tall, which
    /// holds most pages whole; the PDF print holds every page of a longer one.
    static let windowSize = (width: 1280, height: 2400)

    /// The most redirects followed.
    static let maximumRedirects = 10

    let tools: Tools

    /// The tools named by `CASEBOOK_CHROMIUM` and `CASEBOOK_WGET`, else found on `PATH`;
    /// ``Failure/unavailable(_:)`` with the package to install when one is missing.
    static func tools(environment: [String: String], timeout: TimeInterval, allowPrivate: Bool) throws -> Tools {
        func find(_ variable: String, _ name: String, _ package: String) throws -> String {
            let named = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            let candidates: [String]
            if let named {
                candidates = named.contains("/") ? [named] : path(environment).map { "\($0)/\(named)" }
            } else {
                candidates = path(environment).map { "\($0)/\(name)" }
            }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw Failure.unavailable("capture needs \(package == "chromium" ? "Chromium" : "wget"): apt-get install \(package)"
                    + (named.map { " (\(variable) names '\($0)', which is not an executable file)" } ?? ""))
            }
            return found
        }
        return Tools(
            chromium: try find("CASEBOOK_CHROMIUM", "chromium", "chromium"), wget: try find("CASEBOOK_WGET", "wget", "wget"),
            timeout: timeout, allowPrivate: allowPrivate)
    }

    private static func path(_ environment: [String: String]) -> [String] {
        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
    }

    /// Resolves the URL's host, checks its addresses, fetches, checks again, and returns the
    /// files. Nothing is kept on this machine afterwards.
    func capture(_ url: String, parsed: WebURL) throws -> Result {
        let deadline = Date().addingTimeInterval(tools.timeout)
        let host = parsed.host.hasPrefix("[") ? String(parsed.host.dropFirst().dropLast()) : parsed.host
        let addresses = try AddressCheck.resolve(host)
        try check(addresses, host: host)
        let folder = try PrivateFolder()
        defer { folder.remove() }
        let versions = [version(tools.chromium), version(tools.wget)].compactMap { $0 }

        // 1. The WARC: the page as fetched, redirects and headers included.
        let warcBase = folder.path("page")
        let wget = Job(
            tool: tools.wget,
            arguments: [
                "--warc-file=\(warcBase)", "--no-warc-compression", "--no-warc-keep-log", "--no-verbose", "--tries=1",
                // A backstop only: the capture's own deadline comes first, and says so.
                "--max-redirect=\(Self.maximumRedirects)", "--timeout=\(Int(tools.timeout.rounded(.up)) + 5)",
                "--no-config", "--content-on-error", "-O", folder.path("body"), url,
            ],
            folder: folder, output: warcBase + ".warc")
        try run([wget], until: deadline, url: url)
        // 0: fetched; 8: the server answered with an error status (a 404 is evidence too).
        guard [0, 8].contains(wget.process.terminationStatus) else {
            throw Failure.unavailable("\(url) could not be fetched: \(wget.lastError() ?? "wget failed"); nothing was stored")
        }
        let warcPath = warcBase + ".warc"
        guard let warc = FileManager.default.contents(atPath: warcPath).map({ [UInt8]($0) }), !warc.isEmpty else {
            throw Failure.unavailable("\(url) could not be fetched: \(wget.lastError() ?? "no answer"); nothing was stored")
        }
        try checkSize(warc.count, name: "page.warc")
        let responses = WARCReader.responses(warc)
        guard let last = responses.last else {
            throw Failure.unavailable("\(url) could not be fetched: \(wget.lastError() ?? "no answer"); nothing was stored")
        }
        // Every address that answered (each redirect's too) must pass the same rule.
        for response in responses {
            if let address = response.ipAddress { try check([address], host: response.targetURI, fetched: true) }
        }
        let finalURL = last.targetURI

        // 2. The screenshot and the print, each in its own fresh, empty browser profile.
        let pin: [String]
        // No pin for an address that does not parse: the address rule above has already
        // checked where the page came from, and Chromium then loads it by its name.
        if let finalHost = try? WebURL.parse(finalURL).host, let address = last.ipAddress, !address.contains(":"),
            finalHost != address
        {
            pin = ["--host-resolver-rules=MAP \(finalHost) \(address)"]
        } else {
            pin = []
        }
        func chromium(_ output: [String], profile: String) throws -> Job {
            let profileFolder = folder.path(profile)
            guard mkdir(profileFolder, 0o700) == 0 else { throw Failure.unavailable("cannot make a private browser profile") }
            var arguments = [
                "--headless", "--disable-gpu", "--user-data-dir=\(profileFolder)", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-sync", "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--disable-crash-reporter",
                "--window-size=\(Self.windowSize.width),\(Self.windowSize.height)",
            ]
            if getuid() == 0 { arguments.append("--no-sandbox") }  // Chromium's sandbox refuses to run as root.
            return Job(tool: tools.chromium, arguments: arguments + pin + output + [finalURL], folder: folder, output: nil)
        }
        let screenshot = folder.path("screenshot.png")
        let print = folder.path("page.pdf")
        let chromiumJobs = [
            try chromium(["--screenshot=\(screenshot)"], profile: "profile-screenshot"),
            try chromium(["--print-to-pdf=\(print)"], profile: "profile-print"),
        ]
        try run(chromiumJobs, until: deadline, url: url)
        var files: [(name: String, bytes: [UInt8])] = []
        for (path, name) in [(screenshot, "screenshot.png"), (print, "page.pdf")] {
            guard let bytes = FileManager.default.contents(atPath: path), !bytes.isEmpty else {
                throw Failure.unavailable(
                    "Chromium made no \(name) of \(finalURL) (\(chromiumJobs.compactMap { $0.lastError() }.first ?? "no reason given")); nothing was stored")
            }
            try checkSize(bytes.count, name: name)
            files.append((name, [UInt8](bytes)))
        }
        files.append(("page.warc", warc))
        let seen = responses.compactMap(\.ipAddress)
        return Result(
            files: files, finalURL: finalURL, addresses: Array(Set(addresses + seen)).sorted(), status: last.status,
            tools: versions)
    }

    /// The private-address rule (SPEC §13): only public addresses, unless asked.
    private func check(_ addresses: [String], host: String, fetched: Bool = false) throws {
        guard !tools.allowPrivate else { return }
        if let address = addresses.first(where: { !AddressCheck.isPublic($0) }) {
            throw Failure.refused(
                "\(host) \(fetched ? "was answered from" : "resolves to") \(address), which is not a public address "
                    + "(loopback, private, link-local or reserved): Casebook fetches only public pages unless --allow-private "
                    + "is given for an intranet page; \(fetched ? "nothing was stored" : "nothing was fetched")")
        }
    }

    private func checkSize(_ size: Int, name: String) throws {
        guard size <= BlobInfo.maximumSize else {
            throw Failure.refused("the capture's \(name) is over the evidence limit of 64 MiB; nothing was stored")
        }
    }

    /// Runs the jobs at once and waits for all of them; past the deadline or the size limit
    /// each is killed and the capture fails.
    private func run(_ jobs: [Job], until deadline: Date, url: String) throws {
        for job in jobs { try job.start() }
        defer { for job in jobs { job.kill() } }
        while jobs.contains(where: \.isRunning) {
            if Date() >= deadline {
                throw Failure.unavailable(
                    "\(url) did not finish loading within \(Int(tools.timeout)) s (--timeout); nothing was stored")
            }
            for job in jobs where job.outputSize > BlobInfo.maximumSize {
                throw Failure.refused("\(url) is over the evidence limit of 64 MiB; nothing was stored")
            }
            usleep(50_000)
        }
    }

    /// `Chromium 120.0.6099.224`, `GNU Wget 1.21.3`: the first line of `--version`, to its build note.
    private func version(_ tool: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        // Only the tool's version for the record: a tool that cannot even say it fails the
        // capture itself when run, with its own error.
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first else { return nil }
        let text = line.components(separatedBy: " built on ").first ?? String(line)
        return text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : String(text.prefix(100))
    }
}

/// One tool run: its standard error kept in a file of the private folder for the reason of a failure.
private final class Job {
    let process = Process()
    let errorPath: String
    let output: String?

    init(tool: String, arguments: [String], folder: PrivateFolder, output: String?) {
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        // The page never sees this login's home, configuration or caches.
        process.environment = [
            "HOME": folder.root, "XDG_CONFIG_HOME": folder.root, "XDG_CACHE_HOME": folder.root, "TMPDIR": folder.root,
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.root)
        errorPath = folder.path("stderr-\(UUID().uuidString)")
        self.output = output
    }

    func start() throws {
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil, attributes: [.posixPermissions: 0o600])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: errorPath) ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PageCapture.Failure.unavailable("cannot run \(process.executableURL?.path ?? "a tool"): \(error)")
        }
    }

    var isRunning: Bool { process.isRunning }

    var outputSize: Int {
        // The size so far, for the time and size limits: a file not yet made has none.
        guard let output, let attributes = try? FileManager.default.attributesOfItem(atPath: output) else { return 0 }
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Kills the tool and every process it started (its process group, when it leads one).
    func kill() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        if getpgid(pid) == pid { Foundation.kill(-pid, SIGKILL) }
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// The tool's last line of complaint.
    func lastError() -> String? {
        guard let data = FileManager.default.contents(atPath: errorPath) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return (lines.first { $0.contains(":FATAL:") } ?? lines.last).map { String($0.prefix(300)) }
    }
}

/// A fresh folder only this login can open (0700), removed with all it holds.
private struct PrivateFolder {
    let root: String

    init() throws {
        // Chromium puts a socket in it, whose path must fit in 108 bytes: a long TMPDIR gives way to /tmp.
        var base = NSTemporaryDirectory()
        if base.utf8.count > 40 { base = "/tmp" }
        var template = Array((base as NSString).appendingPathComponent("casebook-capture-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else {
            throw PageCapture.Failure.unavailable("cannot make a private temporary folder for the capture")
        }
        root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(root, 0o700)
    }

    func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }

    /// Best effort: a private 0700 temporary folder of pages already stored or refused.
    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
