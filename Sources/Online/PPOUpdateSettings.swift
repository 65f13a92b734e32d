import TensorCore

/// How one rollout trains the network (spec online-sable.md §1.6, §1.9; defaults: the latest Mava
/// values, K_ep = 10, M = 1, lr 5e−4, max grad norm 10, Adam ε 1e−5; retention chunks of 16
/// timesteps [PROJECT CHOICE, §1.7]).
public struct PPOUpdateSettings: Sendable, Equatable, Codable {
    /// K_ep.
    public var epochs: Int
    /// M: minibatches per epoch, each whole sequences of E/M envs (E divisible by M).
    public var minibatches: Int
    public var maxGradNorm: Float
    public var adam: AdamOptimizer.Settings
    public var loss: PPOSettings
    /// Sable's per-epoch agent shuffle; off for the equivalence test of pitfall P2.
    public var shufflesAgents: Bool
    /// The per-epoch env shuffle (§1.6 step 1); off for the equivalence test.
    public var shufflesEnvs: Bool
    /// Timesteps per retention chunk of the training form (§1.7, P12; at most the rollout's T).
    public var chunkSteps: Int

    public init(epochs: Int = 10, minibatches: Int = 1, maxGradNorm: Float = 10,
                adam: AdamOptimizer.Settings = AdamOptimizer.Settings(learningRate: 5e-4, epsilon: 1e-5),
                loss: PPOSettings = PPOSettings(), shufflesAgents: Bool = true, shufflesEnvs: Bool = true,
                chunkSteps: Int = 16) {
        self.epochs = epochs
        self.minibatches = minibatches
        self.maxGradNorm = maxGradNorm
        self.adam = adam
        self.loss = loss
        self.shufflesAgents = shufflesAgents
        self.shufflesEnvs = shufflesEnvs
        self.chunkSteps = chunkSteps
    }
}
