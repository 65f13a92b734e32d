import Environments
import Foundation
import TensorCore

/// Records a task's offline dataset with its heuristic behaviour under a quality schedule.
///
/// Episodes are split into K equal stages; stage k acts with ε_k = 1 − k·(1 − 0.05)/(K − 1)
/// (ε = 0.05 when K = 1): stage 0 is random, stage K−1 the best. Episode e starts from the seed
/// (seed, "collect-episode/<task id>", e); stage k's heuristic uses (seed, "collect-behaviour/<task id>", k).
/// Episodes are stored in episode order, whichever copy ran them.
///
/// Properties: a pure function of (task, episodes, stages, seed, copies), whatever rank calls it.
public enum DatasetCollector {
    /// ε of the best stage.
    public static let finalEpsilon = 0.05

    /// ε of stage `stage` of `stageCount`.
    public static func epsilon(stage: Int, stageCount: Int) -> Double {
        stageCount == 1 ? finalEpsilon : 1 - Double(stage) * (1 - finalEpsilon) / Double(stageCount - 1)
    }

    /// Collects `episodes` episodes of `task` with `copies` environment copies stepping together.
    /// - Throws: `DatasetError.badCollectionRequest` if episodes is not a positive multiple of stages.
    /// The reference return is measured separately: `reference` episodes of the same behaviour at
    /// ε = 0.05 (see `measureReference`); nil keeps the best stage's mean.
    public static func collect(task: TaskSpec, episodes: Int, stages: Int = 10, seed: UInt64, copies: Int = 64,
                               behaviour: BehaviourKind = .oracle, reference: ReferencePrecision? = nil) throws
        -> (DatasetContents, CollectionSummary)
    {
        let description = TaskDescription(task: task)
        try checkRequest(task: task.id, episodes: episodes, stages: stages, copies: copies)
        let environment = task.makeBatch(copies: min(copies, episodes / stages))
        let driver = BehaviourDriver(kind: behaviour, task: task, environment: environment)
        var (contents, summary) = try collect(environment: environment, task: description, episodes: episodes, stages: stages,
                                              seed: seed, behaviour: driver)
        contents.provenance = DatasetProvenance(behaviour: behaviour.rawValue)
        if let reference {
            let measured = measureReference(task: task, behaviour: behaviour, seed: seed &+ 0x5EED, precision: reference)
            contents.referenceReturn = measured.mean
            contents.provenance.referenceEpisodes = measured.episodes
            contents.provenance.referenceStandardError = measured.standardError
            summary.referenceReturn = measured.mean
            summary.referenceStandardError = measured.standardError
        }
        return (contents, summary)
    }

    /// Plays `behaviour` at ε = 0.05 in blocks of `precision.minimumEpisodes` until the standard
    /// error of the mean return is below `precision.relativeError` of its magnitude, or
    /// `precision.maximumEpisodes` episodes were played.
    public static func measureReference(task: TaskSpec, behaviour: BehaviourKind, seed: UInt64, precision: ReferencePrecision)
        -> (mean: Double, standardError: Double, episodes: Int)
    {
        measure(task: task, epsilon: finalEpsilon, behaviour: behaviour, seed: seed, precision: precision) {
            $0.standardError <= precision.relativeError * abs($0.meanReturn)
        }
    }

    /// Plays the uniformly random legal policy (ε = 1) in blocks of `precision.minimumEpisodes`
    /// until the standard error of its mean return is below `precision.relativeError` of
    /// max(|reference − mean|, |reference|, 1), or `precision.maximumEpisodes` episodes were played.
    /// A random return near zero gets this absolute bound, where a bound relative to itself would
    /// always play the most episodes; the gap to the reference is what normalised scores divide by.
    public static func measureRandom(task: TaskSpec, seed: UInt64, precision: ReferencePrecision, reference: Double)
        -> (mean: Double, standardError: Double, episodes: Int)
    {
        measure(task: task, epsilon: 1, behaviour: .oracle, seed: seed, precision: precision) {
            $0.standardError <= precision.relativeError * max(abs(reference - $0.meanReturn), abs(reference), 1)
        }
    }

    /// Blocks of `precision.minimumEpisodes` episodes (block b seeded `seed + episodes so far`)
    /// until `isPrecise` holds or another block would exceed `precision.maximumEpisodes`.
    private static func measure(task: TaskSpec, epsilon: Double, behaviour: BehaviourKind, seed: UInt64,
                                precision: ReferencePrecision, isPrecise: (EpisodeStatistics) -> Bool)
        -> (mean: Double, standardError: Double, episodes: Int)
    {
        var returns: [Double] = []
        repeat {
            let block = EpisodeRunner.run(task: task, episodes: precision.minimumEpisodes, epsilon: epsilon,
                                          seed: seed &+ UInt64(returns.count), behaviour: behaviour)
            returns += block.returns
            if isPrecise(EpisodeStatistics(returns: returns)) { break }
        } while returns.count + precision.minimumEpisodes <= precision.maximumEpisodes
        let stats = EpisodeStatistics(returns: returns)
        return (stats.meanReturn, stats.standardError, returns.count)
    }

    /// Collects and writes `directory/<environment>/<task id>.mtds`.
    /// - Returns: the summary, with `fileBytes` set.
    public static func collectAndWrite(
        task: TaskSpec, episodes: Int, stages: Int = 10, seed: UInt64, copies: Int = 64, behaviour: BehaviourKind = .oracle,
        reference: ReferencePrecision? = nil, directory: String
    ) throws -> CollectionSummary {
        let (contents, summary) = try collect(
            task: task, episodes: episodes, stages: stages, seed: seed, copies: copies, behaviour: behaviour, reference: reference)
        var written = summary
        written.fileBytes = try DatasetWriter.write(
            contents, to: DatasetWriter.path(directory: directory, task: contents.task))
        return written
    }

    /// Collects with an existing batched environment (its copy count is used as is).
    /// `task` must describe the environment's sizes.
    /// `behaviour` chooses the actions (nil: the environment's own heuristic).
    public static func collect(
        environment: any BatchedEnvironment, task: TaskDescription, episodes: Int, stages: Int = 10, seed: UInt64,
        behaviour: BehaviourDriver? = nil
    ) throws -> (DatasetContents, CollectionSummary) {
        try checkRequest(task: task.id, episodes: episodes, stages: stages, copies: environment.copyCount)
        guard environment.agentCount == task.agentCount, environment.observationSize == task.observationSize,
            environment.actionCount == task.actionCount, task.actionCount <= 255
        else {
            throw DatasetError.badCollectionRequest(
                task: task.id,
                reason:
                    "environment sizes (\(environment.agentCount) agents, \(environment.observationSize) features, \(environment.actionCount) actions) differ from the task description (\(task.agentCount), \(task.observationSize), \(task.actionCount)) or exceed 255 actions"
            )
        }
        let root = RandomStream(seed: seed)
        var recorder = EpisodeRecorder(environment: environment, behaviour: behaviour)
        var finished: [RecordedEpisode] = []
        finished.reserveCapacity(episodes)
        let perStage = episodes / stages
        for stage in 0..<stages {
            let seeds = (0..<perStage).map {
                firstWord(root.derived("collect-episode/" + task.id, stage * perStage + $0))
            }
            var behaviour = SplitMixGenerator(seed: firstWord(root.derived("collect-behaviour/" + task.id, stage)))
            let idleSeed = firstWord(root.derived("collect-idle/" + task.id, stage))
            finished += recorder.run(
                seeds: seeds, epsilon: epsilon(stage: stage, stageCount: stages), stage: stage, behaviour: &behaviour,
                idleSeed: idleSeed)
        }
        return assemble(finished, task: task, stages: stages)
    }

    private static func firstWord(_ stream: RandomStream) -> UInt64 {
        var copy = stream
        return copy.next()
    }

    private static func checkRequest(task: String, episodes: Int, stages: Int, copies: Int) throws {
        guard stages >= 1, episodes >= stages, episodes % stages == 0 else {
            throw DatasetError.badCollectionRequest(
                task: task,
                reason:
                    "\(episodes) episodes cannot be split into \(stages) equal quality stages; use a positive multiple of \(max(stages, 1)) episodes"
            )
        }
        guard copies >= 1 else {
            throw DatasetError.badCollectionRequest(task: task, reason: "copies is \(copies), expected >= 1")
        }
    }

    private static func assemble(_ episodes: [RecordedEpisode], task: TaskDescription, stages: Int) -> (
        DatasetContents, CollectionSummary
    ) {
        var contents = DatasetContents(task: task, qualityStageCount: stages, recorded: episodes)
        let summary = CollectionSummary(contents: contents)
        contents.referenceReturn = summary.referenceReturn
        return (contents, summary)
    }
}

/// How precisely a reference return is measured: at least `minimumEpisodes` (and in blocks of
/// that many), until the standard error is below `relativeError` of the mean's magnitude, at most
/// `maximumEpisodes`. The random policy's return uses the same blocks and bound with an absolute
/// scale (`DatasetCollector.measureRandom`).
public struct ReferencePrecision: Sendable {
    public var minimumEpisodes: Int
    public var relativeError: Double
    public var maximumEpisodes: Int

    public init(minimumEpisodes: Int = 100, relativeError: Double = 0.02, maximumEpisodes: Int = 10_000) {
        self.minimumEpisodes = max(1, minimumEpisodes)
        self.relativeError = relativeError
        self.maximumEpisodes = max(self.minimumEpisodes, maximumEpisodes)
    }
}

/// What a collection produced: sizes and the return distribution per quality stage.
public struct CollectionSummary: Sendable, Equatable {
    public var taskId: String
    public var episodes: Int
    public var transitions: Int
    /// Returns per stage, stage 0 (ε = 1) first.
    public var stageReturns: [ReturnStatistics]
    /// Mean return of the best stage (stored as the dataset's reference return), or the separately
    /// measured reference.
    public var referenceReturn: Double
    /// Standard error of a separately measured reference (0 when the best stage's mean is used,
    /// as `DatasetProvenance` records it).
    public var referenceStandardError: Double = 0
    /// Size of the written file, when written.
    public var fileBytes: Int?

    /// The summary of a dataset's episodes.
    public init(contents: DatasetContents) {
        taskId = contents.task.id
        episodes = contents.episodes.count
        transitions = contents.stepCount
        stageReturns = (0..<contents.qualityStageCount).map { stage in
            ReturnStatistics(returns: contents.episodes.filter { $0.qualityStage == stage }.map(\.totalReturn))
        }
        referenceReturn = stageReturns.last?.mean ?? 0
    }
}
