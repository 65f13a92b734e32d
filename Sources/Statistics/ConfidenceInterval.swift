/// A point estimate with the lower and upper bounds of its confidence interval.
public struct ConfidenceInterval: Sendable, Codable, Equatable {
    public var point: Double
    public var lower: Double
    public var upper: Double

    public init(point: Double, lower: Double, upper: Double) {
        self.point = point
        self.lower = lower
        self.upper = upper
    }

    /// The percentile interval of bootstrap `estimates` (reordered) around `point`: the
    /// (1 − confidence)/2 and (1 + confidence)/2 quantiles, interpolated linearly as numpy does
    /// (arch's `conf_int(method: "percentile")`, which rliable uses).
    init(point: Double, percentilesOf estimates: inout [Double], confidence: Double) {
        estimates.sort()
        let tail = (1 - confidence) / 2
        self.init(
            point: point, lower: OrderStatistics.percentile(sorted: estimates, tail),
            upper: OrderStatistics.percentile(sorted: estimates, 1 - tail))
    }
}
