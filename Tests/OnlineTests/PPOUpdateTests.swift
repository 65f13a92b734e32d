import Distributed
import Model
import Online
import TensorCore
import TestSupport
import Testing

/// The PPO update of one rollout (online-sable.md §1.6): the first optimiser step sees ρ = 1, the
/// parameters move (16-step retention chunks on 30 steps), and ranks average their gradients (two ranks on the same rollout = one rank).
@Suite struct PPOUpdateTests {
    static let settings = PPOUpdateSettings(epochs: 2, minibatches: 1, shufflesAgents: false, shufflesEnvs: false)

    static func train(_ layout: SableLayout, _ start: ParameterArena, _ rollout: Rollout,
                      settings: PPOUpdateSettings = settings, communicator: any Communicator) throws -> (ParameterArena, PPOUpdate) {
        let parameters = ParameterArena(layout: layout.arena)
        parameters.copy(from: start)
        let update = PPOUpdate(layout: layout, parameters: parameters, envs: rollout.envs, steps: rollout.steps,
                               agents: rollout.agents, settings: settings, communicator: communicator)
        var random = RandomStream(seed: 5)
        _ = try update.run(rollout: rollout, random: &random)
        return (parameters, update)
    }

    /// The rollout starts mid-episode: ρ = 1 needs the training form to start from h_start.
    @Test func firstStepHasUnitRatioAndParametersMove() throws {
        let (layout, start, rollout) = try TrainingFormEquivalenceTests.collected(steps: 30, envs: 2, warmup: 11)
        #expect(rollout.initialStates.contains { abs($0) > 1e-2 }, "h_start is (nearly) zero")
        let (trained, update) = try Self.train(layout, start, rollout, communicator: SingleProcessCommunicator())
        #expect(update.firstStepTerms.largestRatioDeviation <= 1e-5)
        #expect(update.optimizer.stepCount == 2)
        #expect(trained.buffer.toArray() != start.buffer.toArray())
    }

    @Test func twoRanksOnTheSameRolloutEqualOneRank() throws {
        let (layout, start, rollout) = try TrainingFormEquivalenceTests.collected(steps: 20, envs: 2)
        let shuffled = PPOUpdateSettings(epochs: 2, minibatches: 2)
        let alone = try Self.train(layout, start, rollout, settings: shuffled, communicator: SingleProcessCommunicator()).0.buffer.toArray()
        let startValues = start.buffer.toArray()
        let ranks = try SimulatedRanks.run(size: 2) { communicator in
            let arena = ParameterArena(layout: layout.arena)
            arena.buffer.copy(from: startValues)
            return try Self.train(layout, arena, rollout, settings: shuffled, communicator: communicator).0.buffer.toArray()
        }
        #expect(ranks[0] == alone)
        #expect(ranks[1] == alone)
    }
}
