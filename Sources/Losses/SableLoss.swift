import Foundation
import Kernels
import Model
import TensorCore

/// Oryx / CQL-Sable / BC-Sable losses on a `SableNetwork` (spec §4), split into the steps a
/// distributed trainer interleaves with all-reduces (§4.4):
///
/// 1. `localCounts(batch:)` → per task τ, [m_td count, m count, m_td count] (M·3 values); sum over ranks.
/// 2. `forward(batch:online:target:)`, then `icqMaxima()` (2·G·L values: q'/α_v then Adv/α_π per
///    group g and token position j, −∞ where no valid sample); max over ranks.
///    `icqSums(globalMaxima:)` (3·G·L: Σ exp(q'/α_v − max), Σ exp(Adv/α_π − max), valid samples B_j);
///    sum over ranks. G = M for per-task groups, 1 for whole-batch groups; empty for BC and CQL.
/// 3. `backward(...)` accumulates the gradient of the local surrogate (1/M)·Σ_τ Σ_local m·ℓ / n_τ,
///    so the sum over ranks of the gradients is the Eq. 1 gradient.
public final class SableLoss: @unchecked Sendable {
    public let network: SableNetwork
    public let config: LossConfig
    let hlGauss: HLGauss?
    var batch: AgentBatch?
    /// Per row: q' at the dataset action (Oryx, CQL sarsa) or max over legal actions (CQL max).
    var targetValue: [Float]
    /// Per row: Adv = q − Σ π Q (Oryx).
    var advantage: [Float]
    let scratchSpace = Workspace()
    /// Row temporaries: probabilities (A), HL-Gauss target histogram (K), softmax of Q logits (K).
    let probabilities, histogram, binProbabilities: UnsafeMutablePointer<Float>

    public init(network: SableNetwork, config: LossConfig) {
        let m = network.config
        precondition(!config.kind.usesQHead || m.hasQHead, "\(config.kind) needs a Q head")
        self.network = network
        self.config = config
        hlGauss = m.qBins > 1 ? HLGauss(valueMin: config.valueMin, valueMax: config.valueMax, binCount: m.qBins,
                                        sigmaRatio: config.sigmaRatio) : nil
        if let hlGauss {
            precondition(network.binCenters == hlGauss.centers,
                         "network bin centres differ from the loss's HL-Gauss support; build the network with LossConfig.binCenters(bins:)")
        }
        let rows = network.maxBatch * network.timeSteps * network.agentSlots
        targetValue = [Float](repeating: 0, count: rows)
        advantage = [Float](repeating: 0, count: rows)
        probabilities = scratchSpace.floats(m.actionCount)
        histogram = scratchSpace.floats(m.qBins)
        binProbabilities = scratchSpace.floats(m.qBins)
    }

    var tokens: Int { network.timeSteps * network.agentSlots }
    /// ICQ normalisation groups G.
    public var icqGroupCount: Int { config.icqGrouping == .perTask ? config.taskCount : 1 }

    /// Whether column c of sample b counts in the loss: a real agent, or any slot without masking.
    func isValid(_ batch: AgentBatch, sample b: Int, column c: Int) -> Bool {
        !config.masksAbsentAgents || batch.agentMask[b * batch.agentSlots + c] != 0
    }

    func task(of batch: AgentBatch, sample b: Int) -> Int {
        let t = Int(batch.taskIndex[b])
        precondition(t >= 0 && t < config.taskCount, "sample \(b) has task index \(t), outside 0..<\(config.taskCount)")
        return t
    }

    /// Step 1: local valid-token counts, index τ·3 + term (0 critic m_td, 1 policy m, 2 CQL m_td).
    public func localCounts(batch: AgentBatch) -> [Double] {
        var counts = [Double](repeating: 0, count: config.taskCount * 3)
        let t = batch.timeSteps
        for b in 0..<batch.batchSize {
            let tau = task(of: batch, sample: b)
            for c in 0..<batch.agentCounts[b] where isValid(batch, sample: b, column: c) {
                counts[tau * 3] += Double(t - 1)
                counts[tau * 3 + 1] += Double(t)
                counts[tau * 3 + 2] += Double(t - 1)
            }
        }
        let terms = config.kind.terms
        for tau in 0..<config.taskCount {
            if !terms.critic { counts[tau * 3] = 0 }
            if !terms.policy { counts[tau * 3 + 1] = 0 }
            if !terms.conservative { counts[tau * 3 + 2] = 0 }
        }
        return counts
    }

    /// Tasks with at least one valid token in the global counts (M_present of §4.4).
    public static func presentTaskCount(globalCounts: [Double]) -> Int {
        var present = 0
        for tau in 0..<(globalCounts.count / 3) {
            let n: Double = globalCounts[tau * 3] + globalCounts[tau * 3 + 1] + globalCounts[tau * 3 + 2]
            if n > 0 { present += 1 }
        }
        return present
    }

    /// Step 2a: target forward (losses with a target network) then online forward; keeps what the loss needs.
    /// Without masking (absent slots count as tokens) the batch must be padded.
    public func forward(batch: AgentBatch, online: ParameterArena, target: ParameterArena?) {
        precondition(config.masksAbsentAgents || batch.isPadded, "the loss without masking needs a padded batch, got a compact one")
        self.batch = batch
        let a = network.config.actionCount
        if config.kind.usesTargetNetwork {
            guard let target else { preconditionFailure("\(config.kind) needs target parameters") }
            network.forward(parameters: target, batch: batch)
            let q = network.qValues
            for r in 0..<q.rows {
                let act = Int(batch.actions[r])
                if config.kind == .cql && config.cqlTarget == .max {
                    var best = -Float.greatestFiniteMagnitude
                    for k in 0..<a where network.isLegal(row: r, action: k) { best = max(best, q[r, k]) }
                    targetValue[r] = best
                } else {
                    targetValue[r] = q[r, act]
                }
            }
        }
        network.forward(parameters: online, batch: batch)
        if config.kind.usesICQStatistics {
            let q = network.qValues, z = network.logits
            for r in 0..<q.rows {
                _ = Self.softmax(z.pointer + r * z.stride, count: a, into: probabilities)
                var v: Float = 0
                for k in 0..<a where probabilities[k] > 0 { v += probabilities[k] * q[r, k] }
                advantage[r] = q[r, Int(batch.actions[r])] - v
            }
        }
    }

    /// p = softmax(z) over `count` entries (mask value → exactly 0); returns log Σ exp z.
    static func softmax(_ z: UnsafePointer<Float>, count: Int, into p: UnsafeMutablePointer<Float>) -> Float {
        var mx = -Float.infinity
        for k in 0..<count { mx = max(mx, z[k]) }
        var sum: Float = 0
        for k in 0..<count { p[k] = expf(z[k] - mx); sum += p[k] }
        for k in 0..<count { p[k] /= sum }
        return mx + logf(sum)
    }
}
