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
    public let config: TrainConfig
    public let run: RunDirectory
    let communicator: any Communicator
    let tasks: TrainingTasks
    let layout: SableLayout
    let binCenters: [Float]
    let engine: UpdateEngine
    let evaluator: Evaluator
    let log: MetricsLog?
    let rankCount: Int
    var startUpdate = 0
    var bestScore = -Double.infinity
    var bestUpdate = -1
    var bestParameters: [Float]

    /// Builds the run: tasks, datasets, model, sampler; loads the checkpoint when resuming.
    /// - Parameters:
    ///   - simulatedRanks: run this many ranks' work in this one process (`--simulate-ranks`); the
    ///     communicator must then be single-process.
    ///   - resume: continue the run in `config.out` from its latest checkpoint.
    public init(config: TrainConfig, communicator: any Communicator, simulatedRanks: Int? = nil, resume: Bool = false) throws {
        try config.validate()
        self.config = config
        self.communicator = communicator
        run = RunDirectory(path: config.out)
        rankCount = simulatedRanks ?? communicator.size
        try communicator.checkIdentical(text: config.resolvedText)
        tasks = try TrainingTasks(kind: config.env, selection: config.tasks)
        let datasets = try tasks.openDatasets(directory: config.data)
        let references = try Trainer.referenceReturns(config: config, tasks: tasks, datasets: datasets)

        let hlGauss = config.value == .hlgauss ? Trainer.support(config: config, datasets: datasets) : nil
        binCenters = hlGauss?.centers ?? []
        let modelConfig = ModelConfig(
            embedding: config.embed, heads: config.heads, blocks: config.blocks, inputSize: tasks.inputSize,
            actionCount: tasks.actionCount, qBins: hlGauss?.binCount ?? 1, decayScaling: 0.5, hasQHead: config.algo != .bc,
            paddingMode: config.masking == .on ? .inert : .naive)
        try modelConfig.validate()
        layout = SableLayout(config: modelConfig)
        var initRandom = RandomStream(seed: UInt64(config.seed)).derived("init")
        let online = SableInitializer.parameters(for: layout, random: &initRandom)
        try online.buffer.withUnsafeMutableBufferPointer { try communicator.broadcast($0, root: 0) }
        let target: ParameterArena? = config.algo == .bc ? nil : ParameterArena(layout: layout.arena)
        target?.copy(from: online)

        let sampler = try TaskBalancedSampler(datasets: datasets, configuration: SamplerConfiguration(
            timeSteps: config.chunk, agentSlots: tasks.agentSlots, featureSize: tasks.featureSize, usesPadding: true,
            shuffle: config.agentShuffle == .on ? .perUpdate : .off, seed: UInt64(config.seed)))
        // Sized for the most windows this process's rank(s) can draw, not the whole batch.
        let shares = simulatedRanks.map { Array(0..<$0) } ?? [communicator.rank]
        let ranks = rankCount, costs = tasks.costs
        let localBatch = shares.map {
            TaskSharding.maxEntries(forRank: $0, rankCount: ranks, batchSize: config.batch,
                                    balanced: config.batching == .balanced, costs: costs)
        }.max()!
        let network = SableNetwork(layout: layout, maxBatch: max(1, localBatch), timeSteps: config.chunk,
                                   agentSlots: tasks.agentSlots, binCenters: binCenters)
        var lossConfig = LossConfig(kind: LossKind(rawValue: config.algo.rawValue)!, taskCount: tasks.training.count)
        lossConfig.gamma = Float(config.gamma)
        lossConfig.criticCoefficient = Float(config.criticCoef)
        lossConfig.valueTemperature = Float(config.valueTemperature)
        lossConfig.policyTemperature = Float(config.policyTemperature)
        lossConfig.cqlWeight = Float(config.cqlWeight)
        if let hlGauss { lossConfig.valueMin = hlGauss.valueMin; lossConfig.valueMax = hlGauss.valueMax }
        lossConfig.masksAbsentAgents = config.masking == .on
        let optimizer = AdamOptimizer(parameterCount: layout.arena.totalCount, settings: .init(
            learningRate: Float(config.lr), weightDecay: Float(config.weightDecay)))
        engine = UpdateEngine(
            sampler: sampler, loss: SableLoss(network: network, config: lossConfig), online: online, target: target,
            optimizer: optimizer, communicator: communicator, shares: shares, rankCount: rankCount, batchSize: config.batch,
            batching: config.batching, seed: UInt64(config.seed), costs: tasks.costs, maxGradNorm: Float(config.maxGradNorm),
            tau: Float(config.tau))
        evaluator = Evaluator(layout: layout, binCenters: binCenters, selection: config.algo == .cql ? .greedyQ : .sample,
                              tasks: tasks, references: references, seed: UInt64(config.seed))
        bestParameters = online.buffer.toArray()
        if communicator.rank == 0 {
            if resume { guard run.hasCheckpoint else { throw RunDirectoryError.missingCheckpoint(run.path) } } else {
                try run.createForNewRun()
            }
            try AtomicFile.write(Array(config.json.utf8), to: run.configFile)
            log = MetricsLog(directory: run.url)
        } else {
            log = nil
        }
        if resume { try restore() }
    }

    /// Number of parameters of the online network.
    public var parameterCount: Int { layout.arena.parameterCount }

    /// HL-Gauss support: the configured one, or the datasets' return-to-go range padded by 10 % (spec §5).
    static func support(config: TrainConfig, datasets: [DatasetFile]) -> HLGauss {
        let observed = ReturnToGoSupport(datasets: datasets, padding: 0.1)
        return HLGauss(valueMin: config.vmin.isNaN ? observed.minimum : config.vmin,
                       valueMax: config.vmax.isNaN ? observed.maximum : config.vmax, binCount: config.bins)
    }

    /// Reference returns of every evaluated task: the environment's table, else the training datasets.
    static func referenceReturns(config: TrainConfig, tasks: TrainingTasks, datasets: [DatasetFile]) throws -> ReferenceReturnTable {
        let path = ReferenceReturnTable.path(dataDirectory: config.data, environment: config.env.rawValue)
        var table = FileManager.default.fileExists(atPath: path) ? try ReferenceReturnTable.read(path: path) : ReferenceReturnTable()
        for (task, dataset) in zip(tasks.training, datasets) where table.returns[task.id] == nil {
            table.returns[task.id] = dataset.metadata.referenceReturn
        }
        return table
    }

    /// Prints on rank 0 only.
    func say(_ line: String) {
        guard communicator.rank == 0 else { return }
        print(line)
        fflush(nil)
    }
}
