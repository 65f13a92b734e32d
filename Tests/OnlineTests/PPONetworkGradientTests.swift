import Environments
import Foundation
import Kernels
import Model
import Online
import TensorCore
import Testing

/// The PPO loss through the whole network (value head included): the analytic directional
/// derivative along a random direction on each parameter tensor matches central differences; the
/// rollout starts mid-episode and retention runs in chunks of 4 of its 6 timesteps, so the gradient
/// also flows through h_start's carried contribution and from the second chunk back into the first;
/// the timestep encoding is on.
@Suite struct PPONetworkGradientTests {
    @Test func networkGradientMatchesFiniteDifferences() throws {
        let (layout, collected, rollout) = try TrainingFormEquivalenceTests.collected(steps: 6, envs: 2, seed: 9, warmup: 5)
        // Off the collecting parameters, so that ratios differ from 1 and values move.
        let parameters = ParameterArena(layout: layout.arena)
        parameters.copy(from: collected)
        var random = RandomStream(seed: 77)
        for s in layout.arena.slices {
            parameters.setValues(parameters.values(of: s).map { $0 + Float(random.nextNormal() * 0.05) }, of: s)
        }
        let n = rollout.agents
        #expect(rollout.initialStates.contains { abs($0) > 1e-2 }, "h_start is (nearly) zero")
        var minibatch = RolloutMinibatch(envs: 2, steps: 6, agents: n, config: layout.config)
        minibatch.fill(from: rollout, envs: [0, 1][...], order: [1, 2, 0])
        let network = SableNetwork(layout: layout, maxBatch: 2, timeSteps: 6, agentSlots: n, chunkSteps: 4, carriesState: true)
        let workspace = Workspace()
        let probabilities = workspace.floats(rollout.actionCount)
        // No clipping: a token near a clip kink makes central differences meaningless (the kinks'
        // branches are checked on the objective alone, PPOObjectiveTests).
        let settings = PPOSettings(clip: 100, entropyCoefficient: 0.3, valueCoefficient: 0.5)
        func loss(_ p: ParameterArena) -> PPOTerms {
            minibatch.initialStates.withUnsafeBufferPointer { states in
                minibatch.stepCounts.withUnsafeBufferPointer { network.forward(parameters: p, batch: minibatch.batch, initialStates: states, stepCounts: $0) }
            }
            return minibatch.batch.legal.withUnsafeBufferPointer {
                PPOObjective.evaluate(logits: network.logits, values: network.values, legal: $0.baseAddress!,
                                      targets: minibatch.targets, settings: settings, dLogits: network.logitsGradient,
                                      dValues: network.valueGradient, probabilities: probabilities)
            }
        }
        let gradients = ParameterArena(layout: layout.arena)
        _ = loss(parameters)
        network.backward(parameters: parameters, gradients: gradients)
        var checked = 0
        for slice in layout.arena.slices {
            let v = (0..<slice.count).map { _ in Float(random.nextNormal()) }
            let analytic = zip(gradients.values(of: slice), v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            // Small: GroupNorm over d/H = 4 values turns steeply where a group's spread nears 0 (at 5e-4
            // the central difference of a cross-retention key tensor is off by 30 %; at 1e-4 it agrees).
            let eps: Float = 1e-4
            let base = parameters.values(of: slice)
            let plus = ParameterArena(layout: layout.arena), minus = ParameterArena(layout: layout.arena)
            plus.copy(from: parameters)
            minus.copy(from: parameters)
            plus.setValues(zip(base, v).map { $0 + eps * $1 }, of: slice)
            minus.setValues(zip(base, v).map { $0 - eps * $1 }, of: slice)
            let numeric = (loss(plus).total - loss(minus).total) / (2 * Double(eps))
            let tolerance = 2e-2 * max(abs(analytic), abs(numeric)) + 2e-4
            #expect(abs(analytic - numeric) <= tolerance, "\(slice.name): analytic \(analytic), numeric \(numeric)")
            if abs(analytic) > 1e-3 { checked += 1 }
        }
        #expect(checked > layout.arena.slices.count / 2, "only \(checked) tensors had a gradient above 1e-3")
        #expect(layout.arena.slices.filter { $0.name.hasPrefix("encoder/value_head") }.allSatisfy {
            gradients.values(of: $0).contains { $0 != 0 }
        })
    }
}
