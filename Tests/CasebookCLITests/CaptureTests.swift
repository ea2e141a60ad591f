import EventLog
import Foundation
import Testing

@testable import CasebookCLI

/// `evidence capture` (issue 24, SPEC §13) through the real binary, real Chromium and real
/// wget, against a real web server on loopback started by the test.
@Suite(.serialized) struct CaptureTests {
    /// A Python `http.server` on 127.0.0.1 with a random free port: `/page` (HTML with an
    /// image), `/pic.png`, `/old` (a 302 to `/page`), `/never` (headers, then nothing,
    /// ever) and `/hangs` (whole for wget, `/never` for a browser). Every request's path is logged, so a test can say none came.
    final class WebServer {
        let process = Process()
        let log: URL
        let port: Int

        static let script = #"""
            import http.server, sys, time
            port_file, log_file, png = sys.argv[1], sys.argv[2], sys.argv[3]
            PAGE = b'<!doctype html><html><head><title>Fixture post</title></head><body style="margin:0">' \
                   b'<h1>Post naming her street</h1><img src="/pic.png" width="400" height="300"></body></html>'
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = 'HTTP/1.1'
                def log_message(self, *args): pass
                def do_GET(self):
                    with open(log_file, 'a') as log:
                        log.write(self.path + '\n')
                    if self.path == '/page':
                        self.send_response(200)
                        self.send_header('Content-Type', 'text/html; charset=utf-8')
                        self.send_header('X-Fixture', 'casebook-capture')
                        self.send_header('Content-Length', str(len(PAGE)))
                        self.end_headers()
                        self.wfile.write(PAGE)
                    elif self.path == '/pic.png':
                        data = open(png, 'rb').read()
                        self.send_response(200)
                        self.send_header('Content-Type', 'image/png')
                        self.send_header('Content-Length', str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                    elif self.path == '/old':
                        self.send_response(302)
                        self.send_header('Location', '/page')
                        self.send_header('Content-Length', '0')
                        self.end_headers()
                    elif self.path == '/hangs' and 'Wget' in self.headers.get('User-Agent', ''):
                        body = b'<html><body>wget gets it whole; a browser never does</body></html>'
                        self.send_response(200)
                        self.send_header('Content-Type', 'text/html')
                        self.send_header('Content-Length', str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    elif self.path == '/huge':
                        size = 65 * 1024 * 1024
                        self.send_response(200)
                        self.send_header('Content-Type', 'application/octet-stream')
                        self.send_header('Content-Length', str(size))
                        self.end_headers()
                        chunk = b'\0' * (1024 * 1024)
                        try:
                            for _ in range(65):
                                self.wfile.write(chunk)
                        except (BrokenPipeError, ConnectionResetError):
                            pass
                    elif self.path in ('/never', '/hangs'):
                        self.send_response(200)
                        self.send_header('Content-Type', 'text/html')
                        self.send_header('Content-Length', '100000')
                        self.end_headers()
                        self.wfile.write(b'<html><body>never')
                        self.wfile.flush()
                        while True:
                            time.sleep(3600)
                    else:
                        self.send_error(404)
            server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
            server.daemon_threads = True
            with open(port_file + '.tmp', 'w') as f:
                f.write(str(server.server_address[1]))
            import os
            os.rename(port_file + '.tmp', port_file)
            server.serve_forever()
            """#

        init(in folder: URL) throws {
            let script = folder.appendingPathComponent("server.py")
            try Data(Self.script.utf8).write(to: script)
            let portFile = folder.appendingPathComponent("port")
            log = folder.appendingPathComponent("requests.log")
            try Data().write(to: log)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [script.path, portFile.path, log.path, CasebookBinary.fixture("screenshot-post.png")]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Readiness, not timing: the port file appears once the server listens.
            var waited = 0
            while !FileManager.default.fileExists(atPath: portFile.path), process.isRunning, waited < 3000 {
                usleep(10_000)
                waited += 1
            }
            port = Int(String(decoding: (try? Data(contentsOf: portFile)) ?? Data(), as: UTF8.self)) ?? 0
        }

        func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

        /// The paths requested so far.
        var requests: [String] {
            String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    /// The evidence ids of the template case.
    static func evidenceIDs(_ sandbox: Sandbox) throws -> [String] {
        let listed = try sandbox.succeed(["evidence", "list", sandbox.reference], json: true)
        return try listed.jsonArray().compactMap { ($0 as? [String: Any])?.string("id") }
    }

    // MARK: A capture

    @Test func aCaptureKeepsTheScreenshotThePrintAndTheWARCWithTheFacts() throws {
        let sandbox = try Sandbox(.openCase)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        let before = Date()
        let captured = try sandbox.succeed(
            ["evidence", "capture", sandbox.reference, server.url("/old"), "--description", "The copy", "--allow-private"],
            json: true)
        let after = Date()
        let payload = try #require(captured.jsonObject().objects("events").first?.object("payload"))
        #expect(payload.string("id") == "E3")
        #expect(payload.string("url") == server.url("/old"))
        #expect(payload.string("kind") == "web")
        let capture = try #require(payload.object("capture"), "\(captured)")
        #expect(capture.string("finalURL") == server.url("/page"))
        #expect(capture.int("status") == 200)
        #expect(capture.array("addresses") as? [String] == ["127.0.0.1"])
        #expect(capture.bool("allowedPrivate") == true)
        let tools = capture.array("tools") as? [String] ?? []
        #expect(tools.contains { $0.hasPrefix("Chromium ") } && tools.contains { $0.hasPrefix("GNU Wget ") }, "\(tools)")
        // The capture's times come from the clock, in order, within the command's run.
        let started = try #require(capture.string("startedAt").flatMap(Timestamp.date(from:)))
        let ended = try #require(capture.string("endedAt").flatMap(Timestamp.date(from:)))
        #expect(before.addingTimeInterval(-0.001) <= started && started <= ended && ended <= after.addingTimeInterval(0.001))
        #expect(payload.string("capturedAt") == capture.string("startedAt"))
        // The server was asked for the redirect, the page and its image.
        #expect(Set(server.requests).isSuperset(of: ["/old", "/page", "/pic.png"]), "\(server.requests)")

        // The files, as `evidence get` writes them back, each hash-checked.
        let files = payload.objects("files")
        #expect(files.map { $0.string("name") } == ["screenshot.png", "page.pdf", "page.warc"])
        #expect(files.map { $0.string("mediaType") } == ["image/png", "application/pdf", "application/warc"])
        let out = sandbox.path("E3")
        try sandbox.succeed(["evidence", "get", sandbox.reference, "E3", "--out", out])
        // The PNG decodes: its signature, then an IHDR of the window's size.
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/screenshot.png")))
        try #require(png.count > 33)
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: png[12..<16], as: UTF8.self) == "IHDR")
        func bigEndian(_ slice: ArraySlice<UInt8>) -> Int { slice.reduce(0) { $0 << 8 | Int($1) } }
        #expect(bigEndian(png[16..<20]) == 1280)
        #expect(bigEndian(png[20..<24]) == 2400)
        let pdf = try Data(contentsOf: URL(fileURLWithPath: out + "/page.pdf"))
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        // The WARC holds the final response, its status line and headers.
        let warc = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/page.warc")))
        let records = try WARC.records(warc)
        #expect(records.first?.fields["warc-type"] == "warcinfo")
        let responses = records.filter { $0.fields["warc-type"] == "response" }
        #expect(responses.map(\.target) == [server.url("/old"), server.url("/page")])
        let final = try #require(responses.last)
        #expect(final.fields["warc-ip-address"] == "127.0.0.1")
        let http = String(decoding: final.block, as: UTF8.self)
        #expect(http.hasPrefix("HTTP/1.1 200 "), "\(http.prefix(200))")
        #expect(http.contains("\r\nX-Fixture: casebook-capture\r\n"))
        #expect(http.contains("<h1>Post naming her street</h1>"))
        #expect(String(decoding: responses[0].block, as: UTF8.self).hasPrefix("HTTP/1.1 302 "))

        // The item says it was captured by Casebook, in show and in every timeline format.
        let shown = try sandbox.succeed(["show", sandbox.reference])
        #expect(shown.stdout.contains("E3 (SJ/3) web \(server.url("/old")) (captured by Casebook)"))
        for format in ["text", "md", "html", "csv", "json"] {
            let timeline = try sandbox.succeed(["timeline", sandbox.reference, "--format", format], as: Staff.safeguarding)
            #expect(timeline.stdout.contains("captured by Casebook"), "\(format)")
            #expect(timeline.stdout.contains("Loaded: \(server.url("/page"))"), "\(format)")
        }
        let listed = try sandbox.succeed(["evidence", "list", sandbox.reference], json: true)
        let item = try #require(try listed.jsonArray().compactMap { $0 as? [String: Any] }.first { $0.string("id") == "E3" })
        #expect(item.object("capture")?.string("finalURL") == server.url("/page"))
        // The chain, files and read models verify.
        try sandbox.succeed(["verify"], as: Staff.safeguarding)
    }

    /// Through the server, the server's machine fetches; the answer is the same.
    @Test func throughTheServerTheServerFetches() throws {
        let sandbox = try Sandbox(.empty)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        let sockets = try ServerModeTests.socketFolder()
        defer { try? FileManager.default.removeItem(at: sockets) }
        let socket = sockets.appendingPathComponent("s.sock").path
        try sandbox.succeed(["init", "--admin", "head", "--name", "Hannah Head"], as: nil)
        try sandbox.succeed(["staff", "add", "t.pennington", "--name", "Ada Pennington", "--role", "staff"], as: nil)
        let served = try ServerModeTests.Served(
            ["serve", "--db", sandbox.database, "--socket", socket], socket: socket, in: sandbox.directory)
        try #require(served.isListening, "the server did not start")
        func remote(_ arguments: [String]) throws -> CLIResult {
            try CasebookBinary.run(["--server", socket] + arguments, in: sandbox.directory)
        }
        let opened = try remote(["open", "--affected", "t.pennington", "--reported-by", "t.pennington", "--summary", "Abusive post"])
        try #require(opened.status == 0, "\(opened)")
        let reference = "CB-\(ServerModeTests.year)-0001"
        let captured = try remote(["evidence", "capture", reference, server.url("/page"), "--allow-private"])
        #expect(captured.status == 0, "\(captured)")
        #expect(captured.stdout.hasPrefix("E1 captured by Casebook on \(reference)"), "\(captured)")
        #expect(captured.stdout.contains("HTTP status: 200"))
        let refused = try remote(["evidence", "capture", reference, server.url("/page")])
        #expect(refused.status == 65, "\(refused)")
        _ = try served.stop()
    }

    // MARK: The address rule and the WARC reader, alone

    @Test func onlyPublicAddressesArePublic() {
        for address in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "192.0.2.1", "198.18.0.1", "203.0.113.5", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
            "fc00::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1",
            "not an address",
        ] {
            #expect(!AddressCheck.isPublic(address), "\(address)")
        }
        for address in ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"] {
            #expect(AddressCheck.isPublic(address), "\(address)")
        }
    }

    @Test func theWARCReaderFindsEachResponseWithItsAddressAndStatus() {
        func record(_ fields: [String], _ block: String) -> String {
            "WARC/1.0\r\n" + fields.joined(separator: "\r\n") + "\r\nContent-Length: \(block.utf8.count)\r\n\r\n" + block + "\r\n\r\n"
        }
        let warc =
            record(["WARC-Type: warcinfo"], "software: test\r\n")
            + record(["WARC-Type: response", "WARC-Target-URI: <http://a.example/old>", "WARC-IP-Address: 93.184.216.34"], "HTTP/1.1 301 Moved\r\nLocation: /new\r\n\r\n")
            + record(["WARC-Type: request", "WARC-Target-URI: <http://a.example/new>"], "GET /new HTTP/1.1\r\n\r\n")
            + record(["WARC-Type: response", "WARC-Target-URI: http://a.example/new", "WARC-IP-Address: 93.184.216.34"], "HTTP/1.1 404 Not Found\r\n\r\ngone")
        let responses = WARCReader.responses(Array(warc.utf8))
        #expect(responses.map(\.targetURI) == ["http://a.example/old", "http://a.example/new"])
        #expect(responses.map(\.status) == [301, 404])
        #expect(responses.map(\.ipAddress) == ["93.184.216.34", "93.184.216.34"])
    }

    // MARK: Refusals: nothing fetched, nothing recorded

    @Test func aPageThatNeverFinishesIsCutAtTheLimitWithNothingStored() throws {
        let sandbox = try Sandbox(.openCase)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        let dump = try sandbox.dump()
        // The private folder is made in the run's TMPDIR (the sandbox), or /tmp when that is too long for Chromium's socket.
        func folders() -> Set<String> {
            Set(
                [sandbox.directory.path, "/tmp"].flatMap { folder in
                    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix("casebook-capture-") }
                        .map { folder + "/" + $0 }
                })
        }
        let foldersBefore = folders()
        let result = try sandbox.run(
            ["evidence", "capture", sandbox.reference, server.url("/never"), "--allow-private", "--timeout", "2"], as: Staff.manager)
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.contains("did not finish loading within 2 s"), "\(result)")
        #expect(try sandbox.dump() == dump)
        #expect(server.requests.contains("/never"))
        // A page wget fetches at once but a browser never finishes: Chromium is cut at the limit, with every process it started.
        let hangs = try sandbox.run(
            ["evidence", "capture", sandbox.reference, server.url("/hangs"), "--allow-private", "--timeout", "3"], as: Staff.manager)
        #expect(hangs.status == 69, "\(hangs)")
        #expect(hangs.stderr.contains("did not finish loading within 3 s"), "\(hangs)")
        #expect(server.requests.filter { $0 == "/hangs" }.count >= 2, "wget and Chromium asked: \(server.requests)")
        #expect(try sandbox.dump() == dump)
        let browsers = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { pid -> String? in
            guard Int(pid) != nil, let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return nil }
            return line.contains("casebook-capture-") ? line : nil
        }
        #expect(browsers.isEmpty, "processes of the capture still run: \(browsers)")
        let leftovers = folders().subtracting(foldersBefore)
        #expect(leftovers.isEmpty, "the private folder is removed: \(leftovers)")
    }

    @Test func aPageOverTheEvidenceLimitIsNotStored() throws {
        let sandbox = try Sandbox(.openCase)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        let dump = try sandbox.dump()
        let result = try sandbox.run(
            ["evidence", "capture", sandbox.reference, server.url("/huge"), "--allow-private"], as: Staff.manager)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("over the evidence limit of 64 MiB; nothing was stored"), "\(result)")
        #expect(try sandbox.dump() == dump)
    }

    @Test func aChildSexualImageryCaseRefusesBeforeAnyFetch() throws {
        let sandbox = try Sandbox(.staff)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        try sandbox.succeed(
            [
                "open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "An image was shared",
                "--category", "child-sexual-imagery",
            ], as: Staff.safeguarding)
        let reference = sandbox.reference
        let dump = try sandbox.dump()
        let result = try sandbox.run(
            ["evidence", "capture", reference, server.url("/page"), "--allow-private"], as: Staff.safeguarding)
        #expect(result.status == 65, "\(result)")
        #expect(result.stderr.contains("no file may be kept for child sexual imagery"), "\(result)")
        #expect(server.requests.isEmpty, "the server was asked for \(server.requests)")
        #expect(try sandbox.dump() == dump)

        // On another case, an address an item records as child sexual imagery is never fetched.
        try sandbox.succeed(
            ["open", "--affected", Staff.affected, "--reported-by", Staff.affected, "--summary", "Abusive posts"], as: Staff.safeguarding)
        let second = "CB-\(When.year)-0002"
        try sandbox.succeed(
            ["evidence", "add", second, "--kind", "web", "--url", server.url("/page"), "--child-sexual-imagery"], as: Staff.safeguarding)
        let flagged = try sandbox.run(["evidence", "capture", second, server.url("/page"), "--allow-private"], as: Staff.safeguarding)
        #expect(flagged.status == 65, "\(flagged)")
        #expect(flagged.stderr.contains("recorded as child sexual imagery"), "\(flagged)")
        #expect(server.requests.isEmpty, "the server was asked for \(server.requests)")
    }

    @Test func withoutChromiumTheAnswerIs69AndNothingIsRecorded() throws {
        let sandbox = try Sandbox(.openCase)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        let dump = try sandbox.dump()
        let result = try CasebookBinary.run(
            ["--db", sandbox.database, "--as", Staff.manager, "evidence", "capture", sandbox.reference, server.url("/page"), "--allow-private"],
            in: sandbox.directory, environment: ["CASEBOOK_CHROMIUM": "/nonexistent"])
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.hasPrefix("error: capture needs Chromium: apt-get install chromium"), "\(result)")
        #expect(server.requests.isEmpty)
        #expect(try sandbox.dump() == dump)
    }

    @Test func aPrivateAddressIsRefusedWithoutAllowPrivate() throws {
        let sandbox = try Sandbox(.openCase)
        let server = try WebServer(in: sandbox.directory)
        try #require(server.port > 0, "the web server did not start")
        let dump = try sandbox.dump()
        for url in [server.url("/page"), "http://localhost:\(server.port)/page", "http://0x7f.1:\(server.port)/page"] {
            let result = try sandbox.run(["evidence", "capture", sandbox.reference, url], as: Staff.manager)
            #expect(result.status == 65, "\(url): \(result)")
            #expect(result.stderr.contains("is not a public address"), "\(result)")
        }
        // Only http and https, and only the roles that add evidence.
        let ftp = try sandbox.run(["evidence", "capture", sandbox.reference, "ftp://127.0.0.1/x", "--allow-private"], as: Staff.manager)
        #expect(ftp.status == 65)
        let hr = try sandbox.run(["evidence", "capture", sandbox.reference, server.url("/page"), "--allow-private"], as: Staff.hr)
        #expect(hr.status == 77)
        #expect(server.requests.isEmpty)
        #expect(try sandbox.dump() == dump)
    }
}

/// A small reader of uncompressed WARC files (ISO 28500): each record is a `WARC/1.x` line,
/// header fields up to a blank line, `Content-Length` bytes of block, then CRLF CRLF.
enum WARC {
    struct Record {
        var fields: [String: String]
        var block: [UInt8]
        /// WARC-Target-URI, without the angle brackets some writers put round it.
        var target: String? {
            fields["warc-target-uri"].map { $0.hasPrefix("<") && $0.hasSuffix(">") ? String($0.dropFirst().dropLast()) : $0 }
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func records(_ bytes: [UInt8]) throws -> [Record] {
        var records: [Record] = []
        var index = 0
        while index < bytes.count {
            var end = index
            while end + 3 < bytes.count, bytes[end..<end + 4] != [13, 10, 13, 10] { end += 1 }
            guard end + 3 < bytes.count else { throw Malformed(description: "a record's header has no end at \(index)") }
            let lines = String(decoding: bytes[index..<end], as: UTF8.self).components(separatedBy: "\r\n")
            guard let version = lines.first, version.hasPrefix("WARC/1.") else {
                throw Malformed(description: "no WARC version line at \(index)")
            }
            var fields: [String: String] = [:]
            for line in lines.dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { throw Malformed(description: "a header line without a colon: \(line)") }
                fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
            guard let length = fields["content-length"].flatMap(Int.init), end + 4 + length + 4 <= bytes.count else {
                throw Malformed(description: "a record without a valid Content-Length at \(index)")
            }
            let block = Array(bytes[(end + 4)..<(end + 4 + length)])
            guard bytes[(end + 4 + length)..<(end + 8 + length)] == [13, 10, 13, 10] else {
                throw Malformed(description: "a record's block is not followed by CRLF CRLF")
            }
            records.append(Record(fields: fields, block: block))
            index = end + 8 + length
        }
        return records
    }
}
