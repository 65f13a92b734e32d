import Environments
import Model
import TensorCore

/// An online Sable policy as a `BatchedBehaviour`, acting as training acts (spec online-sable.md
/// §1.3): sampled actions, inputs [one-hot(i), features], the per-episode step count for the
/// timestep encoding, and a copy's hidden states zeroed when it starts an episode. Actions are drawn
/// from its own stream `random`; it has no ε (callers pass 0; `rng` is not used).
public final class SablePolicyBehaviour: BatchedBehaviour {
    public let policy: SablePolicy
    let parameters: ParameterArena
    let featureSize: Int
    var random: RandomStream
    var inputs: [Float]
    /// Each copy's step count in its current episode.
    var episodeSteps: [Int32]

    /// - Parameters: `layout` must take inputs of width N + features for `task`; `parameters` are
    ///   read (not copied) at every step.
    public init(task: TaskSpec, layout: SableLayout, copies: Int, parameters: ParameterArena, random: RandomStream) {
        precondition(layout.config.inputSize == task.agentCount + task.observationSize && layout.config.actionCount == task.actionCount,
                     "network inputs \(layout.config.inputSize) × actions \(layout.config.actionCount) do not fit task \(task.id)")
        policy = SablePolicy(layout: layout, copies: copies, agents: task.agentCount, selection: .sample)
        self.parameters = parameters
        featureSize = task.observationSize
        self.random = random
        inputs = [Float](repeating: 0, count: copies * task.agentCount * layout.config.inputSize)
        episodeSteps = [Int32](repeating: 0, count: copies)
    }

    public func didReset(copy: Int) {
        policy.reset(copy: copy)
        episodeSteps[copy] = 0
    }

    public func actions(observations: [Float], legal: [UInt8], epsilon: Double, rng: inout SplitMixGenerator,
                        into actions: inout [Int32]) {
        precondition(epsilon == 0, "a learned policy samples from itself: exploration epsilon must be 0, got \(epsilon)")
        PolicyInputs.fill(&inputs, features: observations, copies: policy.copies, agents: policy.agents, featureSize: featureSize)
        policy.step(parameters: parameters, observations: inputs, legal: legal, random: &random,
                    stepCounts: policy.config.timestepEncoding ? episodeSteps : nil, into: &actions)
        for c in episodeSteps.indices { episodeSteps[c] += 1 }
    }
}
