import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An SVG document read back with Foundation's XMLParser: elements, attributes and text, so the
/// tests look at a chart the way a viewer would, through its elements rather than its source.
final class SVGElement {
    let name: String
    let attributes: [String: String]
    fileprivate(set) var children: [SVGElement] = []
    fileprivate(set) var characters = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// All text inside, in document order.
    var textContent: String { characters + children.map(\.textContent).joined() }

    /// This element and all below it, in document order.
    var descendants: [SVGElement] { [self] + children.flatMap(\.descendants) }

    /// Elements below with `class="className"`.
    func all(_ className: String) -> [SVGElement] { descendants.filter { $0.attributes["class"] == className } }

    /// A numeric attribute, or NaN if it is missing or not a number (which fails any comparison).
    func number(_ attribute: String) -> Double {
        guard let text = attributes[attribute], let value = Double(text) else {
            return .nan
        }
        return value
    }

    /// The (x, y) pairs of a `points` attribute.
    var points: [(x: Double, y: Double)] {
        (attributes["points"] ?? "").split(separator: " ").map { pair in
            let parts = pair.split(separator: ",").map { Double($0) ?? .nan }
            return (parts.first ?? .nan, parts.count == 2 ? parts[1] : .nan)
        }
    }

    /// The offset of a `transform="translate(x y) …"`.
    var translation: (x: Double, y: Double) {
        guard let transform = attributes["transform"], let open = transform.range(of: "translate("),
            let close = transform[open.upperBound...].firstIndex(of: ")")
        else { return (.nan, .nan) }
        let parts = transform[open.upperBound..<close].split(whereSeparator: { $0 == " " || $0 == "," })
            .map { Double($0) ?? .nan }
        return (parts.first ?? .nan, parts.count == 2 ? parts[1] : .nan)
    }

    /// Parses `svg`; throws with the parser's line and message if it is not well-formed XML.
    static func parse(_ svg: String) throws -> SVGElement {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw MalformedSVG(
                line: parser.lineNumber, message: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }
}

struct MalformedSVG: Error, CustomStringConvertible {
    let line: Int
    let message: String
    var description: String { "SVG is not well-formed XML at line \(line): \(message)" }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: SVGElement?
    private var stack: [SVGElement] = []

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        let element = SVGElement(name: name, attributes: attributes)
        if let parent = stack.last { parent.children.append(element) } else { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.characters += string
    }
}
