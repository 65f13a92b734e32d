import Distributed
import Kernels
import Model
import TensorCore

/// The PPO update of one rollout (spec online-sable.md §1.6, §1.10 step 5), data parallel: every
/// rank trains on its own rollout of E envs, and the ranks' minibatches m together form one global
/// minibatch. Each of the K_ep·M optimiser steps normalises the advantages over the global
/// minibatch's tokens (mean and std all-reduced, pitfall P7), takes every loss mean over all of its
/// tokens, sums the ranks' gradients (so the gradient is the global minibatch's), clips it to the
/// global norm and steps Adam, so every rank keeps the same parameters. Hence R ranks with E envs
/// each make the update one rank makes on all R·E envs (to float rounding) when M = 1, or when
/// the env shuffle is off and each rank holds a contiguous block of the envs. [PROJECT CHOICE: one
/// learner over all ranks; Mava's U = 2 learner copies normalise per copy, pitfall P20.]
///
/// Each epoch draws one agent permutation (the same for all timesteps, envs and ranks, pitfall
/// P6), then an env permutation, from `random`, which must be the same stream on every rank;
/// minibatch m holds envs m·E/M ..< (m+1)·E/M of the permuted order and runs the training form on
/// whole T-step sequences. Each sequence starts from its env's h_start (the rollout's
/// `initialStates`) and runs retention in chunks of `settings.chunkSteps` timesteps chained by the
/// carried state (§1.7).
public final class PPOUpdate {
    public let settings: PPOUpdateSettings
    public let network: SableNetwork
    public let parameters: ParameterArena
    public let gradients: ParameterArena
    public let optimizer: AdamOptimizer
    let communicator: any Communicator
    let reducer: GradientAllReduce
    var minibatch: RolloutMinibatch
    let workspace = Workspace()
    let probabilities: UnsafeMutablePointer<Float>
    var envOrder: [Int]
    var agentOrder: [Int]
    var terms: [Double]
    /// All-reduced advantage statistics of the current minibatch: Σ Â and the token count, then Σ (Â − mean)².
    var moments: [Double]
    var largestDeviation: [Double]
    /// Loss terms of the first optimiser step of the last update (this rank's minibatch).
    public private(set) var firstStepTerms = PPOTerms()

    /// - Parameters: `envs`, `steps`, `agents` the shape of every rollout this rank trains on.
    public init(layout: SableLayout, parameters: ParameterArena, envs: Int, steps: Int, agents: Int,
                settings: PPOUpdateSettings, communicator: any Communicator) {
        let c = layout.config
        precondition(c.hasValueHead, "PPO needs a network with a value head")
        precondition(settings.epochs >= 1 && settings.minibatches >= 1 && envs % settings.minibatches == 0,
                     "PPO update: \(envs) envs do not split into \(settings.minibatches) minibatches (epochs \(settings.epochs))")
        self.settings = settings
        let perMinibatch = envs / settings.minibatches
        network = SableNetwork(layout: layout, maxBatch: perMinibatch, timeSteps: steps, agentSlots: agents,
                               chunkSteps: min(settings.chunkSteps, steps), carriesState: true)
        self.parameters = parameters
        gradients = ParameterArena(layout: layout.arena)
        optimizer = AdamOptimizer(parameterCount: layout.arena.totalCount, settings: settings.adam)
        self.communicator = communicator
        reducer = GradientAllReduce(communicator: communicator, count: layout.arena.totalCount)
        minibatch = RolloutMinibatch(envs: perMinibatch, steps: steps, agents: agents, config: c)
        probabilities = workspace.floats(c.actionCount)
        envOrder = Array(0..<envs)
        agentOrder = Array(0..<agents)
        terms = [Double](repeating: 0, count: 6)
        moments = [0, 0]
        largestDeviation = [0]
    }

    /// Trains on `rollout` (advantages and returns already estimated); returns the loss terms of
    /// the global minibatches averaged over the optimiser steps (`largestRatioDeviation`: the
    /// largest over steps and ranks). Collective: every rank calls it, with the same `random`.
    public func run(rollout: Rollout, random: inout RandomStream) throws -> PPOTerms {
        let perMinibatch = network.maxBatch
        precondition(rollout.envs == envOrder.count && rollout.steps == network.timeSteps && rollout.agents == agentOrder.count
                     && rollout.initialStates.count == minibatch.initialStates.count / perMinibatch * rollout.envs,
                     "rollout (E \(rollout.envs), T \(rollout.steps), N \(rollout.agents), \(rollout.initialStates.count) h_start floats) does not fit the update")
        for k in terms.indices { terms[k] = 0 }
        largestDeviation[0] = 0
        // Permutations start from identity order: each update's depend on its stream only.
        for k in envOrder.indices { envOrder[k] = k }
        for k in agentOrder.indices { agentOrder[k] = k }
        for epoch in 0..<settings.epochs {
            if settings.shufflesAgents { shuffle(&agentOrder, random: &random) }
            if settings.shufflesEnvs { shuffle(&envOrder, random: &random) }
            for m in 0..<settings.minibatches {
                minibatch.fill(from: rollout, envs: envOrder[(m * perMinibatch)..<((m + 1) * perMinibatch)], order: agentOrder)
                let step = try optimiserStep()
                if epoch == 0 && m == 0 { firstStepTerms = step }
                for (k, v) in [step.total, step.actor, step.value, step.entropy, step.approximateKL, step.clipFraction]
                    .enumerated() { terms[k] += v }
                largestDeviation[0] = max(largestDeviation[0], step.largestRatioDeviation)
            }
        }
        try communicator.allReduceSum(&terms)
        try communicator.allReduceMax(&largestDeviation)
        let scale = 1 / Double(settings.epochs * settings.minibatches)
        var mean = PPOTerms()
        mean.total = terms[0] * scale
        mean.actor = terms[1] * scale
        mean.value = terms[2] * scale
        mean.entropy = terms[3] * scale
        mean.approximateKL = terms[4] * scale
        mean.clipFraction = terms[5] * scale
        mean.largestRatioDeviation = largestDeviation[0]
        return mean
    }

    /// Mean and population std of Â over the global minibatch (this rank's part is in `minibatch`),
    /// and its token count.
    private func advantageMoments() throws -> (mean: Float, deviation: Float, rows: Int) {
        let rows = minibatch.targets.count, advantages = minibatch.targets.advantages
        moments[0] = PPOObjective.sum(advantages, count: rows)
        moments[1] = Double(rows)
        try communicator.allReduceSum(&moments)
        let count = moments[1], mean = moments[0] / count
        moments[0] = PPOObjective.squaredDeviations(advantages, count: rows, from: mean)
        moments[1] = 0
        try communicator.allReduceSum(&moments)
        return (Float(mean), Float((moments[0] / count).squareRoot()), Int(count))
    }

    /// Forward, loss, backward, all-reduce (sum), clip, Adam on the filled minibatch.
    private func optimiserStep() throws -> PPOTerms {
        minibatch.initialStates.withUnsafeBufferPointer { states in
            minibatch.stepCounts.withUnsafeBufferPointer { counts in
                network.forward(parameters: parameters, batch: minibatch.batch, initialStates: states,
                                stepCounts: network.config.timestepEncoding ? counts : nil)
            }
        }
        let (mean, deviation, rows) = try advantageMoments()
        let step = minibatch.batch.legal.withUnsafeBufferPointer {
            PPOObjective.evaluate(logits: network.logits, values: network.values, legal: $0.baseAddress!,
                                  targets: minibatch.targets, settings: settings.loss, dLogits: network.logitsGradient,
                                  dValues: network.valueGradient, probabilities: probabilities,
                                  advantageMoments: (mean, deviation), minibatchRows: rows)
        }
        gradients.zero()
        network.backward(parameters: parameters, gradients: gradients)
        // Each rank's gradient is its share of the global minibatch mean: the sum is the whole one.
        try gradients.buffer.withUnsafeMutableBufferPointer { try reducer.allReduce($0) }
        let (norm, _) = ArenaMath.clipGlobalNorm(gradients.buffer, maxNorm: settings.maxGradNorm)
        if norm.isFinite { optimizer.step(parameters: parameters.buffer, gradients: gradients.buffer) }
        return step
    }

    /// Fisher–Yates with the update's stream.
    private func shuffle(_ order: inout [Int], random: inout RandomStream) {
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
    }
}
