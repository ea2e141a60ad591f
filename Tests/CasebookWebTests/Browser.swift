import Foundation

/// Headless Chromium through chromedriver (Selenium), and axe-core (PyPI
/// axe-selenium-python) on a page: the browser check of ``ApacheTests``.
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

    /// Opens `url` signed in as `user` (Basic credentials sent as a header on every request),
    /// prints the page's h1 and text, then axe-core's WCAG A/AA violations as JSON; exit 0
    /// when there are none.
    static let script = #"""
        import base64, json, sys
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from axe_selenium_python import Axe
        url, user, password = sys.argv[1:4]
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Basic " + token}})
            driver.get(url)
            print("H1:", driver.find_element("tag name", "h1").text)
            print("TEXT:", driver.find_element("tag name", "main").text.replace("\n", " "))
            axe = Axe(driver)
            axe.inject()
            driver.set_script_timeout(60)
            # axe.run returns a promise; execute_script awaits it.
            results = driver.execute_script(
                "return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})")
            violations = [{"id": v["id"], "nodes": [n["html"][:200] for n in v["nodes"]]} for v in results["violations"]]
            print("VIOLATIONS:", json.dumps(violations))
            sys.exit(1 if violations else 0)
        finally:
            driver.quit()
        """#

    /// Runs the script: its exit status and what it printed.
    static func check(_ url: String, user: String, password: String) throws -> (status: Int32, output: String) {
        let process = Site.process("/usr/bin/python3", ["-c", script, url, user, password])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
