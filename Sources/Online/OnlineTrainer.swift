import BinaryFormat
import Distributed
import Environments
import Foundation
import Model
import TensorCore
import Training

/// One update's learning-curve record (§1.10 step 6): env timesteps so far over all ranks, the
/// training episodes that ended during its rollouts (all ranks) with their mean return (nil when
/// none ended), the PPO loss terms of its optimiser steps, and rank 0's seconds acting (rollout and
/// GAE) and training (the PPO epochs).
public struct OnlineUpdateRecord: Sendable {
    public var update: Int
    public var environmentSteps: Int
    public var episodes: Int
    public var meanReturn: Double?
    public var terms: PPOTerms
    public var actingSeconds: Double
    public var trainingSeconds: Double
}

/// How a call of `OnlineTrainer.run` ended.
public enum OnlineOutcome: Equatable, Sendable {
    /// All updates done, `final.json` written.
    case completed
    /// A signal arrived; the run resumes from its latest checkpoint (exit code 75: requeue it).
    case checkpointedOnSignal
    /// A restart of a finished run with no more updates asked for: nothing to do, nothing written.
    case alreadyFinished
}

/// The online Sable run behind `mtrl-dist online` (§1.8–§1.10) on one task and its run directory.
///
/// Per update every rank collects a rollout of its own E envs (its action and reset streams
/// differ by rank), estimates GAE, and the ranks train one shared parameter set with `PPOUpdate`
/// (one learner over all ranks). Rank 0 appends a row to `metrics.csv` and prints a progress line.
/// Every `evaluationInterval` updates, at update 0 and after the last one, the sampled policy plays
/// `evalEpisodes` complete episodes on separate env copies with a separate stream (`eval.csv`); the
/// best by mean return are kept (`checkpoints/best.ckpt`). At the end R_final (final parameters)
/// and R_max (best parameters) over `finalEvalEpisodes` episodes go into `final.json`.
///
/// Restart points: every `checkpointEvery` updates (and at update 0) a checkpoint is written
/// (`checkpoints/latest.ckpt`, the one before kept as `previous.ckpt`), and before the next rollout
/// every training env starts a fresh episode from the reset stream with zero hidden states — in
/// an uninterrupted run as well. The rollout before such a cut bootstraps from its last
/// observation as usual, so GAE treats the cut as a truncation with bootstrap; the cut episodes
/// are not counted as finished. All random streams are derived from (seed, rank, restart point
/// or update), so the checkpoint (parameters, Adam moments and step count, update, best score
/// and update) is the whole state: a run stopped and restarted on its directory continues from
/// its latest restart point and ends with the parameters and metric rows of an uninterrupted
/// run. A signal (SIGTERM, SIGINT, SIGUSR1) stops every rank after the update in flight with
/// `.checkpointedOnSignal`; the updates after the latest restart point are then done again.
///
/// `run`'s `afterUpdate` is the per-update hook (after the update's evaluation and checkpoint), on
/// every rank, for dataset snapshots.
public final class OnlineTrainer {
    public let task: TaskSpec
    public let settings: OnlineRunSettings
    public let run: RunDirectory
    public let layout: SableLayout
    /// The trained parameters (the same on every rank).
    public let parameters: ParameterArena
    let communicator: any Communicator
    let collector: RolloutCollector
    /// Separate env copies for evaluation (pitfall P21).
    let evaluator: RolloutCollector
    let rollout: Rollout
    let update: PPOUpdate
    /// The seed's stream (parameters, shuffles: the same on every rank) and this rank's.
    let root: RandomStream
    let rankRandom: RandomStream
    let log: MetricsLog?
    /// Rank 0's exclusive hold on the run directory.
    let lock: RunLock?
    /// The update the run continues from (0, or the checkpoint's).
    public internal(set) var startUpdate = 0
    private(set) var isAlreadyFinished = false
    var lastCheckpointUpdate: Int?
    var bestScore = -Double.infinity
    var bestUpdate = -1
    var bestParameters: [Float]
    /// Seconds acting and training summed over this process's updates (rank 0's figures).
    var actingSeconds = 0.0
    var trainingSeconds = 0.0
    /// Written by a completed `run`.
    public internal(set) var finalReport: OnlineFinalReport?

    /// Sets up the run in `settings.out`: a new run, or the continuation of the one there (its
    /// latest checkpoint) when the settings match. Collective: every rank calls it.
    /// - Throws: the task's or the settings' error, `RunDirectoryError` (foreign or locked
    ///   directory, changed setting, unusable checkpoint), `CheckpointError`.
    public init(settings: OnlineRunSettings, communicator: any Communicator) throws {
        task = try settings.validate()
        let config = settings.modelConfig(for: task)
        try config.validate()
        try communicator.checkIdentical(text: settings.resolvedText)
        self.settings = settings
        self.communicator = communicator
        run = RunDirectory(path: settings.out)
        layout = SableLayout(config: config)
        root = RandomStream(seed: UInt64(settings.seed))
        var initRandom = root.derived("parameters")
        parameters = SableInitializer.parameters(for: layout, random: &initRandom)
        bestParameters = parameters.buffer.toArray()
        rankRandom = root.derived("rank", communicator.rank)
        collector = RolloutCollector(task: task, layout: layout, copies: settings.envs, random: rankRandom.derived("collector", 0))
        let perRank = { (episodes: Int) in (episodes + communicator.size - 1) / communicator.size }
        evaluator = RolloutCollector(task: task, layout: layout, copies: max(1, min(perRank(settings.evalEpisodes), 256)),
                                     random: rankRandom.derived("evaluation"))
        rollout = Rollout(envs: settings.envs, steps: settings.steps, agents: task.agentCount, config: config)
        update = PPOUpdate(layout: layout, parameters: parameters, envs: settings.envs, steps: settings.steps,
                           agents: task.agentCount, settings: settings.update, communicator: communicator)
        log = communicator.rank == 0 ? MetricsLog(directory: run.url) : nil
        let claim = communicator.rank == 0 ? try run.claimOnline(settings: settings) : nil
        lock = claim?.lock
        var resumes = [claim?.resumes == true ? 1.0 : 0.0]
        try communicator.broadcast(&resumes, root: 0)
        if resumes[0] > 0 {
            try restore()
            isAlreadyFinished = startUpdate >= settings.updates && FileManager.default.fileExists(atPath: run.finalReport)
        }
        guard startUpdate <= settings.updates else {
            throw ConfigError.inconsistent("--updates \(settings.updates) is below the checkpoint's update \(startUpdate) in \(run.path); pass --updates \(startUpdate) or more")
        }
        if communicator.rank == 0 && !isAlreadyFinished {
            try MetricsLog.truncate(directory: run.url, after: resumes[0] > 0 ? startUpdate : -1)
            try AtomicFile.write(Array(settings.json.utf8), to: run.configFile)
        }
    }

    /// Environment steps of all ranks after `update` updates.
    public func environmentSteps(after update: Int) -> Int { update * settings.envs * settings.steps * communicator.size }

    /// Runs the updates from `startUpdate` to `settings.updates` with their evaluations and
    /// checkpoints, then the final evaluations and `final.json`. `afterUpdate` gets each update's
    /// record once its evaluation and checkpoint are done. Collective: every rank calls it.
    public func run(afterUpdate: (OnlineUpdateRecord) throws -> Void = { _ in }) throws -> OnlineOutcome {
        if isAlreadyFinished {
            say("\(run.path) finished at update \(startUpdate) (final.json written); nothing to do. "
                + "Pass --updates N with N > \(startUpdate) to train it further.")
            return .alreadyFinished
        }
        SignalFlag.install()
        let start = DispatchTime.now().uptimeNanoseconds
        say("mtrl-dist online: \(task.id), \(communicator.size) rank(s) × \(settings.envs) envs × \(settings.steps) steps, "
            + "\(layout.arena.parameterCount) parameters, settings set \(settings.settingsSet.rawValue)"
            + (settings.departuresFromSettingsSet.isEmpty ? "" : " (changed: \(settings.departuresFromSettingsSet.joined(separator: ", ")))"))
        if startUpdate == 0 {
            try evaluateAndSelect(update: 0)
            try saveCheckpoint(update: 0)
        }
        for u in startUpdate..<settings.updates {
            if u == startUpdate || u % settings.checkpointEvery == 0 {
                collector.restart(random: rankRandom.derived("collector", u))
            }
            let record = try trainOneUpdate(number: u + 1)
            let done = record.update
            try logUpdate(record, elapsed: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if done % settings.evaluationInterval == 0 || done == settings.updates { try evaluateAndSelect(update: done) }
            if done % settings.checkpointEvery == 0 || done == settings.updates { try saveCheckpoint(update: done) }
            try afterUpdate(record)
            if try signalReceived() && done < settings.updates {
                say("signal received after update \(done): the run continues from its checkpoint of update "
                    + "\(lastCheckpointUpdate ?? 0) when restarted; exiting with code \(SignalFlag.checkpointedExitCode)")
                return .checkpointedOnSignal
            }
        }
        try finish(elapsed: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        return .completed
    }

    /// Rollout and GAE (acting), the PPO epochs (training), and the ranks' finished episodes.
    func trainOneUpdate(number: Int) throws -> OnlineUpdateRecord {
        let t0 = DispatchTime.now().uptimeNanoseconds
        collector.collect(parameters: parameters, into: rollout)
        settings.advantages.estimate(rollout)
        let t1 = DispatchTime.now().uptimeNanoseconds
        var shuffles = root.derived("update", number)
        let terms = try update.run(rollout: rollout, random: &shuffles)
        let t2 = DispatchTime.now().uptimeNanoseconds
        var episodes = [collector.finishedReturns.reduce(0, +), Double(collector.finishedReturns.count)]
        try communicator.allReduceSum(&episodes)
        let count = Int(episodes[1])
        let acting = Double(t1 - t0) / 1e9, training = Double(t2 - t1) / 1e9
        actingSeconds += acting
        trainingSeconds += training
        return OnlineUpdateRecord(update: number, environmentSteps: environmentSteps(after: number), episodes: count,
                                  meanReturn: count > 0 ? episodes[0] / Double(count) : nil, terms: terms,
                                  actingSeconds: acting, trainingSeconds: training)
    }

    /// Env agent-steps of all ranks per second of `seconds`.
    func agentStepsPerSecond(updates: Int, seconds: Double) -> Double {
        Double(updates * settings.envs * settings.steps * communicator.size * task.agentCount) / max(seconds, 1e-9)
    }

    /// Rank 0: the `metrics.csv` row and the progress line.
    func logUpdate(_ r: OnlineUpdateRecord, elapsed: Double) throws {
        guard communicator.rank == 0 else { return }
        let t = r.terms, rate = agentStepsPerSecond(updates: 1, seconds: r.actingSeconds + r.trainingSeconds)
        try log?.write(kind: "train", fields: [
            ("update", .number(Double(r.update))), ("env_steps", .number(Double(r.environmentSteps))),
            ("episodes", .number(Double(r.episodes))), ("mean_return", .number(r.meanReturn ?? .nan)),
            ("loss", .number(t.total)), ("actor", .number(t.actor)), ("value", .number(t.value)), ("entropy", .number(t.entropy)),
            ("approx_kl", .number(t.approximateKL)), ("clip_fraction", .number(t.clipFraction)),
            ("acting_s", .number(r.actingSeconds)), ("training_s", .number(r.trainingSeconds)),
            ("agent_steps_per_s", .number(rate)),
        ])
        let remaining = Double(settings.updates - r.update) * elapsed / Double(max(1, r.update - startUpdate))
        say(String(format: "update %d/%d  env steps %d  episodes %d  return %@  loss %.4f  value %.4f  entropy %.3f  kl %.4f  clip %.3f  "
                   + "acting %.2fs  training %.2fs  %.0f agent-steps/s  ETA %@",
                   r.update, settings.updates, r.environmentSteps, r.episodes, r.meanReturn.map { String(format: "%.3f", $0) } ?? "-",
                   t.total, t.value, t.entropy, t.approximateKL, t.clipFraction, r.actingSeconds, r.trainingSeconds, rate,
                   Trainer.duration(remaining)))
    }

    /// Whether any rank received SIGTERM/SIGINT/SIGUSR1 (all ranks agree, so all stop together).
    func signalReceived() throws -> Bool {
        var flag = [Double(SignalFlag.received != 0 ? 1 : 0)]
        try communicator.allReduceMax(&flag)
        return flag[0] > 0
    }

    /// Prints on rank 0 only.
    func say(_ line: String) {
        guard communicator.rank == 0 else { return }
        print(line)
        fflush(nil)
    }
}
