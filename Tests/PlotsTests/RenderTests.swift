import Foundation
import TestSupport
import Testing

/// Each chart renders with librsvg to a PNG of the requested size that is not blank.
@Suite struct RenderTests {
    @Test(arguments: NamedSVG.all) func rendersAtItsSizeAndIsNotBlank(_ chart: NamedSVG) throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-plots")
        let image = try RenderedImage(svg: chart.svg, width: chart.width, height: chart.height, in: directory)
        #expect(image.pngWidth == chart.width && image.pngHeight == chart.height, "IHDR size")
        #expect(image.width == chart.width && image.height == chart.height, "decoded size")

        #expect(image.pixel(0, 0) == (255, 255, 255), "white background")
        // Axes, gridlines and labels alone cover about 2 % of an empty chart; nothing covers all of it.
        #expect(image.drawnFraction > 0.015, "\(image.drawnFraction) of the pixels drawn")
        #expect(image.drawnFraction < 0.8, "\(image.drawnFraction) of the pixels drawn")
    }

    /// The first series' colour covers the area its bars or line should.
    @Test func dataIsDrawnInTheSeriesColour() throws {
        let directory = try TemporaryDirectory(prefix: "mtrl-plots")
        for (name, svg, least) in [
            ("bars", SampleCharts.perTaskBars.svg(), 5_000), ("lines", SampleCharts.modelSizeLines.svg(), 400),
        ] {
            let image = try RenderedImage(svg: svg, width: 760, height: 440, in: directory)
            let blue = image.count(near: "#0072B2")
            #expect(blue >= least, "\(name): \(blue) blue pixels")
        }
    }
}
