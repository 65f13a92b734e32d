/// A mean episode return measured on a number of episodes, with the standard error of the mean.
public struct MeasuredReturn: Sendable, Equatable {
    public var mean: Double
    public var standardError: Double
    public var episodes: Int

    public init(mean: Double, standardError: Double, episodes: Int) {
        self.mean = mean
        self.standardError = standardError
        self.episodes = episodes
    }

    /// The mean and standard error of `returns` (standard error 0 below two episodes).
    public init(returns: [Double]) {
        let n = Double(returns.count)
        let mean = returns.isEmpty ? 0 : returns.reduce(0, +) / n
        let variance = returns.count > 1 ? returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        self.init(mean: mean, standardError: returns.count > 1 ? (variance / n).squareRoot() : 0, episodes: returns.count)
    }
}
