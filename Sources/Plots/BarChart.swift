/// Grouped bars: one group per category, one bar per series, optional error bars (lower/upper
/// absolute values), NaN value = no bar (shown as "n/a").
///
/// The y range always holds 0, every bar, every error bar and every reference line, rounded out to
/// ticks of 1, 2 or 5 × 10^k. Long category names wrap or turn; the legend sits right of the plot.
public struct BarChart: Sendable {
    public let title: String
    public let yLabel: String
    public let categories: [String]
    public let series: [BarSeries]
    let referenceLines: [ReferenceLine]

    /// - Parameters:
    ///   - categories: the group names along the x axis; every series has one value per category.
    ///   - referenceLines: horizontal dashed lines, e.g. ("random", 0.09).
    public init(
        title: String, yLabel: String, categories: [String], series: [BarSeries],
        referenceLines: [(label: String, value: Double)] = []
    ) {
        for s in series {
            precondition(
                s.values.count == categories.count,
                "bar series \"\(s.name)\" has \(s.values.count) values for \(categories.count) categories")
        }
        self.title = title
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.referenceLines = referenceLines.map { ReferenceLine(label: $0.label, value: $0.value) }
    }

    /// The chart as a standalone SVG document of `width` × `height` points (at least 240 × 160). The
    /// layout suits the default 760 × 440 and larger; much below 500 × 300 the labels crowd.
    public func svg(width: Int = 760, height: Int = 440) -> String {
        let range = PlotValue.range(yValuesToShow())!  // holds 0
        let ticks = AxisTicks.linear(
            covering: range.lower, range.upper, targetCount: ChartLayout.yTickTarget(height: height))
        let entries = series.indices.map {
            Legend.Entry(name: series[$0].name, colour: Palette.colour($0), swatch: .bar)
        }
        let count = categories.count
        let layout = ChartLayout(
            width: width, height: height, title: title, xLabel: "", yLabel: yLabel, legend: entries, yTicks: ticks
        ) { left, right in
            guard count > 0 else { return (8, 0) }
            let groupWidth = (right - left) / Double(count)
            let labels = CategoryLabels(categories, groupWidth: groupWidth)
            let neededLeft =
                categories.indices.map {
                    ChartLayout.margin + labels.leftReach($0) - (Double($0) + 0.5) * groupWidth
                }.max() ?? 0
            return (labels.height, neededLeft)
        }

        var canvas = SVGCanvas(width: width, height: height)
        layout.drawBackgroundAndGrid(on: &canvas)
        if count == 0 || series.isEmpty {
            layout.drawNoData(on: &canvas)
        } else {
            let geometry = BarGeometry(layout: layout, categoryCount: count, seriesCount: series.count)
            drawBars(geometry, layout: layout, on: &canvas)
            layout.drawReferenceLines(referenceLines, on: &canvas)
            drawErrorBars(geometry, layout: layout, on: &canvas)
        }
        layout.drawAxes(on: &canvas)
        if count > 0 {
            let groupWidth = (layout.right - layout.left) / Double(count)
            let labels = CategoryLabels(categories, groupWidth: groupWidth)
            for index in categories.indices {
                labels.draw(index, on: &canvas, x: layout.left + (Double(index) + 0.5) * groupWidth, top: layout.bottom)
            }
        }
        layout.drawLabelsAndLegend(on: &canvas)
        return canvas.document
    }

    /// Zero, every drawn value, error-bar end and reference line.
    private func yValuesToShow() -> [Double] {
        var values = [0.0] + referenceLines.map(\.value)
        for s in series {
            for index in s.values.indices where PlotValue.isPlottable(s.values[index]) {
                values.append(s.values[index])
                if let bar = s.errorBar(index) { values += [bar.low, bar.high] }
            }
        }
        return values
    }

    private func drawBars(_ geometry: BarGeometry, layout: ChartLayout, on canvas: inout SVGCanvas) {
        let zero = layout.y.pixel(0)
        let missingStyle = TextStyle(fontSize: 10, colour: Palette.mutedText)
        for (seriesIndex, s) in series.enumerated() {
            canvas.openGroup([("class", .text("bar-series")), ("fill", .text(Palette.colour(seriesIndex)))])
            for (category, value) in s.values.enumerated() {
                let left = geometry.barLeft(category: category, series: seriesIndex)
                if PlotValue.isPlottable(value) {
                    let top = layout.y.pixel(value)
                    canvas.add(
                        "rect",
                        [
                            ("class", .text("bar")),
                            ("x", .number(left + (geometry.barWidth - geometry.drawnBarWidth) / 2)),
                            ("y", .number(min(top, zero))),
                            ("width", .number(geometry.drawnBarWidth)), ("height", .number(abs(top - zero))),
                        ])
                } else {
                    // Above the zero line, or below it when zero is the top of the plot.
                    let above = zero - layout.top > 14
                    let centre = left + geometry.barWidth / 2
                    if geometry.barWidth < 16 {
                        canvas.text(
                            ["n/a"], x: centre, y: above ? zero - 3 : zero + 3,
                            style: TextStyle(fontSize: 10, anchor: above ? .start : .end, colour: Palette.mutedText),
                            className: "missing", rotation: -90, centredVertically: true)
                    } else {
                        canvas.text(
                            ["n/a"], x: centre, y: above ? zero - 4 : zero + 12, style: missingStyle,
                            className: "missing")
                    }
                }
            }
            canvas.closeGroup()
        }
    }

    private func drawErrorBars(_ geometry: BarGeometry, layout: ChartLayout, on canvas: inout SVGCanvas) {
        let capHalfWidth = min(geometry.barWidth * 0.3, 6)
        canvas.openGroup([
            ("class", .text("error-bars")), ("stroke", .text(Palette.text)), ("stroke-width", .number(1.3)),
        ])
        for (seriesIndex, s) in series.enumerated() {
            for category in s.values.indices {
                guard let bar = s.errorBar(category) else { continue }
                let x = geometry.barLeft(category: category, series: seriesIndex) + geometry.barWidth / 2
                let low = layout.y.pixel(bar.low)
                let high = layout.y.pixel(bar.high)
                canvas.add(
                    "line",
                    [
                        ("class", .text("error-bar")), ("x1", .number(x)), ("y1", .number(low)), ("x2", .number(x)),
                        ("y2", .number(high)),
                    ])
                for end in [low, high] {
                    canvas.add(
                        "line",
                        [
                            ("class", .text("error-cap")), ("x1", .number(x - capHalfWidth)), ("y1", .number(end)),
                            ("x2", .number(x + capHalfWidth)), ("y2", .number(end)),
                        ])
                }
            }
        }
        canvas.closeGroup()
    }
}

/// Where each bar goes: groups of equal width, 80 % of each filled by its bars side by side.
private struct BarGeometry {
    let plotLeft: Double
    let groupWidth: Double
    let barWidth: Double

    init(layout: ChartLayout, categoryCount: Int, seriesCount: Int) {
        plotLeft = layout.left
        groupWidth = (layout.right - layout.left) / Double(categoryCount)
        barWidth = groupWidth * 0.8 / Double(seriesCount)
    }

    /// Bars wider than 4 points leave a 1-point gap to their neighbour.
    var drawnBarWidth: Double { barWidth > 4 ? barWidth - 1 : barWidth }

    func barLeft(category: Int, series: Int) -> Double {
        plotLeft + Double(category) * groupWidth + groupWidth * 0.1 + Double(series) * barWidth
    }
}
