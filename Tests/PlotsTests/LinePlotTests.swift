import Foundation
import Plots
import Testing

/// Lines read back from their SVG: log2 placement, points against the drawn ticks, breaks at
/// missing points, bands inside the plot, markers and the legend.
@Suite struct LinePlotTests {
    @Test func log2AxisPlacesSizesByTheirDoublings() throws {
        let root = try SVGElement.parse(SampleCharts.modelSizeLines.svg())
        let lines = root.all("line").filter { $0.name == "polyline" }
        #expect(lines.count == 1)
        let xs = lines.first?.points.map(\.x) ?? []
        #expect(xs.count == 6)
        guard xs.count == 6 else { return }  // 64, 128, 256, 384, 512, 768
        #expect(zip(xs, xs.dropFirst()).allSatisfy { $0 < $1 }, "x increases: \(xs)")
        let octave = xs[1] - xs[0]
        #expect(abs(xs[2] - xs[1] - octave) < 0.02 && abs(xs[4] - xs[2] - octave) < 0.02, "equal steps per doubling")
        #expect(abs(xs[5] - xs[3] - octave) < 0.02, "384 → 768 is one doubling")
        #expect(abs((xs[3] - xs[2]) / octave - log2(1.5)) < 1e-3, "384 sits log2(1.5) of a doubling past 256")
        let axis = ReadAxis(root, vertical: false, isLog2: true)
        #expect(axis.ticks.map(\.value) == [64, 128, 256, 384, 512, 768], "a few sizes are ticked themselves")
        for (x, size) in zip(xs, [64.0, 128, 256, 384, 512, 768]) {
            #expect(abs(x - axis.pixel(for: size)) < 0.05, "x = \(size) against the labelled ticks")
        }
    }

    @Test func wholeNumberXIsTickedAtWholeNumbersOnly() throws {
        let counts: [Double] = [1, 2, 3, 4, 5]
        let plot = LinePlot(title: "t", xLabel: "training tasks", yLabel: "y",
                            series: [LineSeries(name: "s", x: counts, y: [0.1, 0.2, 0.25, 0.3, 0.35])])
        let axis = ReadAxis(try SVGElement.parse(plot.svg()), vertical: false)
        #expect(axis.ticks.map(\.value) == counts, "task counts 1 … 5, no 1.5")
        let sparse = LinePlot(title: "t", xLabel: "training tasks", yLabel: "y",
                              series: [LineSeries(name: "s", x: [1, 2, 4, 7, 10], y: [0.1, 0.2, 0.25, 0.3, 0.35])])
        let values = ReadAxis(try SVGElement.parse(sparse.svg()), vertical: false).ticks.map(\.value)
        #expect(!values.isEmpty && values.allSatisfy { $0 == $0.rounded() }, "\(values)")
    }

    @Test func log2AxisTicksPowersOfTwoWhenXIsDense() throws {
        let xs = (0..<50).map { pow(2, Double($0) / 5) }  // 1 … 2^9.8
        let plot = LinePlot(
            title: "t", xLabel: "x", yLabel: "y", series: [LineSeries(name: "s", x: xs, y: xs.map { log($0) })],
            xScale: .log2)
        let root = try SVGElement.parse(plot.svg())
        let axis = ReadAxis(root, vertical: false, isLog2: true)
        #expect(axis.ticks.map(\.value) == (0...10).map { pow(2, Double($0)) }, "every power of two from 1 to 1024")
        let pixels = axis.ticks.map(\.pixel)
        let octave = pixels[1] - pixels[0]
        #expect(octave > 0 && zip(pixels, pixels.dropFirst()).allSatisfy { abs($1 - $0 - octave) < 0.02 }, "\(pixels)")
        let points = try #require(root.all("line").first { $0.name == "polyline" }).points
        for (point, x) in zip(points, xs) { #expect(abs(point.x - axis.pixel(for: x)) < 0.05, "x = \(x)") }
    }

    @Test func pointsAndBandsSitAtTheirValues() throws {
        let plot = LinePlot(
            title: "t", xLabel: "x", yLabel: "y",
            series: [LineSeries(name: "s", x: [0, 30, 100], y: [2, 5.5, 3], lower: [1, 5, 2.5], upper: [2.5, 7, 4])])
        let root = try SVGElement.parse(plot.svg())
        let x = ReadAxis(root, vertical: false)
        let y = ReadAxis(root, vertical: true)
        let points = try #require(root.all("line").first { $0.name == "polyline" }).points
        #expect(points.count == 3)
        for (point, (px, py)) in zip(points, [(0.0, 2.0), (30, 5.5), (100, 3)]) {
            #expect(
                abs(point.x - x.pixel(for: px)) < 0.02 && abs(point.y - y.pixel(for: py)) < 0.02, "point (\(px), \(py))"
            )
        }
        let band = try #require(root.all("band").first).points
        let expected = [(0.0, 2.5), (30, 7), (100, 4), (100, 2.5), (30, 5), (0, 1)]
        #expect(band.count == expected.count)
        for (corner, (bx, by)) in zip(band, expected) {
            #expect(
                abs(corner.x - x.pixel(for: bx)) < 0.02 && abs(corner.y - y.pixel(for: by)) < 0.02,
                "band corner (\(bx), \(by))")
        }
    }

    @Test func missingPointBreaksTheLineAndBand() throws {
        // CQL: y is NaN at x = 8, so a line over 1, 2, 4 and a lone point at 16.
        let root = try SVGElement.parse(SampleCharts.taskCountLines.svg())
        let series = root.all("series")
        #expect(series.count == 2)
        guard series.count == 2 else { return }
        let cqlLines = series[1].descendants.filter { $0.name == "polyline" }
        #expect(cqlLines.map { $0.points.count } == [3])
        #expect(series[1].all("marker").count == 4, "a marker on each drawn point, the lone one included")
        let bands = root.all("band")
        #expect(bands.filter { $0.name == "polygon" }.count == 2, "Oryx's band and CQL's first run")
        #expect(bands.filter { $0.name == "line" }.count == 1, "CQL's lone point gets a bar")
    }

    @Test(arguments: ["task count", "learning curve"]) func linesAndBandsStayInsideThePlot(_ name: String) throws {
        let plot = name == "task count" ? SampleCharts.taskCountLines : SampleCharts.learningCurve
        let root = try SVGElement.parse(plot.svg())
        let area = PlotArea(root)
        let shapes = root.descendants.filter { $0.attributes["class"] == "line" || $0.attributes["class"] == "band" }
        #expect(!shapes.isEmpty)
        for shape in shapes where shape.attributes["points"] != nil {
            #expect(
                shape.points.allSatisfy { area.contains(x: $0.x, y: $0.y) }, "\(name): \(shape.name) inside the plot")
        }
        #expect(ReadAxis(root, vertical: true).ticks.count >= 3, "\(name): y ticks")
    }

    @Test func denseSeriesHaveNoMarkers() throws {
        let dense = try SVGElement.parse(SampleCharts.learningCurve.svg())
        #expect(dense.all("line").filter { $0.name == "polyline" }.first?.points.count == 300)
        #expect(dense.all("series").first?.all("marker").isEmpty == true, "no markers on 300 points")
        let sparse = try SVGElement.parse(SampleCharts.modelSizeLines.svg())
        #expect(sparse.all("series").first?.all("marker").count == 6)
    }

    @Test func legendNamesEverySeries() throws {
        let names = ["Oryx (multi-task, 16 tasks)", "CQL <baseline> & friends", "BC"]
        let plot = LinePlot(
            title: "t", xLabel: "x", yLabel: "y",
            series: names.map { LineSeries(name: $0, x: [1, 2], y: [1, 2]) })
        let root = try SVGElement.parse(plot.svg())
        #expect(root.all("legend-label").map(\.textContent) == names)
    }

    /// Reference lines close together get labels that do not overprint; a lone one is labelled
    /// just above its line.
    @Test func closeReferenceLinesKeepTheirLabelsApart() throws {
        let series = [LineSeries(name: "s", x: [0, 1, 2], y: [0, 1.5, 2.5])]
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: series,
                            referenceLines: [("R_max 2.469", 2.469), ("heuristic 2.46", 2.46), ("zero line", 0.5)])
        let root = try SVGElement.parse(plot.svg())
        let lines = root.all("reference"), labels = root.all("reference-label")
        #expect(lines.count == 3 && labels.count == 3)
        let baselines = labels.map { $0.translation.y }.sorted()
        #expect(zip(baselines, baselines.dropFirst()).allSatisfy { $1 - $0 >= 11 }, "labels overprint: baselines \(baselines)")
        let lone = try #require(labels.first { $0.textContent.contains("zero line") })
        let loneLine = try #require(lines.max { $0.number("y1") < $1.number("y1") })
        #expect(abs(loneLine.number("y1") - 4 - lone.translation.y) < 0.01, "a lone label sits 4 points above its line")
    }

    @Test func emptyPlotSaysNoData() throws {
        let root = try SVGElement.parse(LinePlot(title: "t", xLabel: "x", yLabel: "y", series: []).svg())
        #expect(root.all("no-data").map(\.textContent) == ["no data"])
        #expect(root.all("line").isEmpty)
    }
}
