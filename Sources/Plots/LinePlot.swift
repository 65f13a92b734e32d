import Foundation

/// Lines with markers and optional shaded confidence bands; NaN points break the line.
///
/// Suits results against task count, dataset size or model size (`xScale: .log2` for doubling
/// steps) and learning curves (markers are left out on series of more than 40 points). The y range
/// holds every point, band edge and reference line, rounded out to ticks of 1, 2 or 5 × 10^k; it
/// holds 0 only when the data does. The legend sits right of the plot.
public struct LinePlot: Sendable {
    public let title: String
    public let xLabel: String
    public let yLabel: String
    public let series: [LineSeries]
    public let xScale: AxisScale
    let referenceLines: [ReferenceLine]

    /// Series with more points than this are drawn without markers (they would hide the line).
    static let markerLimit = 40

    /// - Parameter referenceLines: horizontal dashed lines, e.g. ("reference = 1", 1).
    public init(
        title: String, xLabel: String, yLabel: String, series: [LineSeries], xScale: AxisScale = .linear,
        referenceLines: [(label: String, value: Double)] = []
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xScale = xScale
        self.referenceLines = referenceLines.map { ReferenceLine(label: $0.label, value: $0.value) }
    }

    /// The plot as a standalone SVG document of `width` × `height` points (at least 240 × 160). The
    /// layout suits the default 760 × 440 and larger; much below 500 × 300 the labels crowd.
    public func svg(width: Int = 760, height: Int = 440) -> String {
        let lineRuns = series.map { $0.lineRuns(xScale: xScale) }
        let bandRuns = series.map { $0.bandRuns(xScale: xScale) }
        var xs: [Double] = []
        var ys = referenceLines.map(\.value)
        for (s, runs) in zip(series, lineRuns) {
            for index in runs.joined() {
                xs.append(s.x[index])
                ys.append(s.y[index])
            }
        }
        for (s, runs) in zip(series, bandRuns) {
            for index in runs.joined() {
                xs.append(s.x[index])
                ys += [s.lower![index], s.upper![index]]
            }
        }
        let yRange = PlotValue.range(ys) ?? (0, 1)
        // 4 % headroom so points on the extremes clear the frame, never pushing the range across zero.
        let headroom = (yRange.upper - yRange.lower) * 0.04
        let low = yRange.lower >= 0 ? max(0, yRange.lower - headroom) : yRange.lower - headroom
        let high = yRange.upper <= 0 ? min(0, yRange.upper + headroom) : yRange.upper + headroom
        let yTicks = AxisTicks.linear(
            covering: low, high, targetCount: ChartLayout.yTickTarget(height: height))
        let entries = series.indices.map {
            Legend.Entry(
                name: series[$0].name, colour: Palette.colour($0),
                swatch: .line(
                    lineRuns[$0].joined().count <= Self.markerLimit ? MarkerShape.forSeries($0) : nil,
                    hasBand: series[$0].hasBand))
        }
        let layout = ChartLayout(
            width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel, legend: entries, yTicks: yTicks
        ) { _, _ in (ChartLayout.tickStyle.lineHeight + 8, 0) }
        let x = AxisMapping(
            scale: xScale, ticks: xTicks(covering: xs, width: width), startPixel: layout.left, endPixel: layout.right)

        var canvas = SVGCanvas(width: width, height: height)
        layout.drawBackgroundAndGrid(on: &canvas)
        drawXGrid(x, layout: layout, on: &canvas)
        if xs.isEmpty { layout.drawNoData(on: &canvas) }
        for (index, runs) in bandRuns.enumerated() {
            drawBand(series[index], runs: runs, colour: Palette.colour(index), x: x, y: layout.y, on: &canvas)
        }
        layout.drawReferenceLines(referenceLines, on: &canvas)
        for (index, runs) in lineRuns.enumerated() {
            drawLine(series[index], runs: runs, index: index, x: x, y: layout.y, on: &canvas)
        }
        layout.drawAxes(on: &canvas)
        layout.drawLabelsAndLegend(on: &canvas)
        return canvas.document
    }

    /// Ticks spanning `xs`: rounded out to whole steps on a linear axis, never finer than 1 when
    /// every x is a whole number (task counts); on a log2 axis padded by a quarter of a doubling (or
    /// 5 % of the span) so the end markers clear the frame, and ticked at the x values themselves
    /// when there are only a few.
    private func xTicks(covering xs: [Double], width: Int) -> AxisTicks {
        switch xScale {
        case .linear:
            let range = PlotValue.range(xs) ?? (0, 1)
            var count = max(3, min(10, (width - 200) / 90))
            let whole = xs.allSatisfy { !$0.isFinite || $0 == $0.rounded() }
            if whole, range.upper - range.lower >= 1 { count = min(count, Int(range.upper - range.lower)) }
            return AxisTicks.linear(covering: range.lower, range.upper, targetCount: count)
        case .log2:
            let range = PlotValue.range(xs) ?? (1, 2)
            let (low, high) = (Foundation.log2(range.lower), Foundation.log2(range.upper))
            let pad = max(0.25, 0.05 * (high - low))
            return AxisTicks.log2(
                spanning: Foundation.pow(2, low - pad), Foundation.pow(2, high + pad), dataValues: xs)
        }
    }

    private func drawXGrid(_ x: AxisMapping, layout: ChartLayout, on canvas: inout SVGCanvas) {
        for (value, label) in zip(x.ticks.values, x.ticks.labels) {
            let pixel = x.pixel(value)
            canvas.openGroup([("class", .text("x-tick"))])
            canvas.add(
                "line",
                [
                    ("class", .text("grid")), ("x1", .number(pixel)), ("y1", .number(layout.top)),
                    ("x2", .number(pixel)), ("y2", .number(layout.bottom)), ("stroke", .text(Palette.grid)),
                    ("stroke-width", .number(1)),
                ])
            canvas.text(
                [label], x: pixel, y: layout.bottom + 4 + ChartLayout.tickStyle.fontSize, style: ChartLayout.tickStyle,
                className: "tick-label")
            canvas.closeGroup()
        }
    }

    /// The shaded band over each run (upper edge forward, lower edge back); a run of one point
    /// becomes a vertical bar.
    private func drawBand(
        _ s: LineSeries, runs: [[Int]], colour: String, x: AxisMapping, y: AxisMapping, on canvas: inout SVGCanvas
    ) {
        guard let lower = s.lower, let upper = s.upper else { return }
        for run in runs {
            if run.count == 1 {
                let px = x.pixel(s.x[run[0]])
                canvas.add(
                    "line",
                    [
                        ("class", .text("band")), ("x1", .number(px)), ("y1", .number(y.pixel(lower[run[0]]))),
                        ("x2", .number(px)), ("y2", .number(y.pixel(upper[run[0]]))), ("stroke", .text(colour)),
                        ("stroke-width", .number(3)), ("stroke-opacity", .number(0.35)),
                    ])
                continue
            }
            let edge =
                run.map { (x.pixel(s.x[$0]), y.pixel(upper[$0])) }
                + run.reversed().map { (x.pixel(s.x[$0]), y.pixel(lower[$0])) }
            canvas.add(
                "polygon",
                [
                    ("class", .text("band")), ("points", .text(SVGCanvas.points(edge))), ("fill", .text(colour)),
                    ("fill-opacity", .number(0.2)), ("stroke", .text("none")),
                ])
        }
    }

    /// The polyline of each run and the markers (all of them up to `markerLimit` points, else
    /// only those of isolated points, which have no line).
    private func drawLine(
        _ s: LineSeries, runs: [[Int]], index: Int, x: AxisMapping, y: AxisMapping, on canvas: inout SVGCanvas
    ) {
        let colour = Palette.colour(index)
        let showsAllMarkers = runs.joined().count <= Self.markerLimit
        canvas.openGroup([("class", .text("series"))])
        for run in runs where run.count > 1 {
            let points = run.map { (x.pixel(s.x[$0]), y.pixel(s.y[$0])) }
            canvas.add(
                "polyline",
                [
                    ("class", .text("line")), ("points", .text(SVGCanvas.points(points))), ("fill", .text("none")),
                    ("stroke", .text(colour)), ("stroke-width", .number(2)), ("stroke-linejoin", .text("round")),
                ])
        }
        for run in runs where showsAllMarkers || run.count == 1 {
            for point in run {
                MarkerShape.forSeries(index).draw(
                    on: &canvas, x: x.pixel(s.x[point]), y: y.pixel(s.y[point]), colour: colour)
            }
        }
        canvas.closeGroup()
    }
}
