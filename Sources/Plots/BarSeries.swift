/// One series of a `BarChart`: a value per category and, optionally, the ends of its error bars.
public struct BarSeries: Sendable {
    public let name: String
    public let values: [Double]
    public let lower: [Double]?
    public let upper: [Double]?

    /// - Parameters:
    ///   - name: shown in the legend.
    ///   - values: one per category of the chart; NaN (or any value `PlotValue` cannot draw) means
    ///     no bar, shown as "n/a".
    ///   - lower, upper: the error bar's ends as absolute values (not offsets), one per category; a
    ///     missing end (NaN) draws the bar from the value to the other end.
    public init(name: String, values: [Double], lower: [Double]? = nil, upper: [Double]? = nil) {
        for (bound, label) in [(lower, "lower"), (upper, "upper")] {
            if let bound {
                precondition(
                    bound.count == values.count,
                    "bar series \"\(name)\": \(label) has \(bound.count) entries for \(values.count) values")
            }
        }
        self.name = name
        self.values = values
        self.lower = lower
        self.upper = upper
    }

    /// The error bar's ends at category `index`, or nil when it has neither.
    func errorBar(_ index: Int) -> (low: Double, high: Double)? {
        let value = values[index]
        let low = lower.map { $0[index] }.flatMap { PlotValue.isPlottable($0) ? $0 : nil }
        let high = upper.map { $0[index] }.flatMap { PlotValue.isPlottable($0) ? $0 : nil }
        guard PlotValue.isPlottable(value), low != nil || high != nil else { return nil }
        return (low ?? value, high ?? value)
    }
}
