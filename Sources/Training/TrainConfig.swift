import Datasets
import Environments
import Foundation
import Losses
import Model
import OptionParsing

/// Value learning as classification (HL-Gauss) or regression (MSE).
public enum ValueLoss: String, CaseIterable, Sendable, Codable { case hlgauss, mse }
/// What the trainer does with an update whose loss or gradient norm is NaN or infinite.
public enum NonFiniteAction: String, CaseIterable, Sendable, Codable {
    /// Stop every rank with a diagnostic; the last checkpoint stays as it was.
    case stop
    /// Leave the parameters as they were, count the update as skipped, go on.
    case skip
}
/// Which split picks the best checkpoint.
public enum SelectionSplit: String, CaseIterable, Sendable, Codable { case train, test }

/// Every setting of a training run. Flags and config-file keys share names (`--batch` = "batch");
/// `TrainConfig.settings` is the table that parses, prints, saves and checks them.
///
/// Defaults follow spec §6 (og-marl's Oryx config) except `steps` and the evaluation cadence,
/// which are sized for a laptop-scale run; set them as the paper does for comparable numbers.
public struct TrainConfig: SettingsTable {
    public var env: EnvironmentKind = .lbf
    public var data = "data"
    /// `train`, `test`, or a comma-separated list of task ids.
    public var tasks = "train"
    /// Tasks evaluated zero-shot besides the training tasks.
    public var heldOut: HeldOutTasks = .test
    public var embed = 64
    public var heads = 4
    public var blocks = 1
    public var batch = 64
    public var chunk = 20
    public var steps = 2_000
    public var seed = 42
    public var out = "runs/run"
    public var lr: Double = 3e-4
    public var weightDecay: Double = 0
    public var tau: Double = 0.005
    public var maxGradNorm: Double = 10
    /// The loss and its hyperparameters (`algo`, `gamma`, temperatures, weights, `masking`). The
    /// trainer fills in what comes from the run itself: the task count and the HL-Gauss support.
    public var loss = LossConfig(kind: .oryx)
    public var value: ValueLoss = .hlgauss
    public var bins = 51
    /// HL-Gauss support; NaN = from the datasets' return-to-go range, padded by 10 %.
    public var vmin: Double = .nan
    public var vmax: Double = .nan
    public var batching: BatchingMode = .balanced
    /// Shuffle the agent slots of every window each update (spec §7.3).
    public var shufflesAgents = true
    /// Standardise observation features per environment with the training datasets' statistics
    /// (the paper's setting; stored in the run as `observation-standardisation.tsv`).
    public var standardisesObservations = true
    /// Train on datasets of different sources (behaviours), e.g. online-sable and heuristic tasks;
    /// off: such runs are refused (`Trainer.referenceReturns`).
    public var allowsMixedSources = false
    public var logEvery = 20
    public var evalEvery = 500
    public var checkpointEvery = 500
    public var evalEpisodes = 32
    public var finalEvalEpisodes = 320
    public var selectBy: SelectionSplit = .train
    /// How returns become normalised scores (`NormalisationMethod.resolve`).
    public var normalise: NormalisationSetting = .auto
    public var checksumEvery = 100
    public var blasThreads = 1
    /// Reduce the gradient's buckets while backward still runs (`UpdateEngine`); the same sums either way.
    public var overlapsAllReduce = true
    /// Size of the gradient all-reduce's buckets in KiB (`GradientAllReduce`).
    public var bucketKB = 4_096
    public var onNonFinite: NonFiniteAction = .stop
    /// Seconds a collective may wait for the other ranks before the job ends naming the missing ones.
    public var collectiveTimeout = 900

    public init() {}

    /// The batches the trainer builds: compact (real agents only) under masking, where absent slots
    /// are inert (spec §7.1); padded without it, where they take part in retention and the losses.
    public var agentLayout: AgentLayout { loss.masksAbsentAgents ? .compact : .padded }

    /// Every setting, in the order they are printed and saved.
    public static let settings: [TrainSetting] = [
        .choice("env", \.env, "Environment.", resumable: false),
        .choice("algo", \.loss.kind, "Loss: MT Oryx, MT CQL-Sable or MT BC-Sable."),
        .text("data", \.data, "Dataset directory (holds <env>/<task>.mtds from `mtrl-dist collect`).", placeholder: "DIR"),
        .text("tasks", \.tasks, "train, test, or comma-separated task ids.", placeholder: "LIST"),
        .choice("held-out", \.heldOut, "Tasks evaluated zero-shot: the environment's test split, or none (N_max from the training tasks)."),
        .integer("embed", \.embed, ModelConfig.embeddingRange, "Embedding size E."),
        .integer("heads", \.heads, ModelConfig.headRange, "Retention heads H (E/H divisible by H)."),
        .integer("blocks", \.blocks, ModelConfig.blockRange, "Encoder/decoder blocks."),
        .integer("batch", \.batch, 1...65_536, "Minibatch size B (windows per update, all ranks together)."),
        .integer("chunk", \.chunk, 2...1_000, "Window length T in timesteps."),
        .integer("steps", \.steps, 0...100_000_000, "Number of updates.", resumable: true),
        .integer("seed", \.seed, 0...Int(Int32.max), "Seed of init, sampling, evaluation."),
        .text("out", \.out, "Run directory (config, metrics, checkpoints, final.json).", placeholder: "RUN_DIR", resumable: true),
        .number("lr", \.lr, 0...1, "Adam learning rate."),
        .number("weight-decay", \.weightDecay, 0...1, "Decoupled weight decay."),
        .number("gamma", \.loss.gamma, 0...1, "Discount."),
        .number("tau", \.tau, 0...1, "Polyak rate of the target network."),
        .number("max-grad-norm", \.maxGradNorm, 1e-12...1e12, "Global-norm gradient clipping."),
        .number("value-temperature", \.loss.valueTemperature, 1e-9...1e12, "ICQ α_v."),
        .number("policy-temperature", \.loss.policyTemperature, 1e-9...1e12, "ICQ α_π."),
        .number("critic-coef", \.loss.criticCoefficient, 0...1e6, "Critic loss weight c_Q."),
        .number("cql-weight", \.loss.cqlWeight, 0...1e6, "CQL penalty weight."),
        .choice("value", \.value, "Critic: hlgauss (classification) or mse."),
        .integer("bins", \.bins, 2...1_024, "HL-Gauss bins K."),
        .number("vmin", \.vmin, -1e9...1e9, "HL-Gauss support minimum (auto: the data's return-to-go range + 10%).", auto: true),
        .number("vmax", \.vmax, -1e9...1e9, "HL-Gauss support maximum (auto: as vmin).", auto: true),
        .choice("batching", \.batching, "How the batch is shared among tasks."),
        .onOff("agent-shuffle", \.shufflesAgents, "Shuffle agent slots each update."),
        .onOff("masking", \.loss.masksAbsentAgents, "Mask padded agents out of retention and losses."),
        .onOff("standardise", \.standardisesObservations,
               "Standardise observations per environment (feature mean and std of the training datasets, kept in the run)."),
        .onOff("allow-mixed-sources", \.allowsMixedSources,
               "Allow training datasets (and held-out references) of different sources, e.g. online-sable and heuristic "
                   + "tasks; each task is normalised by its own source's reference and final.json lists them (off: refused)."),
        .integer("log-every", \.logEvery, 1...1_000_000, "Updates between progress lines and metric rows.", resumable: true),
        .integer("eval-every", \.evalEvery, 0...100_000_000, "Updates between evaluations (0 = none).", resumable: true),
        .integer("checkpoint-every", \.checkpointEvery, 0...100_000_000, "Updates between checkpoints (0 = only at the end).",
                 resumable: true),
        .integer("eval-episodes", \.evalEpisodes, 0...1_000_000, "Episodes per task at periodic evaluations.", resumable: true),
        .integer("final-eval-episodes", \.finalEvalEpisodes, 0...1_000_000,
                 "Episodes per task for the final evaluation of the best parameters (the latest with --eval-every 0).",
                 resumable: true),
        .choice("select-by", \.selectBy, "Split whose mean normalised return picks the best checkpoint.", resumable: true),
        .choice("normalise", \.normalise,
                "Normalised return: ratio = R / R_ref (the paper's), random = (R - R_random) / (R_ref - R_random), auto = ratio "
                    + "where rewards are never negative (LBF, RWARE), random otherwise (Connector). A task whose reference does "
                    + "not beat random scores NaN and is named in every report."),
        .integer("checksum-every", \.checksumEvery, 0...100_000_000, "Updates between cross-rank parameter checksums (0 = never).",
                 resumable: true),
        .integer("blas-threads", \.blasThreads, 1...256,
                 "Compute threads per rank (matrix products and kernels; OpenBLAS itself runs single-threaded).", resumable: true),
        .onOff("overlap-allreduce", \.overlapsAllReduce,
               "Start each gradient bucket's all-reduce while backward goes on (off: all after backward; the same sums either way).",
               resumable: true),
        .integer("bucket-kb", \.bucketKB, 1...1_048_576,
                 "Gradient all-reduce bucket size in KiB (smaller buckets start earlier during backward; with 3 or more "
                    + "ranks the bucket boundaries can change the last bits of the sums).", placeholder: "KB"),
        .choice("non-finite", \.onNonFinite,
                "An update with a NaN/infinite loss or gradient: stop all ranks (checkpoint untouched) or skip it and count it.",
                resumable: true),
        .integer("collective-timeout", \.collectiveTimeout, 1...1_000_000,
                 "Seconds a collective may wait for the other ranks before the job ends naming those that never arrived.",
                 placeholder: "S", resumable: true),
    ]

    /// Checks relations between settings. - Throws: `ConfigError.inconsistent`.
    public func validate() throws {
        do { try ModelConfig.checkShape(embedding: embed, heads: heads, blocks: blocks) } catch {
            throw ConfigError.inconsistent("\(error)")
        }
        if !vmin.isNaN && !vmax.isNaN && vmin >= vmax { throw ConfigError.inconsistent("vmin \(vmin) must be below vmax \(vmax)") }
    }

    /// The settings of a run's saved config.json. A run saved before a setting existed ran without
    /// it: such settings start from what older versions did (no observation standardisation), not
    /// from today's default.
    public static func saved(file path: String) throws -> TrainConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError.unreadable(path) }
        return try saved(json: String(decoding: data, as: UTF8.self), source: path)
    }

    /// The settings a run saved as JSON `text` (config.json, a checkpoint's copy), as `saved(file:)`.
    public static func saved(json text: String, source: String) throws -> TrainConfig {
        var config = TrainConfig()
        config.standardisesObservations = false
        try config.loadJSON(text: text, source: source)
        return config
    }
}

/// A bad run setting.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unknownKey(String, String?)
    case badValue(String, String, String)
    case inconsistent(String)
    case unreadable(String)
    case badFile(String, String)

    public var description: String {
        switch self {
        case let .unknownKey(key, suggestion):
            "unknown setting '\(key)'\(suggestion.map { " (did you mean '\($0)'?)" } ?? ""); see the command's --help."
        case let .badValue(key, value, expected): "invalid value '\(value)' for \(key): expected \(expected)."
        case let .inconsistent(why): "inconsistent settings: \(why)."
        case let .unreadable(path): "cannot read config file \(path); check the path."
        case let .badFile(path, why): "config file \(path): \(why) ({\"batch\": 64, \"algo\": \"oryx\", ...})."
        }
    }
}
