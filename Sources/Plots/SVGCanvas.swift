/// Builds one SVG document element by element.
///
/// Properties: every number is written with two decimals (deterministic, locale-free) and must be
/// finite; every text and attribute value is XML-escaped, with characters XML 1.0 forbids replaced.
struct SVGCanvas {
    let width: Int
    let height: Int
    private var body = ""

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The finished document.
    var document: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
        viewBox="0 0 \(width) \(height)" font-family="sans-serif">
        \(body)</svg>

        """
    }

    /// An empty element, e.g. `<rect .../>`.
    mutating func add(_ name: String, _ attributes: [(String, SVGValue)]) {
        body += "<\(name)\(Self.render(attributes))/>\n"
    }

    /// Opens a group; close it with `closeGroup()`.
    mutating func openGroup(_ attributes: [(String, SVGValue)]) {
        body += "<g\(Self.render(attributes))>\n"
    }

    mutating func closeGroup() { body += "</g>\n" }

    /// A `<text>` of one or more lines (`<tspan>`s stacked `lineHeight` apart; the first baseline on `y`, or the
    /// block centred on `y` when `centredVertically`), optionally rotated by `degrees` about its anchor point.
    mutating func text(
        _ lines: [String], x: Double, y: Double, style: TextStyle, className: String,
        rotation degrees: Double = 0, centredVertically: Bool = false
    ) {
        let lineHeight = style.lineHeight
        let firstOffset = centredVertically ? -Double(lines.count - 1) * lineHeight / 2 + 0.35 * style.fontSize : 0
        let rotation = degrees == 0 ? "" : " rotate(\(Self.number(degrees)))"
        var attributes: [(String, SVGValue)] = [
            ("class", .text(className)),
            ("transform", .text("translate(\(Self.number(x)) \(Self.number(y)))" + rotation)),
            ("font-size", .number(style.fontSize)),
            ("text-anchor", .text(style.anchor.rawValue)),
            ("fill", .text(style.colour)),
        ]
        if style.isBold { attributes.append(("font-weight", .text("bold"))) }
        if style.hasHalo {
            attributes += [
                ("stroke", .text("#ffffff")), ("stroke-width", .number(3)), ("paint-order", .text("stroke")),
            ]
        }
        var content = ""
        for (index, line) in lines.enumerated() {
            let dy = index == 0 ? firstOffset : lineHeight
            content += "<tspan x=\"0\" dy=\"\(Self.number(dy))\">\(Self.escape(line))</tspan>"
        }
        body += "<text\(Self.render(attributes))>\(content)</text>\n"
    }

    /// `"x,y x,y …"` for `points` and `polyline`/`polygon`.
    static func points(_ points: [(Double, Double)]) -> String {
        points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
    }

    /// `value` with exactly two decimals, no exponent, never `-0.00`.
    static func number(_ value: Double) -> String {
        precondition(value.isFinite && abs(value) < 1e12, "SVG coordinate \(value) is not a drawable number")
        let hundredths = Int((value * 100).rounded())
        let magnitude = hundredths.magnitude
        let fraction = magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Escapes `& < > " '` and replaces control characters XML 1.0 cannot hold with U+FFFD.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(" ")
            default:
                let allowed = scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value)
                escaped.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return escaped
    }

    private static func render(_ attributes: [(String, SVGValue)]) -> String {
        attributes.map { name, value in
            switch value {
            case .number(let number): " \(name)=\"\(Self.number(number))\""
            case .text(let text): " \(name)=\"\(escape(text))\""
            }
        }.joined()
    }
}

/// An attribute value: a number (written with two decimals) or text (escaped).
enum SVGValue {
    case number(Double)
    case text(String)
}

/// How a piece of text is set.
struct TextStyle {
    enum Anchor: String { case start, middle, end }

    var fontSize: Double
    var anchor: Anchor = .middle
    var colour = Palette.text
    var isBold = false
    /// A white outline behind the glyphs, so text over gridlines or data stays legible.
    var hasHalo = false

    var lineHeight: Double { (fontSize * 1.2).rounded() }

    /// Estimated width of `characters` characters in a generic sans-serif font (average advance ≈ 0.6 em).
    func width(ofCharacters characters: Int) -> Double { Double(characters) * fontSize * 0.6 }

    /// How many characters fit into `width` points.
    func characters(fitting width: Double) -> Int { max(1, Int(width / (fontSize * 0.6))) }
}
