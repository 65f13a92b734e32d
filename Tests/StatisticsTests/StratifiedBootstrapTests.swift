import Statistics
import TensorCore
import Testing

/// Stratified bootstrap intervals and probability of improvement.
@Suite struct StratifiedBootstrapTests {
    /// Runs × tasks of task means `means` plus `spreads` × standard normal noise.
    static func normalScores(runs: Int, means: [Double], spreads: [Double], random: inout RandomStream) -> ScoreMatrix {
        let rows = (0..<runs).map { _ in means.indices.map { means[$0] + spreads[$0] * random.nextNormal() } }
        return try! ScoreMatrix(rows)
    }

    /// Task t's runs score 10·t + 0.1 … 10·t + 0.4, so every task has its own range.
    static let disjointTasks = try! ScoreMatrix(
        (1...4).map { run in (0..<3).map { 10 * Double($0) + 0.1 * Double(run) } })

    @Test func resamplesDrawEachTasksRunsOnlyFromThatTask() {
        let scores = Self.disjointTasks
        let originals = (0..<3).map { task in Set(scores.rows.map { $0[task] }) }
        var seen = [Set<Double>](repeating: [], count: 3)
        var resamplesUnlikeTheData = 0
        var strayDraws: [String] = []
        StratifiedBootstrap(repetitions: 200, seed: 5).forEachResample(of: scores) { resample in
            var unlikeTheData = resample.count != 12
            for task in 0..<3 {
                let drawn = Array(resample[task * 4..<(task + 1) * 4])
                if !drawn.allSatisfy({ originals[task].contains($0) }) { strayDraws.append("task \(task): \(drawn)") }
                seen[task].formUnion(drawn)
                if drawn != scores.rows.map({ $0[task] }) { unlikeTheData = true }
            }
            if unlikeTheData { resamplesUnlikeTheData += 1 }
        }
        #expect(strayDraws.isEmpty, "resamples left their task: \(strayDraws.prefix(3)) (\(strayDraws.count) in all)")
        // Every run of every task gets drawn, and resamples really vary (P(identity) = 4!/4⁴ per task).
        #expect(seen == originals)
        #expect(resamplesUnlikeTheData > 190)
    }

    /// 300 data sets of 20 runs × 3 tasks from normals with known means (true mean of task means
    /// 0.6); the 95 % interval of the mean (400 resamples each) should contain 0.6 about 95 % of
    /// the time. The percentile bootstrap runs slightly narrow at 20 runs (≈ 0.94); pooling tasks
    /// instead of stratifying adds between-task spread and pushes coverage to ≈ 1.
    @Test func ninetyFivePercentIntervalOfTheMeanCoversTheTrueMean() {
        let means = [0.2, 0.5, 1.1]
        let trueMean = means.reduce(0, +) / 3
        var random = RandomStream(seed: 2021).derived("coverage")
        var covered = 0
        let trials = 300
        for trial in 0..<trials {
            let scores = Self.normalScores(runs: 20, means: means, spreads: [0.1, 0.3, 0.2], random: &random)
            let interval = StratifiedBootstrap(repetitions: 400, seed: UInt64(trial)).interval(.mean, of: scores)
            #expect(interval.lower <= interval.point && interval.point <= interval.upper)
            if interval.lower <= trueMean && trueMean <= interval.upper { covered += 1 }
        }
        let coverage = Double(covered) / Double(trials)
        #expect(coverage >= 0.90 && coverage <= 0.985, "coverage \(coverage)")
    }

    @Test func theSeedFixesTheInterval() {
        var random = RandomStream(seed: 11)
        let scores = Self.normalScores(
            runs: 5, means: [0.3, 0.8, 1.0, 0.4], spreads: [0.2, 0.2, 0.2, 0.2], random: &random)
        for metric in AggregateMetric.allCases {
            let first = StratifiedBootstrap(repetitions: 300, seed: 1).interval(metric, of: scores)
            let again = StratifiedBootstrap(repetitions: 300, seed: 1).interval(metric, of: scores)
            let otherSeed = StratifiedBootstrap(repetitions: 300, seed: 2).interval(metric, of: scores)
            #expect(first == again, "\(metric)")
            #expect(otherSeed.point == first.point, "\(metric)")
            #expect(otherSeed.lower != first.lower || otherSeed.upper != first.upper, "\(metric): seed ignored")
            #expect(abs(otherSeed.lower - first.lower) < 0.2 && abs(otherSeed.upper - first.upper) < 0.2, "\(metric)")
        }
    }

    @Test func allMetricsAtOnceMatchEachAlone() {
        var random = RandomStream(seed: 12)
        let scores = Self.normalScores(runs: 3, means: [0.5, 0.9, 1.3], spreads: [0.3, 0.3, 0.3], random: &random)
        let bootstrap = StratifiedBootstrap(repetitions: 500, seed: 4)
        let together = bootstrap.intervals(of: scores)
        #expect(Set(together.keys) == Set(AggregateMetric.allCases))
        for metric in AggregateMetric.allCases {
            #expect(together[metric] == bootstrap.interval(metric, of: scores), "\(metric)")
            #expect(together[metric]!.point == metric.value(of: scores))
        }
    }

    /// With one run per task every resample is the data itself: the interval collapses onto the point.
    @Test func oneRunGivesAZeroWidthInterval() throws {
        let scores = try ScoreMatrix([[0.2, 1.4, 0.7]])
        for (metric, interval) in StratifiedBootstrap(repetitions: 50).intervals(of: scores) {
            #expect(interval.lower == interval.point && interval.upper == interval.point, "\(metric): \(interval)")
        }
    }

    /// X has 3 runs, Y 2, over 2 tasks.
    ///   task 0: X 1 2 3 vs Y 2 0 → pairs (1,2) 0, (1,0) 1, (2,2) ½, (2,0) 1, (3,2) 1, (3,0) 1 → 4.5 / 6 = 0.75
    ///   task 1: X 5 5 5 vs Y 5 5 → six ties of ½ → 3 / 6 = 0.5
    /// P(X > Y) = (0.75 + 0.5) / 2 = 0.625; P(Y > X) = 1 − 0.625 = 0.375.
    @Test func probabilityOfImprovementCountsTiesAsHalf() throws {
        let x = try ScoreMatrix([[1, 5], [2, 5], [3, 5]])
        let y = try ScoreMatrix([[2, 5], [0, 5]])
        let bootstrap = StratifiedBootstrap(repetitions: 500, seed: 9)
        let xOverY = try bootstrap.probabilityOfImprovement(x, over: y)
        #expect(abs(xOverY.point - 0.625) < 1e-12)
        #expect(abs(try bootstrap.probabilityOfImprovement(y, over: x).point - 0.375) < 1e-12)
        #expect(0 <= xOverY.lower && xOverY.lower <= xOverY.point)
        #expect(xOverY.point <= xOverY.upper && xOverY.upper <= 1)
        #expect(xOverY.lower < xOverY.upper)
        // Task 1 is all ties in every resample, so P stays in [0.25, 0.75]: the task-0 share / 2 + 0.25.
        #expect(xOverY.lower >= 0.25 && xOverY.upper <= 0.75)
    }

    @Test func probabilityOfImprovementOfSeparatedSettingsIsCertain() throws {
        let better = try ScoreMatrix([[2, 3], [2.5, 3.5]])
        let worse = try ScoreMatrix([[1, 0], [0.5, 1], [1.5, 2]])
        let interval = try StratifiedBootstrap(repetitions: 100).probabilityOfImprovement(better, over: worse)
        #expect(interval == ConfidenceInterval(point: 1, lower: 1, upper: 1))
    }

    @Test func probabilityOfImprovementNeedsTheSameTasks() throws {
        let x = try ScoreMatrix([[1, 2, 3]])
        let y = try ScoreMatrix([[1, 2]])
        #expect(throws: StatisticsError.taskCountMismatch(x: 3, y: 2)) {
            try StratifiedBootstrap().probabilityOfImprovement(x, over: y)
        }
    }
}
