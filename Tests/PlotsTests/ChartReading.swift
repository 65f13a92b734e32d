import Foundation

/// What a reader takes from a drawn chart: the plot area from the axis lines, and each axis's
/// scale from its labelled gridlines, so positions are checked against the ticks a person sees.
struct PlotArea {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double

    /// From the axis polyline (top-left, bottom-left, bottom-right corners).
    init(_ root: SVGElement) {
        let corners = root.all("axis").first?.points ?? []
        left = corners.first?.x ?? .nan
        top = corners.first?.y ?? .nan
        right = corners.last?.x ?? .nan
        bottom = corners.last?.y ?? .nan
    }

    /// Whether (x, y) lies inside, allowing `slack` points for rounding.
    func contains(x: Double, y: Double, slack: Double = 0.01) -> Bool {
        (left - slack...right + slack).contains(x) && (top - slack...bottom + slack).contains(y)
    }
}

/// One axis read back from its tick groups: each tick's labelled value and its gridline's pixel.
struct ReadAxis {
    let ticks: [(value: Double, pixel: Double)]
    let isLog2: Bool

    /// The y axis (`y-tick` groups; the gridline's y) or the x axis (`x-tick` groups; its x).
    init(_ root: SVGElement, vertical: Bool, isLog2: Bool = false) {
        ticks = root.all(vertical ? "y-tick" : "x-tick").map { group in
            let grid = group.all("grid").first
            let label = group.all("tick-label").first?.textContent ?? ""
            return (Self.value(of: label), grid?.number(vertical ? "y1" : "x1") ?? .nan)
        }
        self.isLog2 = isLog2
    }

    /// The pixel of `value`, interpolated between the first and last ticks (in log2 on a log2 axis).
    func pixel(for value: Double) -> Double {
        guard let first = ticks.first, let last = ticks.last, ticks.count >= 2 else { return .nan }
        let t: (Double) -> Double = isLog2 ? { Foundation.log2($0) } : { $0 }
        return first.pixel + (t(value) - t(first.value)) / (t(last.value) - t(first.value)) * (last.pixel - first.pixel)
    }

    /// A tick label as a number: "0.25", "1.5k", "1/8".
    static func value(of label: String) -> Double {
        if label.hasPrefix("1/"), let denominator = Double(label.dropFirst(2)) { return 1 / denominator }
        let suffixes: [Character: Double] = ["k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        if let last = label.last, let unit = suffixes[last], let number = Double(label.dropLast()) {
            return number * unit
        }
        return Double(label) ?? .nan
    }
}
