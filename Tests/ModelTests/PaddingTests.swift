import Kernels
import Losses
import Model
import TensorCore
import Testing

/// Spec §7.1 / §10.3: absent agent slots (inert mode) change neither the active agents' outputs
/// nor the loss and its gradient, so a compact batch (real agents only) equals the padded one.
@Suite struct PaddingTests {
    /// A compact batch of N = `slots` slots: sample b keeps the ascending slots `columns[b]`, with
    /// random data in its rows and the task `taskIndex[b]`.
    static func compact(columns: [[Int]], slots: Int, timeSteps: Int, config: ModelConfig, seed: UInt64,
                        taskIndex: [Int32]) -> AgentBatch {
        var batch = TestFixtures.batch(batchSize: columns.count, timeSteps: timeSteps, agents: slots, config: config,
                                       seed: seed)
        batch.setColumns(columns)
        batch.agentMask = (0..<(columns.count * slots)).map { $0 % slots < columns[$0 / slots].count ? 1 : 0 }
        batch.taskIndex = taskIndex
        return batch
    }

    /// The padded batch of `compact`: column c of sample b goes to slot `slots[b·N + c]`; the other
    /// slots are absent (zero rows, action 0, reward 0, all legal, mask 0).
    static func padded(_ compact: AgentBatch) -> AgentBatch {
        let (b, t, n, d, a) = (compact.batchSize, compact.timeSteps, compact.agentSlots, compact.inputSize, compact.actionCount)
        var p = AgentBatch(batchSize: b, timeSteps: t, agentSlots: n, inputSize: d, actionCount: a)
        let obs = compact.observations.toArray()
        var padObs = [Float](repeating: 0, count: b * t * n * d)
        for s in 0..<b {
            let columns = compact.agentCounts[s], first = compact.rows(ofSample: s).lowerBound
            for step in 0..<t {
                for c in 0..<columns {
                    let src = first + step * columns + c, dst = (s * t + step) * n + Int(compact.slots[s * n + c])
                    for f in 0..<d { padObs[dst * d + f] = obs[src * d + f] }
                    p.actions[dst] = compact.actions[src]
                    p.rewards[dst] = compact.rewards[src]
                    for k in 0..<a { p.legal[dst * a + k] = compact.legal[src * a + k] }
                }
                p.resets[s * t + step] = compact.resets[s * t + step]
            }
            for c in 0..<columns { p.agentMask[s * n + Int(compact.slots[s * n + c])] = compact.agentMask[s * n + c] }
            p.taskIndex[s] = compact.taskIndex[s]
        }
        p.observations.copy(from: padObs)
        return p
    }

    /// Runs `kind`'s loss and gradient on `batch`; returns the network (outputs), report and gradient.
    static func lossAndGradient(_ batch: AgentBatch, kind: LossKind, grouping: ICQGrouping, taskCount: Int,
                                layout: SableLayout, params: ParameterArena) -> (SableNetwork, LossReport, [Float]) {
        let net = SableNetwork(layout: layout, maxBatch: batch.batchSize, timeSteps: batch.timeSteps, agentSlots: batch.agentSlots)
        var lossConfig = LossConfig(kind: kind, taskCount: taskCount)
        lossConfig.valueTemperature = 0.5
        lossConfig.icqGrouping = grouping
        let loss = SableLoss(network: net, config: lossConfig)
        let grads = ParameterArena(layout: layout.arena)
        let report = loss.lossAndGradients(batch: batch, online: params, target: TestFixtures.copy(params), gradients: grads)
        return (net, report, grads.buffer.toArray())
    }

    static let cases: [(LossKind, ICQGrouping)] = LossKind.allCases.flatMap { k in ICQGrouping.allCases.map { (k, $0) } }

    /// Five tasks of 1, 2, 3, 5 and 23 agents in N = 23 slots, eight samples (B_τ·n_τ all differ),
    /// each sample's agents at its own random slots (as per-sample shuffling puts them).
    @Test(arguments: cases)
    func compactBatchGivesThePaddedOutputsLossAndGradient(_ kind: LossKind, _ grouping: ICQGrouping) {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: 2, hasQHead: kind != .bc)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 21, denseFFN: true)
        let agents = [1, 2, 3, 5, 23], n = 23, t = 4
        let tasks: [Int32] = [0, 1, 2, 3, 4, 0, 1, 3]
        var random = RandomStream(seed: 77)
        let columns = tasks.map { task in
            var order = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
            return order.prefix(agents[Int(task)]).sorted()
        }
        let compact = Self.compact(columns: columns, slots: n, timeSteps: t, config: config, seed: 4, taskIndex: tasks)
        let pad = Self.padded(compact)
        #expect(!compact.isPadded && compact.rowCount == t * tasks.map { agents[Int($0)] }.reduce(0, +))
        let c = Self.lossAndGradient(compact, kind: kind, grouping: grouping, taskCount: 5, layout: layout, params: params)
        let p = Self.lossAndGradient(pad, kind: kind, grouping: grouping, taskCount: 5, layout: layout, params: params)

        var worst: Float = 0, scale: Float = 0
        for s in 0..<tasks.count {
            for step in 0..<t {
                for (column, slot) in columns[s].enumerated() {
                    let cr = compact.rows(ofSample: s).lowerBound + step * columns[s].count + column, pr = (s * t + step) * n + slot
                    for k in 0..<config.actionCount {
                        worst = max(worst, abs(c.0.logits[cr, k] - p.0.logits[pr, k]))
                        if config.hasQHead { worst = max(worst, abs(c.0.qValues[cr, k] - p.0.qValues[pr, k])) }
                        if c.0.logits[cr, k] != SableNetwork.maskValue { scale = max(scale, abs(c.0.logits[cr, k])) }
                    }
                }
            }
        }
        #expect(worst <= 1e-5 * scale + 1e-6, "\(kind) \(grouping): outputs differ by \(worst) (scale \(scale))")
        #expect(abs(c.1.total - p.1.total) <= 1e-5 * abs(p.1.total), "\(kind) \(grouping): loss \(c.1.total) vs \(p.1.total)")
        for (name, ours, theirs) in [("critic", c.1.critic, p.1.critic), ("policy", c.1.policy, p.1.policy),
                                     ("conservative", c.1.conservative, p.1.conservative)] {
            #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(kind) \(grouping) \(name): \(ours) vs \(theirs)")
        }
        let gMax = p.2.map(abs).max() ?? 0
        let gDiff = zip(c.2, p.2).map { abs($0 - $1) }.max() ?? 0
        #expect(gMax > 0 && gDiff <= 1e-5 * gMax, "\(kind) \(grouping): gradient differs by \(gDiff) (max \(gMax))")
    }
}
