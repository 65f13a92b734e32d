import Losses
import Model
import TensorCore
import Testing

/// Whole-model gradient checks (E = 8 with H = 1, E = 16 with H = 2 and two blocks, and E = 32 with
/// H = 2, whose head size d = 16 puts every retention product on BLAS instead of the loop; 2 agents,
/// 3 timesteps; GroupNorm groups of d/H ≥ 4 values: with 2 values a group normalises to ±1 and
/// Float32 finite differences become meaningless): for every parameter tensor, the
/// analytic directional derivative ⟨∇L, v⟩ along a random v supported on that tensor must match
/// the central difference (L(θ+εv) − L(θ−εv))/2ε. ICQ weights are stop-grad in the loss, so the
/// Oryx checks use large temperatures that make them constant (ω = w = 1); the target network is a
/// separate, fixed copy.
@Suite struct GradientCheckTests {
    struct Case: CustomStringConvertible, Sendable {
        let kind: LossKind
        let bins: Int
        let cqlTarget: CQLTarget
        var embedding = 8, heads = 1, blocks = 1
        var description: String { "\(kind) K=\(bins) \(cqlTarget) E=\(embedding) H=\(heads) blocks=\(blocks)" }
    }

    static let cases = [
        Case(kind: .bc, bins: 1, cqlTarget: .max), Case(kind: .oryx, bins: 1, cqlTarget: .max),
        Case(kind: .oryx, bins: 5, cqlTarget: .max), Case(kind: .cql, bins: 1, cqlTarget: .max),
        Case(kind: .cql, bins: 5, cqlTarget: .sarsa),
        Case(kind: .oryx, bins: 5, cqlTarget: .max, embedding: 16, heads: 2, blocks: 2),
        Case(kind: .bc, bins: 1, cqlTarget: .max, embedding: 32, heads: 2, blocks: 1),
        Case(kind: .cql, bins: 1, cqlTarget: .max, embedding: 32, heads: 2, blocks: 1),
    ]

    @Test(arguments: cases)
    func analyticGradientMatchesFiniteDifferences(_ c: Case) {
        let config = TestFixtures.config(embedding: c.embedding, heads: c.heads, blocks: c.blocks, inputSize: 5, actions: 3, bins: c.bins,
                                         hasQHead: c.kind != .bc)
        let layout = SableLayout(config: config)
        let params = TestFixtures.parameters(layout, seed: 99, denseFFN: true)
        let target = TestFixtures.parameters(layout, seed: 98, denseFFN: true)
        let batch = TestFixtures.batch(batchSize: 2, timeSteps: 3, agents: 2, config: config, seed: 17, resetRate: 0.3)
        var lc = LossConfig(kind: c.kind)
        lc.valueTemperature = 1e7
        lc.policyTemperature = 1e7
        lc.cqlTarget = c.cqlTarget
        lc.valueMin = -1
        lc.valueMax = 3
        let centers = c.bins > 1 ? HLGauss(valueMin: -1, valueMax: 3, binCount: c.bins).centers : []
        let loss = SableLoss(network: SableNetwork(layout: layout, maxBatch: 2, timeSteps: 3, agentSlots: 2, binCenters: centers),
                             config: lc)
        let grads = ParameterArena(layout: layout.arena)
        _ = loss.lossAndGradients(batch: batch, online: params, target: target, gradients: grads)
        let scratch = ParameterArena(layout: layout.arena)
        func value(_ p: ParameterArena) -> Double {
            scratch.zero()
            return loss.lossAndGradients(batch: batch, online: p, target: target, gradients: scratch).total
        }
        var random = RandomStream(seed: 5)
        var checked = 0
        for slice in layout.arena.slices {
            let v = (0..<slice.count).map { _ in Float(random.nextNormal()) }
            let g = grads.values(of: slice)
            let analytic = zip(g, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let eps: Float = 5e-4
            let base = params.values(of: slice)
            let plus = TestFixtures.copy(params), minus = TestFixtures.copy(params)
            plus.setValues(zip(base, v).map { $0 + eps * $1 }, of: slice)
            minus.setValues(zip(base, v).map { $0 - eps * $1 }, of: slice)
            let numeric = (value(plus) - value(minus)) / (2 * Double(eps))
            let tolerance = 2e-2 * max(abs(analytic), abs(numeric)) + 2e-4
            #expect(abs(analytic - numeric) <= tolerance, "\(slice.name): analytic \(analytic), numeric \(numeric)")
            if abs(analytic) > 1e-3 { checked += 1 }
        }
        // Most tensors must carry a visible gradient, or the check proves nothing.
        #expect(checked > layout.arena.slices.count / 2, "only \(checked) tensors had a gradient above 1e-3")
    }
}
