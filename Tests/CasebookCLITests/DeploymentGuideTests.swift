import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// docs/DEPLOYMENT.md followed start to finish, as written (issue 21, Done when): a fresh
/// machine with real accounts, the service, the school register, staff mapped to logins, a
/// case step through the socket, a backup, a restore from it, and the checks after.
///
/// **Which blocks run.** A fenced block in the guide's source preceded by the line
/// `<!-- deployment-test: WHO -->` is run, in the guide's order:
///
/// - `names` — the `sh` block of the names the guide uses (`CB_ACCOUNT=casebook`, …), read
///   first. Only these values are replaced: the account and group by made-up names, every
///   path by the same path under a scratch root (whose parent folders a Debian system has
///   are made first), so nothing clashes with the machine.
/// - `root` — run as root by `bash -euo pipefail`, after the names, in a folder holding what
///   step 1 installs (`.build/release/casebook` is the binary under test, `README.md`,
///   `docs/`). `systemctl` is a shell function that runs the `unit` block below: its
///   `ExecStart=` as `User=`/`Group=` (no other groups) with `UMask=`, its
///   `RuntimeDirectory=` made at start and removed at stop, SIGTERM to stop; the sandboxing
///   lines are systemd's and are not imitated.
/// - `unit` — the `ini` block of the systemd unit (the default paths in it replaced as above).
/// - `p.okafor`, `s.jones` — the guide's example logins (the headteacher, a senior manager):
///   each is a real account made for the test (`useradd`, a home under the scratch root);
///   the block runs as that login with its groups (`setpriv --init-groups`), in its home,
///   after reading `$CB_PROFILE` as a login shell would. In every block these two logins are
///   replaced by the made-up accounts' names, and nothing else is.
///
/// Between the guide's blocks the test itself records a case as `s.jones` through the socket
/// before the backup, and another after it, then checks that the restore brought back the
/// first and not the second. Skipped (printed) unless root with useradd, groupadd, setpriv
/// and runuser, like the other tests with operating-system accounts.
@Suite("docs/DEPLOYMENT.md, followed as written")
struct DeploymentGuideTests {
    /// One marked block of the guide.
    struct Block {
        let who: String
        let text: String
        /// The `##`/`###` heading it is under.
        let heading: String
    }

    /// The marked blocks of the guide, in order.
    static func blocks(_ guide: String) -> [Block] {
        var blocks: [Block] = []
        var heading = ""
        var who: String?
        var lines: [String]?
        for line in guide.components(separatedBy: "\n") {
            if var collected = lines {
                if line.hasPrefix("```") {
                    if let who { blocks.append(Block(who: who, text: collected.joined(separator: "\n"), heading: heading)) }
                    lines = nil
                    who = nil
                } else {
                    collected.append(line)
                    lines = collected
                }
                continue
            }
            if line.hasPrefix("## ") || line.hasPrefix("### ") { heading = line }
            if let match = line.wholeMatch(of: #/<!-- deployment-test: (\S+) -->/#) {
                who = String(match.1)
            } else if line.hasPrefix("```") {
                lines = []
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                who = nil
            }
        }
        return blocks
    }

    static let guideURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/DEPLOYMENT.md")

    @Test("The guide marks its blocks: the names, the unit, and steps for root and both logins")
    func guideIsMarked() throws {
        let blocks = Self.blocks(try String(contentsOf: Self.guideURL, encoding: .utf8))
        #expect(blocks.first?.who == "names", "\(blocks.map(\.who))")
        #expect(blocks.filter { $0.who == "unit" }.count == 1)
        for who in ["root", "p.okafor", "s.jones"] { #expect(blocks.contains { $0.who == who }, "\(who)") }
        #expect(blocks.contains { $0.heading.contains("Restoring from a backup") })
    }

    @Test("Followed as written on a fresh machine: real accounts, the service, schools, staff, a case, a backup and a restore")
    func followTheGuide() throws {
        for tool in ["/usr/sbin/useradd", "/usr/sbin/groupadd", "/usr/bin/setpriv", "/usr/sbin/runuser"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            print("SKIPPED followTheGuide: \(tool) is missing")
            return
        }
        guard getuid() == 0 else {
            print("SKIPPED followTheGuide: not running as root, so no operating-system accounts can be made")
            return
        }
        let machine = try Machine(guide: try String(contentsOf: Self.guideURL, encoding: .utf8))
        defer { machine.tearDown() }
        let blocks = machine.blocks
        let backupAt = try #require(blocks.firstIndex { $0.heading.contains("8. Backups") })
        let restoreAt = try #require(blocks.firstIndex { $0.heading.contains("Restoring from a backup") })
        for block in blocks[..<backupAt] { try machine.run(block) }

        // A case step as the senior manager's login, through the socket, before the backup…
        let kept = try machine.openCase(summary: "Deployment check: recorded before the backup")
        for block in blocks[backupAt..<restoreAt] { try machine.run(block) }
        // …and one after it, which the restore takes away.
        let lost = try machine.openCase(summary: "Deployment check: recorded after the backup")
        for block in blocks[restoreAt...] { try machine.run(block) }

        let listed = try machine.shell("casebook --json list", as: "s.jones")
        #expect(listed.status == 0, "\(listed)")
        #expect(listed.stdout.contains(kept), "\(listed)")
        #expect(!listed.stdout.contains(lost), "\(listed)")
        let shown = try machine.shell("casebook show \(kept)", as: "s.jones")
        #expect(shown.status == 0 && shown.stdout.contains("Harrowgate Fields Academy"), "\(shown)")
        // The calendar the cron line refreshes: the headteacher's own file, 0600.
        let calendar = try machine.shell("stat -c '%U %a' ~/cal/smt.jones.ics; head -c 15 ~/cal/smt.jones.ics", as: "p.okafor")
        #expect(calendar.stdout == "\(machine.logins["p.okafor"] ?? "?") 600\nBEGIN:VCALENDAR", "\(calendar)")
        // Through the service too, --replace refuses a file Casebook did not write, before anything is sent.
        let refused = try machine.shell(
            "echo 'my notes' > ~/cal/notes.ics; casebook overdue --format ics --out ~/cal/notes.ics --replace; echo never",
            as: "p.okafor")
        #expect(refused.status == 73 && refused.stderr.contains("not a calendar Casebook wrote"), "\(refused)")
        #expect(try machine.shell("cat ~/cal/notes.ics", as: "p.okafor").stdout == "my notes\n")
        // The database stayed the service account's alone.
        let database = try machine.shell("stat -c '%U %a' \"$CB_DATA/casebook.sqlite\" \"$CB_DATA\"", as: "root")
        #expect(database.stdout == "\(machine.names["CB_ACCOUNT"] ?? "?") 600\n\(machine.names["CB_ACCOUNT"] ?? "?") 700\n", "\(database)")
    }

    /// The scratch machine: the names replaced, the accounts made, the blocks run.
    final class Machine {
        let root: URL
        private(set) var blocks: [Block] = []
        /// The guide's names with the values this machine uses.
        private(set) var names: [String: String] = [:]
        private var order: [String] = []
        /// The guide's example logins → the accounts made for them.
        private(set) var logins: [String: String] = [:]
        private var made: [String] = []
        private var madeGroups: [String] = []
        /// What step 1 installs from.
        let source: URL
        /// The unit file's settings, as the `systemctl` function uses them.
        private var unit: [String: String] = [:]

        init(guide: String) throws {
            root = URL(fileURLWithPath: "/tmp").appendingPathComponent("cbdeploy-\(UUID().uuidString.prefix(8).lowercased())")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false)
            chmod(root.path, 0o755)
            source = root.appendingPathComponent("source")
            let tag = String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(6))
            do {
                try self.prepare(guide: guide, tag: tag)
            } catch {
                tearDown()
                throw error
            }
        }

        private func prepare(guide: String, tag: String) throws {
            let logins = ["p.okafor": "cbh\(tag)", "s.jones": "cbm\(tag)"]
            self.logins = logins
            let all = DeploymentGuideTests.blocks(guide)
            guard let first = all.first, first.who == "names" else { throw Failure("the guide's first marked block is not its names") }
            for line in first.text.components(separatedBy: "\n") {
                guard let match = line.firstMatch(of: #/^([A-Z_]+)=(\S+)/#) else { continue }
                let (name, value) = (String(match.1), String(match.2))
                order.append(name)
                if value.hasPrefix("/") {
                    names[name] = root.path + value
                } else {
                    names[name] = "cb\(name.hasSuffix("GROUP") ? "g" : "s")\(tag)"
                }
            }
            let defaults = Dictionary(
                uniqueKeysWithValues: first.text.components(separatedBy: "\n").compactMap { line -> (String, String)? in
                    guard let match = line.firstMatch(of: #/^([A-Z_]+)=(\S+)/#) else { return nil }
                    return (String(match.1), String(match.2))
                })
            let examples = logins
            blocks = all.dropFirst().map { block in
                var text = block.text
                for (example, login) in examples { text = Self.replacingWord(example, with: login, in: text) }
                return Block(who: block.who, text: text, heading: block.heading)
            }

            // The unit, its default paths and names replaced (longest first).
            if let unitBlock = blocks.first(where: { $0.who == "unit" }) {
                var text = unitBlock.text
                for (name, value) in defaults.sorted(by: { $0.value.count > $1.value.count }) where value.hasPrefix("/") {
                    text = text.replacingOccurrences(of: value, with: names[name] ?? value)
                }
                for line in text.components(separatedBy: "\n") {
                    guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
                    var value = String(line[line.index(after: equals)...])
                    let key = String(line[..<equals])
                    if let name = defaults.first(where: { $0.value == value && !$0.value.hasPrefix("/") })?.key { value = names[name] ?? value }
                    unit[key] = value
                }
            }
            // What a Debian system has: the parents of the guide's paths, and the program's folder.
            for name in order where defaults[name]?.hasPrefix("/") == true {
                if let path = names[name] {
                    let folder = name == "CB_BIN" ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).deletingLastPathComponent()
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                }
            }
            // The accounts of the staff, each with a home of its own.
            for (_, login) in logins.sorted(by: { $0.key < $1.key }) {
                let home = root.appendingPathComponent("home/\(login)")
                try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
                try Self.tool("/usr/sbin/useradd", ["-M", "-N", "-d", home.path, "-s", "/bin/sh", login])
                made.append(login)
                guard let entry = getpwnam(login) else { throw Failure("no account \(login) after useradd") }
                chown(home.path, entry.pointee.pw_uid, entry.pointee.pw_gid)
                chmod(home.path, 0o700)
            }
            if let account = names["CB_ACCOUNT"] { made.append(account) }
            if let group = names["CB_GROUP"] { madeGroups.append(group) }
            // Step 1's folder: what was built, and the guides.
            try FileManager.default.createDirectory(at: source.appendingPathComponent(".build/release"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: try CasebookBinary.url(), to: source.appendingPathComponent(".build/release/casebook"))
            let repository = DeploymentGuideTests.guideURL.deletingLastPathComponent().deletingLastPathComponent()
            try FileManager.default.copyItem(at: repository.appendingPathComponent("README.md"), to: source.appendingPathComponent("README.md"))
            try FileManager.default.copyItem(at: repository.appendingPathComponent("docs"), to: source.appendingPathComponent("docs"))
        }

        /// Stops what the unit started (by its process id), removes the accounts, the group and the scratch root.
        func tearDown() {
            let pidFile = root.appendingPathComponent("casebook.service.pid").path
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGTERM)
            }
            for account in made { _ = try? Self.tool("/usr/sbin/userdel", [account]) }
            for group in madeGroups { _ = try? Self.tool("/usr/sbin/groupdel", [group]) }
            try? FileManager.default.removeItem(at: root)
        }

        /// The shell lines every block starts with: the names, the program's folder first on the path.
        private var preamble: String {
            var lines = ["set -euo pipefail"]
            for name in order { lines.append("\(name)=\(Self.quoted(names[name] ?? ""))") }
            lines.append("export PATH=\"$CB_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"")
            return lines.joined(separator: "\n") + "\n"
        }

        /// `systemctl` for this machine: the unit's ExecStart as its User and Group (see the suite's comment).
        private var systemctl: String {
            let runtime = names["CB_RUN"] ?? root.appendingPathComponent("run").path
            let socket = unit["ExecStart"]?.firstMatch(of: #/--socket (\S+)/#).map { String($0.1) } ?? "\(runtime)/casebook.sock"
            let pidFile = root.appendingPathComponent("casebook.service.pid").path
            let journal = root.appendingPathComponent("journal").path
            return """
                systemctl() {
                  case "$1" in
                    daemon-reload) ;;
                    enable) if [ "${2:-}" = --now ]; then systemctl start "${3:-}"; fi ;;
                    start)
                      install -d -o \(Self.quoted(unit["User"] ?? "")) -g \(Self.quoted(unit["Group"] ?? "")) -m \(unit["RuntimeDirectoryMode"] ?? "0755") \(Self.quoted(runtime))
                      # As systemd starts a service: no descriptor of the caller's but the three.
                      ( for fd in $(ls /proc/$BASHPID/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done
                        exec setpriv --reuid=\(Self.quoted(unit["User"] ?? "")) --regid=\(Self.quoted(unit["Group"] ?? "")) --clear-groups -- \\
                          sh -c \(Self.quoted("umask \(unit["UMask"] ?? "0022"); exec \(unit["ExecStart"] ?? "false")")) ) </dev/null >>\(journal) 2>&1 &
                      echo $! > \(pidFile)
                      for _ in $(seq 1 3000); do
                        if [ -S \(Self.quoted(socket)) ]; then return 0; fi
                        kill -0 "$(cat \(pidFile))" 2>/dev/null || break
                        sleep 0.01
                      done
                      echo "the service did not start:" >&2; cat \(journal) >&2; return 1 ;;
                    stop)
                      pid=$(cat \(pidFile)); kill -TERM "$pid"
                      for _ in $(seq 1 3000); do
                        if ! kill -0 "$pid" 2>/dev/null || grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then break; fi
                        sleep 0.01
                      done
                      rm -f \(pidFile); rm -rf \(Self.quoted(runtime)) ;;
                    status) kill -0 "$(cat \(pidFile))" && echo "casebook: active (running)" ;;
                    *) echo "systemctl $1: not imitated here" >&2; return 1 ;;
                  esac
                }

                """
        }

        /// Runs one block as its `who`; records an issue (with the block and both streams) and throws when it fails.
        func run(_ block: Block) throws {
            guard block.who != "unit" else { return }
            let result = try shell(block.text, as: block.who)
            try #require(result.status == 0, "the guide's block under '\(block.heading)', as \(block.who):\n\(block.text)\n\(result)")
        }

        /// Runs shell `text` as root (`root`) or as an example login, after the preamble.
        func shell(_ text: String, as who: String) throws -> CLIResult {
            if who == "root" {
                return try CasebookBinary.start(
                    [Self.limit, "/bin/bash", "-c", preamble + systemctl + text], in: source,
                    environment: ["HOME": "/root", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], executable: Self.timeout
                ).finish()
            }
            guard let login = logins[who] else { throw Failure("no login for '\(who)'") }
            let home = root.appendingPathComponent("home/\(login)")
            let script = preamble + "if [ -r \"$CB_PROFILE\" ]; then . \"$CB_PROFILE\"; fi\ncd ~\n" + text
            return try CasebookBinary.start(
                [Self.limit, "/usr/bin/setpriv", "--reuid=\(login)", "--regid=\(Self.primaryGroup(login))", "--init-groups", "--",
                 "/bin/bash", "-c", script], in: root,
                environment: ["HOME": home.path, "USER": login, "LOGNAME": login, "PATH": "/usr/bin:/bin"], executable: Self.timeout
            ).finish()
        }

        /// Opens a case as `s.jones` through the socket; its reference.
        func openCase(summary: String) throws -> String {
            let opened = try shell(
                "casebook --json open --affected head --reported-by head --summary \(Self.quoted(summary))", as: "s.jones")
            try #require(opened.status == 0, "\(opened)")
            return try #require(opened.stdout.firstMatch(of: #/CB-\d{4}-\d+/#).map { String($0.0) }, "\(opened)")
        }

        /// `text` with every `word` that stands alone (not part of a longer name) replaced.
        static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
            func isNamePart(_ character: Character?) -> Bool {
                guard let character else { return false }
                return character.isLetter || character.isNumber || "_-".contains(character)
            }
            var result = ""
            var rest = Substring(text)
            while let range = rest.range(of: word) {
                let before = range.lowerBound == rest.startIndex ? result.last : rest[rest.index(before: range.lowerBound)]
                let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
                result += rest[..<range.lowerBound]
                result += isNamePart(before) || before == "." || isNamePart(after) ? word : replacement
                rest = rest[range.upperBound...]
            }
            return result + rest
        }

        private static func primaryGroup(_ login: String) -> String {
            getpwnam(login).map { String($0.pointee.pw_gid) } ?? "0"
        }

        /// Every block ends within this many seconds (coreutils `timeout`), so a hung step fails the test.
        static let limit = "60"
        static let timeout = URL(fileURLWithPath: "/usr/bin/timeout")

        static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

        /// Runs a system tool; throws unless it exits 0 (useradd's 10, a held lock, is tried again).
        @discardableResult
        static func tool(_ path: String, _ arguments: [String]) throws -> Int32 {
            for _ in 0..<20 {
                let status = try OSUsers.tool(path, arguments)
                if status == 10 { usleep(100_000); continue }
                guard status == 0 else { throw Failure("\(path) \(arguments.joined(separator: " ")) exited \(status)") }
                return 0
            }
            throw Failure("\(path) \(arguments.joined(separator: " ")): /etc/passwd stayed locked")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
