import Foundation
import Statistics
import TensorCore

/// Time of stratified bootstrap intervals on a runs × tasks matrix of normalised scores:
/// all four aggregate metrics on shared resamples, the four one at a time, and probability of
/// improvement of one such matrix over another.
///
/// Usage: `BootstrapBenchmark.run(arguments:)` with `[--runs 3] [--tasks 15] [--reps 2000]`.
enum BootstrapBenchmark {
    static func run(arguments: [String]) {
        let runs = Int(BenchmarkSupport.option("runs", in: arguments) ?? "") ?? 3
        let tasks = Int(BenchmarkSupport.option("tasks", in: arguments) ?? "") ?? 15
        let reps = Int(BenchmarkSupport.option("reps", in: arguments) ?? "") ?? 2_000
        print("== stratified bootstrap (single thread)")
        print(MachineInfo.current().summary)
        var random = RandomStream(seed: 1)
        func scores(center: Double) -> ScoreMatrix {
            try! ScoreMatrix((0..<runs).map { _ in (0..<tasks).map { _ in center + 0.3 * random.nextNormal() } })
        }
        let x = scores(center: 0.9)
        let y = scores(center: 0.8)
        let bootstrap = StratifiedBootstrap(repetitions: reps)
        print("\(runs) runs × \(tasks) tasks, \(reps) resamples")
        let shared = BenchmarkSupport.timeRepeated(minimumSeconds: 1) { _ = bootstrap.intervals(of: x) }
        print(String(format: "4 metrics, shared resamples (intervals):  %8.2f ms", shared * 1e3))
        let separate = BenchmarkSupport.timeRepeated(minimumSeconds: 1) {
            for metric in AggregateMetric.allCases { _ = bootstrap.interval(metric, of: x) }
        }
        print(String(format: "4 metrics, one interval call each:       %8.2f ms", separate * 1e3))
        let improvement = BenchmarkSupport.timeRepeated(minimumSeconds: 1) {
            _ = try! bootstrap.probabilityOfImprovement(x, over: y)
        }
        print(String(format: "probability of improvement X over Y:     %8.2f ms", improvement * 1e3))
    }
}
