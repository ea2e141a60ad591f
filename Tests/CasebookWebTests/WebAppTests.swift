@testable import CasebookWeb
import Foundation
import Testing

/// The web front end over a door that records what it is asked to run.
@Suite struct WebAppTests {
    final class Recorder: @unchecked Sendable {
        var runs: [([String], String, [String: Data])] = []
        let lock = NSLock()
    }

    static let note = WebCommand(
        name: "investigate note", summary: "Add a note.",
        positionals: [WebField(name: "case", help: "The case.", isRequired: true, kind: .text)],
        options: [
            WebField(name: "text", help: "The note.", isRequired: true, kind: .text),
            WebField(name: "urgent", help: "Mark it urgent.", isRequired: false, kind: .flag),
            WebField(name: "file", help: "A screenshot.", isRequired: false, isRepeatable: true, kind: .file),
        ])

    static func app(_ recorder: Recorder, answer: WebRun = WebRun(exitCode: 0, stdout: #"{"case":"CB-2026-0001"}"#, stderr: "")) -> WebApp {
        WebApp(door: WebDoor(commands: ["investigate note": note]) { arguments, login, inputs in
            recorder.lock.lock()
            recorder.runs.append((arguments, login, inputs))
            recorder.lock.unlock()
            return answer
        }, key: Array(repeating: 7, count: 32))
    }

    static func request(_ method: String, _ path: String, query: String = "", body: Data = Data(), type: String? = nil, user: String? = "dsl.khan", extra: [String: String] = [:]) -> WebRequest {
        var variables = ["HTTP_HOST": "school.example"].merging(extra) { $1 }
        variables["CONTENT_TYPE"] = type
        return WebRequest(method: method, path: path, query: query, variables: variables, body: body, remoteUser: user)
    }

    @Test func textAndAttributesAreEscapedByConstruction() {
        let node: Node = .el("p", [("title", "\"><script>")], [.text("<script>alert(1)</script> & 'x'")])
        #expect(node.rendered == "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;x&#39;</p>")
        // Control characters as the library's documents show them: U+FFFD, tab and line feed kept.
        let controls: Node = .text("a\u{0}b\u{1B}c\u{7F}d\te\nf")
        #expect(controls.rendered == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te\nf")
    }

    @Test func theFormIsGeneratedFromTheDeclarationAndItsPostIsTheSameCommand() throws {
        let recorder = Recorder()
        let app = Self.app(recorder)
        let form = app.respond(Self.request("GET", "/step", query: "command=investigate+note&case=CB-2026-0001"))
        let html = String(decoding: form.body, as: UTF8.self)
        #expect(form.status == 200)
        for expected in ["name=\"p.case\"", "value=\"CB-2026-0001\"", "name=\"o.text\"", "type=\"checkbox\"", "type=\"file\"", "enctype=\"multipart/form-data\""] {
            #expect(html.contains(expected), "\(expected)")
        }
        let token = app.token(user: "dsl.khan", form: "investigate note")
        let boundary = "XyZ"
        var body = ""
        for (name, value) in [("_command", "investigate note"), ("_csrf", token), ("p.case", "--db=/etc/passwd"), ("o.text", "-x <b>"), ("o.urgent", "on")] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"o.file\"; filename=\"../../etc/shot.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--\(boundary)--\r\n"
        let posted = app.respond(Self.request("POST", "/step", body: Data(body.utf8), type: "multipart/form-data; boundary=\(boundary)", extra: ["HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://school.example"]))
        #expect(posted.status == 303)
        let run = try #require(recorder.runs.last)
        // Values attached to their options; positionals after "--": nothing typed becomes an option.
        #expect(run.0 == ["--json", "investigate", "note", "--text=-x <b>", "--urgent", "--file=upload-1/shot.png", "--", "--db=/etc/passwd"])
        #expect(run.1 == "dsl.khan")
        #expect(run.2 == ["upload-1/shot.png": Data("PNG".utf8)])
    }

    @Test func crossSiteAndTokenlessPostsRunNothing() {
        let recorder = Recorder()
        let app = Self.app(recorder)
        let good = app.token(user: "dsl.khan", form: "investigate note")
        func post(_ token: String, user: String = "dsl.khan", extra: [String: String] = [:]) -> Int {
            let body = "_command=investigate+note&_csrf=\(token)&p.case=CB-2026-0001&o.text=x"
            return app.respond(Self.request("POST", "/step", body: Data(body.utf8), type: "application/x-www-form-urlencoded", user: user, extra: extra)).status
        }
        #expect(post(good, extra: ["HTTP_ORIGIN": "http://evil.example"]) == 403)
        #expect(post(good, extra: ["HTTP_SEC_FETCH_SITE": "cross-site"]) == 403)
        #expect(post(good, extra: ["HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "null"]) == 403)
        #expect(post("") == 403)
        #expect(post(good, user: "k.marsh") == 403)
        #expect(recorder.runs.isEmpty)
        #expect(post(good, extra: ["HTTP_ORIGIN": "null"]) == 303, "no Sec-Fetch-Site and Origin null: the token decides")
        #expect(recorder.runs.count == 1)
        #expect(post(good) == 303)
        #expect(post(good, extra: ["HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "null"]) == 303, "Chromium's own form under no-referrer")
        #expect(recorder.runs.count == 3)
        #expect(post("", extra: ["HTTP_ORIGIN": "null"]) == 403)
        #expect(recorder.runs.count == 3)
    }

    @Test func exitCodesBecomePages() {
        let refusal = #"{"error":{"exitCode":1,"message":"error: refused","refusals":[{"rule":"R7","clause":"000 §13.5","reason":"<b>not yet</b>","unblock":""}]}}"#
        let recorder = Recorder()
        let refused = Self.app(recorder, answer: WebRun(exitCode: 1, stdout: refusal, stderr: ""))
        let token = refused.token(user: "dsl.khan", form: "investigate note")
        let body = Data("_command=investigate+note&_csrf=\(token)&p.case=CB-2026-0001&o.text=x".utf8)
        let page = refused.respond(Self.request("POST", "/step", body: body, type: "application/x-www-form-urlencoded"))
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 422)
        #expect(html.contains("(R7, 000 §13.5)") && html.contains("&lt;b&gt;not yet&lt;/b&gt;") && html.contains("name=\"o.text\""))
        let missing = Self.app(recorder, answer: WebRun(exitCode: 66, stdout: "", stderr: "")).respond(Self.request("GET", "/cases/CB-2026-0009"))
        #expect(missing.status == 404)
        let forbidden = Self.app(recorder, answer: WebRun(exitCode: 77, stdout: "", stderr: "")).respond(Self.request("GET", "/cases/CB-2026-0009"))
        #expect(forbidden.status == 403)
        // No REMOTE_USER: nobody is signed in, and nothing runs.
        let before = recorder.runs.count
        #expect(Self.app(recorder).respond(Self.request("GET", "/", user: nil)).status == 403)
        #expect(recorder.runs.count == before)
        for header in WebApp.securityHeaders { #expect(missing.headers.contains { $0 == header }) }
    }

    @Test func hostileMultipartIsRefused() {
        func parse(_ text: String, max: Int = 10) -> FormError? {
            do {
                _ = try Multipart.parse(Data(text.utf8), boundary: "B", maxFileBytes: max)
                return nil
            } catch { return error }
        }
        #expect(parse("no boundary here") == .malformed("no boundary"))
        #expect(parse("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated") == .malformed("a part does not end"))
        #expect(parse("--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--") == .malformed("a part has no name"))
        #expect(parse("--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--") == .malformed("a part is not form-data"))
        #expect(parse("--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n\r\n0123456789A\r\n--B--") == .tooLarge("a.png is 11 bytes; files over 0 MiB are refused"))
        #expect(Multipart.boundary(of: "multipart/form-data; boundary=\"q r\"") == "q r")
        #expect(Multipart.boundary(of: "text/plain; boundary=x") == nil)
        #expect(WebApp.safeName("../../.bashrc") == "bashrc")
        #expect(WebApp.safeName("C:\\x\\évil name.png") == "vilname.png")
        #expect(WebApp.safeName("") == "upload")
    }
}
