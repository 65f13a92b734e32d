import TensorCore

/// Stratified bootstrap confidence intervals (Agarwal et al. 2021; rliable's `StratifiedBootstrap`
/// with `get_interval_estimates(method: "percentile")`): tasks are strata, and each resample draws,
/// for every task independently, as many runs as the matrix has, with replacement, from that
/// task's runs. The interval is the percentile interval of the metric over the resamples; its
/// point is the metric of the original scores.
///
/// The same seed gives the same resamples and so the same intervals; `intervals` evaluates all
/// metrics on one shared set of resamples (rliable's usual `aggregate_func`).
public struct StratifiedBootstrap: Sendable {
    public let repetitions: Int
    public let confidence: Double
    public let seed: UInt64

    /// A bootstrap of `repetitions` resamples giving `confidence`-level intervals.
    /// Precondition: `repetitions` ≥ 1 and 0 < `confidence` < 1 (`checked` throws instead).
    public init(repetitions: Int = 2_000, confidence: Double = 0.95, seed: UInt64 = 0) {
        precondition(repetitions >= 1, StatisticsError.invalidRepetitions(repetitions).description)
        precondition(confidence > 0 && confidence < 1, StatisticsError.invalidConfidence(confidence).description)
        self.repetitions = repetitions
        self.confidence = confidence
        self.seed = seed
    }

    /// A bootstrap from settings a user gave. - Throws: `StatisticsError` for repetitions < 1 or a
    /// confidence outside (0, 1).
    public static func checked(repetitions: Int, confidence: Double, seed: UInt64) throws -> StratifiedBootstrap {
        guard repetitions >= 1 else { throw StatisticsError.invalidRepetitions(repetitions) }
        guard confidence > 0, confidence < 1 else { throw StatisticsError.invalidConfidence(confidence) }
        return StratifiedBootstrap(repetitions: repetitions, confidence: confidence, seed: seed)
    }

    /// The point estimate of `metric` on `scores` with its stratified bootstrap interval.
    public func interval(_ metric: AggregateMetric, of scores: ScoreMatrix) -> ConfidenceInterval {
        intervals([metric], of: scores)[metric]!
    }

    /// Intervals of several metrics computed on the same resamples (each equals what `interval`
    /// gives for that metric alone with this seed).
    public func intervals(
        _ metrics: [AggregateMetric] = AggregateMetric.allCases, of scores: ScoreMatrix
    ) -> [AggregateMetric: ConfidenceInterval] {
        let reps = repetitions
        let runCount = scores.runCount
        var estimates = [Double](repeating: 0, count: metrics.count * reps)
        var scratch = [Double](repeating: 0, count: runCount * scores.taskCount)
        estimates.withUnsafeMutableBufferPointer { estimates in
            scratch.withUnsafeMutableBufferPointer { scratch in
                var rep = 0
                forEachResample(of: scores) { resample in
                    for (m, metric) in metrics.enumerated() {
                        estimates[m * reps + rep] = metric.value(
                            taskMajor: resample, runCount: runCount, scratch: scratch)
                    }
                    rep += 1
                }
            }
        }
        var result: [AggregateMetric: ConfidenceInterval] = [:]
        for (m, metric) in metrics.enumerated() {
            var metricEstimates = Array(estimates[m * reps..<(m + 1) * reps])
            result[metric] = ConfidenceInterval(
                point: metric.value(of: scores), percentilesOf: &metricEstimates, confidence: confidence)
        }
        return result
    }

    /// Calls `body` with each of the `repetitions` resamples of `scores` in turn, task-major
    /// (element `task * runCount + run`); the buffer is reused, valid only during the call.
    /// The resamples every interval of this bootstrap is computed from (a hook for tests).
    package func forEachResample(of scores: ScoreMatrix, _ body: (UnsafeBufferPointer<Double>) -> Void) {
        var resampler = StratifiedResampler(scores)
        var random = RandomStream(seed: seed).derived("stratified-bootstrap")
        for _ in 0..<repetitions {
            resampler.draw(using: &random)
            resampler.resample.withUnsafeBufferPointer(body)
        }
    }
}
