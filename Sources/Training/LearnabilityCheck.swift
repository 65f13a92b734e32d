import Datasets
import Distributed
import Environments
import Foundation
import Losses
import Model
import TensorCore

/// Whether a policy that sees only observations can learn a dataset's behaviour
/// (`mtrl-dist dataset learnability`): behaviour cloning on one task's data for a fixed budget,
/// then the greedy action accuracy on windows of the training episodes and of held-out episodes
/// (memorisation shows as a gap), and the BC policy's return against the behaviour's reference.
public enum LearnabilityCheck {
    /// The budget and shape of the check.
    public struct Settings: Sendable {
        public var updates = 3_000
        public var embed = 64
        public var heads = 4
        public var batch = 32
        public var chunk = 20
        public var learningRate = 1e-3
        /// Share of each quality stage's episodes held out of training.
        public var heldOutFraction = 0.1
        /// Episodes of the BC policy in the real environment.
        public var evaluationEpisodes = 100
        /// Batches of windows behind each accuracy.
        public var accuracyBatches = 20
        public var seed = 1
        public var threads = 1

        public init() {}
    }

    /// What the check measured (written as JSON with `--json`).
    public struct Result: Codable, Sendable {
        public var task: String
        public var behaviour: String
        public var trainingEpisodes: Int
        public var heldOutEpisodes: Int
        public var updates: Int
        public var trainingAccuracy: Double
        public var heldOutAccuracy: Double
        /// Mean return of the BC policy (sampling its action distribution) over the evaluation episodes.
        public var policyReturn: Double
        /// The behaviour's reference return stored with the data (ε = 0.05).
        public var referenceReturn: Double

        /// policyReturn / referenceReturn (NaN when the reference is not positive).
        public var returnRatio: Double { referenceReturn > 0 ? policyReturn / referenceReturn : .nan }

        /// One line for people.
        public var summary: String {
            String(format: "%@ (%@ behaviour, %d training / %d held-out episodes, %d BC updates): action accuracy %.3f on training "
                   + "windows, %.3f held out; BC return %.3f vs reference %.3f = %.0f%%",
                   task, behaviour, trainingEpisodes, heldOutEpisodes, updates, trainingAccuracy, heldOutAccuracy, policyReturn,
                   referenceReturn, 100 * returnRatio)
        }
    }

    /// Runs the check on `path` (a dataset of `task`), writing its split datasets and BC run under `workDirectory`.
    /// - Throws: dataset, training and file errors.
    public static func run(dataset path: String, task: TaskSpec, settings: Settings, workDirectory: String) throws -> Result {
        let source = try DatasetFile(path: path)
        try source.check(holds: task)
        let (training, heldOut) = try DatasetSubsampler.split(source.contents(), heldOutFraction: settings.heldOutFraction,
                                                              seed: UInt64(settings.seed))
        let trainingPath = "\(workDirectory)/data/\(task.kind.rawValue)/\(task.id).mtds"
        let heldOutPath = "\(workDirectory)/held-out/\(task.kind.rawValue)/\(task.id).mtds"
        try DatasetWriter.write(training, to: trainingPath)
        try DatasetWriter.write(heldOut, to: heldOutPath)

        var config = TrainConfig()
        config.env = task.kind
        config.loss.kind = .bc
        config.value = .mse  // no Q head: no value support to resolve
        config.data = "\(workDirectory)/data"
        config.tasks = task.id
        config.heldOut = .none  // sized for this task alone
        config.embed = settings.embed
        config.heads = settings.heads
        config.batch = settings.batch
        config.chunk = settings.chunk
        config.steps = settings.updates
        config.seed = settings.seed
        config.lr = settings.learningRate
        config.out = "\(workDirectory)/run"
        config.evalEvery = 0
        config.finalEvalEpisodes = 0
        config.checkpointEvery = 0
        config.logEvery = max(1, settings.updates / 10)
        config.blasThreads = settings.threads
        let communicator = SingleProcessCommunicator()
        let trainer = try Trainer(config: config, communicator: communicator)
        _ = try trainer.train()

        let parameters = trainer.engine.online
        let evaluation = trainer.evaluation
        func accuracy(_ file: String, firstRound: Int) throws -> Double {
            try actionAccuracy(parameters: parameters, evaluation: evaluation, dataset: try DatasetFile(path: file),
                               settings: settings, firstRound: firstRound)
        }
        let policy = try evaluation.policyScores(parameters: parameters, evaluated: [task], episodes: settings.evaluationEpisodes,
                                                 round: -3, communicator: communicator)
        return Result(
            task: task.id, behaviour: source.metadata.provenance.behaviour, trainingEpisodes: training.episodes.count,
            heldOutEpisodes: heldOut.episodes.count, updates: settings.updates,
            trainingAccuracy: try accuracy(trainingPath, firstRound: 1_000_000), heldOutAccuracy: try accuracy(heldOutPath, firstRound: 2_000_000),
            policyReturn: policy[0].meanReturn, referenceReturn: source.metadata.referenceReturn)
    }

    /// How often the greedy action of `parameters` is the dataset's, over `settings.accuracyBatches`
    /// batches of windows sampled from `dataset` (sampler rounds from `firstRound` on, unseen in training).
    static func actionAccuracy(parameters: ParameterArena, evaluation: RunEvaluation, dataset: DatasetFile, settings: Settings,
                               firstRound: Int) throws -> Double {
        let tasks = evaluation.tasks
        let sampler = try TaskBalancedSampler(datasets: [dataset], configuration: SamplerConfiguration(
            timeSteps: settings.chunk, agentSlots: tasks.agentSlots, featureSize: tasks.featureSize, usesPadding: true,
            shuffle: .off, agentLayout: evaluation.config.agentLayout, seed: UInt64(settings.seed),
            standardiser: evaluation.standardiser))
        let network = SableNetwork(layout: evaluation.layout, maxBatch: settings.batch, timeSteps: settings.chunk,
                                   agentSlots: tasks.agentSlots, binCenters: evaluation.binCenters)
        let loss = SableLoss(network: network, config: LossConfig(kind: .bc))
        var batch = sampler.makeBatch(batchSize: settings.batch)
        var matches = 0, tokens = 0
        for round in firstRound..<(firstRound + settings.accuracyBatches) {
            sampler.fill(&batch, plan: sampler.plan(mode: .balanced, update: round, batchSize: settings.batch), range: 0..<settings.batch)
            loss.forward(batch: batch, online: parameters, target: nil)
            matches += loss.actionMatches(batch: batch)
            tokens += Int(batch.agentMask.reduce(0, +)) * batch.timeSteps
        }
        return tokens > 0 ? Double(matches) / Double(tokens) : .nan
    }
}
