import Foundation

/// HTML as a tree of values, escaped when rendered: text and attribute values are always
/// escaped, so nothing a person typed can become markup (after pointfreeco/swift-html).
/// There is no way to put unescaped text into a page.
public indirect enum Node: Sendable, Equatable {
    case element(String, [(String, String)], [Node])
    case text(String)
    case fragment([Node])

    public static func == (a: Node, b: Node) -> Bool { a.rendered == b.rendered }

    /// An element; `attributes` in order.
    public static func el(_ tag: String, _ attributes: [(String, String)] = [], _ children: [Node] = []) -> Node {
        .element(tag, attributes, children)
    }

    public static func el(_ tag: String, _ attributes: [(String, String)] = [], _ text: String) -> Node {
        .element(tag, attributes, [.text(text)])
    }

    /// Elements that have no end tag.
    static let void: Set<String> = ["input", "br", "meta", "link", "hr", "img"]

    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .text(let text): Node.escape(text, into: &out)
        case .fragment(let nodes): for node in nodes { node.render(into: &out) }
        case .element(let tag, let attributes, let children):
            out += "<" + tag
            for (name, value) in attributes {
                out += " "
                out += name
                out += "=\""
                Node.escape(value, into: &out)
                out += "\""
            }
            out += ">"
            guard !Node.void.contains(tag) else { return }
            for child in children { child.render(into: &out) }
            out += "</" + tag + ">"
        }
    }

    /// Escapes text for an HTML text node or a double-quoted attribute value.
    public static func escape(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    /// Appends `text` escaped: as it is when it holds nothing to escape (most text). The same
    /// rule as the library's documents (`HTMLText`; this target does not depend on the
    /// library): the five markup characters as references, control characters other than tab
    /// and line feed as U+FFFD.
    static func escape(_ text: String, into out: inout String) {
        let needsEscaping = text.utf8.contains { byte in
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "'") || (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F
        }
        guard needsEscaping else {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case _ where (scalar.value < 0x20 && scalar != "\t" && scalar != "\n") || scalar.value == 0x7F: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}

/// A whole page: the document around the content.
func page(title: String, user: String, _ content: [Node]) -> Node {
    .fragment([
        .el("html", [("lang", "en-GB")], [
            .el("head", [], [
                .el("meta", [("charset", "utf-8")]),
                .el("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                .el("title", [], "\(title) — Casebook"),
                .el("link", [("rel", "stylesheet"), ("href", "/static/casebook.css")]),
            ]),
            .el("body", [], [
                .el("header", [], [
                    .el("nav", [("aria-label", "Main")], [
                        .el("ul", [], [
                            .el("li", [], [.el("a", [("href", "/")], "My tasks")]),
                            .el("li", [], [.el("a", [("href", "/cases")], "Cases")]),
                            .el("li", [], [.el("a", [("href", "/step?command=concern+report")], "Report a concern")]),
                            .el("li", [], [.el("a", [("href", "/mine")], "My reports")]),
                            .el("li", [], [.el("a", [("href", "/outcomes")], "Outcomes")]),
                        ])
                    ]),
                    .el("p", [("class", "who")], "Signed in as \(user)"),
                ]),
                .el("main", [], [.el("h1", [], title)] + content),
            ]),
        ])
    ])
}
