import Losses
import Model
import TensorCore
import Testing

/// Learning for real on a small synthetic single-task dataset: each agent's dataset action is the
/// index of the largest of the first A observation features (a deterministic rule the policy can
/// learn); reward 1 when that action is taken, so Q and TD errors have something to fit.
@Suite struct LearningTests {
    static let (agents, steps, batchSize) = (2, 4, 16)

    static func batch(_ config: ModelConfig, seed: UInt64) -> AgentBatch {
        var b = TestFixtures.batch(batchSize: batchSize, timeSteps: steps, agents: agents, config: config, seed: seed)
        var obs = b.observations.toArray()
        let (d, a) = (config.inputSize, config.actionCount)
        for row in 0..<(batchSize * steps * agents) {
            for i in 0..<agents { obs[row * d + i] = row % agents == i ? 1 : 0 }  // agent-ID one-hot
            let features = (0..<a).map { obs[row * d + agents + $0] }
            let best = features.indices.max { features[$0] < features[$1] }!
            b.actions[row] = Int32(best)
            b.rewards[row] = 1
            for k in 0..<a { b.legal[row * a + k] = 1 }
        }
        b.observations.copy(from: obs)
        return b
    }

    static func train(_ kind: LossKind, updates: Int) -> (first: Double, last: Double, accuracy: Double) {
        let config = ModelConfig(embedding: 16, heads: 2, blocks: 1, inputSize: 2 + 6, actionCount: 4, hasQHead: kind != .bc)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: 3)
        let params = SableInitializer.parameters(for: layout, random: &random)
        let target = TestFixtures.copy(params)
        var lc = LossConfig(kind: kind)
        lc.gamma = 0.5
        let loss = SableLoss(network: SableNetwork(layout: layout, maxBatch: batchSize, timeSteps: steps, agentSlots: agents),
                             config: lc)
        let adam = AdamOptimizer(parameterCount: layout.arena.totalCount, settings: .init(learningRate: 3e-3))
        let grads = ParameterArena(layout: layout.arena)
        var first = 0.0, last = 0.0
        for u in 0..<updates {
            let b = batch(config, seed: UInt64(100 + u))
            grads.zero()
            let report = loss.lossAndGradients(batch: b, online: params, target: target, gradients: grads)
            if u == 0 { first = report.total }
            last = report.total
            ArenaMath.clipGlobalNorm(grads.buffer, maxNorm: 10)
            adam.step(parameters: params.buffer, gradients: grads.buffer)
            ArenaMath.polyakUpdate(target: target.buffer, online: params.buffer, tau: 0.05)
        }
        let held = batch(config, seed: 999)
        loss.network.forward(parameters: params, batch: held)
        let logits = loss.network.logits
        var correct = 0
        for r in 0..<logits.rows {
            let best = (0..<config.actionCount).max { logits[r, $0] < logits[r, $1] }!
            if Int32(best) == held.actions[r] { correct += 1 }
        }
        return (first, last, Double(correct) / Double(logits.rows))
    }

    @Test func behaviourCloningReachesHighAccuracy() {
        let result = Self.train(.bc, updates: 600)
        #expect(result.accuracy >= 0.95, "held-out accuracy \(result.accuracy)")
        #expect(result.last < 0.5 * result.first)
    }

    @Test(arguments: [LossKind.oryx, .cql])
    func valueBasedLossesFall(_ kind: LossKind) {
        let result = Self.train(kind, updates: 150)
        #expect(result.last < 0.7 * result.first, "loss \(result.first) → \(result.last)")
    }
}
