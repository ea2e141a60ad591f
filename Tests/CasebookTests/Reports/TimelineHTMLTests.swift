import EventLog
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Casebook

/// Reads HTML as XML: checks tags balance and collects text, elements and attributes.
private final class MarkupReader: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""
    var stack: [String] = []
    var unbalanced: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        elements.append((elementName, attributeDict))
        stack.append(elementName)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if stack.last == elementName { stack.removeLast() } else { unbalanced.append(elementName) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// Parses the document; nil when it is not well-formed.
    static func read(_ html: String) -> MarkupReader? {
        let reader = MarkupReader()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = reader
        guard parser.parse(), parser.parserError == nil, reader.stack.isEmpty, reader.unbalanced.isEmpty else { return nil }
        return reader
    }
}

@Suite("Timeline HTML export")
struct TimelineHTMLTests {
    @Test func isWellFormedSelfContainedAndEscapesUserText() throws {
        let fixture = try ReportFixture()
        let html = try fixture.casebook.reports.timeline(
            fixture.complete, format: .html, recipient: "DC Rao <rao@police.example>", by: Staff.dsl,
            localTime: fixture.localTime)
        let reader = try #require(MarkupReader.read(html), "the HTML is well-formed")
        #expect(reader.elements.first?.name == "html")

        // No scripts at all; user markup only escaped.
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(!reader.elements.contains { $0.name == "script" || $0.name == "b" || $0.name == "link" || $0.name == "iframe" })
        #expect(reader.text.contains("<script>alert('x')</script> & \"quoted\""), "the text reads back as typed")
        #expect(reader.text.contains("DC Rao <rao@police.example>"))

        // Nothing is fetched: every src is a data: URI, no external stylesheet or import.
        for element in reader.elements {
            if let src = element.attributes["src"] { #expect(src.hasPrefix("data:image/"), "src \(src.prefix(40))") }
            if let href = element.attributes["href"] { #expect(!href.lowercased().contains("http"), "href \(href)") }
            for (name, value) in element.attributes where name.lowercased().hasPrefix("on") {
                Issue.record("event handler attribute \(name)=\(value)")
            }
        }
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))

        // The screenshots, embedded as thumbnails with their exact bytes.
        let images = reader.elements.filter { $0.name == "img" }
        #expect(html.contains("data:image/png;base64,"))
        #expect(html.contains("data:image/jpeg;base64,"))
        let post = try ReportFixture.fixtureFile("screenshot-post.png")
        let embedded = images.compactMap { $0.attributes["src"] }.compactMap { src -> [UInt8]? in
            guard src.hasPrefix("data:image/png;base64,") else { return nil }
            return Data(base64Encoded: String(src.dropFirst("data:image/png;base64,".count))).map(Array.init)
        }
        #expect(embedded.contains(post))
        #expect(images.allSatisfy { $0.attributes["alt"]?.isEmpty == false })
        #expect(reader.text.contains(Hex.encode(SHA256.hash(post))))
        // The saved email is listed (name and hash), not embedded.
        #expect(reader.text.contains("abusive-email.eml"))
        #expect(!html.contains("data:message/"))

        // A4 print CSS: page size, repeated table headers, page breaks between sections.
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("thead { display: table-header-group; }"))
        #expect(html.contains("break-before: page"))
        #expect(reader.elements.contains { $0.name == "thead" })
        #expect(reader.elements.filter { $0.name == "section" }.count >= 3)

        // Header, one row per event, confidentiality and the chain head.
        let stored = try fixture.casebook.cases.events(of: fixture.complete)
        let rows = reader.elements.filter { $0.name == "tr" && ($0.attributes["class"] ?? "").hasPrefix("event") }
        #expect(rows.count == stored.count)
        #expect(reader.text.contains("CONFIDENTIAL"))
        #expect(reader.text.contains("Dee Lead (dsl)"))
        #expect(reader.text.contains(stored.last!.hash))
        #expect(reader.text.contains("re-compute each event's SHA-256 chain hash by hand"))
        #expect(reader.text.contains("1 of 2 hosts within 24 h"))
    }

    @Test func flagsOverdueStepsAndTheChildProtectionOverride() throws {
        let fixture = try ReportFixture()
        let html = try fixture.casebook.reports.timeline(
            fixture.urgent, format: .html, recipient: nil, by: Staff.head, localTime: fixture.localTime)
        let reader = try #require(MarkupReader.read(html))
        let rowClasses = reader.elements.filter { $0.name == "tr" }.compactMap { $0.attributes["class"] }
        #expect(rowClasses.contains { $0.split(separator: " ").contains("override") })
        #expect(rowClasses.contains { $0.split(separator: " ").contains("overdue") })
        #expect(reader.text.contains("WITHOUT CONSENT — child-protection override: A child is named & at risk <today>"))
        #expect(html.contains("A child is named &amp; at risk &lt;today&gt;"))
        #expect(reader.text.contains("OVERDUE since 2026-03-31 13:00 BST (48.0 hours late)"))
        // No recipient named: the confidentiality line says so.
        #expect(reader.text.contains("no recipient named"))
    }

    @Test func escapesEveryMarkupCharacter() {
        #expect(HTMLText.escape(#"<a href="x" title='y'>&amp;</a>"#) == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;")
    }
}
