import Environments
import Foundation
import Losses
import Training

/// The grid of runs of an experiment: one `ExperimentCell` per (environment, algorithm, setting,
/// seed), in a fixed order (every process that reads the same `ExperimentSpec` gets the same list).
public enum ExperimentPlan {
    /// The cells of `spec`, whose run directories lie under `directory.runs`.
    /// - Throws: `ExperimentError.invalid` for overrides that make an invalid configuration.
    public static func cells(for spec: ExperimentSpec, directory: ExperimentDirectory) throws -> [ExperimentCell] {
        var cells: [ExperimentCell] = []
        for environment in spec.environments {
            let scale = spec.scale.settings(for: environment)
            let training = spec.trainingTaskIDs(environment)
            for algorithm in spec.algorithms {
                for variant in variants(spec.name, scale: scale, training: training, taskCounts: spec.taskCounts) {
                    for seed in 0..<spec.seeds {
                        let id = "\(environment.rawValue)/\(algorithm.rawValue)/\(variant.path)/seed\(seed)"
                        var config = TrainConfig()
                        config.env = environment
                        config.loss.kind = algorithm
                        config.embed = scale.embed
                        config.heads = scale.heads
                        config.batch = scale.batch
                        config.chunk = scale.chunk
                        config.steps = scale.steps
                        config.evalEvery = scale.evalEvery
                        config.evalEpisodes = scale.evalEpisodes
                        config.finalEvalEpisodes = scale.finalEvalEpisodes
                        config.checkpointEvery = scale.checkpointEvery
                        for (key, value) in spec.overrides.sorted(by: { $0.key < $1.key }) { try config.set(key, value) }
                        config.seed = seed
                        config.tasks = variant.tasks.joined(separator: ",")
                        config.heldOut = .test
                        config.data = variant.fraction.map { directory.subsampledData(fraction: $0) } ?? spec.data
                        config.out = directory.runDirectory(id)
                        variant.apply(&config)
                        do { try config.validate() } catch { throw ExperimentError.invalid("run \(id): \(error)") }
                        cells.append(ExperimentCell(id: id, environment: environment, algorithm: algorithm, setting: variant.setting,
                                                    x: variant.x.map { $0(scale) }, seed: seed, config: config))
                    }
                }
            }
        }
        return cells
    }

    /// One setting of an experiment before seeds and algorithms multiply it.
    struct Variant {
        var setting: String
        /// Path component of the run directory.
        var path: String
        var tasks: [String]
        var x: (@Sendable (ScaleSettings) -> Double)?
        /// fig5a: the fraction of each task's episodes (nil = all).
        var fraction: Double?
        var apply: (inout TrainConfig) -> Void = { _ in }
    }

    static func variants(_ name: ExperimentName, scale: ScaleSettings, training: [String], taskCounts: [Int]?) -> [Variant] {
        switch name {
        case .table1:
            return [Variant(setting: "MT", path: "mt", tasks: training)]
        case .fig1:
            return [Variant(setting: "MT", path: "mt", tasks: training)]
                + training.map { Variant(setting: "ST", path: "st-\($0)", tasks: [$0]) }
        case .fig4:
            return (taskCounts ?? Array(1...training.count)).map { count in
                Variant(setting: "tasks", path: "tasks-\(count)", tasks: Array(training.prefix(count)), x: { _ in Double(count) })
            }
        case .fig5a:
            return scale.datasetFractions.map { fraction in
                Variant(setting: "episodes", path: "fraction-\(fractionText(fraction))", tasks: training,
                        x: { s in (fraction * Double(s.episodesPerTask)).rounded() }, fraction: fraction < 1 ? fraction : nil)
            }
        case .fig5b:
            return scale.embeddings.map { embed in
                Variant(setting: "embed", path: "embed-\(embed)", tasks: training, x: { _ in Double(embed) },
                        apply: { $0.embed = embed })
            }
        case .fig6:
            return [
                Variant(setting: "full", path: "full", tasks: training),
                Variant(setting: "mse", path: "mse", tasks: training, apply: { $0.value = .mse }),
                Variant(setting: "no-masking", path: "no-masking", tasks: training,
                        apply: { $0.loss.masksAbsentAgents = false; $0.shufflesAgents = false }),
                Variant(setting: "single-task", path: "single-task", tasks: training, apply: { $0.batching = .singleTask }),
                Variant(setting: "proportional", path: "proportional", tasks: training, apply: { $0.batching = .proportional }),
            ]
        }
    }

    /// "0.125", "0.5", "1" (for paths and labels).
    static func fractionText(_ fraction: Double) -> String {
        var text = String(format: "%.4f", fraction)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
