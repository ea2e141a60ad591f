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
        let png = try site.picture("post.png")
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
        for format in ["html", "text", "md", "json", "csv"] {
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

        // Evidence: the screenshot is a thumbnail on the case page, served as an image to those
        // who may read the case, each view recorded exactly like `evidence get`.
        page = try site.get("/cases/\(reference)", as: "dsl.khan")
        let thumb = try #require(page.body.range(of: #"<img class="thumb" src="[^"]+""#, options: .regularExpression).map { String(page.body[$0]) }, "\(page.body)")
        let src = String(thumb.dropFirst(#"<img class="thumb" src=""#.count).dropLast())
        func gets() throws -> Int { try site.audit(reference).components(separatedBy: "wrote out the files of \(reference) E1").count - 1 }
        let getsBefore = try gets()
        let image = try site.download(src, as: "dsl.khan", to: "seen.png")
        #expect(image.status == 200, "\(image.headers)")
        #expect(image.headers.lowercased().contains("content-type: image/png"), "\(image.headers)")
        #expect(FileManager.default.contents(atPath: image.path) == FileManager.default.contents(atPath: png))
        #expect(try gets() == getsBefore + 1, "one view, one evidence get in the audit trail")
        let view = try site.get("/cases/\(reference)/evidence/E1", as: "dsl.khan")
        #expect(view.status == 200 && view.body.contains("src=\"\(src)\"") && view.body.contains("post.png"), "\(view)")
        // Out of scope: the same 404 as a missing case, and nothing recorded; a teacher: 403.
        #expect(try site.get(src, as: "smt.far").status == 404)
        #expect(try site.get(src, as: "k.marsh").status == 403)
        #expect(try gets() == getsBefore + 1)
        // A file that is not an image (an SVG can carry script) is only ever a download, under a made-up name.
        let svg = try site.write("drawing.svg", Data("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".utf8))
        let added = try site.step("evidence add", case: reference, as: "dsl.khan", fields: ["o.kind": "other", "o.description": "A drawing"], files: ["o.file": svg])
        #expect(added.status == 303, "\(added)")
        page = try site.get("/cases/\(reference)", as: "dsl.khan")
        #expect(page.body.contains("1 other file: see E2."), "\(page.body)")
        let e2 = try site.get("/cases/\(reference)/evidence/E2", as: "dsl.khan")
        #expect(!e2.body.contains("<img"))
        let link = try #require(e2.body.range(of: #"/cases/[^"]+/evidence/E2/[0-9a-f]{64}\?download=1"#, options: .regularExpression).map { String(e2.body[$0]) })
        let inline = try site.download(String(link.prefix { $0 != "?" }), as: "dsl.khan", to: "e2.bin")
        #expect(inline.headers.lowercased().contains("content-type: application/octet-stream"), "\(inline.headers)")
        #expect(inline.headers.contains("attachment; filename=\"\(reference)-E2-"), "\(inline.headers)")
        #expect(inline.headers.contains(".svg\""))

        // Withdraw: a link for each withdrawable entry, its form prefilled.
        #expect(page.body.contains("/step?command=withdraw&amp;case=\(reference)&amp;item=E2"), "\(page.body)")
        let withdrawForm = try site.get("/step?command=withdraw&case=\(reference)&item=E2", as: "dsl.khan")
        #expect(withdrawForm.body.contains(">E2</textarea>") || withdrawForm.body.contains("value=\"E2\""), "\(withdrawForm.body)")
        let withdrawn = try site.post(as: "dsl.khan", form: withdrawForm, command: "withdraw", fields: ["p.case": reference, "p.item": "E2", "o.reason": "Wrong file"])
        #expect(withdrawn.status == 303, "\(withdrawn)")
        // Assign: a button on the case page.
        #expect(page.body.contains("/step?command=assign&amp;case=\(reference)"))
        let assigned = try site.step("assign", case: reference, as: "dsl.khan", fields: ["p.staff-id": "dsl.khan"])
        #expect(assigned.status == 303, "\(assigned)")

        // The list's filters.
        #expect(try site.get("/cases?status=open&q=\(reference)", as: "dsl.khan").body.contains("/cases/\(reference)\""))
        #expect(!(try site.get("/cases?status=closed", as: "dsl.khan").body.contains("/cases/\(reference)\"")))

        // Worked to closure through the generated forms, with a disciplinary referral.
        for (command, fields) in [
            ("takedown not-applicable", ["o.reason": "A private message"]), ("investigate source", ["o.kind": "staff", "o.ref": "k.marsh"]),
            ("investigate assess", ["o.threat": "not-threatening", "o.rationale": "Rude, not threatening"]),
            ("refer disciplinary", ["o.staff": "k.marsh"]), ("investigate conclude", ["o.finding": "substantiated", "o.summary": "Admitted"]),
            ("support offer", ["o.service": "Education Support helpline"]), ("close", ["o.outcome": "Warning given", "o.action": "warning"]),
        ] {
            let done = try site.step(command, case: reference, as: "dsl.khan", fields: fields)
            #expect(done.status == 303, "\(command): \(done)")
        }
        page = try site.get("/cases/\(reference)", as: "dsl.khan")
        #expect(page.body.contains("/step?command=reopen&amp;case=\(reference)"), "\(page.body)")
        // What unblocks a blocked step is a link to its form, never a command line to type.
        #expect(page.body.contains("Next: <a href=\"/step?command=reopen&amp;case=\(reference)\">reopen</a>"), "\(page.body)")
        #expect(!page.body.contains("casebook "), "\(page.body)")

        // The police bundle: one tar archive of the folder the command line writes.
        let bundleForm = try site.get("/cases/\(reference)/bundle", as: "dsl.khan")
        #expect(bundleForm.status == 200 && bundleForm.body.contains("name=\"recipient\""))
        let tar = try site.download("/cases/\(reference)/bundle?recipient=DC+Rao", as: "dsl.khan", to: "bundle.tar")
        #expect(tar.status == 200 && tar.headers.contains("\(reference)-police-bundle.tar"), "\(tar.headers)")
        let listing = try site.run("/usr/bin/tar", ["-tf", tar.path])
        #expect(listing.contains("\(reference)-police-bundle/SHA256SUMS"), "\(listing)")
        let unpacked = try ToolRun.run("/usr/bin/tar", ["-xf", tar.path], in: site.folder)
        #expect(unpacked.status == 0)
        let sums = try ToolRun.run("/usr/bin/sha256sum", ["-c", "SHA256SUMS"], in: site.folder + "/\(reference)-police-bundle")
        #expect(sums.status == 0, "\(sums.output)")

        // HR: the outcomes of the period, and the referred case's disciplinary bundle.
        let outcomes = try site.get("/outcomes?since=2000-01-01", as: "hr.lee")
        #expect(outcomes.status == 200 && outcomes.body.contains(reference) && outcomes.body.contains("Disciplinary bundle"), "\(outcomes)")
        #expect(try site.get("/outcomes?staff=k.marsh", as: "hr.lee").body.contains(reference))
        let hearing = try site.get("/cases/\(reference)/timeline?format=html", as: "hr.lee")
        #expect(hearing.status == 200 && hearing.body.contains("disciplinary bundle"), "\(hearing.status)")
        #expect(try site.get("/cases/\(reference)", as: "hr.lee").status == 403)
        // A teacher's own reports.
        let mine = try site.get("/mine", as: "t.pennington")
        #expect(mine.status == 200 && mine.body.contains(reference), "\(mine)")

        // Child sexual imagery: the domain refuses any file, so the case page never shows one.
        let concern = try site.post(
            as: "k.marsh", form: try site.get("/step?command=concern+report", as: "k.marsh"), command: "concern report",
            fields: ["o.summary": "An image shared in a group chat"])
        let csi = try #require(concern.header("Location").map { String($0.dropFirst("/cases/".count)) }, "\(concern)")
        #expect(try site.step("triage", case: csi, as: "dsl.khan", fields: ["p.decision": "accept"]).status == 303)
        let withFile = try site.step("evidence add", case: csi, as: "dsl.khan", fields: ["o.kind": "other", "o.child-sexual-imagery": "on"], files: ["o.file": png])
        #expect(withFile.status == 400 || withFile.status == 422, "\(withFile)")
        let marked = try site.step(
            "evidence add", case: csi, as: "dsl.khan", fields: ["o.kind": "other", "o.child-sexual-imagery": "on", "o.description": "Seen, not kept"])
        #expect(marked.status == 303, "\(marked)")
        let csiPage = try site.get("/cases/\(csi)", as: "dsl.khan")
        #expect(csiPage.status == 200 && csiPage.body.contains("no files are kept"), "\(csiPage)")
        #expect(!csiPage.body.contains("<img") && !csiPage.body.contains("/evidence/E1/"))

        // One concern left waiting, so the safeguarding lead's task list has a row.
        let waiting = try site.post(
            as: "t.pennington", form: try site.get("/step?command=concern+report", as: "t.pennington"), command: "concern report",
            fields: ["o.summary": "A parents' forum thread names me", "o.url": "https://forum.example/t/42"])
        #expect(waiting.status == 303)
        #expect(try site.get("/", as: "dsl.khan").body.contains("/cases/CB-\(year)-0003\""))

        // A real browser: every page type at a phone's and a desktop's width, axe-core finding
        // no WCAG 2.2 A/AA violation and no page scrolling sideways. With CASEBOOK_SCREENSHOTS
        // set to a folder (docs/screenshots), it also writes a PNG of each.
        if let missing = Browser.missing {
            print("ApacheTests: the browser check is skipped: \(missing)")
        } else {
            let shots = ProcessInfo.processInfo.environment["CASEBOOK_SCREENSHOTS"]
            let timeline = try site.download("/cases/\(reference)/timeline?format=html", as: "dsl.khan", to: "timeline.html")
            let runs: [(String, [Browser.Page])] = [
                ("dsl.khan", [
                    .init(name: "tasks", url: site.url("/")), .init(name: "case-list", url: site.url("/cases?status=closed")),
                    .init(name: "case", url: site.url("/cases/\(reference)")),
                    .init(name: "step-form", url: site.url("/step?command=reopen&case=\(reference)")),
                    .init(name: "refusal", url: site.url("/step?command=triage&case=\(reference)"), fill: ["f-p-decision": "accept"], submit: true),
                    .init(name: "evidence", url: site.url("/cases/\(reference)/evidence/E1")),
                    .init(name: "police-bundle", url: site.url("/cases/\(reference)/bundle")),
                    .init(name: "overdue", url: site.url("/overdue")),
                    .init(name: "not-found", url: site.url("/cases/CB-\(year)-9999")),
                    // Step forms with every kind of field a declaration gives: select, radio
                    // buttons, textarea, datetime-local, file and checkbox (issue 18 item 5).
                    .init(name: "form-note", url: site.url("/step?command=investigate+note&case=\(reference)")),
                    .init(name: "form-evidence", url: site.url("/step?command=evidence+add&case=\(reference)")),
                    .init(name: "form-consent", url: site.url("/step?command=police+consent&case=\(reference)")),
                    .init(name: "form-takedown", url: site.url("/step?command=takedown+request&case=\(reference)")),
                    .init(name: "timeline", url: "file://\(timeline.path)", check: false),
                ]),
                ("t.pennington", [.init(name: "report-concern", url: site.url("/step?command=concern+report")), .init(name: "my-reports", url: site.url("/mine"))]),
                ("hr.lee", [.init(name: "outcomes", url: site.url("/outcomes?since=2000-01-01"))]),
            ]
            for (user, pages) in runs {
                let checked = try Browser.check(pages, user: user, password: Site.passwords[user] ?? "", screenshots: shots)
                #expect(checked.status == 0, "\(user): \(checked.output)")
                if user == "dsl.khan" {
                    #expect(checked.output.contains("H1: Case \(reference)"), "\(checked.output)")
                    #expect(checked.output.contains(payload), "the note shows as text: \(checked.output)")
                    // A real browser's own form is accepted as same-origin (and refused here by the rules).
                    #expect(checked.output.contains("PAGE: refusal 390\nH1: Triage"), "\(checked.output)")
                    #expect(!checked.output.contains("A form from another site was refused"), "\(checked.output)")
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
