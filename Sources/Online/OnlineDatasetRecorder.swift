import Datasets
import Environments
import Foundation
import Model
import Statistics
import TensorCore
import Training

/// Records a task's offline dataset from an online run (spec online-sable.md §2.2, §2.3, §3).
///
/// At snapshot j (update ⌊j·U/(S−1)⌋) `record` plays `labelEpisodes` complete episodes with the
/// current parameters, acting as training acts (`SablePolicyBehaviour`: sampled, fresh resets, zero
/// hidden state per episode), cut from the batched streams by `EpisodeRecorder`. The snapshot's
/// label score is their mean return; the first M_rec of them are stored. Each snapshot is written
/// at once, atomically, as a one-stage dataset `directory/snapshot-<j>.mtds` (its stage-table row
/// holds the update, env steps and score), so a crashed run keeps it; a snapshot already on disk is
/// not recorded again. `finish` merges the S snapshots into `DATA/<env>/<task>.mtds` with quality
/// stage = j, R_ref = R_max, and per stage q = score / R_ref and its label.
///
/// Streams (pitfall P21): snapshot j's resets, actions and idle copies use the streams "resets",
/// "actions", "idle" derived from (run seed, "record", j), apart from training's, so a snapshot
/// is regenerated bit for bit from (seed, j, parameters). Episodes run on E = `settings.envs`
/// copies (at most `labelEpisodes`). The recorder works on one rank; every rank holds the same
/// parameters, so rank 0 alone calls it.
public final class OnlineDatasetRecorder {
    public let task: TaskSpec
    public let settings: OnlineRunSettings
    /// `settings.recording`.
    public let recording: OnlineRecordingSettings
    /// Where the snapshot files go (`RUN_DIR/recording`).
    public let directory: String
    /// Snapshot j's update: ⌊j·U/(S−1)⌋ (S = 1: [U]).
    public let snapshotUpdates: [Int]
    let layout: SableLayout
    let description: TaskDescription

    /// - Throws: `OnlineRecordingError.badSettings` unless 1 ≤ S, 1 ≤ M_rec ≤ labelEpisodes;
    ///   `ModelConfig` errors for a bad network.
    public init(task: TaskSpec, settings: OnlineRunSettings, directory: String) throws {
        let recording = settings.recording
        guard recording.snapshots >= 1, recording.episodesPerSnapshot >= 1,
              recording.labelEpisodes >= recording.episodesPerSnapshot, settings.envs >= 1
        else {
            throw OnlineRecordingError.badSettings(
                "\(recording.snapshots) snapshots, \(recording.episodesPerSnapshot) stored and \(recording.labelEpisodes) label episodes "
                    + "per snapshot, \(settings.envs) envs; need ≥ 1 snapshot, ≥ 1 stored episode, label episodes ≥ stored, ≥ 1 env")
        }
        let config = settings.modelConfig(for: task)
        try config.validate()
        self.task = task
        self.settings = settings
        self.recording = recording
        self.directory = directory
        layout = SableLayout(config: config)
        description = TaskDescription(task: task)
        let (s, u) = (recording.snapshots, settings.updates)
        snapshotUpdates = s == 1 ? [u] : (0..<s).map { $0 * u / (s - 1) }
    }

    /// The file of snapshot j.
    public func snapshotPath(_ j: Int) -> String { "\(directory)/snapshot-\(j).mtds" }

    /// Checks every snapshot file already in `directory` against this recording (settings, and the
    /// update and env steps, from `environmentSteps(update)`, it is due at), so that a restart with
    /// another schedule fails at once rather than at the snapshot.
    /// - Throws: `OnlineRecordingError.foreignSnapshot`, file errors.
    public func checkRecordedSnapshots(environmentSteps: (Int) -> Int) throws {
        for (j, update) in snapshotUpdates.enumerated() {
            try recordedStage(j, dueAfter: update, environmentSteps: environmentSteps(update))
        }
    }

    /// Snapshot j's row when its file exists, after checking it was recorded after `update`
    /// updates and `environmentSteps` env steps; nil when it is not recorded yet.
    @discardableResult
    func recordedStage(_ j: Int, dueAfter update: Int, environmentSteps: Int) throws -> SnapshotStage? {
        guard FileManager.default.fileExists(atPath: snapshotPath(j)) else { return nil }
        let stage = try recordedStage(j)
        guard stage.update == update, stage.environmentSteps == environmentSteps else {
            throw OnlineRecordingError.foreignSnapshot(
                path: snapshotPath(j), reason: "recorded after update \(stage.update) (\(stage.environmentSteps) env steps), but this "
                    + "run's schedule puts snapshot \(j) after update \(update) (\(environmentSteps) env steps): --updates, "
                    + "--snapshots or the rank count changed; record into a new run directory")
        }
        return stage
    }

    /// The snapshots due after `update` updates (several when S − 1 > U).
    public func snapshots(dueAt update: Int) -> [Int] { snapshotUpdates.indices.filter { snapshotUpdates[$0] == update } }

    /// Records snapshot `j` with `parameters` after `update` updates and `environmentSteps` env
    /// timesteps of training, unless its file exists already (then its row is returned unchanged).
    /// - Returns: the snapshot's stage-table row (q not yet known: NaN).
    /// - Throws: `OnlineRecordingError.snapshotOutOfRange`; `.foreignSnapshot` when the file on
    ///   disk was recorded with other settings or at another update; file errors.
    @discardableResult
    public func record(snapshot j: Int, update: Int, environmentSteps: Int, parameters: ParameterArena) throws -> SnapshotStage {
        guard snapshotUpdates.indices.contains(j) else { throw OnlineRecordingError.snapshotOutOfRange(j, count: snapshotUpdates.count) }
        if let stage = try recordedStage(j, dueAfter: update, environmentSteps: environmentSteps) { return stage }
        let streams = RandomStream(seed: UInt64(settings.seed)).derived("record", j)
        let copies = min(settings.envs, recording.labelEpisodes)
        let environment = task.makeBatch(copies: copies)
        let policy = SablePolicyBehaviour(task: task, layout: layout, copies: copies, parameters: parameters,
                                          random: streams.derived("actions"))
        var recorder = EpisodeRecorder(environment: environment, behaviour: policy)
        var resets = streams.derived("resets"), idle = streams.derived("idle")
        let seeds = (0..<recording.labelEpisodes).map { _ in resets.next() }
        var unusedExploration = SplitMixGenerator(seed: 0)
        let episodes = recorder.run(seeds: seeds, epsilon: 0, stage: 0, behaviour: &unusedExploration, idleSeed: idle.next())
        let score = MeanWithError(episodes.map(\.totalReturn))
        let stage = SnapshotStage(update: update, environmentSteps: environmentSteps, score: score)
        var contents = DatasetContents(task: description, qualityStageCount: 1,
                                       recorded: Array(episodes.prefix(recording.episodesPerSnapshot)))
        contents.referenceReturn = score.mean
        contents.provenance = DatasetProvenance(behaviour: DatasetProvenance.onlineSable, referenceEpisodes: score.count,
                                                referenceStandardError: score.standardError, stages: [stage])
        try DatasetWriter.write(contents, to: snapshotPath(j))
        return stage
    }

    /// Merges the S snapshots into `dataDirectory/<env>/<task>.mtds` (quality stage = snapshot
    /// index; reference return R_max with its standard error and episodes; R_final; per stage q =
    /// score / R_max and its label, q and labels NaN/none when R_max ≤ 0, spec §3) and sets the
    /// task's row of `dataDirectory/<env>/reference-returns.tsv`: R_max, behaviour `online-sable`,
    /// and the uniformly random legal policy's return measured to `randomPrecision` as `collect`
    /// measures it (NaN when nil).
    /// - Returns: the dataset's path.
    /// - Throws: `OnlineRecordingError.missingSnapshots` / `.foreignSnapshot`, dataset and file errors.
    @discardableResult
    public func finish(reference: OnlineReferenceReturns, dataDirectory: String,
                       randomPrecision: ReferencePrecision? = ReferencePrecision()) throws -> String {
        let missing = snapshotUpdates.indices.filter { !FileManager.default.fileExists(atPath: snapshotPath($0)) }
        guard missing.isEmpty else { throw OnlineRecordingError.missingSnapshots(directory: directory, missing: missing) }
        let best = reference.best
        var merged = DatasetContents(task: description, qualityStageCount: snapshotUpdates.count, recorded: [])
        var stages: [SnapshotStage] = []
        for j in snapshotUpdates.indices {
            var stage = try recordedStage(j)
            stage.normalisedScore = best.mean > 0 ? stage.score.mean / best.mean : .nan
            stages.append(stage)
            merged.append(episodesOf: try DatasetFile(path: snapshotPath(j)).contents(), stage: j)
        }
        merged.referenceReturn = best.mean
        merged.provenance = DatasetProvenance(behaviour: DatasetProvenance.onlineSable, referenceEpisodes: best.count,
                                              referenceStandardError: best.standardError, finalReturn: reference.final, stages: stages)
        let path = DatasetWriter.path(directory: dataDirectory, task: description)
        try DatasetWriter.write(merged, to: path)

        var randomSeed = RandomStream(seed: UInt64(settings.seed)).derived("record-random")
        let random = randomPrecision.map {
            DatasetCollector.measureRandom(task: task, seed: randomSeed.next(), precision: $0, reference: best.mean)
        }
        let tablePath = ReferenceReturnTable.path(dataDirectory: dataDirectory, environment: description.environment)
        // Runs of other tasks (job-array tasks) finish into the same table: one at a time.
        let lock = try RunLock(directory: (tablePath as NSString).deletingLastPathComponent, purpose: "reference table of \(task.id)",
                               waits: true)
        defer { withExtendedLifetime(lock) {} }
        var table = FileManager.default.fileExists(atPath: tablePath) ? try ReferenceReturnTable.read(path: tablePath) : ReferenceReturnTable()
        table[task.id] = ReferenceReturn(mean: best.mean, standardError: best.standardError, behaviour: DatasetProvenance.onlineSable,
                                         randomMean: random?.mean ?? .nan, randomStandardError: random?.standardError ?? .nan)
        try table.write(path: tablePath)
        return path
    }

    /// Snapshot j's stage-table row, after checking its file belongs to this recording.
    func recordedStage(_ j: Int) throws -> SnapshotStage {
        let path = snapshotPath(j)
        let file = try DatasetFile(path: path)
        try file.check(holds: task)
        let p = file.metadata.provenance
        guard p.behaviour == DatasetProvenance.onlineSable, p.stages.count == 1,
              file.episodes.count == recording.episodesPerSnapshot, p.stages[0].score.count == recording.labelEpisodes
        else {
            throw OnlineRecordingError.foreignSnapshot(
                path: path, reason: "\(p.behaviour) data, \(p.stages.count) stage(s), \(file.episodes.count) stored episodes, "
                    + "\(p.stages.first?.score.count ?? 0) label episodes; expected online-sable, 1 stage, "
                    + "\(recording.episodesPerSnapshot) stored and \(recording.labelEpisodes) label episodes")
        }
        return p.stages[0]
    }
}
