import Losses
import Model
import TensorCore
import Testing

/// Spec §4.4 / §10.8: the distributed recipe (counts summed, ICQ maxima maxed, exponential sums
/// summed, gradients summed) reproduces the single-process Eq. 1 loss and gradient, which differs
/// from a plain masked mean when the products B_τ·n_τ differ.
@Suite struct ReductionTests {
    /// Samples `range` of `batch` as a batch of their own.
    static func slice(_ batch: AgentBatch, _ range: Range<Int>) -> AgentBatch {
        let (t, n, d, a) = (batch.timeSteps, batch.agentSlots, batch.inputSize, batch.actionCount)
        var out = AgentBatch(batchSize: range.count, timeSteps: t, agentSlots: n, inputSize: d, actionCount: a)
        let l = t * n
        out.observations.copy(from: Array(batch.observations.toArray()[(range.lowerBound * l * d)..<(range.upperBound * l * d)]))
        out.actions = Array(batch.actions[(range.lowerBound * l)..<(range.upperBound * l)])
        out.rewards = Array(batch.rewards[(range.lowerBound * l)..<(range.upperBound * l)])
        out.legal = Array(batch.legal[(range.lowerBound * l * a)..<(range.upperBound * l * a)])
        out.resets = Array(batch.resets[(range.lowerBound * t)..<(range.upperBound * t)])
        out.agentMask = Array(batch.agentMask[(range.lowerBound * n)..<(range.upperBound * n)])
        out.taskIndex = Array(batch.taskIndex[range])
        return out
    }

    /// Batch of 5 samples, 3 agent slots; task 0 (2 agents) × 3 samples, task 1 (3 agents) × 2 samples,
    /// interleaved; B_τ·n_τ = 6 vs 6 would coincide, so task 0 gets 1 agent: 3 vs 6.
    static func multiTaskBatch(_ config: ModelConfig) -> AgentBatch {
        var batch = TestFixtures.batch(batchSize: 5, timeSteps: 4, agents: 3, config: config, seed: 31, taskCount: 2)
        batch.taskIndex = [0, 1, 0, 1, 0]
        for s in 0..<5 where batch.taskIndex[s] == 0 {
            for i in 1..<3 { batch.agentMask[s * 3 + i] = 0 }
        }
        return batch
    }

    @Test(arguments: LossKind.allCases)
    func distributedRecipeEqualsSingleProcess(_ kind: LossKind) {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: 1, hasQHead: kind != .bc)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 8)
        let target = TestFixtures.parameters(layout, seed: 9)
        let batch = Self.multiTaskBatch(config)
        var lc = LossConfig(kind: kind, taskCount: 2)
        lc.valueTemperature = 0.3
        let single = SableLoss(network: SableNetwork(layout: layout, maxBatch: 5, timeSteps: 4, agentSlots: 3), config: lc)
        let singleGrads = ParameterArena(layout: layout.arena)
        let reference = single.lossAndGradients(batch: batch, online: params, target: target, gradients: singleGrads)

        let parts = [Self.slice(batch, 0..<2), Self.slice(batch, 2..<5)]
        let ranks = parts.map { _ in SableLoss(network: SableNetwork(layout: layout, maxBatch: 3, timeSteps: 4, agentSlots: 3), config: lc) }
        var counts = [Double](repeating: 0, count: 6)
        for (loss, part) in zip(ranks, parts) {
            let local = loss.localCounts(batch: part)
            for i in counts.indices { counts[i] += local[i] }
        }
        for (loss, part) in zip(ranks, parts) { loss.forward(batch: part, online: params, target: target) }
        let localMaxima = ranks.map { $0.icqMaxima() }
        var maxima = localMaxima[0]
        for m in localMaxima { for i in maxima.indices { maxima[i] = max(maxima[i], m[i]) } }
        let localSums = ranks.map { $0.icqSums(globalMaxima: maxima) }
        var sums = [Float](repeating: 0, count: localSums[0].count)
        for local in localSums { for i in sums.indices { sums[i] += local[i] } }
        let present = SableLoss.presentTaskCount(globalCounts: counts)
        #expect(present == 2)
        let grads = ParameterArena(layout: layout.arena)
        var total = 0.0
        for loss in ranks {
            total += loss.backward(globalMaxima: maxima, globalSums: sums, globalCounts: counts, presentTasks: present,
                                   parameters: params, gradients: grads).total
        }
        #expect(abs(total - reference.total) <= 1e-5 * abs(reference.total))
        let ours = grads.buffer.toArray(), ref = singleGrads.buffer.toArray()
        let gMax = ref.map(abs).max()!
        #expect(zip(ours, ref).allSatisfy { abs($0 - $1) <= 1e-5 * gMax })

        var plain = lc
        plain.reduction = .maskedMean
        let masked = SableLoss(network: SableNetwork(layout: layout, maxBatch: 5, timeSteps: 4, agentSlots: 3), config: plain)
        let maskedReport = masked.lossAndGradients(batch: batch, online: params, target: target,
                                                   gradients: ParameterArena(layout: layout.arena))
        #expect(abs(maskedReport.total - reference.total) > 1e-4 * abs(reference.total))
    }

    /// Spec §10.5: within each group and token position the ICQ weights average to 1 — the sums
    /// of exp(x − max) over valid samples, divided by themselves, times B_j / B_j.
    @Test func icqStatisticsCountValidSamplesPerTask() {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: 1)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 8)
        let batch = Self.multiTaskBatch(config)
        let loss = SableLoss(network: SableNetwork(layout: layout, maxBatch: 5, timeSteps: 4, agentSlots: 3),
                             config: LossConfig(kind: .oryx, taskCount: 2))
        loss.forward(batch: batch, online: params, target: params)
        let maxima = loss.icqMaxima()
        let sums = loss.icqSums(globalMaxima: maxima)
        let l = 12
        for j in 0..<l {
            // task 0 has 3 samples but only slot 0 is real; task 1 has 2 samples, all slots real.
            #expect(sums[4 * l + j] == (j % 3 == 0 ? 3 : 0))
            #expect(sums[4 * l + l + j] == 2)
            #expect(maxima[j].isFinite == (j % 3 == 0))
        }
    }

    @Test func feedForwardStaysExactlyZeroThroughUpdates() {
        let config = TestFixtures.config(embedding: 16, heads: 2, blocks: 2)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: 1)
        let params = SableInitializer.parameters(for: layout, random: &random)
        let target = TestFixtures.copy(params)
        let batch = TestFixtures.batch(batchSize: 4, timeSteps: 4, agents: 3, config: config, seed: 2)
        let loss = SableLoss(network: SableNetwork(layout: layout, maxBatch: 4, timeSteps: 4, agentSlots: 3),
                             config: LossConfig(kind: .oryx))
        let adam = AdamOptimizer(parameterCount: layout.arena.totalCount, settings: .init(learningRate: 1e-2))
        let grads = ParameterArena(layout: layout.arena)
        for _ in 0..<5 {
            grads.zero()
            _ = loss.lossAndGradients(batch: batch, online: params, target: target, gradients: grads)
            ArenaMath.clipGlobalNorm(grads.buffer, maxNorm: 10)
            adam.step(parameters: params.buffer, gradients: grads.buffer)
            ArenaMath.polyakUpdate(target: target.buffer, online: params.buffer, tau: 0.005)
        }
        for s in layout.arena.slices where s.name.contains("/ffn/") {
            #expect(params.values(of: s).allSatisfy { $0 == 0 }, "\(s.name) moved")
        }
        let moved = layout.arena.slices.filter { !$0.name.contains("/ffn/") }.contains { s in
            params.values(of: s) != SableInitializer.parameters(for: layout, random: &random).values(of: s)
        }
        #expect(moved)
    }
}
