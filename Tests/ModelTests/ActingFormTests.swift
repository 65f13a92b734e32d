import Kernels
import Losses
import Model
import TensorCore
import Testing

/// Spec §10.1–§10.2: the training (parallel) form equals the acting (recurrent) form, and a reset
/// inside a window equals starting a new window there.
@Suite struct ActingFormTests {
    static let centers: [Float] = HLGauss(valueMin: -1, valueMax: 2, binCount: 5).centers

    @Test(arguments: [(1, 1), (2, 5)])
    func trainingFormEqualsActingForm(_ blocks: Int, _ bins: Int) {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: blocks, bins: bins)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 7, denseFFN: true)
        let (b, t, n, a) = (3, 5, 3, config.actionCount)
        let batch = TestFixtures.batch(batchSize: b, timeSteps: t, agents: n, config: config, seed: 11)
        let centers = bins > 1 ? Self.centers : []
        let network = SableNetwork(layout: layout, maxBatch: b, timeSteps: t, agentSlots: n, binCenters: centers)
        network.forward(parameters: params, batch: batch)
        let policy = SablePolicy(layout: layout, copies: b, agents: n, selection: .sample, binCenters: centers)
        var random = RandomStream(seed: 1)
        let obs = batch.observations.toArray()
        var worst: Float = 0, scale: Float = 0
        for s in 0..<t {
            for copy in 0..<b where batch.resets[copy * t + s] != 0 { policy.reset(copy: copy) }
            var o = [Float](), legal = [UInt8](), forced = [Int32]()
            for copy in 0..<b {
                let row = (copy * t + s) * n
                o += obs[(row * config.inputSize)..<((row + n) * config.inputSize)]
                legal += batch.legal[(row * a)..<((row + n) * a)]
                forced += batch.actions[row..<(row + n)]
            }
            _ = policy.step(parameters: params, observations: o, legal: legal, random: &random, forcedActions: forced)
            for copy in 0..<b {
                for i in 0..<n {
                    let row = (copy * t + s) * n + i
                    for k in 0..<a {
                        let pairs = [(policy.lastLogits[(copy * n + i) * a + k], network.logits[row, k]),
                                     (policy.lastQValues[(copy * n + i) * a + k], network.qValues[row, k])]
                        for (acting, training) in pairs {
                            if training == SableNetwork.maskValue { #expect(acting == training); continue }
                            worst = max(worst, abs(acting - training))
                            scale = max(scale, abs(training))
                        }
                    }
                }
            }
        }
        #expect(scale > 0)
        #expect(worst <= 1e-5 * scale + 1e-6, "max |acting − training| = \(worst), scale \(scale)")
    }

    @Test func resetEqualsSplitWindow() {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: 2)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 3, denseFFN: true)
        let (t, n, r) = (6, 2, 3)
        var full = TestFixtures.batch(batchSize: 1, timeSteps: t, agents: n, config: config, seed: 5, resetRate: 0)
        full.resets[r] = 1
        var tail = TestFixtures.batch(batchSize: 1, timeSteps: t - r, agents: n, config: config, seed: 6, resetRate: 0)
        let d = config.inputSize, a = config.actionCount
        tail.observations.copy(from: Array(full.observations.toArray()[(r * n * d)...]))
        tail.actions = Array(full.actions[(r * n)...])
        tail.legal = Array(full.legal[(r * n * a)...])
        let fullNet = SableNetwork(layout: layout, maxBatch: 1, timeSteps: t, agentSlots: n)
        fullNet.forward(parameters: params, batch: full)
        let tailNet = SableNetwork(layout: layout, maxBatch: 1, timeSteps: t - r, agentSlots: n)
        tailNet.forward(parameters: params, batch: tail)
        var worst: Float = 0, scale: Float = 0
        for row in 0..<((t - r) * n) {
            for k in 0..<a {
                worst = max(worst, abs(fullNet.logits[row + r * n, k] - tailNet.logits[row, k]))
                worst = max(worst, abs(fullNet.qValues[row + r * n, k] - tailNet.qValues[row, k]))
                if tailNet.logits[row, k] != SableNetwork.maskValue { scale = max(scale, abs(tailNet.logits[row, k])) }
            }
        }
        #expect(worst <= 1e-5 * scale + 1e-6, "outputs differ by \(worst) (scale \(scale))")
        // Without the reset the early steps must matter (the test can fail).
        full.resets[r] = 0
        fullNet.forward(parameters: params, batch: full)
        #expect(abs(fullNet.logits[r * n, 0] - tailNet.logits[0, 0]) > 1e-5)
    }

    /// Online Sable's value head (online-sable.md §1.3 step 3): the acting form's per-agent values
    /// equal the training form's, with resets inside the window.
    @Test func valueHeadAgreesBetweenForms() {
        var config = TestFixtures.config(embedding: 16, heads: 2, blocks: 2, hasQHead: false)
        config.hasValueHead = true
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 8, denseFFN: true)
        let (b, t, n, a, d) = (2, 6, 3, config.actionCount, config.inputSize)
        let batch = TestFixtures.batch(batchSize: b, timeSteps: t, agents: n, config: config, seed: 12, resetRate: 0.3)
        let network = SableNetwork(layout: layout, maxBatch: b, timeSteps: t, agentSlots: n)
        network.forward(parameters: params, batch: batch)
        let policy = SablePolicy(layout: layout, copies: b, agents: n, selection: .sample)
        var random = RandomStream(seed: 2)
        let obs = batch.observations.toArray()
        var worst: Float = 0, scale: Float = 0
        for s in 0..<t {
            for copy in 0..<b where batch.resets[copy * t + s] != 0 { policy.reset(copy: copy) }
            var o = [Float](), legal = [UInt8](), forced = [Int32]()
            for copy in 0..<b {
                let row = (copy * t + s) * n
                o += obs[(row * d)..<((row + n) * d)]
                legal += batch.legal[(row * a)..<((row + n) * a)]
                forced += batch.actions[row..<(row + n)]
            }
            _ = policy.step(parameters: params, observations: o, legal: legal, random: &random, forcedActions: forced)
            for copy in 0..<b {
                for i in 0..<n {
                    let training = network.values[(copy * t + s) * n + i, 0]
                    worst = max(worst, abs(policy.lastValues[copy * n + i] - training))
                    scale = max(scale, abs(training))
                }
            }
        }
        #expect(scale > 0)
        #expect(worst <= 1e-5 * scale + 1e-6, "max |acting − training| value = \(worst), scale \(scale)")
    }
}
