import Foundation

/// Headless Chromium through chromedriver (Selenium), and axe-core (PyPI
/// axe-selenium-python) on pages: the browser check of ``ApacheTests``.
enum Browser {
    /// Why the browser check cannot run here, or nil when it can.
    static var missing: String? {
        for tool in ["/usr/bin/chromedriver", "/usr/bin/chromium"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is not installed (apt-get install chromium chromium-driver)"
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        probe.arguments = ["-c", "import selenium, axe_selenium_python"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return "python3 is not installed" }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? nil : "python3 cannot import selenium and axe_selenium_python (apt-get install python3-selenium; pip install axe-selenium-python)"
    }

    /// One page to open: `url`, then (when `fill` or `submit`) the form's fields typed by id
    /// and its submit button pressed, so a page that only a POST answers (a refusal) is seen too.
    struct Page: Encodable {
        var name: String
        var url: String
        var fill: [String: String] = [:]
        var submit = false
        /// False for a document that is not one of the web app's pages (the timeline the
        /// command line writes, opened from its file): shown and photographed, not judged.
        var check = true
    }

    /// Opens each page signed in as `user` (Basic credentials sent as a header on every
    /// request) at a phone's width (390 CSS px) and a desktop's (1280) and prints, for each,
    /// `PAGE: name width`, its h1 and text, `OVERFLOW` when the page scrolls sideways, and
    /// axe-core's WCAG 2.2 A/AA violations as JSON; exit 1 when any page has a violation or
    /// overflows. With a screenshot folder, writes NAME-phone.png and NAME-desktop.png there.
    static let script = #"""
        import base64, json, sys
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import Select, WebDriverWait
        from axe_selenium_python import Axe
        pages, user, password, shots = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                         "--hide-scrollbars", "--force-color-profile=srgb", "--font-render-hinting=none"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        failed = False
        try:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Basic " + token}})
            driver.set_script_timeout(60)
            for width, label in [(390, "phone"), (1280, "desktop")]:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 844 if width == 390 else 900, "deviceScaleFactor": 1, "mobile": width == 390})
                for page in pages:
                    driver.get(page["url"])
                    if page.get("fill") or page.get("submit"):
                        for field, value in page.get("fill", {}).items():
                            element = driver.find_element("id", field)
                            if element.tag_name == "select":
                                Select(element).select_by_value(value)
                            else:
                                element.clear()
                                element.send_keys(value)
                        # Mark the form's document, submit, then wait until a new document
                        # has fully loaded (a readiness wait, not a delay). Asking about the old
                        # button instead races the navigation: chromedriver may answer that its
                        # node "does not belong to the document" rather than that it is stale.
                        driver.execute_script("window.casebookSubmitted = true")
                        driver.find_element("css selector", "main form button[type=submit]").click()
                        WebDriverWait(driver, 60, ignored_exceptions=[WebDriverException]).until(lambda d: d.execute_script(
                            "return window.casebookSubmitted !== true && document.readyState === 'complete'"))
                    print("PAGE:", page["name"], width)
                    if page.get("check", True):
                        print("H1:", driver.find_element("tag name", "h1").text)
                        print("TEXT:", driver.find_element("tag name", "main").text.replace("\n", " "))
                    if page.get("check", True) and driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth"):
                        print("OVERFLOW:", page["name"], width, driver.execute_script("return document.documentElement.scrollWidth"))
                        failed = True
                    # Photographed before axe runs: its contrast check scrolls boxes that scroll.
                    if shots:
                        height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, %d)" % (1600 if width == 390 else 1100))
                        shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                            {"format": "png", "captureBeyondViewport": True,
                             "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
                        with open(f"{shots}/{page['name']}-{label}.png", "wb") as f:
                            f.write(base64.b64decode(shot["data"]))
                    axe = Axe(driver)
                    axe.inject()
                    # axe.run returns a promise; execute_script awaits it. The WCAG 2.1 and 2.2
                    # tags this axe-core knows (older ones have no wcag22aa): all of A and AA.
                    tags = driver.execute_script(
                        "var known = new Set([].concat.apply([], axe.getRules().map(function (r) { return r.tags; })));"
                        "return ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'].filter(function (t) { return known.has(t); });")
                    if page is pages[0] and width == 390:
                        print("AXE:", driver.execute_script("return axe.version"), tags)
                    results = driver.execute_script(
                        "return axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})", tags)
                    violations = [{"id": v["id"], "nodes": [n["html"][:200] for n in v["nodes"]]} for v in results["violations"]]
                    print("VIOLATIONS:", json.dumps(violations))
                    failed = failed or (bool(violations) and page.get("check", True))
            sys.exit(1 if failed else 0)
        finally:
            driver.quit()
        """#

    /// Runs the script over `pages`: its exit status and what it printed.
    static func check(_ pages: [Page], user: String, password: String, screenshots: String? = nil) throws -> (status: Int32, output: String) {
        let json = String(decoding: try JSONEncoder().encode(pages), as: UTF8.self)
        let process = Site.process("/usr/bin/python3", ["-c", script, json, user, password, screenshots ?? ""])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
