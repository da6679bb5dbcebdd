import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses a picture with Foundation's XMLParser (a real XML parser: malformed or badly escaped output
/// fails) and keeps every element with its attributes, its text and the ids of the groups around it.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        /// The `id` of the innermost enclosing element that has one.
        let group: String?
        var text: String
    }

    private(set) var elements: [Element] = []
    private var stack: [(index: Int, id: String?)] = []

    /// Nil when the text is not well-formed XML.
    static func parse(_ svg: String) -> SVGElements? {
        let elements = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = elements
        return parser.parse() ? elements : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let group = stack.last(where: { $0.id != nil })?.id
        elements.append(Element(name: name, attributes: attributes, group: group, text: ""))
        stack.append((elements.count - 1, attributes["id"]))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let top = stack.last { elements[top.index].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    /// The elements named `name` inside the group with id `group`.
    func inside(_ group: String, named name: String) -> [Element] {
        elements.filter { $0.group == group && $0.name == name }
    }
}
