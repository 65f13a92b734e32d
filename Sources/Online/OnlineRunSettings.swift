import Environments
import Model
import Training

/// A named set of online hyperparameters (pitfall P18: the two Mava config generations differ).
public enum OnlineSettingsSet: String, CaseIterable, Sendable {
    /// The newest Mava values (§1.9 "later" column): K_ep 10, M 1, lr 5e−4, max grad norm 10, timestep encoding on.
    case latest
    /// Mava's `feat/sable` values, the cheaper documented option: K_ep 4, M 2, lr 2.5e−4, max grad norm 0.5, no timestep encoding.
    case featSable = "feat-sable"

    /// `settings` with this set's values in place.
    public func applied(to settings: OnlineRunSettings) -> OnlineRunSettings {
        var s = settings
        s.settingsSet = self
        switch self {
        case .latest:
            s.update.epochs = 10
            s.update.minibatches = 1
            s.update.adam.learningRate = 5e-4
            s.update.maxGradNorm = 10
            s.timestepEncoding = true
        case .featSable:
            s.update.epochs = 4
            s.update.minibatches = 2
            s.update.adam.learningRate = 2.5e-4
            s.update.maxGradNorm = 0.5
            s.timestepEncoding = false
        }
        return s
    }

    /// The keys whose values in `settings` differ from this set's.
    static let keys = ["epochs", "minibatches", "lr", "max-grad-norm", "timestep-encoding"]
}

/// Settings of an online Sable run on one task (spec online-sable.md §1.8–§1.10): the network
/// (memory Sable with a value head, E 64, H 1, one block, decay scaling 0.8), E envs × T steps per
/// rollout and rank, the number of updates, the PPO update and GAE, evaluation and checkpoint
/// cadence. The default budget is small (20 updates of 16 envs × 128 steps) [PROJECT CHOICE: a
/// smoke-sized run; Mava's is 1220 updates of 16 envs × 2 learner copies].
///
/// `settings` is the table behind the `online` command's flags and the run's `config.json`.
public struct OnlineRunSettings: SettingsTable {
    public var task = ""
    /// Which Mava generation the hyperparameters come from (set by `OnlineSettingsSet.applied`).
    public var settingsSet: OnlineSettingsSet = .latest
    public var embedding = 64
    public var heads = 1
    public var blocks = 1
    public var decayScaling = 0.8
    public var timestepEncoding = true
    /// Envs per rank (E), and timesteps per rollout (T).
    public var envs = 16
    public var steps = 128
    public var updates = 20
    public var update = PPOUpdateSettings()
    public var advantages = AdvantageEstimator()
    public var seed = 0
    /// Updates between periodic evaluations; 0 = about 20 of them (every ⌈updates / 20⌉). There is
    /// always one at update 0 and one after the last update.
    public var evalEvery = 0
    public var evalEpisodes = 32
    public var finalEvalEpisodes = 320
    /// Updates between checkpoints, which are also the run's restart points (see `OnlineTrainer`).
    public var checkpointEvery = 50
    public var out = "runs/online"
    /// DATA directory the run's dataset is recorded into (`DATA/<env>/<task>.mtds`); empty: no recording.
    public var record = ""
    /// Snapshots, stored and label episodes of the recording (used when `record` is set).
    public var recording = OnlineRecordingSettings()

    public init() {}

    public static let settings: [RunSetting<OnlineRunSettings>] = [
        .text("task", \.task, "The task (see `mtrl-dist tasks`).", placeholder: "ID"),
        .choice("settings-set", \.settingsSet,
                "Mava hyperparameter generation the run starts from (latest: K 10, M 1, lr 5e-4, max grad norm 10, timestep "
                    + "encoding on; feat-sable: K 4, M 2, lr 2.5e-4, max grad norm 0.5, encoding off); flags below override it."),
        .integer("embed", \.embedding, ModelConfig.embeddingRange, "Embedding size E."),
        .integer("heads", \.heads, ModelConfig.headRange, "Retention heads H."),
        .integer("blocks", \.blocks, ModelConfig.blockRange, "Encoder/decoder blocks."),
        .number("decay-scaling", \.decayScaling, 1e-6...1, "Retention decay scaling factor."),
        .onOff("timestep-encoding", \.timestepEncoding, "Encode each observation's episode step (pitfall P11)."),
        .integer("envs", \.envs, 1...4096, "Envs per rank (E).", placeholder: "E"),
        .integer("steps", \.steps, 1...100_000, "Timesteps per rollout (T).", placeholder: "T"),
        .integer("updates", \.updates, 0...10_000_000, "Updates (rollout, GAE, PPO epochs).", placeholder: "U", resumable: true),
        .integer("epochs", \.update.epochs, 1...1000, "PPO epochs per rollout (K).", placeholder: "K"),
        .integer("minibatches", \.update.minibatches, 1...4096, "Minibatches per epoch (whole env sequences; must divide --envs).",
                 placeholder: "M"),
        .integer("chunk", \.update.chunkSteps, 1...100_000, "Timesteps per retention chunk of the training form (at most --steps).",
                 placeholder: "C"),
        .number("lr", \.update.adam.learningRate, 1e-9...1, "Adam learning rate."),
        .number("max-grad-norm", \.update.maxGradNorm, 1e-6...1e9, "Global gradient-norm clip."),
        .number("clip", \.update.loss.clip, 1e-6...10, "PPO ratio and value clip epsilon."),
        .number("entropy-coef", \.update.loss.entropyCoefficient, 0...1e3, "Entropy bonus weight."),
        .number("value-coef", \.update.loss.valueCoefficient, 0...1e3, "Value loss weight."),
        .number("gamma", \.advantages.discount, 0...1, "Discount."),
        .number("gae-lambda", \.advantages.lambda, 0...1, "GAE lambda."),
        .onOff("agent-shuffle", \.update.shufflesAgents, "Shuffle the agent order every PPO epoch (pitfall P6)."),
        .integer("seed", \.seed, 0...Int(Int32.max), "Seed (parameters, envs, actions, shuffles, evaluation)."),
        .integer("eval-every", \.evalEvery, 0...10_000_000, "Updates between evaluations (0: every ceil(updates/20)).",
                 resumable: true),
        .integer("eval-episodes", \.evalEpisodes, 1...1_000_000, "Episodes per periodic evaluation (sampled policy).",
                 resumable: true),
        .integer("final-eval-episodes", \.finalEvalEpisodes, 1...1_000_000,
                 "Episodes of the final evaluations (R_final: final parameters; R_max: best by evaluation).", resumable: true),
        .integer("checkpoint-every", \.checkpointEvery, 1...10_000_000,
                 "Updates between checkpoints; every training env restarts its episode there (the run's restart points)."),
        .text("out", \.out, "Run directory (config, metrics, checkpoints, final.json); restarting on it resumes the run.",
              placeholder: "RUN_DIR", resumable: true),
        .text("record", \.record,
              "Record the task's dataset (spec §2.2) into DATA/<env>/<task>.mtds: snapshots of the policy during the run "
                  + "(RUN_DIR/recording), merged at the end with R_max as reference (empty: no recording).",
              placeholder: "DATA"),
        .integer("snapshots", \.recording.snapshots, 1...10_000, "Recording: snapshots S at updates floor(j*U/(S-1)), j = 0..S-1.",
                 placeholder: "S"),
        .integer("record-episodes", \.recording.episodesPerSnapshot, 1...1_000_000,
                 "Recording: episodes stored per snapshot (the same for every task).", placeholder: "M"),
        .integer("label-episodes", \.recording.labelEpisodes, 1...1_000_000,
                 "Recording: episodes behind each snapshot's quality label (at least --record-episodes; the stored ones are "
                     + "the first of them)."),
    ]

    /// The updates between evaluations (`evalEvery`, or ⌈updates / 20⌉ for 0).
    public var evaluationInterval: Int { evalEvery > 0 ? evalEvery : max(1, (updates + 19) / 20) }

    /// The keys of the hyperparameter set that this run changed from `settingsSet`'s values.
    public var departuresFromSettingsSet: [String] {
        let reference = settingsSet.applied(to: self)
        return OnlineSettingsSet.keys.filter { (try? value(of: $0)) != (try? reference.value(of: $0)) }
    }

    /// Checks relations between settings and the task. - Throws: `ConfigError` or the task registry's error.
    public func validate() throws -> TaskSpec {
        let spec = try TaskRegistry.task(id: task)
        do { try ModelConfig.checkShape(embedding: embedding, heads: heads, blocks: blocks) } catch {
            throw ConfigError.inconsistent("\(error)")
        }
        guard envs % update.minibatches == 0 else {
            throw ConfigError.inconsistent("--minibatches \(update.minibatches) must divide --envs \(envs)")
        }
        guard record.isEmpty || recording.labelEpisodes >= recording.episodesPerSnapshot else {
            throw ConfigError.inconsistent("--label-episodes \(recording.labelEpisodes) must be at least --record-episodes "
                                           + "\(recording.episodesPerSnapshot) (the stored episodes are the first of them)")
        }
        return spec
    }

    /// The network for `task`: inputs [one-hot(i), features], A actions, a value head, no Q head.
    public func modelConfig(for task: TaskSpec) -> ModelConfig {
        ModelConfig(embedding: embedding, heads: heads, blocks: blocks, inputSize: task.agentCount + task.observationSize,
                    actionCount: task.actionCount, decayScaling: decayScaling, hasQHead: false, hasValueHead: true,
                    timestepEncoding: timestepEncoding)
    }
}
