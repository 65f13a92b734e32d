import Distributed
import Environments
import Model
import TensorCore

/// Settings of an online Sable run on one task (spec online-sable.md §1.9, §1.10): the network
/// (memory Sable with a value head, E 64, H 1, one block, decay scaling 0.8, the timestep
/// encoding on as in Mava's latest config), E envs × T steps per
/// rollout and rank, the number of updates, the PPO update and GAE. The default budget is small
/// (20 updates of 16 envs × 128 steps) [PROJECT CHOICE: a smoke-sized run; Mava's is 1220 updates
/// of 32 envs].
public struct OnlineRunSettings: Sendable, Equatable {
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
    public var seed: UInt64 = 0

    public init() {}

    /// The network for `task`: inputs [one-hot(i), features], A actions, a value head, no Q head.
    public func modelConfig(for task: TaskSpec) -> ModelConfig {
        ModelConfig(embedding: embedding, heads: heads, blocks: blocks, inputSize: task.agentCount + task.observationSize,
                    actionCount: task.actionCount, decayScaling: decayScaling, hasQHead: false, hasValueHead: true,
                    timestepEncoding: timestepEncoding)
    }
}

/// One update's learning-curve record (§1.10 step 6): env timesteps so far over all ranks, the
/// training episodes that ended during its rollouts (all ranks) with their mean return (nil when
/// none ended), and the PPO loss terms averaged over its optimiser steps and ranks.
public struct OnlineUpdateRecord: Sendable {
    public var update: Int
    public var environmentSteps: Int
    public var episodes: Int
    public var meanReturn: Double?
    public var terms: PPOTerms
}

/// The online Sable loop (§1.10 steps 1–6; evaluation, checkpoints and dataset snapshots, step 7,
/// are not part of it yet): per update, every rank collects a rollout of its own envs from its
/// h_start (its action and reset streams differ by rank), estimates GAE, and the ranks train one
/// shared parameter set with `PPOUpdate`. Parameters start the same on every rank (drawn from
/// the seed).
public final class OnlineTrainer {
    public let task: TaskSpec
    public let settings: OnlineRunSettings
    public let layout: SableLayout
    public let parameters: ParameterArena
    let communicator: any Communicator
    let collector: RolloutCollector
    let rollout: Rollout
    let update: PPOUpdate
    var updateRandom: RandomStream

    public init(task: TaskSpec, settings: OnlineRunSettings, communicator: any Communicator) throws {
        let config = settings.modelConfig(for: task)
        try config.validate()
        self.task = task
        self.settings = settings
        self.communicator = communicator
        layout = SableLayout(config: config)
        let root = RandomStream(seed: settings.seed)
        var initRandom = root.derived("parameters")
        parameters = SableInitializer.parameters(for: layout, random: &initRandom)
        let rank = root.derived("rank", communicator.rank)
        collector = RolloutCollector(task: task, layout: layout, copies: settings.envs, random: rank.derived("collector"))
        rollout = Rollout(envs: settings.envs, steps: settings.steps, agents: task.agentCount, config: config)
        update = PPOUpdate(layout: layout, parameters: parameters, envs: settings.envs, steps: settings.steps,
                           agents: task.agentCount, settings: settings.update, communicator: communicator)
        updateRandom = rank.derived("update")
    }

    /// Runs `settings.updates` updates, handing each one's record to `log` (on every rank).
    /// Collective: every rank calls it.
    public func run(log: (OnlineUpdateRecord) -> Void) throws {
        var episodes = [Double](repeating: 0, count: 2)
        for u in 0..<settings.updates {
            collector.collect(parameters: parameters, into: rollout)
            settings.advantages.estimate(rollout)
            let terms = try update.run(rollout: rollout, random: &updateRandom)
            episodes[0] = collector.finishedReturns.reduce(0, +)
            episodes[1] = Double(collector.finishedReturns.count)
            try communicator.allReduceSum(&episodes)
            let count = Int(episodes[1])
            log(OnlineUpdateRecord(update: u + 1, environmentSteps: (u + 1) * settings.envs * settings.steps * communicator.size,
                                   episodes: count, meanReturn: count > 0 ? episodes[0] / Double(count) : nil, terms: terms))
        }
    }
}
