import Distributed
import Kernels
import Model
import TensorCore

/// The PPO update of one rollout (spec online-sable.md §1.6, §1.10 step 5), data parallel: every
/// rank trains on its own rollout of E envs, and each of the K_ep·M optimiser steps all-reduces
/// the gradient (mean over ranks of each rank's minibatch-mean gradient), clips it to the global
/// norm and steps Adam, so every rank keeps the same parameters. One rank works alone.
///
/// Each epoch draws an env permutation and one agent permutation (the same for all timesteps and
/// envs, pitfall P6) from `random`; minibatch m holds envs m·E/M ..< (m+1)·E/M of the permuted
/// order and runs the training form on whole T-step sequences. Advantages are normalised per rank
/// and minibatch (a rank plays one Mava learner copy, pitfall P7/P20) [PROJECT CHOICE]. Each
/// sequence starts from its env's h_start (the rollout's `initialStates`) and runs retention in
/// chunks of `settings.chunkSteps` timesteps chained by the carried state (§1.7).
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
        terms = [Double](repeating: 0, count: 7)
    }

    /// Trains on `rollout` (advantages and returns already estimated); returns the loss terms
    /// averaged over the optimiser steps and ranks. Collective: every rank calls it.
    public func run(rollout: Rollout, random: inout RandomStream) throws -> PPOTerms {
        let perMinibatch = network.maxBatch
        precondition(rollout.envs == envOrder.count && rollout.steps == network.timeSteps && rollout.agents == agentOrder.count
                     && rollout.initialStates.count == minibatch.initialStates.count / perMinibatch * rollout.envs,
                     "rollout (E \(rollout.envs), T \(rollout.steps), N \(rollout.agents), \(rollout.initialStates.count) h_start floats) does not fit the update")
        for k in terms.indices { terms[k] = 0 }
        for epoch in 0..<settings.epochs {
            if settings.shufflesEnvs { shuffle(&envOrder, random: &random) }
            if settings.shufflesAgents { shuffle(&agentOrder, random: &random) }
            for m in 0..<settings.minibatches {
                minibatch.fill(from: rollout, envs: envOrder[(m * perMinibatch)..<((m + 1) * perMinibatch)], order: agentOrder)
                let step = try optimiserStep()
                if epoch == 0 && m == 0 { firstStepTerms = step }
                for (k, v) in [step.total, step.actor, step.value, step.entropy, step.approximateKL, step.clipFraction,
                               step.largestRatioDeviation].enumerated() { terms[k] += v }
            }
        }
        try communicator.allReduceSum(&terms)
        let scale = 1 / Double(settings.epochs * settings.minibatches * communicator.size)
        var mean = PPOTerms()
        mean.total = terms[0] * scale
        mean.actor = terms[1] * scale
        mean.value = terms[2] * scale
        mean.entropy = terms[3] * scale
        mean.approximateKL = terms[4] * scale
        mean.clipFraction = terms[5] * scale
        mean.largestRatioDeviation = terms[6] * scale
        return mean
    }

    /// Forward, loss, backward, all-reduce (mean), clip, Adam on the filled minibatch.
    private func optimiserStep() throws -> PPOTerms {
        minibatch.initialStates.withUnsafeBufferPointer { states in
            minibatch.stepCounts.withUnsafeBufferPointer { counts in
                network.forward(parameters: parameters, batch: minibatch.batch, initialStates: states,
                                stepCounts: network.config.timestepEncoding ? counts : nil)
            }
        }
        let step = minibatch.batch.legal.withUnsafeBufferPointer {
            PPOObjective.evaluate(logits: network.logits, values: network.values, legal: $0.baseAddress!,
                                  targets: minibatch.targets, settings: settings.loss, dLogits: network.logitsGradient,
                                  dValues: network.valueGradient, probabilities: probabilities)
        }
        gradients.zero()
        network.backward(parameters: parameters, gradients: gradients)
        try gradients.buffer.withUnsafeMutableBufferPointer { g in
            try reducer.allReduce(g)
            let scale = 1 / Float(communicator.size)
            for k in g.indices { g[k] *= scale }
        }
        let (norm, _) = ArenaMath.clipGlobalNorm(gradients.buffer, maxNorm: settings.maxGradNorm)
        if norm.isFinite { optimizer.step(parameters: parameters.buffer, gradients: gradients.buffer) }
        return step
    }

    /// Fisher–Yates with the update's stream.
    private func shuffle(_ order: inout [Int], random: inout RandomStream) {
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
    }
}
