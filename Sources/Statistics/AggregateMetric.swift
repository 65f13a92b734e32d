/// The aggregate performance metrics of Agarwal et al. 2021 ("Deep RL at the edge of the
/// statistical precipice"), defined as rliable's `metrics.py` (and so marl-eval) defines them.
public enum AggregateMetric: String, CaseIterable, Sendable, Codable {
    /// Mean over tasks of each task's mean over runs (= the mean of all runs × tasks).
    case mean
    /// Median over tasks of each task's mean over runs (rliable's `aggregate_median`; not the
    /// median of all runs × tasks pooled).
    case median
    /// Interquartile mean of all runs × tasks pooled: scipy's `trim_mean(·, 0.25)`, which drops
    /// int(0.25 · n) scores from each end of the n sorted scores.
    case iqm
    /// γ − mean(min(x, γ)) over all runs × tasks with γ = 1 (normalised score 1 = the reference),
    /// i.e. the mean shortfall below the reference.
    case optimalityGap = "optimality_gap"

    /// The threshold γ of the optimality gap.
    public static let optimalityThreshold = 1.0

    /// The point estimate over all runs × tasks of `scores`.
    public func value(of scores: ScoreMatrix) -> Double {
        let values = scores.taskMajor
        var scratch = [Double](repeating: 0, count: values.count)
        return values.withUnsafeBufferPointer { values in
            scratch.withUnsafeMutableBufferPointer { scratch in
                value(taskMajor: values, runCount: scores.runCount, scratch: scratch)
            }
        }
    }

    /// Human-readable name for tables and plots.
    public var title: String {
        switch self {
        case .mean: "Mean"
        case .median: "Median"
        case .iqm: "IQM"
        case .optimalityGap: "Optimality gap"
        }
    }

    /// The metric of task-major scores (element `task * runCount + run`) without allocating;
    /// `scratch` holds at least `values.count` elements and is overwritten.
    func value(
        taskMajor values: UnsafeBufferPointer<Double>, runCount: Int, scratch: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        let count = values.count
        let taskCount = count / runCount
        switch self {
        case .mean:
            var sumOfTaskMeans = 0.0
            for t in 0..<taskCount { sumOfTaskMeans += Self.mean(values, task: t, runCount: runCount) }
            return sumOfTaskMeans / Double(taskCount)
        case .median:
            for t in 0..<taskCount { scratch[t] = Self.mean(values, task: t, runCount: runCount) }
            return OrderStatistics.median(UnsafeMutableBufferPointer(rebasing: scratch[0..<taskCount]))
        case .iqm:
            let pooled = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
            for i in 0..<count { pooled[i] = values[i] }
            return OrderStatistics.trimmedMean(pooled, lowerCut: count / 4)
        case .optimalityGap:
            let gamma = Self.optimalityThreshold
            var clippedSum = 0.0
            for score in values { clippedSum += min(score, gamma) }
            return gamma - clippedSum / Double(count)
        }
    }

    private static func mean(_ values: UnsafeBufferPointer<Double>, task: Int, runCount: Int) -> Double {
        var sum = 0.0
        for i in task * runCount..<(task + 1) * runCount { sum += values[i] }
        return sum / Double(runCount)
    }
}
