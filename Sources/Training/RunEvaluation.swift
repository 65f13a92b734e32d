import Datasets
import Distributed
import Environments
import Foundation
import Losses
import Model
import TensorCore

/// Zero-shot evaluation of a run's parameters (spec §8): the run's tasks, its network shape and its
/// normalisation references, all from the run's resolved settings. The trainer builds one while it
/// trains; `mtrl-dist evaluate` builds one from a run directory (`init(run:)`) without opening any
/// dataset, so re-scoring needs only config.json, reference-returns.tsv and a checkpoint.
///
/// Episodes of each task are dealt round-robin to ranks (episode e to rank e mod R), each rank
/// plays its share with batched environments, and returns are summed with one all-reduce.
/// Inputs per agent: the agent-ID one-hot over N_max slots, then the observation features
/// zero-padded to the run's feature width; only real agents are fed (padding slots are inert).
public struct RunEvaluation {
    /// The run's settings, with the HL-Gauss support resolved.
    public let config: TrainConfig
    public let tasks: TrainingTasks
    public let layout: SableLayout
    /// HL-Gauss bin centres of the Q head (empty for a scalar or no Q head).
    public let binCenters: [Float]
    /// The run's normalisation: its method (`config.normalise` resolved for its tasks) and references.
    public internal(set) var normaliser: ReturnNormaliser
    /// The observation standardisation the run trains with (nil with `--standardise off`).
    public let standardiser: ObservationStandardiser?
    /// How the evaluated policy acts: the algorithm's own (Oryx and BC sample from π, CQL acts
    /// greedily on Q; spec §8) unless `mtrl-dist evaluate --acting` asks for another.
    public var actionSelection: ActionSelection

    /// - Parameter standardiser: required exactly when `config.standardisesObservations`.
    /// - Throws: `ConfigError` when the HL-Gauss support is still `auto`, task or model errors.
    public init(config: TrainConfig, references: ReferenceReturnTable, standardiser: ObservationStandardiser?) throws {
        precondition((standardiser != nil) == config.standardisesObservations, "standardiser given iff --standardise on")
        self.config = config
        self.standardiser = standardiser
        tasks = try TrainingTasks(kind: config.env, selection: config.tasks, heldOut: config.heldOut)
        let usesBins = config.value == .hlgauss
        if usesBins && (config.vmin.isNaN || config.vmax.isNaN) {
            throw ConfigError.inconsistent("the HL-Gauss support (vmin, vmax) must be resolved from the data before evaluation")
        }
        binCenters = usesBins ? HLGauss(valueMin: config.vmin, valueMax: config.vmax, binCount: config.bins).centers : []
        let modelConfig = ModelConfig(
            embedding: config.embed, heads: config.heads, blocks: config.blocks, inputSize: tasks.inputSize,
            actionCount: tasks.actionCount, qBins: max(1, binCenters.count), decayScaling: 0.5,
            hasQHead: config.loss.kind.usesQHead, paddingMode: config.loss.masksAbsentAgents ? .inert : .naive)
        try modelConfig.validate()
        if let standardiser, standardiser.featureCount != tasks.featureSize {
            throw StandardiserFileError.wrongSize(ObservationStandardiser.fileName, found: standardiser.featureCount,
                                                  expected: tasks.featureSize)
        }
        layout = SableLayout(config: modelConfig)
        actionSelection = config.loss.kind.actionSelection
        normaliser = ReturnNormaliser(references: references,
                                      method: NormalisationMethod.resolve(config.normalise, tasks: tasks.training + tasks.heldOut))
    }

    /// The evaluation of the run in `run`: its config.json, reference-returns.tsv and (when it
    /// standardises observations) observation-standardisation.tsv.
    /// - Throws: `RunDirectoryError.missingFile` naming what is absent, or the files' errors.
    public init(run: RunDirectory) throws {
        for file in [run.configFile, run.referenceReturns] where !FileManager.default.fileExists(atPath: file) {
            throw RunDirectoryError.missingFile(file)
        }
        let config = try TrainConfig.saved(file: run.configFile)
        let standardiser = config.standardisesObservations ? try ObservationStandardiser.read(path: run.observationStandardisation) : nil
        try self.init(config: config, references: try ReferenceReturnTable.read(path: run.referenceReturns), standardiser: standardiser)
    }

    /// The parameters of `checkpoint` (read from `file`) in an arena of this run's layout.
    /// - Throws: `CheckpointError.layoutMismatch` when the checkpoint holds another model.
    public func parameters(of checkpoint: Checkpoint, file: String) throws -> ParameterArena {
        let arena = ParameterArena(layout: layout.arena)
        guard checkpoint.parameters.count == arena.buffer.count else {
            throw CheckpointError.layoutMismatch(file, expected: arena.buffer.count, found: checkpoint.parameters.count)
        }
        arena.buffer.copy(from: checkpoint.parameters)
        return arena
    }

    /// The behaviour (source) whose references normalise this run's scores (that of its training
    /// data); several joined by " + " in a mixed-source run.
    public var behaviour: String {
        Set(tasks.training.map { normaliser.references.behaviour(of: $0.id) }).sorted().joined(separator: " + ")
    }

    /// Per evaluated task, the source and reference return its score is normalised by.
    public var taskReferences: [String: TaskReference] {
        var result: [String: TaskReference] = [:]
        for task in allTasks {
            guard let entry = normaliser.references[task.id] else { continue }
            result[task.id] = TaskReference(source: entry.behaviour, reference: entry.mean)
        }
        return result
    }

    /// The training tasks, then the held-out ones.
    public var allTasks: [TaskSpec] { tasks.training + tasks.heldOut }

    /// The evaluated tasks without a normalised score, with why (`ReturnNormaliser.flag`).
    public var flaggedTasks: [String: String] { normaliser.flags(taskIDs: allTasks.map(\.id)) }

    /// How this run's scores are normalised, and a warning naming its flagged tasks.
    public var normalisationSummary: String {
        ([normaliser.method.explanation(behaviour: behaviour)] + [ReturnNormaliser.warning(flagged: flaggedTasks)].compactMap { $0 })
            .joined(separator: "\n")
    }

    /// Plays `episodes` episodes of every task in `evaluated` with `parameters`.
    /// - Parameter round: names this evaluation's random streams (resets and action sampling).
    public func policyScores(parameters: ParameterArena, evaluated: [TaskSpec], episodes: Int, round: Int,
                             communicator: any Communicator) throws -> [TaskScore] {
        var totals = [Double](repeating: 0, count: evaluated.count)
        for (index, task) in evaluated.enumerated() {
            let mine = Array(stride(from: communicator.rank, to: episodes, by: communicator.size))
            if !mine.isEmpty {
                totals[index] = play(task: task, episodeIndices: mine, parameters: parameters, round: round, taskIndex: index)
            }
        }
        try communicator.allReduceSum(&totals)
        return scores(evaluated, totals: totals, episodes: episodes)
    }

    /// The uniformly random legal policy on the same tasks (episodes split across ranks).
    public func randomScores(evaluated: [TaskSpec], episodes: Int, communicator: any Communicator) throws -> [TaskScore] {
        var totals = [Double](repeating: 0, count: evaluated.count)
        let mine = (0..<episodes).filter { $0 % communicator.size == communicator.rank }.count
        for (index, task) in evaluated.enumerated() where mine > 0 {
            let stats = EpisodeRunner.run(task: task, episodes: mine, epsilon: 1,
                                          seed: UInt64(config.seed * 7919 + communicator.rank))
            totals[index] = stats.returns.reduce(0, +)
        }
        try communicator.allReduceSum(&totals)
        return scores(evaluated, totals: totals, episodes: episodes)
    }

    private func scores(_ evaluated: [TaskSpec], totals: [Double], episodes: Int) -> [TaskScore] {
        let trained = Set(tasks.training.map(\.id))
        return evaluated.enumerated().map { index, task in
            let mean = episodes > 0 ? totals[index] / Double(episodes) : .nan
            return TaskScore(taskID: task.id, split: task.split, trained: trained.contains(task.id), episodes: episodes,
                             meanReturn: mean, normalisedReturn: normaliser.normalised(mean, taskID: task.id))
        }
    }
}
