import Environments
import Foundation
import Kernels
import Model
import Online
import TensorCore
import Testing

/// Pitfall P2 of online-sable.md: with agent shuffling off and the parameters unchanged, the
/// training form on a stored rollout reproduces the acting log-probabilities and values, across
/// episode resets inside the rollout, so the first minibatch's ratio is 1: whole-rollout, chunked
/// (§1.7, P12) and per-timestep (recurrent) chunks, from a fresh start and from mid-episode h_start.
@Suite struct TrainingFormEquivalenceTests {
    /// con-5x5x3a (time limit 25): every env resets inside a 60-step rollout. With `warmup`, a
    /// rollout of that many steps is collected and dropped first, so the returned one starts
    /// mid-episode. The network has the timestep encoding unless `timestepEncoding` is false.
    static func collected(steps: Int = 60, envs: Int = 3, seed: UInt64 = 4, warmup: Int = 0,
                          timestepEncoding: Bool = true) throws -> (SableLayout, ParameterArena, Rollout) {
        let task = try TaskRegistry.task(id: "con-5x5x3a")
        let n = task.agentCount
        let config = ModelConfig(embedding: 16, heads: 2, blocks: 1, inputSize: n + task.observationSize,
                                 actionCount: task.actionCount, decayScaling: 0.8, hasQHead: false, hasValueHead: true,
                                 timestepEncoding: timestepEncoding)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: seed)
        let parameters = SableInitializer.parameters(for: layout, random: &random)
        // Move the heads off their tiny initial scale so log-probs and values vary visibly.
        for s in layout.arena.slices where s.name.contains("layers_3") {
            parameters.setValues(parameters.values(of: s).map { $0 * 100 }, of: s)
        }
        let collector = RolloutCollector(task: task, layout: layout, copies: envs, random: RandomStream(seed: seed + 1))
        if warmup > 0 { collector.collect(parameters: parameters, into: Rollout(envs: envs, steps: warmup, agents: n, config: config)) }
        let rollout = Rollout(envs: envs, steps: steps, agents: n, config: config)
        collector.collect(parameters: parameters, into: rollout)
        AdvantageEstimator().estimate(rollout)
        return (layout, parameters, rollout)
    }

    /// The training form over the whole rollout (identity agent order) in chunks of `chunkSteps`,
    /// from h_start or (`fromZero`) from zero states.
    static func trainingForm(_ layout: SableLayout, _ parameters: ParameterArena, _ rollout: Rollout, chunkSteps: Int,
                             fromZero: Bool = false) -> (network: SableNetwork, minibatch: RolloutMinibatch) {
        var minibatch = RolloutMinibatch(envs: rollout.envs, steps: rollout.steps, agents: rollout.agents, config: layout.config)
        minibatch.fill(from: rollout, envs: Array(0..<rollout.envs)[...], order: Array(0..<rollout.agents))
        let network = SableNetwork(layout: layout, maxBatch: rollout.envs, timeSteps: rollout.steps, agentSlots: rollout.agents,
                                   chunkSteps: chunkSteps, carriesState: true)
        minibatch.initialStates.withUnsafeBufferPointer { states in
            minibatch.stepCounts.withUnsafeBufferPointer { counts in
                network.forward(parameters: parameters, batch: minibatch.batch, initialStates: fromZero ? nil : states,
                                stepCounts: layout.config.timestepEncoding ? counts : nil)
            }
        }
        return (network, minibatch)
    }

    /// Largest |log π training − log π acting| and |V training − V acting| / max(1, |V acting|), and the largest |V acting|.
    static func deviations(_ network: SableNetwork, _ rollout: Rollout) -> (logProb: Float, value: Float, valueScale: Float) {
        let a = rollout.actionCount
        var worstLogProb: Float = 0, worstValue: Float = 0, valueScale: Float = 0
        for row in 0..<rollout.tokenCount {
            var largest = -Float.greatestFiniteMagnitude
            for k in 0..<a where rollout.legal[row * a + k] != 0 { largest = max(largest, network.logits[row, k]) }
            var sum: Float = 0
            for k in 0..<a where rollout.legal[row * a + k] != 0 { sum += expf(network.logits[row, k] - largest) }
            let logProb = network.logits[row, Int(rollout.actions[row])] - largest - logf(sum)
            worstLogProb = max(worstLogProb, abs(logProb - rollout.logProbs[row]))
            worstValue = max(worstValue, abs(network.values[row, 0] - rollout.values[row]) / max(1, abs(rollout.values[row])))
            valueScale = max(valueScale, abs(rollout.values[row]))
        }
        return (worstLogProb, worstValue, valueScale)
    }

    /// Episode starts after timestep 0, over all envs.
    static func episodeStarts(_ rollout: Rollout) -> [Int] {
        (0..<rollout.envs).flatMap { e in (1..<rollout.steps).filter { rollout.first[rollout.firstIndex(env: e, step: $0)] != 0 } }
    }

    /// With and without the timestep encoding (P11).
    @Test(arguments: [true, false])
    func wholeRolloutReproducesActingLogProbsAndValues(timestepEncoding: Bool) throws {
        let (layout, parameters, rollout) = try Self.collected(timestepEncoding: timestepEncoding)
        for e in 0..<rollout.envs {
            let starts = (1..<rollout.steps).filter { rollout.first[rollout.firstIndex(env: e, step: $0)] != 0 }
            #expect(!starts.isEmpty, "env \(e) has no episode start inside the rollout")
        }
        let (network, minibatch) = Self.trainingForm(layout, parameters, rollout, chunkSteps: rollout.steps)
        #expect(Set(rollout.logProbs).count > rollout.tokenCount / 2, "log-probs barely vary: the comparison would prove little")
        let (worstLogProb, worstValue, valueScale) = Self.deviations(network, rollout)
        #expect(valueScale > 0.1)
        #expect(worstLogProb <= 1e-5, "max |log π training − log π acting| = \(worstLogProb)")
        #expect(worstValue <= 1e-5, "max |V training − V acting| / max(1, |V acting|) = \(worstValue)")

        // The first minibatch's ratio: 1 up to the forms' rounding.
        let workspace = Workspace()
        let terms = minibatch.batch.legal.withUnsafeBufferPointer {
            PPOObjective.evaluate(logits: network.logits, values: network.values, legal: $0.baseAddress!,
                                  targets: minibatch.targets, settings: PPOSettings(), dLogits: network.logitsGradient,
                                  dValues: network.valueGradient, probabilities: workspace.floats(rollout.actionCount))
        }
        #expect(terms.largestRatioDeviation <= 1e-5, "first minibatch: max |ρ − 1| = \(terms.largestRatioDeviation)")
        #expect(terms.clipFraction == 0)
    }

    /// A rollout that starts mid-episode (nonzero h_start) in whole-rollout, 16-step, boundary-fitted
    /// and 1-step chunks: resets fall inside chunks and exactly on chunk boundaries.
    @Test func chunkedAndRecurrentFormsReproduceActingFromMidEpisode() throws {
        let (layout, parameters, rollout) = try Self.collected(steps: 40, warmup: 9)
        let midEpisode = (0..<rollout.envs).filter { rollout.first[rollout.firstIndex(env: $0, step: 0)] == 0 }
        #expect(!midEpisode.isEmpty, "every env starts a new episode: h_start would be zero")
        #expect(rollout.initialStates.contains { abs($0) > 1e-2 }, "h_start is (nearly) zero")
        let starts = Self.episodeStarts(rollout)
        // A chunk size that puts the first episode start on a chunk boundary.
        let boundary = starts.min() ?? 1
        let chunkSizes = [rollout.steps, 16, boundary, 1]
        #expect(chunkSizes.contains { c in c > 1 && starts.contains { $0 % c != 0 } }, "no episode start inside a chunk")
        #expect(chunkSizes.contains { c in c > 1 && starts.contains { $0 % c == 0 } }, "no episode start on a chunk boundary")
        for chunk in chunkSizes {
            let (network, _) = Self.trainingForm(layout, parameters, rollout, chunkSteps: chunk)
            let (worstLogProb, worstValue, valueScale) = Self.deviations(network, rollout)
            #expect(worstLogProb <= 1e-5, "chunks of \(chunk): max |log π training − log π acting| = \(worstLogProb)")
            #expect(worstValue <= 1e-5, "chunks of \(chunk): max |V training − V acting| / max(1, |V acting|) = \(worstValue)")
        }
        // Starting from zero instead of h_start does not reproduce acting: the comparison has power.
        let (zero, _) = Self.trainingForm(layout, parameters, rollout, chunkSteps: 16, fromZero: true)
        #expect(Self.deviations(zero, rollout).logProb > 1e-3)
    }

    /// Agent order j holds agent `order[j]`'s data; the decoder's previous action follows the order.
    @Test func minibatchAppliesTheAgentOrderToEveryField() throws {
        let (layout, _, rollout) = try Self.collected(steps: 8, envs: 2, warmup: 3)
        let n = rollout.agents, d = rollout.inputSize, a = rollout.actionCount, steps = rollout.steps
        var minibatch = RolloutMinibatch(envs: 1, steps: steps, agents: n, config: layout.config)
        let order = [2, 0, 1]
        minibatch.fill(from: rollout, envs: [1][...], order: order)
        let observations = minibatch.batch.observations.toArray()
        // h_start: env 1's slice of every state module, in the minibatch's single sample slot.
        let size = rollout.stateSize
        for m in 0..<rollout.stateModules {
            #expect(Array(minibatch.initialStates[(m * size)..<((m + 1) * size)])
                    == Array(rollout.initialStates[((m * 2 + 1) * size)..<((m * 2 + 2) * size)]))
        }
        #expect(minibatch.initialStates.contains { $0 != 0 })
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

    /// The rollout's bookkeeping: rewards are the team reward on every agent, `first` follows
    /// episode ends, and step counts restart at 0 with each episode and grow by 1 inside it.
    @Test func rolloutRecordsTeamRewardsAndEpisodeStarts() throws {
        let (_, _, rollout) = try Self.collected()
        let n = rollout.agents
        for e in 0..<rollout.envs {
            #expect(rollout.first[rollout.firstIndex(env: e, step: 0)] == 1)
            for t in 0..<rollout.steps {
                let base = rollout.token(env: e, step: t, agent: 0)
                for i in 1..<n { #expect(rollout.rewards[base + i] == rollout.rewards[base]) }
            }
            for t in 1..<rollout.steps {
                let count = rollout.stepCounts[e * rollout.steps + t], before = rollout.stepCounts[e * rollout.steps + t - 1]
                #expect(count == (rollout.first[rollout.firstIndex(env: e, step: t)] != 0 ? 0 : before + 1))
            }
            #expect(rollout.stepCounts[e * rollout.steps] == 0)
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
