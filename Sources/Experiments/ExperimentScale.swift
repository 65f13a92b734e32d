import Datasets
import Environments

/// How big an experiment's runs are: `smoke` (minutes on 2 cores, for tests), `cpu` (the smallest
/// setting that still answers the experiment's question; see the README for how it was chosen),
/// `paper` (the paper's settings, for a cluster).
public enum ExperimentScale: String, CaseIterable, Sendable, Codable {
    case smoke, cpu, paper

    /// The data and training settings of this scale in `environment`.
    public func settings(for environment: EnvironmentKind) -> ScaleSettings {
        let cpuSteps = Self.cpuSteps(environment)
        return switch self {
        case .smoke:
            ScaleSettings(episodesPerTask: 20, stages: 2, referenceEpisodes: 10, referenceMaxEpisodes: 40, steps: 20, batch: 8,
                          chunk: 10, embed: 16, heads: 2, evalEvery: 10, evalEpisodes: 2, finalEvalEpisodes: 4, checkpointEvery: 10,
                          embeddings: [16, 32], datasetFractions: [0.5, 1])
        case .cpu:
            ScaleSettings(episodesPerTask: Self.cpuEpisodes(environment), stages: 10, referenceEpisodes: 100,
                          referenceMaxEpisodes: 10_000, steps: cpuSteps, batch: 64, chunk: 20, embed: 64, heads: 4,
                          evalEvery: cpuSteps / 6, evalEpisodes: 32, finalEvalEpisodes: 320, checkpointEvery: cpuSteps / 6, embeddings: [32, 64, 128, 256],
                          datasetFractions: [0.125, 0.25, 0.5, 1])
        case .paper:
            ScaleSettings(episodesPerTask: 2_000, stages: 10, referenceEpisodes: 100, referenceMaxEpisodes: 10_000,
                          steps: 100_000, batch: 64, chunk: 20, embed: 128, heads: 4, evalEvery: 25_000, evalEpisodes: 32,
                          finalEvalEpisodes: 320, checkpointEvery: 5_000, embeddings: [64, 128, 256, 512, 768],
                          datasetFractions: [0.125, 0.25, 0.5, 1])
        }
    }

    /// Updates at cpu scale (evaluations and checkpoints every sixth of them), from learning curves
    /// (README, Experiments): LBF's and Connector's held-out returns settle by 2,000 updates;
    /// RWARE's (MT Oryx, 4 tasks) is 0.04 after 3,000 and 0.11–0.13 from 7,000 to 12,000.
    static func cpuSteps(_ environment: EnvironmentKind) -> Int {
        switch environment {
        case .lbf, .connector: 3_000
        case .rware: 9_000
        }
    }

    /// Episodes per task at cpu scale, from the learnability curves (README, Datasets): the fewest
    /// where behaviour cloning of a task's data keeps ≥ 80 % of the behaviour's return without
    /// memorising it (LBF 94 % and RWARE 89 % at 500, Connector 79 % at 500 but 92 % at 2,000).
    static func cpuEpisodes(_ environment: EnvironmentKind) -> Int {
        switch environment {
        case .lbf, .rware: 500
        case .connector: 2_000
        }
    }
}

/// The settings a scale gives one environment's runs.
public struct ScaleSettings: Sendable, Equatable {
    /// Episodes recorded per training task (`collect --episodes`), in `stages` quality stages.
    public var episodesPerTask: Int
    public var stages: Int
    /// The reference-return precision rule (`collect --reference-episodes / --reference-max-episodes`).
    public var referenceEpisodes: Int
    public var referenceMaxEpisodes: Int
    public var steps: Int
    public var batch: Int
    public var chunk: Int
    public var embed: Int
    public var heads: Int
    public var evalEvery: Int
    public var evalEpisodes: Int
    public var finalEvalEpisodes: Int
    public var checkpointEvery: Int
    /// fig5b's embeddings.
    public var embeddings: [Int]
    /// fig5a's fractions of each task's episodes.
    public var datasetFractions: [Double]

    public var referencePrecision: ReferencePrecision {
        ReferencePrecision(minimumEpisodes: referenceEpisodes, maximumEpisodes: referenceMaxEpisodes)
    }
}
