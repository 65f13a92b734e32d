import Foundation
import TensorCore

/// Milliseconds of the optimiser phase of an update (global-norm clipping, Adam, Polyak) on a flat
/// arena, on 1 thread and on more, alternated in the same run.
///
/// Flags: `--floats 117232,7300000` (the E = 64 and E = 512 RWARE arenas), `--threads 1,2`
/// (default 1 and the compute thread count), `--repeats 9`. Prints the median per thread count
/// and its speed-up over the first count. Every step clips (the gradient is refilled, untimed,
/// with a norm above the limit).
public enum OptimizerBenchmark {
    public static func run(arguments: [String]) {
        let sizes = BenchmarkSupport.intList("floats", in: arguments, default: [117_232, 7_300_000])
        let threads = BenchmarkSupport.intList("threads", in: arguments, default: [1, max(2, BLAS.threadCount)])
        let repeats = Int(BenchmarkSupport.option("repeats", in: arguments) ?? "9") ?? 0
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }), !threads.isEmpty, threads.allSatisfy({ $0 > 0 }), repeats > 0 else {
            print("optimizer: --floats and --threads take positive integers (2000,30000), --repeats a positive integer")
            return
        }
        BenchmarkSupport.printHeader("optimizer: clip + Adam + Polyak on a flat arena")
        print("floats      threads  median ms  speed-up")
        for count in sizes {
            let milliseconds = measure(count: count, threads: threads, repeats: repeats)
            for (t, ms) in zip(threads, milliseconds) {
                print(String(format: "%-11d %-8d %9.2f  %7.2fx", count, t, ms, milliseconds[0] / ms))
            }
        }
    }

    /// Median milliseconds per thread count, the counts alternated within each repeat.
    static func measure(count: Int, threads: [Int], repeats: Int) -> [Double] {
        var random = RandomStream(seed: 3)
        let source = AlignedBuffer((0..<count).map { _ in Float(random.nextNormal()) })
        let gradients = AlignedBuffer(count: count), parameters = AlignedBuffer(count: count), target = AlignedBuffer(count: count)
        parameters.copy(from: source)
        target.copy(from: source)
        let adam = AdamOptimizer(parameterCount: count, settings: .init())
        var samples = [[Double]](repeating: [], count: threads.count)
        for _ in 0..<repeats {
            for (index, workers) in threads.enumerated() {
                gradients.copy(from: source)
                let start = DispatchTime.now().uptimeNanoseconds
                ArenaMath.clipGlobalNorm(gradients, maxNorm: 1, workers: workers)
                adam.step(parameters: parameters, gradients: gradients, workers: workers)
                ArenaMath.polyakUpdate(target: target, online: parameters, tau: 0.005, workers: workers)
                samples[index].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        return samples.map { $0.sorted()[$0.count / 2] }
    }
}
