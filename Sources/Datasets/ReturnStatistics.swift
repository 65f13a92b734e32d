/// Distribution of episode returns: count, mean, min, max and quartiles.
///
/// Quantiles interpolate linearly between order statistics (q·(n−1) position).
public struct ReturnStatistics: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    public let minimum: Double
    public let maximum: Double
    public let lowerQuartile: Double
    public let median: Double
    public let upperQuartile: Double

    /// Statistics of `returns`; all zero when empty.
    public init(returns: [Double]) {
        count = returns.count
        guard !returns.isEmpty else {
            (mean, minimum, maximum, lowerQuartile, median, upperQuartile) = (0, 0, 0, 0, 0, 0)
            return
        }
        let sorted = returns.sorted()
        mean = returns.reduce(0, +) / Double(returns.count)
        minimum = sorted.first!
        maximum = sorted.last!
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let low = Int(position)
            let high = min(low + 1, sorted.count - 1)
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }
        lowerQuartile = quantile(0.25)
        median = quantile(0.5)
        upperQuartile = quantile(0.75)
    }
}
