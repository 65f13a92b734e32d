/// The key beside the plot area: one entry per series, names wrapped to fit, drawn to the right
/// of the plot so it never covers data.
struct Legend {
    /// How an entry's swatch looks.
    enum Swatch {
        case bar
        /// A line, with the series' marker when its points show markers.
        case line(MarkerShape?, hasBand: Bool)
    }

    struct Entry {
        let name: String
        let colour: String
        let swatch: Swatch
    }

    static let style = TextStyle(fontSize: 12, anchor: .start)
    static let swatchWidth = 26.0
    static let entryGap = 6.0

    let entries: [Entry]
    /// Each entry's name split into lines.
    let lines: [[String]]
    let width: Double

    /// Lays out `entries` so the legend is at most `maxWidth` wide.
    init(entries: [Entry], maxWidth: Double) {
        self.entries = entries
        let characters = Self.style.characters(fitting: maxWidth - Self.swatchWidth)
        lines = entries.map { wrapped($0.name, maxCharacters: characters) }
        let longest = lines.joined().map { $0.trimmingTrailingSpace.count }.max() ?? 0
        width = entries.isEmpty ? 0 : Self.swatchWidth + Self.style.width(ofCharacters: longest)
    }

    /// Draws the legend with its top-left corner at (`left`, `top`).
    func draw(on canvas: inout SVGCanvas, left: Double, top: Double) {
        guard !entries.isEmpty else { return }
        canvas.openGroup([("class", .text("legend"))])
        var y = top
        let lineHeight = Self.style.lineHeight
        for (entry, nameLines) in zip(entries, lines) {
            let middle = y + lineHeight / 2
            drawSwatch(entry, on: &canvas, left: left, middle: middle)
            canvas.text(
                nameLines, x: left + Self.swatchWidth, y: y + Self.style.fontSize * 0.85, style: Self.style,
                className: "legend-label")
            y += Double(nameLines.count) * lineHeight + Self.entryGap
        }
        canvas.closeGroup()
    }

    private func drawSwatch(_ entry: Entry, on canvas: inout SVGCanvas, left: Double, middle: Double) {
        switch entry.swatch {
        case .bar:
            canvas.add(
                "rect",
                [
                    ("x", .number(left + 4)), ("y", .number(middle - 6)), ("width", .number(12)),
                    ("height", .number(12)),
                    ("fill", .text(entry.colour)),
                ])
        case .line(let marker, let hasBand):
            if hasBand {
                canvas.add(
                    "rect",
                    [
                        ("x", .number(left)), ("y", .number(middle - 6)), ("width", .number(20)),
                        ("height", .number(12)), ("fill", .text(entry.colour)), ("fill-opacity", .number(0.2)),
                    ])
            }
            canvas.add(
                "line",
                [
                    ("x1", .number(left)), ("y1", .number(middle)), ("x2", .number(left + 20)), ("y2", .number(middle)),
                    ("stroke", .text(entry.colour)), ("stroke-width", .number(2)),
                ])
            marker?.draw(on: &canvas, x: left + 10, y: middle, colour: entry.colour)
        }
    }
}
