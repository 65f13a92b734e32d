import TensorCore

extension StratifiedBootstrap {
    /// P(X > Y): rliable's `probability_of_improvement`. Per task, the share of (run of X, run of Y)
    /// pairs where X scores higher, ties counting 1/2 (the Mann-Whitney U of X over nₓ·n_y), then the
    /// mean over tasks. The interval resamples X and Y independently, each stratified by task
    /// (rliable's `StratifiedIndependentBootstrap`). X and Y may have different run counts.
    ///
    /// - Throws: `StatisticsError.taskCountMismatch` when X and Y cover different numbers of tasks.
    public func probabilityOfImprovement(_ x: ScoreMatrix, over y: ScoreMatrix) throws -> ConfidenceInterval {
        guard x.taskCount == y.taskCount else {
            throw StatisticsError.taskCountMismatch(x: x.taskCount, y: y.taskCount)
        }
        let point = Self.probabilityOfImprovement(
            x.taskMajor, runCountX: x.runCount, over: y.taskMajor, runCountY: y.runCount)
        var resamplerX = StratifiedResampler(x)
        var resamplerY = StratifiedResampler(y)
        var random = RandomStream(seed: seed).derived("probability-of-improvement")
        var estimates = [Double](repeating: 0, count: repetitions)
        for rep in 0..<repetitions {
            resamplerX.draw(using: &random)
            resamplerY.draw(using: &random)
            estimates[rep] = Self.probabilityOfImprovement(
                resamplerX.resample, runCountX: x.runCount, over: resamplerY.resample, runCountY: y.runCount)
        }
        return ConfidenceInterval(point: point, percentilesOf: &estimates, confidence: confidence)
    }

    /// P(X > Y) of task-major scores (same task count), ties counting 1/2; allocates nothing.
    static func probabilityOfImprovement(_ x: [Double], runCountX: Int, over y: [Double], runCountY: Int) -> Double {
        let taskCount = x.count / runCountX
        var sumOverTasks = 0.0
        for task in 0..<taskCount {
            var wins = 0.0
            for i in task * runCountX..<(task + 1) * runCountX {
                for j in task * runCountY..<(task + 1) * runCountY {
                    if x[i] > y[j] { wins += 1 } else if x[i] == y[j] { wins += 0.5 }
                }
            }
            sumOverTasks += wins / Double(runCountX * runCountY)
        }
        return sumOverTasks / Double(taskCount)
    }
}
