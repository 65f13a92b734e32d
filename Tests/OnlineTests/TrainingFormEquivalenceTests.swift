import Environments
import Foundation
import Kernels
import Model
import Online
import TensorCore
import Testing

/// Pitfall P2 of online-sable.md: with agent shuffling off and the parameters unchanged, the
/// training (whole-rollout) form on a stored rollout reproduces the acting log-probabilities and
/// values, across episode resets inside the rollout, so the first minibatch's ratio is 1.
@Suite struct TrainingFormEquivalenceTests {
    /// con-5x5x3a (time limit 25) over 60 steps: every env resets inside the rollout.
    static func collected(steps: Int = 60, envs: Int = 3, seed: UInt64 = 4) throws -> (SableLayout, ParameterArena, Rollout) {
        let task = try TaskRegistry.task(id: "con-5x5x3a")
        let n = task.agentCount
        let config = ModelConfig(embedding: 16, heads: 2, blocks: 1, inputSize: n + task.observationSize,
                                 actionCount: task.actionCount, decayScaling: 0.8, hasQHead: false, hasValueHead: true)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: seed)
        let parameters = SableInitializer.parameters(for: layout, random: &random)
        // Move the heads off their tiny initial scale so log-probs and values vary visibly.
        for s in layout.arena.slices where s.name.contains("layers_3") {
            parameters.setValues(parameters.values(of: s).map { $0 * 100 }, of: s)
        }
        let collector = RolloutCollector(task: task, layout: layout, copies: envs, random: RandomStream(seed: seed + 1))
        let rollout = Rollout(envs: envs, steps: steps, agents: n, inputSize: config.inputSize, actionCount: task.actionCount)
        collector.collect(parameters: parameters, into: rollout)
        AdvantageEstimator().estimate(rollout)
        return (layout, parameters, rollout)
    }

    @Test func wholeRolloutReproducesActingLogProbsAndValues() throws {
        let (layout, parameters, rollout) = try Self.collected()
        let n = rollout.agents, steps = rollout.steps
        for e in 0..<rollout.envs {
            let starts = (1..<steps).filter { rollout.first[rollout.firstIndex(env: e, step: $0)] != 0 }
            #expect(!starts.isEmpty, "env \(e) has no episode start inside the rollout")
        }
        var minibatch = RolloutMinibatch(envs: rollout.envs, steps: steps, agents: n, inputSize: rollout.inputSize,
                                         actionCount: rollout.actionCount)
        minibatch.fill(from: rollout, envs: Array(0..<rollout.envs)[...], order: Array(0..<n))
        let network = SableNetwork(layout: layout, maxBatch: rollout.envs, timeSteps: steps, agentSlots: n)
        network.forward(parameters: parameters, batch: minibatch.batch)
        let a = rollout.actionCount
        var worstLogProb: Float = 0, worstValue: Float = 0, valueScale: Float = 0
        var logProbs = Set<Float>()
        for row in 0..<rollout.tokenCount {
            var largest = -Float.greatestFiniteMagnitude
            for k in 0..<a where rollout.legal[row * a + k] != 0 { largest = max(largest, network.logits[row, k]) }
            var sum: Float = 0
            for k in 0..<a where rollout.legal[row * a + k] != 0 { sum += expf(network.logits[row, k] - largest) }
            let logProb = network.logits[row, Int(rollout.actions[row])] - largest - logf(sum)
            worstLogProb = max(worstLogProb, abs(logProb - rollout.logProbs[row]))
            worstValue = max(worstValue, abs(network.values[row, 0] - rollout.values[row]))
            valueScale = max(valueScale, abs(rollout.values[row]))
            logProbs.insert(rollout.logProbs[row])
        }
        #expect(logProbs.count > rollout.tokenCount / 2, "log-probs barely vary: the comparison would prove little")
        #expect(valueScale > 0.1)
        #expect(worstLogProb <= 1e-5, "max |log π training − log π acting| = \(worstLogProb)")
        #expect(worstValue <= 1e-5 * max(1, valueScale), "max |V training − V acting| = \(worstValue) (scale \(valueScale))")

        // The first minibatch's ratio: 1 up to the forms' rounding.
        let workspace = Workspace()
        let terms = minibatch.batch.legal.withUnsafeBufferPointer {
            PPOObjective.evaluate(logits: network.logits, values: network.values, legal: $0.baseAddress!,
                                  targets: minibatch.targets, settings: PPOSettings(), dLogits: network.logitsGradient,
                                  dValues: network.valueGradient, probabilities: workspace.floats(a))
        }
        #expect(terms.largestRatioDeviation <= 1e-5, "first minibatch: max |ρ − 1| = \(terms.largestRatioDeviation)")
        #expect(terms.clipFraction == 0)
    }

    /// Agent order j holds agent `order[j]`'s data; the decoder's previous action follows the order.
    @Test func minibatchAppliesTheAgentOrderToEveryField() throws {
        let (_, _, rollout) = try Self.collected(steps: 8, envs: 2)
        let n = rollout.agents, d = rollout.inputSize, a = rollout.actionCount, steps = rollout.steps
        var minibatch = RolloutMinibatch(envs: 1, steps: steps, agents: n, inputSize: d, actionCount: a)
        let order = [2, 0, 1]
        minibatch.fill(from: rollout, envs: [1][...], order: order)
        let observations = minibatch.batch.observations.toArray()
        for t in 0..<steps {
            #expect(minibatch.batch.resets[t] == Float(rollout.first[rollout.firstIndex(env: 1, step: t)]))
            for (j, i) in order.enumerated() {
                let row = t * n + j, source = rollout.token(env: 1, step: t, agent: i)
                #expect(observations[row * d + i] == 1, "row \(row) should carry agent \(i)'s ID one-hot")
                #expect(Array(observations[(row * d)..<((row + 1) * d)]) == Array(rollout.observations[(source * d)..<((source + 1) * d)]))
                #expect(Array(minibatch.batch.legal[(row * a)..<((row + 1) * a)]) == Array(rollout.legal[(source * a)..<((source + 1) * a)]))
                #expect(minibatch.batch.actions[row] == rollout.actions[source])
                #expect(minibatch.targets.oldLogProbs[row] == rollout.logProbs[source])
                #expect(minibatch.targets.oldValues[row] == rollout.values[source])
                #expect(minibatch.targets.advantages[row] == rollout.advantages[source])
                #expect(minibatch.targets.returns[row] == rollout.returns[source])
            }
        }
    }

    /// The rollout's bookkeeping: rewards are the team reward on every agent, and `first` follows episode ends.
    @Test func rolloutRecordsTeamRewardsAndEpisodeStarts() throws {
        let (_, _, rollout) = try Self.collected()
        let n = rollout.agents
        for e in 0..<rollout.envs {
            #expect(rollout.first[rollout.firstIndex(env: e, step: 0)] == 1)
            for t in 0..<rollout.steps {
                let base = rollout.token(env: e, step: t, agent: 0)
                for i in 1..<n { #expect(rollout.rewards[base + i] == rollout.rewards[base]) }
            }
            // con-5x5x3a ends by its 25-step limit at the latest.
            var sinceStart = 0
            for t in 0..<rollout.steps {
                if rollout.first[rollout.firstIndex(env: e, step: t)] != 0 { sinceStart = 0 }
                sinceStart += 1
                #expect(sinceStart <= 25)
            }
        }
    }
}
