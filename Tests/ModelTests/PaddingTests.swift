import Kernels
import Losses
import Model
import TensorCore
import Testing

/// Spec §7.1 / §10.3: absent agent slots (inert mode) change neither the active agents' outputs
/// nor the loss and its gradient.
@Suite struct PaddingTests {
    /// Inserts absent slots: padded slot `slots[i]` holds compact agent i.
    static func padded(_ compact: AgentBatch, slots: [Int], width: Int) -> AgentBatch {
        let (b, t, n, d, a) = (compact.batchSize, compact.timeSteps, compact.agentSlots, compact.inputSize, compact.actionCount)
        var p = AgentBatch(batchSize: b, timeSteps: t, agentSlots: width, inputSize: d, actionCount: a)
        let obs = compact.observations.toArray()
        var padObs = [Float](repeating: 0, count: b * t * width * d)
        for s in 0..<b {
            for step in 0..<t {
                for i in 0..<n {
                    let src = (s * t + step) * n + i, dst = (s * t + step) * width + slots[i]
                    for f in 0..<d { padObs[dst * d + f] = obs[src * d + f] }
                    p.actions[dst] = compact.actions[src]
                    p.rewards[dst] = compact.rewards[src]
                    for k in 0..<a { p.legal[dst * a + k] = compact.legal[src * a + k] }
                }
                p.resets[s * t + step] = compact.resets[s * t + step]
            }
            for i in 0..<n { p.agentMask[s * width + slots[i]] = 1 }
            p.taskIndex[s] = compact.taskIndex[s]
        }
        p.observations.copy(from: padObs)
        return p
    }

    @Test(arguments: [[1, 3], [0, 1], [2, 3]])
    func absentSlotsLeaveOutputsLossAndGradientUnchanged(_ slots: [Int]) {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: 2)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 21, denseFFN: true)
        let compact = TestFixtures.batch(batchSize: 3, timeSteps: 4, agents: 2, config: config, seed: 4)
        let pad = Self.padded(compact, slots: slots, width: 4)
        var results: [(SableNetwork, LossReport, [Float])] = []
        for batch in [compact, pad] {
            let net = SableNetwork(layout: layout, maxBatch: 3, timeSteps: 4, agentSlots: batch.agentSlots)
            var lossConfig = LossConfig(kind: .oryx)
            lossConfig.valueTemperature = 0.5
            let loss = SableLoss(network: net, config: lossConfig)
            let grads = ParameterArena(layout: layout.arena)
            let report = loss.lossAndGradients(batch: batch, online: params, target: TestFixtures.copy(params), gradients: grads)
            results.append((net, report, grads.buffer.toArray()))
        }
        let (c, p) = (results[0], results[1])
        var worst: Float = 0, scale: Float = 0
        for s in 0..<3 {
            for step in 0..<4 {
                for i in 0..<2 {
                    let cr = (s * 4 + step) * 2 + i, pr = (s * 4 + step) * 4 + slots[i]
                    for k in 0..<config.actionCount {
                        worst = max(worst, abs(c.0.logits[cr, k] - p.0.logits[pr, k]), abs(c.0.qValues[cr, k] - p.0.qValues[pr, k]))
                        if c.0.logits[cr, k] != SableNetwork.maskValue { scale = max(scale, abs(c.0.logits[cr, k])) }
                    }
                }
            }
        }
        #expect(worst <= 1e-5 * scale + 1e-6, "outputs differ by \(worst) (scale \(scale))")
        #expect(abs(c.1.total - p.1.total) < 1e-5 * abs(c.1.total))
        let gMax = c.2.map(abs).max() ?? 0
        let gDiff = zip(c.2, p.2).map { abs($0 - $1) }.max() ?? 0
        #expect(gMax > 0 && gDiff <= 1e-4 * gMax, "gradient differs by \(gDiff) (max \(gMax))")
    }
}
