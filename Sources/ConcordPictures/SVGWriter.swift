import Foundation

/// Builds an SVG document as text: every attribute value and every text node goes through `xmlEscaped`,
/// so no caller can forget to escape.
struct SVGWriter {
    private var lines: [String] = []
    private var open: [String] = []

    /// One element, empty or with text content.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        let start = "<\(name)\(Self.render(attributes))"
        if let text {
            lines.append(indent + start + ">\(text.xmlEscaped)</\(name)>")
        } else {
            lines.append(indent + start + "/>")
        }
    }

    mutating func begin(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        lines.append(indent + "<\(name)\(Self.render(attributes))>")
        open.append(name)
    }

    mutating func end() {
        let name = open.removeLast()
        lines.append(indent + "</\(name)>")
    }

    /// The finished document: an XML declaration and a root `svg` sized `width` x `height`, titled for
    /// screen readers.
    static func document(
        width: Double, height: Double, title: String, description: String, _ body: (inout SVGWriter) -> Void
    ) -> String {
        var writer = SVGWriter()
        writer.begin(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "width": number(width), "height": number(height),
                "viewBox": "0 0 \(number(width)) \(number(height))", "role": "img",
                "aria-labelledby": "picture-title picture-description",
                "font-family": "DejaVu Sans, Verdana, Arial, sans-serif",
            ])
        writer.element("title", ["id": "picture-title"], text: title)
        writer.element("desc", ["id": "picture-description"], text: description)
        body(&writer)
        writer.end()
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + writer.lines.joined(separator: "\n") + "\n"
    }

    /// Coordinates without needless decimals: `12`, `12.5`.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    private var indent: String { String(repeating: "  ", count: open.count) }

    private static func render(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\($0.value.xmlEscaped)\"" }.joined()
    }
}
