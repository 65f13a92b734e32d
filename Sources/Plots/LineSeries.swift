/// One line of a `LinePlot`: points (x, y) in order and, optionally, a confidence band.
public struct LineSeries: Sendable {
    public let name: String
    public let x: [Double]
    public let y: [Double]
    public let lower: [Double]?
    public let upper: [Double]?

    /// - Parameters:
    ///   - name: shown in the legend.
    ///   - x, y: the points, joined in the given order; a NaN in either (or a value `PlotValue`
    ///     cannot draw, or x ≤ 0 on a log2 axis) leaves that point out and breaks the line there.
    ///   - lower, upper: the band's edges as absolute y values, one per point; the band (drawn when both are given) is
    ///     shaded over runs where both edges exist, and an isolated one becomes a vertical bar.
    public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil) {
        precondition(x.count == y.count, "line series \"\(name)\" has \(x.count) x values for \(y.count) y values")
        for (bound, label) in [(lower, "lower"), (upper, "upper")] {
            if let bound {
                precondition(
                    bound.count == y.count,
                    "line series \"\(name)\": \(label) has \(bound.count) entries for \(y.count) points")
            }
        }
        self.name = name
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
    }

    /// Whether the series has a band.
    var hasBand: Bool { lower != nil && upper != nil }

    /// Indices of the points that can be drawn, split into runs where the line is unbroken.
    func lineRuns(xScale: AxisScale) -> [[Int]] {
        runs { xScale.canPlace(x[$0]) && PlotValue.isPlottable(y[$0]) }
    }

    /// Indices where both band edges can be drawn, split into unbroken runs.
    func bandRuns(xScale: AxisScale) -> [[Int]] {
        guard let lower, let upper else { return [] }
        return runs { xScale.canPlace(x[$0]) && PlotValue.isPlottable(lower[$0]) && PlotValue.isPlottable(upper[$0]) }
    }

    private func runs(where isDrawable: (Int) -> Bool) -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        for index in x.indices {
            if isDrawable(index) {
                current.append(index)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}
