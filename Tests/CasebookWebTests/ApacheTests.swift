import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The browser end to end, through the real parts: Apache httpd (mod_proxy_scgi, Basic
/// authentication from an htpasswd file) in front of `casebook serve --scgi`, driven with
/// curl. Skipped, with the reason printed, when apache2, htpasswd or curl is absent.
@Suite(.serialized) struct ApacheTests {
    static let apache = "/usr/sbin/apache2"
    static let modules = "/usr/lib/apache2/modules"

    static var missing: String? {
        for tool in [apache, "/usr/bin/htpasswd", "/usr/bin/curl", "/usr/bin/python3", modules + "/mod_proxy_scgi.so", modules + "/mod_authn_file.so"]
        where !FileManager.default.isExecutableFile(atPath: tool) && !FileManager.default.fileExists(atPath: tool) {
            return tool
        }
        return nil
    }

    @Test func aTeacherReportsAndTheSafeguardingLeadWorksTheCaseThroughApache() throws {
        if let missing = Self.missing {
            print("ApacheTests skipped: \(missing) is not installed (apt-get install apache2 curl python3)")
            return
        }
        let site = try Site()
        defer { site.stop() }
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: Date()).year ?? 2026

        // A teacher reports a concern with a screenshot, through the generated form.
        let form = try site.get("/step?command=concern+report", as: "t.pennington")
        try #require(form.status == 200, "\(form) \(site.errorLog)")
        #expect(form.body.contains("name=\"o.file\""), "\(form.body)")
        let png = try site.write("post.png", Data(Site.png))
        let reported = try site.post(
            as: "t.pennington", form: form, command: "concern report",
            fields: ["o.summary": "Posts about me on Chirp", "o.url": "https://chirp.example/p/1"], files: ["o.file": png])
        #expect(reported.status == 303, "\(reported)")
        let reference = "CB-\(year)-0001"
        #expect(reported.header("Location") == "/cases/\(reference)", "\(reported)")
        for (name, value) in [
            ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
        ] {
            #expect(reported.header(name) == value)
            #expect(form.header(name) == value)
        }

        // The safeguarding lead sees it in their tasks, triages it and adds a note.
        let tasks = try site.get("/", as: "dsl.khan")
        #expect(tasks.body.contains(reference), "\(tasks.body)")
        var page = try site.get("/cases/\(reference)", as: "dsl.khan")
        #expect(page.status == 200)
        #expect(page.body.contains("/step?command=triage&amp;case=\(reference)"), "\(page.body)")
        let triageForm = try site.get("/step?command=triage&case=\(reference)", as: "dsl.khan")
        #expect(triageForm.body.contains("value=\"\(reference)\""))
        let triaged = try site.post(as: "dsl.khan", form: triageForm, command: "triage", fields: ["p.case": reference, "p.decision": "accept"])
        #expect(triaged.status == 303, "\(triaged)")
        for command in ["investigate start"] {
            let stepForm = try site.get("/step?command=\(command.replacingOccurrences(of: " ", with: "+"))&case=\(reference)", as: "dsl.khan")
            let done = try site.post(as: "dsl.khan", form: stepForm, command: command, fields: ["p.case": reference])
            #expect(done.status == 303, "\(command): \(done)")
        }
        page = try site.get("/cases/\(reference)", as: "dsl.khan")
        #expect(page.body.contains("/step?command=investigate%20note&amp;case=\(reference)"), "\(page.body)")
        let noteForm = try site.get("/step?command=investigate+note&case=\(reference)", as: "dsl.khan")
        let payload = "<script>alert(1)</script>"
        let noted = try site.post(as: "dsl.khan", form: noteForm, command: "investigate note", fields: ["p.case": reference, "p.text": payload])
        #expect(noted.status == 303, "\(noted)")
        page = try site.get("/cases/\(reference)", as: "dsl.khan")
        #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(page.body)")
        #expect(!page.body.contains("<script"))
        #expect(page.body.contains("post.png"), "the screenshot became evidence")
        let notes = try site.notes(reference)

        // The timeline downloads in each format.
        for format in ["html", "json", "csv"] {
            let timeline = try site.get("/cases/\(reference)/timeline?format=\(format)", as: "dsl.khan")
            #expect(timeline.status == 200, "\(format): \(timeline)")
            #expect(timeline.header("Content-Disposition")?.hasPrefix("attachment") == true)
            #expect(timeline.body.contains(reference))
        }

        // Out of scope is exactly the same page as missing.
        let outOfScope = try site.get("/cases/\(reference)", as: "smt.far")
        let missing = try site.get("/cases/CB-\(year)-9999", as: "smt.far")
        #expect(outOfScope.status == 404, "\(outOfScope)")
        #expect(missing.status == 404)
        #expect(outOfScope.body == missing.body)
        // A member of staff may not read cases at all: 403, the same for any reference.
        #expect(try site.get("/cases/\(reference)", as: "k.marsh").status == 403)

        // A client's own Remote-User header is ignored: Apache's value wins.
        let forged = try site.get("/cases/\(reference)", as: "smt.far", headers: ["Remote-User: dsl.khan"])
        #expect(forged.status == 404)
        #expect(forged.body.contains("Signed in as smt.far"))

        // A cross-site post is refused and nothing is written, even with a good token.
        let crossSite = try site.post(
            as: "dsl.khan", form: noteForm, command: "investigate note", fields: ["p.case": reference, "p.text": "cross-site"],
            origin: "http://evil.example")
        #expect(crossSite.status == 403, "\(crossSite)")
        let fetchSite = try site.post(
            as: "dsl.khan", form: noteForm, command: "investigate note", fields: ["p.case": reference, "p.text": "cross-site"],
            fetchSite: "cross-site")
        #expect(fetchSite.status == 403)
        // Without the form's token, or with another person's, nothing is written either.
        let stolen = try site.post(
            as: "k.marsh", form: noteForm, command: "investigate note", fields: ["p.case": reference, "p.text": "stolen token"])
        #expect(stolen.status == 403, "\(stolen)")
        #expect(try site.notes(reference) == notes)

        // A refusal comes back as the form again, with the rule and its clause.
        let refusedForm = try site.get("/step?command=triage&case=\(reference)", as: "dsl.khan")
        let refused = try site.post(as: "dsl.khan", form: refusedForm, command: "triage", fields: ["p.case": reference, "p.decision": "accept"])
        #expect(refused.status == 422 || refused.status == 400, "\(refused)")
        #expect(refused.body.contains("role=\"alert\""), "\(refused.body)")

        // An oversized upload is refused with a clear page, and nothing is stored.
        let casesBefore = try site.caseCount()
        let huge = try site.write("huge.png", Data(Site.png) + Data(count: 64 * 1024 * 1024))
        let tooBig = try site.post(
            as: "t.pennington", form: form, command: "concern report", fields: ["o.summary": "Too big"], files: ["o.file": huge])
        #expect(tooBig.status == 413, "\(tooBig.status)")
        #expect(tooBig.body.contains("files over 64 MiB are refused"), "\(tooBig.body)")
        #expect(try site.caseCount() == casesBefore)

        // A process that is not the web server is refused on the SCGI socket, unanswered.
        #expect(try site.scgiAnswerToThisProcess().isEmpty)

        // A real browser reads the case page, and axe-core finds no WCAG A/AA violation on it.
        if let missing = Browser.missing {
            print("ApacheTests: the browser check is skipped: \(missing)")
        } else {
            // Step forms with every kind of field a declaration gives: select, radio buttons,
            // textarea, datetime-local, file and checkbox (issue 18 item 5).
            let stepForms = ["investigate+note", "evidence+add", "police+consent", "takedown+request"].map { "/step?command=\($0)&case=\(reference)" }
            for path in ["/cases/\(reference)", "/", "/cases"] + stepForms {
                let checked = try Browser.check(site.url(path), user: "dsl.khan", password: Site.passwords["dsl.khan"] ?? "")
                #expect(checked.status == 0, "\(path): \(checked.output)")
                if path == "/cases/\(reference)" {
                    #expect(checked.output.contains("H1: Case \(reference)"), "\(checked.output)")
                    #expect(checked.output.contains(payload), "the note shows as text: \(checked.output)")
                }
            }
        }
    }
}

@Suite struct ServeSCGIOptionTests {
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        try ToolRun.run(try Site.binary("casebook"), arguments, keeping: .standardError)
    }

    @Test func serveNeedsASocketAndSCGINeedsTheWebUser() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casebook-scgi-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = folder + "/db.sqlite"
        #expect(try Self.run(["--db", database, "init", "--admin", "head", "--name", "Hannah Head"]).0 == 0)
        let neither = try Self.run(["--db", database, "serve"])
        #expect(neither.0 == 64 && neither.1.contains("--scgi"), "\(neither)")
        let noUser = try Self.run(["--db", database, "serve", "--scgi", folder + "/web.sock"])
        #expect(noUser.0 == 64 && noUser.1.contains("--web-user"), "\(noUser)")
        let unknown = try Self.run(["--db", database, "serve", "--scgi", folder + "/web.sock", "--web-user", "no-such-account-x"])
        #expect(unknown.0 == 65, "\(unknown)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/web.sock"))
    }
}
