import Datasets
import Environments
import Foundation
import TensorCore

/// Sampled chunks/s and MB/s of `TaskBalancedSampler` (B windows of T steps per update).
///
/// Usage: `SamplerBenchmark.run(arguments:)` with
/// `[--dataset PATH | --env lbf|rware|connector --episodes N --out DIR] [--batch 64] [--window 20] [--updates 500]`.
/// Without `--dataset` it first collects the environment's train tasks (timing collection and
/// reporting size on disk), then samples from them.
enum SamplerBenchmark {
    static func run(arguments: [String]) {
        var options: [String: String] = [
            "--env": "lbf", "--episodes": "200", "--batch": "64", "--window": "20", "--updates": "500",
        ]
        var index = 0
        while index + 1 < arguments.count {
            options[arguments[index]] = arguments[index + 1]
            index += 2
        }
        do {
            let paths: [String]
            if let dataset = options["--dataset"] {
                paths = try DatasetInspector.datasetPaths(at: dataset)
            } else {
                paths = try collect(options)
            }
            try sample(
                paths: paths, batchSize: Int(options["--batch"]!) ?? 64, window: Int(options["--window"]!) ?? 20,
                updates: Int(options["--updates"]!) ?? 500)
        } catch {
            print("sampler benchmark: \(error)")
        }
    }

    private static func collect(_ options: [String: String]) throws -> [String] {
        guard let kind = EnvironmentKind(rawValue: options["--env"]!), let episodes = Int(options["--episodes"]!) else {
            throw DatasetError.invalidOption(
                name: "--env/--episodes", value: "\(options["--env"]!)/\(options["--episodes"]!)",
                expected: "lbf|rware|connector and an integer")
        }
        let directory = options["--out"] ?? NSTemporaryDirectory() + "sampler-benchmark-\(getpid())"
        var paths: [String] = []
        var totalSeconds = 0.0
        var totalBytes = 0
        for task in TaskRegistry.tasks(kind: kind, split: .train) {
            let clock = ContinuousClock.now
            let summary = try DatasetCollector.collectAndWrite(
                task: task, episodes: episodes, seed: 42, directory: directory)
            let seconds = secondsSince(clock)
            totalSeconds += seconds
            totalBytes += summary.fileBytes ?? 0
            let stages = summary.stageReturns.map { String(format: "%.2f", $0.mean) }.joined(separator: " ")
            print(
                "collect \(task.id): \(summary.episodes) episodes, \(summary.transitions) transitions, \(String(format: "%.2f", seconds)) s, \(summary.fileBytes ?? 0) bytes; stage means \(stages); reference \(String(format: "%.3f", summary.referenceReturn))"
            )
            paths.append(DatasetWriter.path(directory: directory, environment: task.kind.rawValue, taskId: task.id))
        }
        print(
            "collect \(kind.rawValue) total: \(paths.count) tasks, \(String(format: "%.2f", totalSeconds)) s, \(totalBytes) bytes in \(directory)"
        )
        return paths
    }

    private static func sample(paths: [String], batchSize: Int, window: Int, updates: Int) throws {
        let datasets = try paths.map { try DatasetFile(path: $0) }
        let sampler = try TaskBalancedSampler(
            datasets: datasets, configuration: SamplerConfiguration(timeSteps: window))
        var batch = sampler.makeBatch(batchSize: batchSize)
        let tokens = batchSize * window * sampler.agentSlots
        let bytesPerBatch =
            tokens * (sampler.inputSize * 4 + 4 + 4 + sampler.actionCount) + batchSize
            * (window * 4 + sampler.agentSlots * 4 + 4)
        sampler.fill(&batch, plan: sampler.plan(mode: .balanced, update: 0, batchSize: batchSize), range: 0..<batchSize)
        let clock = ContinuousClock.now
        for update in 1...max(1, updates) {
            sampler.fill(
                &batch, plan: sampler.plan(mode: .balanced, update: update, batchSize: batchSize), range: 0..<batchSize)
        }
        let seconds = secondsSince(clock)
        let chunks = Double(max(1, updates) * batchSize) / seconds
        let megabytes = Double(max(1, updates) * bytesPerBatch) / seconds / 1e6
        print(
            "sampler: \(datasets.count) tasks, B \(batchSize), T \(window), N \(sampler.agentSlots), D_o \(sampler.inputSize), A \(sampler.actionCount)"
        )
        print(
            String(
                format: "sampler: %.0f chunks/s, %.1f MB/s (%d batches of %d bytes in %.3f s)", chunks, megabytes,
                max(1, updates), bytesPerBatch, seconds))
    }

    private static func secondsSince(_ start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
