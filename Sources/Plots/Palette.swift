/// Colours and marker shapes: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
/// distinguishable under the common forms of colour blindness, ordered so the first series get
/// the strongest contrasts on white; yellow, hard to see as a thin line, comes last.
enum Palette {
    static let series = [
        "#0072B2",  // blue
        "#E69F00",  // orange
        "#009E73",  // bluish green
        "#D55E00",  // vermillion
        "#CC79A7",  // reddish purple
        "#56B4E9",  // sky blue
        "#000000",  // black
        "#F0E442",  // yellow
    ]
    static let text = "#222222"
    static let mutedText = "#666666"
    static let axis = "#444444"
    static let grid = "#e2e2e2"
    static let reference = "#555555"
    static let background = "#ffffff"

    /// The colour of series `index`; after eight the colours repeat (the markers still differ).
    static func colour(_ index: Int) -> String { series[index % series.count] }
}

/// The marker drawn at each point of a line, one shape per series so lines stay apart in grey print.
enum MarkerShape: CaseIterable {
    case circle, square, triangle, diamond, invertedTriangle

    /// Shape of series `index`; five shapes against eight colours, so the pair repeats only after 40 series.
    static func forSeries(_ index: Int) -> MarkerShape { allCases[index % allCases.count] }

    /// Draws the marker centred on (`x`, `y`).
    func draw(on canvas: inout SVGCanvas, x: Double, y: Double, colour: String, size: Double = 4) {
        let style: [(String, SVGValue)] = [
            ("class", .text("marker")), ("fill", .text(colour)), ("stroke", .text(Palette.background)),
            ("stroke-width", .number(1)),
        ]
        switch self {
        case .circle:
            canvas.add("circle", [("cx", .number(x)), ("cy", .number(y)), ("r", .number(size))] + style)
        case .square:
            let half = size * 0.9
            canvas.add(
                "rect",
                [
                    ("x", .number(x - half)), ("y", .number(y - half)), ("width", .number(2 * half)),
                    ("height", .number(2 * half)),
                ] + style)
        case .triangle, .invertedTriangle:
            let r = size * 1.25
            let flip: Double = self == .triangle ? 1 : -1
            let corners = [(x, y - flip * r), (x + r * 0.87, y + flip * r / 2), (x - r * 0.87, y + flip * r / 2)]
            canvas.add("polygon", [("points", .text(SVGCanvas.points(corners)))] + style)
        case .diamond:
            let r = size * 1.25
            let corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
            canvas.add("polygon", [("points", .text(SVGCanvas.points(corners)))] + style)
        }
    }
}
