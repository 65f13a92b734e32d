import Foundation
import Plots
import Testing

/// A chart's SVG under a name the test report shows.
struct NamedSVG: Sendable, CustomTestStringConvertible {
    let name: String
    let svg: String
    let width: Int
    let height: Int
    var testDescription: String { "\(name) (\(width)×\(height))" }

    /// The report-shaped samples at the default size and one other, and every edge case.
    static let all: [NamedSVG] =
        [
            ("per-task bars", SampleCharts.perTaskBars.svg()),
            ("many-task bars", SampleCharts.manyTaskBars.svg()),
            ("task-count lines", SampleCharts.taskCountLines.svg()),
            ("model-size lines", SampleCharts.modelSizeLines.svg()),
            ("learning curve", SampleCharts.learningCurve.svg()),
        ].map { NamedSVG(name: $0.0, svg: $0.1, width: 760, height: 440) }
        + [
            NamedSVG(
                name: "per-task bars, large", svg: SampleCharts.perTaskBars.svg(width: 1200, height: 700), width: 1200,
                height: 700)
        ]
        + SampleCharts.edgeCases.map {
            NamedSVG(
                name: $0.name, svg: $0.svg, width: $0.name == "small canvas" ? 240 : 760,
                height: $0.name == "small canvas" ? 160 : 440)
        }
}

/// Every chart is well-formed XML with an `svg` root of the requested size, and every number in it is finite.
@Suite struct SVGDocumentTests {
    @Test(arguments: NamedSVG.all) func isWellFormedWithSizedRoot(_ chart: NamedSVG) throws {
        let root = try SVGElement.parse(chart.svg)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["width"] == String(chart.width))
        #expect(root.attributes["height"] == String(chart.height))
        #expect(root.attributes["viewBox"] == "0 0 \(chart.width) \(chart.height)")
    }

    @Test(arguments: NamedSVG.all) func everyNumberIsFinite(_ chart: NamedSVG) throws {
        let lowered = chart.svg.lowercased()
        #expect(!lowered.contains("nan") && !lowered.contains("inf"), "no nan or inf anywhere in the text")
        let root = try SVGElement.parse(chart.svg)
        let numeric = [
            "x", "y", "x1", "y1", "x2", "y2", "width", "height", "cx", "cy", "r", "points", "transform", "dy",
            "font-size", "stroke-width",
        ]
        for element in root.descendants {
            for name in numeric {
                guard let value = element.attributes[name] else { continue }
                let tokens = value.split(whereSeparator: { " ,()".contains($0) }).filter { $0.first?.isLetter != true }
                for token in tokens {
                    let number = Double(token)
                    #expect(number?.isFinite == true, "\(element.name) \(name)=\"\(value)\"")
                }
            }
        }
    }

    @Test func textIsEscaped() throws {
        let name = #"<b>"Oryx" & 'CQL'</b>"#
        let chart = BarChart(
            title: "a < b & c", yLabel: "y > 0", categories: ["x&y"], series: [BarSeries(name: name, values: [1])])
        let root = try SVGElement.parse(chart.svg())
        #expect(root.all("legend-label").map(\.textContent) == [name])
        #expect(root.all("title").first?.textContent == "a < b & c")
        #expect(root.all("y-label").first?.textContent == "y > 0")
        #expect(root.all("category-label").first?.textContent == "x&y")
    }
}
