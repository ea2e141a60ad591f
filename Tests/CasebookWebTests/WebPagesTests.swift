@testable import CasebookWeb
import Foundation
import Testing
import TestSupport

/// The pages beyond the first slice, over a door that answers like the command line.
@Suite struct WebPagesTests {
    final class Recorder: @unchecked Sendable {
        var runs: [[String]] = []
        let lock = NSLock()
        func add(_ arguments: [String]) {
            lock.lock()
            runs.append(arguments)
            lock.unlock()
        }
    }

    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
    static let svg = Data("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".utf8)
    static let pngSHA = WebApp.sha256Hex(png)
    static let svgSHA = WebApp.sha256Hex(svg)

    static let withdraw = WebCommand(
        name: "withdraw", summary: "Withdraw an entry.",
        positionals: [WebField(name: "case", help: "The case.", isRequired: true, kind: .text), WebField(name: "item", help: "E1…", isRequired: true, kind: .text)],
        options: [WebField(name: "reason", help: "Why.", isRequired: true, kind: .text)])
    static let assign = WebCommand(
        name: "assign", summary: "Name a case's owner.",
        positionals: [WebField(name: "case", help: "The case.", isRequired: true, kind: .text), WebField(name: "staff-id", help: "Owner.", isRequired: true, kind: .text)],
        options: [])
    static let reopen = WebCommand(
        name: "reopen", summary: "Reopen.", positionals: [WebField(name: "case", help: "The case.", isRequired: true, kind: .text)],
        options: [WebField(name: "reason", help: "Why.", isRequired: true, kind: .text)])

    static let show = #"""
        {"reference":"CB-2026-0001","status":"open","summary":"<img src=x onerror=alert(1)>",
         "allowed":[{"step":"withdraw","id":"withdraw","subjects":["E1","N1"]},{"step":"reopen","id":"reopen","subjects":[]}],
         "blocked":[],"othersMay":[],
         "evidence":[{"id":"E1","kind":"social","childSexualImagery":false,"description":"post",
                      "files":[{"name":"a.png","sha256":"PNGSHA","size":11,"mediaType":"image/png"},
                               {"name":"b.svg","sha256":"SVGSHA","size":60,"mediaType":"image/svg+xml"}]},
                     {"id":"E2","kind":"image","childSexualImagery":true,"files":[]}]}
        """#

    static func app(_ recorder: Recorder) -> WebApp {
        WebApp(door: WebDoor(commands: ["withdraw": withdraw, "assign": assign, "reopen": reopen]) { arguments, _, _ in
            recorder.add(arguments)
            let words = Array(arguments.dropFirst())
            switch words.first {
            case "show":
                let json = Self.show.replacingOccurrences(of: "PNGSHA", with: pngSHA).replacingOccurrences(of: "SVGSHA", with: svgSHA)
                return WebRun(exitCode: 0, stdout: json, stderr: "")
            case "evidence" where words.count > 1 && words[1] == "get":
                let folder = words.last ?? ""
                return WebRun(exitCode: 0, stdout: "[]", stderr: "", files: [(path: folder + "/a.png", bytes: png), (path: folder + "/b.svg", bytes: svg)])
            case "timeline" where arguments.contains("--bundle"):
                let folder = arguments[(arguments.firstIndex(of: "--bundle") ?? 0) + 1]
                return WebRun(exitCode: 0, stdout: "{}", stderr: "", files: [
                    (path: folder + "/chronology.html", bytes: Data("<p>hi</p>".utf8)), (path: folder + "/SHA256SUMS", bytes: Data("x  y\n".utf8)),
                ])
            case "outcomes":
                return WebRun(exitCode: 0, stdout: #"{"cases":[{"reference":"CB-2026-0001","referrals":["disciplinary"],"outcome":"<b>x</b>"}],"summary":{"text":"1 case"},"confidentiality":"CONFIDENTIAL"}"#, stderr: "")
            case "list": return WebRun(exitCode: 0, stdout: "[]", stderr: "")
            case "concern": return WebRun(exitCode: 0, stdout: #"[{"reference":"CB-2026-0001","reportedAt":"2026-12-01T10:00:00.000Z","status":"awaiting triage"}]"#, stderr: "")
            default: return WebRun(exitCode: 64, stdout: "", stderr: "error: unknown")
            }
        }, key: Array(repeating: 9, count: 32))
    }

    static func get(_ app: WebApp, _ path: String, query: String = "") -> (WebResponse, String) {
        let response = app.respond(WebRequest(method: "GET", path: path, query: query, variables: ["HTTP_HOST": "school.example"], body: Data(), remoteUser: "dsl.khan"))
        return (response, String(decoding: response.body, as: UTF8.self))
    }

    static func header(_ response: WebResponse, _ name: String) -> String? { response.headers.last { $0.0 == name }?.1 }

    @Test func theCasePageShowsThumbnailsOfImagesOnlyAndLinksEachWithdrawableEntry() {
        let recorder = Recorder()
        let (page, html) = Self.get(Self.app(recorder), "/cases/CB-2026-0001")
        #expect(page.status == 200)
        // Only the PNG becomes a thumbnail; the SVG is counted, never an <img>.
        #expect(html.contains("<img class=\"thumb\" src=\"/cases/CB-2026-0001/evidence/E1/\(Self.pngSHA)\""), "\(html)")
        #expect(!html.contains("evidence/E1/\(Self.svgSHA)\""))
        #expect(html.contains("1 other file: see E1."))
        // The child-sexual-imagery item shows no file.
        #expect(!html.contains("evidence/E2/"))
        #expect(html.contains("no files are kept or shown"))
        // Withdraw, per entry, its form prefilled; reopen and assign as buttons.
        #expect(html.contains("href=\"/step?command=withdraw&amp;case=CB-2026-0001&amp;item=E1\""), "\(html)")
        #expect(html.contains("href=\"/step?command=withdraw&amp;case=CB-2026-0001&amp;item=N1\""))
        #expect(html.contains("href=\"/step?command=reopen&amp;case=CB-2026-0001\""))
        #expect(html.contains("href=\"/step?command=assign&amp;case=CB-2026-0001\""))
        for format in ["html", "text", "md", "json", "csv"] { #expect(html.contains("/timeline?format=\(format)\"")) }
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;") && !html.contains("<img src=x"))
        // The prefilled form.
        let (_, form) = Self.get(Self.app(recorder), "/step", query: "command=withdraw&case=CB-2026-0001&item=N1&reason=%3Cscript%3E")
        #expect(form.contains("name=\"p.item\" aria-describedby=\"f-p-item-help\" type=\"text\" value=\"N1\""), "\(form)")
        #expect(form.contains("&lt;script&gt;") && !form.contains("<script"))
    }

    @Test func evidenceImagesAreInlineAndEverythingElseIsAnAttachmentEachViewAnEvidenceGet() throws {
        let recorder = Recorder()
        let app = Self.app(recorder)
        let (image, _) = Self.get(app, "/cases/CB-2026-0001/evidence/E1/\(Self.pngSHA)")
        #expect(image.status == 200)
        #expect(Self.header(image, "Content-Type") == "image/png")
        #expect(Self.header(image, "Content-Disposition") == "inline; filename=\"CB-2026-0001-E1-\(Self.pngSHA.prefix(12)).png\"")
        #expect(image.body == Self.png)
        #expect(recorder.runs.last == ["--json", "evidence", "get", "CB-2026-0001", "E1", "--out", "E1"])
        // An SVG (script inside) is never inline, whatever was stored.
        let (svg, _) = Self.get(app, "/cases/CB-2026-0001/evidence/E1/\(Self.svgSHA)")
        #expect(Self.header(svg, "Content-Type") == "application/octet-stream")
        #expect(Self.header(svg, "Content-Disposition") == "attachment; filename=\"CB-2026-0001-E1-\(Self.svgSHA.prefix(12)).svg\"")
        let (asked, _) = Self.get(app, "/cases/CB-2026-0001/evidence/E1/\(Self.pngSHA)", query: "download=1")
        #expect(Self.header(asked, "Content-Disposition")?.hasPrefix("attachment;") == true)
        #expect(Self.get(app, "/cases/CB-2026-0001/evidence/E1/" + String(repeating: "0", count: 64)).0.status == 404)
        #expect(recorder.runs.filter { $0.contains("get") }.count == 4, "each view is one evidence get")
        for header in WebApp.securityHeaders { #expect(svg.headers.contains { $0 == header }) }
    }

    @Test func theListFiltersAreListsOptions() {
        let recorder = Recorder()
        let app = Self.app(recorder)
        let (page, html) = Self.get(app, "/cases", query: "q=--db%3D%2Fetc&status=open&school=North+High&affected=t.p&mine=on")
        #expect(page.status == 200)
        #expect(recorder.runs.last == ["--json", "list", "--open", "--school=North High", "--affected=t.p", "--mine", "--search=--db=/etc"])
        #expect(html.contains("<option value=\"open\" selected=\"selected\">Open</option>"))
        _ = Self.get(app, "/cases", query: "status=everything")
        #expect(recorder.runs.last == ["--json", "list"])
    }

    @Test func outcomesMineAndTheBundle() throws {
        let recorder = Recorder()
        let app = Self.app(recorder)
        let (outcomes, html) = Self.get(app, "/outcomes", query: "since=2026-09-01&staff=t.p")
        #expect(outcomes.status == 200)
        #expect(recorder.runs.last == ["--json", "outcomes", "--since=2026-09-01", "--staff=t.p"])
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;") && html.contains("Disciplinary bundle"))
        let (mine, mineHTML) = Self.get(app, "/mine")
        #expect(mine.status == 200 && mineHTML.contains("awaiting triage"))
        #expect(recorder.runs.last == ["--json", "concern", "mine"])
        let (form, formHTML) = Self.get(app, "/cases/CB-2026-0001/bundle")
        #expect(form.status == 200 && formHTML.contains("name=\"recipient\""))
        let (tar, _) = Self.get(app, "/cases/CB-2026-0001/bundle", query: "recipient=DC+Rao&omit=N1")
        #expect(recorder.runs.last == ["--json", "timeline", "CB-2026-0001", "--bundle", "CB-2026-0001-police-bundle", "--recipient=DC Rao", "--omit=N1"])
        #expect(Self.header(tar, "Content-Type") == "application/x-tar")
        #expect(Self.header(tar, "Content-Disposition") == "attachment; filename=\"CB-2026-0001-police-bundle.tar\"")
        #expect(tar.body.count == 512 * 6, "two headers, two data blocks, two end blocks")
    }

    @Test func aScriptPayloadInEveryTextFieldOfAStepFormRendersAsText() {
        // Every text field of the form, with the command refusing: the form comes back
        // with each value as it was typed, escaped.
        let payload = "\"><script>alert(1)</script><img src=x onerror=alert(2)>"
        let app = WebApp(door: WebDoor(commands: ["withdraw": Self.withdraw]) { _, _, _ in
            WebRun(exitCode: 65, stdout: #"{"error":{"message":"error: \"><script>alert(3)</script>"}}"#, stderr: "")
        }, key: Array(repeating: 9, count: 32))
        let token = app.token(user: "dsl.khan", form: "withdraw")
        var body = "_command=withdraw&_csrf=\(token)"
        let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        for field in ["p.case", "p.item", "o.reason"] { body += "&\(field)=\(encoded)" }
        let response = app.respond(WebRequest(
            method: "POST", path: "/step", query: "", variables: ["HTTP_HOST": "school.example", "CONTENT_TYPE": "application/x-www-form-urlencoded"],
            body: Data(body.utf8), remoteUser: "dsl.khan"))
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 400)
        #expect(!html.contains("<script") && !html.contains("<img"), "\(html)")
        #expect(html.components(separatedBy: "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;").count - 1 == 3, "each field keeps the value: \(html)")
        #expect(html.contains("&lt;script&gt;alert(3)"))
    }

    @Test func theTarWriterIsReadByTar() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-tar-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let long = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 95) + ".png"
        let files: [(path: String, bytes: Data)] = [
            ("chronology.html", Data("<p>x</p>".utf8)), ("exhibits/IK-1/a.png", Data(count: 513)), (long, Data([1, 2, 3])), ("empty", Data()),
        ]
        let archive = try Tar.archive(files, folder: "CB-2026-0001-police-bundle", modified: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(archive.count % 512 == 0)
        try archive.write(to: URL(fileURLWithPath: folder + "/b.tar"))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") else { return }
        let (status, output) = try ToolRun.run("/usr/bin/tar", ["-xvf", "b.tar"], in: folder)
        #expect(status == 0, "\(output)")
        for file in files {
            let data = FileManager.default.contents(atPath: folder + "/CB-2026-0001-police-bundle/" + file.path)
            #expect(data == file.bytes, "\(file.path)")
        }
        #expect(throws: Tar.NameTooLong.self) { try Tar.archive([(String(repeating: "x", count: 300), Data())], modified: Date()) }
    }

    @Test func instantsAreShownInLocalTime() {
        // The test runs with TZ unset or set; Europe/London is the default, as on the command line.
        guard WebApp.zone.identifier == "Europe/London" else { return }
        #expect(WebApp.localTime("2026-12-07T22:22:09.980Z") == "2026-12-07 22:22 GMT")
        #expect(WebApp.localTime("2026-07-01T23:30:00Z") == "2026-07-02 00:30 BST")
        #expect(WebApp.localTime("2026-13-01T23:30:00Z") == nil)
        #expect(WebApp.localTime("CB-2026-0001") == nil)
        #expect(WebApp.localTime("2026-12-07 22:22:09.980Z") == nil)
    }

    @Test func onlyFourImageTypesAreSniffed() {
        #expect(ImageSniff.mediaType(of: Self.png) == "image/png")
        #expect(ImageSniff.mediaType(of: Data([0xFF, 0xD8, 0xFF, 0xE0])) == "image/jpeg")
        #expect(ImageSniff.mediaType(of: Data("GIF89a....".utf8)) == "image/gif")
        #expect(ImageSniff.mediaType(of: Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == "image/webp")
        #expect(ImageSniff.mediaType(of: Self.svg) == nil)
        #expect(ImageSniff.mediaType(of: Data("<html><script>".utf8)) == nil)
        #expect(ImageSniff.mediaType(of: Data()) == nil)
    }
}
