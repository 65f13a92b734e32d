import BinaryFormat
import Datasets
import Distributed
import Foundation
import Losses
import Model
import TensorCore

/// The multi-task trainer behind `mtrl-dist train` (issue #7): set-up, the update loop, metrics,
/// checkpoints, periodic and final evaluation. Every rank runs it; only rank 0 writes files and prints.
public final class Trainer {
    /// The run's settings with the HL-Gauss support resolved from the data (what config.json holds).
    public let config: TrainConfig
    public let run: RunDirectory
    let communicator: any Communicator
    let evaluation: RunEvaluation
    let engine: UpdateEngine
    let log: MetricsLog?
    /// Rank 0's exclusive hold on the run directory, for the trainer's lifetime.
    let lock: RunLock?
    let rankCount: Int
    /// A resume of a run whose final evaluation was already written, with no more updates asked for.
    private(set) var isAlreadyFinished = false
    var startUpdate = 0
    /// The update of the newest checkpoint on disk (nil before the first).
    var lastCheckpointUpdate: Int?
    /// Updates skipped for a non-finite loss or gradient since this process started (`--non-finite skip`).
    var skippedUpdates = 0
    /// The last update whose bookkeeping (metrics, evaluation, checkpoint) is done.
    var completedUpdate = 0
    /// Held by the training loop except while it computes gradients (when the parameters, Adam state
    /// and best-so-far are those of `completedUpdate`): the signal thread takes it to checkpoint.
    let stateLock = NSLock()
    var bestScore = -Double.infinity
    var bestUpdate = -1
    var bestParameters: [Float]

    var tasks: TrainingTasks { evaluation.tasks }
    var layout: SableLayout { evaluation.layout }

    /// Builds the run: tasks, datasets, model, sampler; loads the checkpoint when resuming.
    /// Nothing in the run directory changes before a resume has been accepted.
    /// - Parameters:
    ///   - simulatedRanks: run this many ranks' work in this one process (`--simulate-ranks`); the
    ///     communicator must then be single-process.
    ///   - resume: continue the run in `config.out` from its latest checkpoint.
    public init(config settings: TrainConfig, communicator: any Communicator, simulatedRanks: Int? = nil, resume: Bool = false) throws {
        try settings.validate()
        self.communicator = communicator
        run = RunDirectory(path: settings.out)
        rankCount = simulatedRanks ?? communicator.size
        try communicator.checkIdentical(text: settings.resolvedText)
        let tasks = try TrainingTasks(kind: settings.env, selection: settings.tasks, heldOut: settings.heldOut)
        let datasets = try tasks.openDatasets(directory: settings.data)
        config = Trainer.resolvingSupport(settings, datasets: datasets)
        // Fitted on the training datasets at the start; a resumed run reads what it started with.
        let standardiser: ObservationStandardiser? = !config.standardisesObservations ? nil
            : resume ? try ObservationStandardiser.read(path: run.observationStandardisation)
            : ObservationStandardiser.fit(datasets: datasets, featureSize: tasks.featureSize)
        var evaluation = try RunEvaluation(config: config, references: try Trainer.referenceReturns(config: config, tasks: tasks,
                                                                                                  datasets: datasets),
                                           standardiser: standardiser)
        let measured = try evaluation.measureMissingRandomReturns(communicator: communicator)
        if communicator.rank == 0 && !measured.isEmpty {
            print("measured the random policy's return (the reference table has none) for \(measured.joined(separator: ", "))")
        }
        self.evaluation = evaluation

        let layout = evaluation.layout
        var initRandom = RandomStream(seed: UInt64(config.seed)).derived("init")
        let online = SableInitializer.parameters(for: layout, random: &initRandom)
        try online.buffer.withUnsafeMutableBufferPointer { try communicator.broadcast($0, root: 0) }
        let target: ParameterArena? = config.loss.kind.usesTargetNetwork ? ParameterArena(layout: layout.arena) : nil
        target?.copy(from: online)

        let sampler = try TaskBalancedSampler(datasets: datasets, configuration: SamplerConfiguration(
            timeSteps: config.chunk, agentSlots: tasks.agentSlots, featureSize: tasks.featureSize, usesPadding: true,
            shuffle: config.shufflesAgents ? .perUpdate : .off, agentLayout: config.agentLayout, seed: UInt64(config.seed),
            standardiser: standardiser))
        // Sized for the most windows this process's rank(s) can draw, not the whole batch.
        let shares = simulatedRanks.map { Array(0..<$0) } ?? [communicator.rank]
        let ranks = rankCount, costs = tasks.costs, batch = config.batch, balanced = config.batching == .balanced
        let localBatch = shares.map {
            TaskSharding.maxEntries(forRank: $0, rankCount: ranks, batchSize: batch, balanced: balanced, costs: costs)
        }.max()!
        let network = SableNetwork(layout: layout, maxBatch: max(1, localBatch), timeSteps: config.chunk,
                                   agentSlots: tasks.agentSlots, binCenters: evaluation.binCenters)
        var lossConfig = config.loss
        lossConfig.taskCount = tasks.training.count
        if config.value == .hlgauss { lossConfig.valueMin = config.vmin; lossConfig.valueMax = config.vmax }
        let optimizer = AdamOptimizer(parameterCount: layout.arena.totalCount, settings: .init(
            learningRate: Float(config.lr), weightDecay: Float(config.weightDecay)))
        engine = UpdateEngine(
            sampler: sampler, loss: SableLoss(network: network, config: lossConfig), online: online, target: target,
            optimizer: optimizer, communicator: communicator, shares: shares, rankCount: rankCount, batchSize: config.batch,
            batching: config.batching, costs: tasks.costs, maxGradNorm: Float(config.maxGradNorm), tau: Float(config.tau),
            overlapsAllReduce: config.overlapsAllReduce, bucketBytes: config.bucketKB << 10)
        bestParameters = online.buffer.toArray()
        log = communicator.rank == 0 ? MetricsLog(directory: run.url) : nil  // opens its files on the first write
        lock = communicator.rank == 0 ? try run.claim(resume: resume, dataDirectory: config.data) : nil
        if resume {
            try restore()
            guard startUpdate <= config.steps else {
                throw ConfigError.inconsistent("--steps \(config.steps) is below the checkpoint's update \(startUpdate); pass --steps \(startUpdate) or more")
            }
            isAlreadyFinished = startUpdate >= config.steps && FileManager.default.fileExists(atPath: run.finalReport)
        }
        // Only an accepted start changes the run directory.
        if communicator.rank == 0 && !isAlreadyFinished {
            if resume { try MetricsLog.truncate(directory: run.url, after: startUpdate) }
            try AtomicFile.write(Array(config.json.utf8), to: run.configFile)
            try standardiser?.write(path: run.observationStandardisation)
            try evaluation.normaliser.references.write(path: run.referenceReturns)
        }
    }

    /// Number of parameters of the online network.
    public var parameterCount: Int { layout.arena.parameterCount }

    /// `settings` with an `auto` HL-Gauss bound replaced by the datasets' return-to-go range padded
    /// by 10 % (spec §5), so config.json and checkpoints record the support the network uses.
    static func resolvingSupport(_ settings: TrainConfig, datasets: [DatasetFile]) -> TrainConfig {
        guard settings.value == .hlgauss, settings.vmin.isNaN || settings.vmax.isNaN else { return settings }
        let observed = ReturnToGoSupport(datasets: datasets, padding: 0.1)
        var resolved = settings
        if resolved.vmin.isNaN { resolved.vmin = observed.minimum }
        if resolved.vmax.isNaN { resolved.vmax = observed.maximum }
        return resolved
    }

    /// Reference returns of every evaluated task: the environment's table, else the training datasets.
    /// Every reference must come from the source (behaviour) that made the training data: datasets
    /// of different sources (say online-sable and a heuristic), or held-out references of another
    /// source, are refused unless `config.allowsMixedSources`; then each task keeps its own
    /// dataset's source and the run's reports list them. A random return in the table is kept
    /// whatever behaviour its row names (it does not depend on one).
    public static func referenceReturns(config: TrainConfig, tasks: TrainingTasks, datasets: [DatasetFile]) throws -> ReferenceReturnTable {
        let path = ReferenceReturnTable.path(dataDirectory: config.data, environment: config.env.rawValue)
        let table = FileManager.default.fileExists(atPath: path) ? try ReferenceReturnTable.read(path: path) : ReferenceReturnTable()
        let behaviours = Set(datasets.map(\.metadata.provenance.behaviour))
        guard behaviours.count == 1 || config.allowsMixedSources else {
            let list = datasets.map { "\($0.metadata.task.id): \($0.metadata.provenance.behaviour)" }.joined(separator: ", ")
            throw TrainingSetupError.mixedBehaviours("the training datasets were made by different behaviours (\(list))")
        }
        var run = ReferenceReturnTable()
        for (task, dataset) in zip(tasks.training, datasets) {
            let behaviour = dataset.metadata.provenance.behaviour
            let listed = table[task.id]
            if var entry = listed, entry.behaviour == behaviour {
                if entry.standardError.isNaN { entry.standardError = dataset.metadata.provenance.knownReferenceStandardError }
                run[task.id] = entry
            } else {
                run[task.id] = ReferenceReturn(
                    mean: dataset.metadata.referenceReturn, standardError: dataset.metadata.provenance.knownReferenceStandardError, behaviour: behaviour,
                    randomMean: listed?.randomMean ?? .nan, randomStandardError: listed?.randomStandardError ?? .nan)
            }
        }
        for task in tasks.heldOut {
            guard let entry = table[task.id] else { continue }
            guard behaviours.contains(entry.behaviour) || config.allowsMixedSources else {
                throw TrainingSetupError.mixedBehaviours(
                    "\(path) gives held-out task \(task.id) a reference of the \(entry.behaviour) behaviour, "
                        + "the training data is \(behaviours.sorted().joined(separator: ", ")); collect the test tasks' references "
                        + "with that behaviour")
            }
            run[task.id] = entry
        }
        return run
    }

    /// Prints on rank 0 only.
    func say(_ line: String) {
        guard communicator.rank == 0 else { return }
        print(line)
        fflush(nil)
    }
}
