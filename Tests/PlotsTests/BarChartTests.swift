import Foundation
import Plots
import Testing

/// Grouped bars read back from their SVG: legend, category labels, bar and error-bar positions
/// against the drawn y ticks, missing values, the y range and the legend's place.
@Suite struct BarChartTests {
    static let shortNames = BarChart(
        title: "Mean return", yLabel: "return", categories: ["LBF", "RWARE", "Connector"],
        series: [
            BarSeries(name: "Oryx", values: [0.6, 0.3, 1.1], lower: [0.5, 0.2, 0.95], upper: [0.7, 0.45, 1.3]),
            BarSeries(name: "behaviour cloning with a rather long name that has to wrap", values: [0.4, 0.25, 0.8]),
        ])

    @Test func legendNamesEverySeries() throws {
        for chart in [SampleCharts.perTaskBars, SampleCharts.manyTaskBars, Self.shortNames] {
            let root = try SVGElement.parse(chart.svg())
            #expect(root.all("legend-label").map(\.textContent) == chart.series.map(\.name))
        }
    }

    @Test(arguments: ["turned", "wrapped", "horizontal"]) func everyCategoryLabelAppears(_ layout: String) throws {
        let chart = [
            "turned": SampleCharts.manyTaskBars, "wrapped": SampleCharts.perTaskBars, "horizontal": Self.shortNames,
        ][layout]!
        let root = try SVGElement.parse(chart.svg())
        let labels = root.all("category-label")
        #expect(labels.map(\.textContent) == chart.categories)
        let turned = labels.filter { $0.attributes["transform"]?.contains("rotate(-40") == true }
        #expect(turned.count == (layout == "turned" ? labels.count : 0), "\(layout) labels")
        for label in turned {
            // Turned text reaches left by cos 40° of its width (≈ 0.6 em a character at 11 pt).
            let reach = cos(40 * Double.pi / 180) * Double(label.textContent.count) * 11 * 0.6
            #expect(label.translation.x - reach >= 0, "\(label.textContent) starts on the canvas")
        }
        let lineCounts = labels.map { $0.children.count }
        if layout != "turned" {
            #expect(lineCounts.contains { $0 > 1 } == (layout == "wrapped"), "\(layout): lines per label \(lineCounts)")
        }
    }

    @Test func barsAndErrorBarsSitAtTheirValues() throws {
        let chart = Self.shortNames
        let root = try SVGElement.parse(chart.svg())
        let y = ReadAxis(root, vertical: true)
        let zero = y.pixel(for: 0)
        let bars = root.all("bar")
        let errorBars = root.all("error-bar")
        let labelXs = root.all("category-label").map(\.translation.x)
        #expect(bars.count == 6 && errorBars.count == 3 && labelXs.count == 3)
        guard bars.count == 6, errorBars.count == 3, labelXs.count == 3 else { return }

        for (seriesIndex, series) in chart.series.enumerated() {
            for (category, value) in series.values.enumerated() {
                let bar = bars[seriesIndex * 3 + category]
                let top = bar.number("y")
                let centre = bar.number("x") + bar.number("width") / 2
                let place = "\(series.name.prefix(10)) at \(chart.categories[category])"
                #expect(abs(top - y.pixel(for: value)) < 0.02, "\(place): bar top")
                #expect(abs(top + bar.number("height") - zero) < 0.02, "\(place): bar base on zero")
                let nearestLabel = labelXs.indices.min { abs(labelXs[$0] - centre) < abs(labelXs[$1] - centre) }
                #expect(nearestLabel == category, "\(place): bar under its category label")
                guard seriesIndex == 0 else { continue }
                let errorBar = errorBars[category]
                #expect(
                    abs(errorBar.number("y1") - y.pixel(for: series.lower![category])) < 0.02, "\(place): lower end")
                #expect(
                    abs(errorBar.number("y2") - y.pixel(for: series.upper![category])) < 0.02, "\(place): upper end")
                #expect(abs(errorBar.number("x1") - centre) < 0.02, "\(place): error bar centred on its bar")
            }
        }
    }

    @Test func missingValueDrawsNoBar() throws {
        let chart = BarChart(
            title: "t", yLabel: "y", categories: ["a", "b", "c", "d"],
            series: [
                BarSeries(
                    name: "s", values: [1, .nan, 2, .infinity], lower: [0.5, .nan, 1.5, 0], upper: [1.5, 1, 2.5, 9])
            ])
        let svg = chart.svg()
        let root = try SVGElement.parse(svg)
        #expect(root.all("bar").count == 2)
        #expect(root.all("error-bar").count == 2)
        #expect(root.all("missing").map(\.textContent) == ["n/a", "n/a"])
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
        // The missing bars' error-bar ends (9 at "d") do not stretch the axis.
        #expect(ReadAxis(root, vertical: true).ticks.last.map { $0.value < 5 } == true)
    }

    @Test(arguments: [
        ("positive", [0.6, 0.3, 1.1], [0.5, 0.2, 0.95], [0.7, 0.45, 1.3]),
        ("negative", [-2, -0.5, 1.5], [-2.5, -0.7, 1.2], [-1.5, -0.3, 1.9]),
        ("large", [1200, 2600, 900], [1100, 2400, 700], [1350, 2900, 1000]),
    ])
    func yRangeHoldsZeroAndEveryErrorBar(_ name: String, _ values: [Double], _ lower: [Double], _ upper: [Double])
        throws
    {
        let chart = BarChart(
            title: name, yLabel: "y", categories: ["a", "b", "c"],
            series: [BarSeries(name: "s", values: values, lower: lower, upper: upper)],
            referenceLines: [("random", 0.25)])
        let root = try SVGElement.parse(chart.svg())
        let ticks = ReadAxis(root, vertical: true).ticks.map(\.value)
        let lowest = ticks.min() ?? .nan
        let highest = ticks.max() ?? .nan
        #expect(lowest <= min(0, lower.min()!) && highest >= upper.max()!, "\(name): ticks \(ticks)")
        let area = PlotArea(root)
        for element in root.all("bar") + root.all("error-bar") + root.all("reference") {
            for (x, y) in [("x", "y"), ("x1", "y1"), ("x2", "y2")] where element.attributes[x] != nil {
                #expect(
                    area.contains(x: element.number(x), y: element.number(y)),
                    "\(name): \(element.name) inside the plot")
            }
        }
    }

    @Test(arguments: [
        ("returns", [0.12, 0.87]), ("thousands", [120, 3400]), ("flat", [3, 3]), ("tiny", [0.0012, 0.0031]),
        ("mixed sign", [-0.37, 0.81]),
    ])
    func ticksStepByOneTwoOrFive(_ name: String, _ values: [Double]) throws {
        let chart = BarChart(
            title: name, yLabel: "y", categories: ["a", "b"], series: [BarSeries(name: "s", values: values)])
        let ticks = ReadAxis(try SVGElement.parse(chart.svg()), vertical: true).ticks
        #expect(ticks.count >= 3 && ticks.count <= 11, "\(name): \(ticks.count) ticks")
        guard ticks.count >= 2 else { return }
        let step = ticks[1].value - ticks[0].value
        let mantissa = step / pow(10, floor(log10(step)))
        #expect([1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-6 }, "\(name): step \(step)")
        for (previous, next) in zip(ticks, ticks.dropFirst()) {
            #expect(abs(next.value - previous.value - step) < step * 1e-6, "\(name): even steps")
            #expect(next.pixel < previous.pixel, "\(name): larger values higher up")
        }
        #expect(ticks.contains { $0.value == 0 }, "\(name): a tick at zero")
    }

    @Test func legendSitsRightOfThePlot() throws {
        for chart in [SampleCharts.perTaskBars, SampleCharts.manyTaskBars, Self.shortNames] {
            let root = try SVGElement.parse(chart.svg())
            let area = PlotArea(root)
            let legend = try #require(root.all("legend").first)
            for element in legend.descendants where element.name == "rect" || element.name == "line" {
                #expect(element.number(element.name == "rect" ? "x" : "x1") > area.right, "legend right of the plot")
            }
            for label in legend.all("legend-label") {
                #expect(label.translation.x > area.right && label.translation.x < 760, "legend text on the canvas")
            }
        }
    }
}
