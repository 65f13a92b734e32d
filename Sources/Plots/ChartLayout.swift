/// The frame every chart shares: the title on top, the y axis and its label on the left, the plot
/// area with horizontal gridlines, the x label below and the legend to the right of the plot.
struct ChartLayout {
    static let margin = 10.0
    static let titleStyle = TextStyle(fontSize: 16, isBold: true)
    static let axisLabelStyle = TextStyle(fontSize: 13)
    static let tickStyle = TextStyle(fontSize: 11)
    static let legendGap = 16.0

    let width: Double
    let height: Double
    let titleLines: [String]
    let xLabel: String
    let yLabelLines: [String]
    let legend: Legend
    /// The plot area.
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double
    let y: AxisMapping

    /// Places everything for a `width` × `height` canvas. `bottomBand` answers, for a plot spanning
    /// `left...right`, how tall the band of tick or category labels under it is and how far right
    /// the plot's left edge must sit for those labels to stay on the canvas.
    init(
        width: Int, height: Int, title: String, xLabel: String, yLabel: String, legend entries: [Legend.Entry],
        yTicks: AxisTicks, bottomBand: (_ left: Double, _ right: Double) -> (height: Double, minimumLeft: Double)
    ) {
        precondition(width >= 240 && height >= 160, "a chart needs at least 240 × 160 points, not \(width) × \(height)")
        let margin = Self.margin
        self.width = Double(width)
        self.height = Double(height)
        self.xLabel = xLabel
        titleLines =
            title.isEmpty
            ? [] : wrapped(title, maxCharacters: Self.titleStyle.characters(fitting: self.width - 2 * margin))
        top = margin + Double(titleLines.count) * Self.titleStyle.lineHeight + (titleLines.isEmpty ? 0 : 8) + 6

        legend = Legend(entries: entries, maxWidth: self.width * 0.28)
        right = max(
            self.width - margin - (legend.width > 0 ? legend.width + Self.legendGap : 12), self.width * 0.4)

        let xLabelHeight = xLabel.isEmpty ? 0 : Self.axisLabelStyle.lineHeight + 4
        let roughPlotHeight = max(self.height - top - margin - xLabelHeight - 40, 60)
        yLabelLines =
            yLabel.isEmpty
            ? [] : wrapped(yLabel, maxCharacters: Self.axisLabelStyle.characters(fitting: roughPlotHeight))
        let yLabelWidth = Double(yLabelLines.count) * Self.axisLabelStyle.lineHeight + (yLabel.isEmpty ? 0 : 6)
        let tickWidth = Self.tickStyle.width(ofCharacters: yTicks.labels.map(\.count).max() ?? 0)
        var left = margin + yLabelWidth + tickWidth + 8
        var band = bottomBand(left, right)
        if band.minimumLeft > left {
            left = min(band.minimumLeft, right - 40)
            band = bottomBand(left, right)
        }
        self.left = left
        bottom = max(self.height - margin - xLabelHeight - band.height, top + 40)
        y = AxisMapping(scale: .linear, ticks: yTicks, startPixel: bottom, endPixel: top)
    }

    /// White background and the horizontal gridlines with their tick labels.
    func drawBackgroundAndGrid(on canvas: inout SVGCanvas) {
        canvas.add(
            "rect",
            [
                ("class", .text("background")), ("width", .number(width)), ("height", .number(height)),
                ("fill", .text(Palette.background)),
            ])
        let labelStyle = TextStyle(fontSize: Self.tickStyle.fontSize, anchor: .end)
        for (value, label) in zip(y.ticks.values, y.ticks.labels) {
            let pixel = y.pixel(value)
            canvas.openGroup([("class", .text("y-tick"))])
            canvas.add(
                "line",
                [
                    ("class", .text("grid")), ("x1", .number(left)), ("y1", .number(pixel)), ("x2", .number(right)),
                    ("y2", .number(pixel)), ("stroke", .text(Palette.grid)), ("stroke-width", .number(1)),
                ])
            canvas.text(
                [label], x: left - 6, y: pixel, style: labelStyle, className: "tick-label", centredVertically: true)
            canvas.closeGroup()
        }
    }

    /// The axis lines (left and bottom) and, when zero lies inside the y range, a zero line.
    func drawAxes(on canvas: inout SVGCanvas) {
        if y.ticks.lower < 0 && y.ticks.upper > 0 {
            let zero = y.pixel(0)
            canvas.add(
                "line",
                [
                    ("class", .text("zero-line")), ("x1", .number(left)), ("y1", .number(zero)), ("x2", .number(right)),
                    ("y2", .number(zero)), ("stroke", .text(Palette.axis)), ("stroke-width", .number(1)),
                ])
        }
        let corners = [(left, top), (left, bottom), (right, bottom)]
        canvas.add(
            "polyline",
            [
                ("class", .text("axis")), ("points", .text(SVGCanvas.points(corners))), ("fill", .text("none")),
                ("stroke", .text(Palette.axis)), ("stroke-width", .number(1)),
            ])
    }

    /// Dashed horizontal lines, each labelled at the plot's right end: above its line, or below it
    /// when that would overprint the label of a line close by, or else under the labels placed.
    func drawReferenceLines(_ lines: [ReferenceLine], on canvas: inout SVGCanvas) {
        let labelStyle = TextStyle(
            fontSize: Self.tickStyle.fontSize, anchor: .end, colour: Palette.reference, hasHalo: true)
        var baselines: [Double] = []
        let drawn = lines.filter { PlotValue.isPlottable($0.value) }.map { (line: $0, pixel: y.pixel($0.value)) }
        for (line, pixel) in drawn.sorted(by: { $0.pixel < $1.pixel }) {
            canvas.add(
                "line",
                [
                    ("class", .text("reference")), ("x1", .number(left)), ("y1", .number(pixel)),
                    ("x2", .number(right)),
                    ("y2", .number(pixel)), ("stroke", .text(Palette.reference)), ("stroke-width", .number(1.2)),
                    ("stroke-dasharray", .text("6 4")),
                ])
            let clear = { (baseline: Double) in baselines.allSatisfy { abs($0 - baseline) >= labelStyle.lineHeight } }
            let candidates = [pixel - 4, pixel + labelStyle.fontSize + 3, (baselines.max() ?? pixel) + labelStyle.lineHeight]
            let baseline = candidates.first(where: clear) ?? candidates[2]
            baselines.append(baseline)
            canvas.text([line.label], x: right - 4, y: baseline, style: labelStyle, className: "reference-label")
        }
    }

    /// "no data" in the middle of an empty plot.
    func drawNoData(on canvas: inout SVGCanvas) {
        canvas.text(
            ["no data"], x: (left + right) / 2, y: (top + bottom) / 2,
            style: TextStyle(fontSize: 14, colour: Palette.mutedText), className: "no-data", centredVertically: true)
    }

    /// Title, axis labels and legend.
    func drawLabelsAndLegend(on canvas: inout SVGCanvas) {
        if !titleLines.isEmpty {
            canvas.text(
                titleLines, x: width / 2, y: Self.margin + Self.titleStyle.fontSize, style: Self.titleStyle,
                className: "title")
        }
        if !yLabelLines.isEmpty {
            let centre = Self.margin + Double(yLabelLines.count) * Self.axisLabelStyle.lineHeight / 2
            canvas.text(
                yLabelLines, x: centre, y: (top + bottom) / 2, style: Self.axisLabelStyle, className: "y-label",
                rotation: -90, centredVertically: true)
        }
        if !xLabel.isEmpty {
            canvas.text(
                [xLabel], x: (left + right) / 2, y: height - Self.margin - 3, style: Self.axisLabelStyle,
                className: "x-label")
        }
        legend.draw(on: &canvas, left: right + Self.legendGap, top: top)
    }
}

/// A horizontal dashed line at `value`, such as "random" or "reference = 1".
struct ReferenceLine {
    let label: String
    let value: Double
}

extension ChartLayout {
    /// About one y tick per 55 points of plot height: 5 at the default 440, between 3 and 8.
    static func yTickTarget(height: Int) -> Int { max(3, min(8, (height - 140) / 55)) }
}
