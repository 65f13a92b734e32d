import Foundation
import Kernels
import Model
import TensorCore

extension SableLoss {
    /// Step 3: writes the per-token output gradients of the local surrogate
    /// (1/M_present)·Σ_τ Σ_local m·ℓ / n_τ (spec §4.4; plain masked mean under `.maskedMean`),
    /// runs the network backward into `gradients` (accumulating) and returns the local loss pieces.
    /// - Parameters: `globalMaxima` / `globalSums`: reduced ICQ statistics (empty for BC, CQL);
    ///   `globalCounts`: reduced `localCounts`; `presentTasks`: M_present; `finished`: called with
    ///   each gradient range the network's backward completes (`SableNetwork.backward(parameters:gradients:finished:)`).
    public func backward(globalMaxima: [Float], globalSums: [Float], globalCounts: [Double], presentTasks: Int,
                         parameters: ParameterArena, gradients: ParameterArena,
                         finished: (Range<Int>) throws -> Void) rethrows -> LossReport {
        guard let batch else { preconditionFailure("SableLoss.backward before forward") }
        let m = config.taskCount
        precondition(globalCounts.count == 3 * m, "counts: \(globalCounts.count) values, expected \(3 * m)")
        var sums = [Double](repeating: 0, count: 3 * m)  // per task: critic, policy, cql local sums
        // Weight of one token's term: 1/(M·n_τ) per task, or 1/Σ n under the plain masked mean.
        var weights = [Double](repeating: 0, count: 3 * m)
        for term in 0..<3 {
            let total = (0..<m).reduce(0.0) { $0 + globalCounts[$1 * 3 + term] }
            for tau in 0..<m {
                let n = config.reduction == .perTaskMean ? globalCounts[tau * 3 + term] * Double(max(1, presentTasks)) : total
                weights[tau * 3 + term] = n > 0 ? 1 / n : 0
            }
        }
        network.logitsGradient.zero()
        network.qGradient.zero()
        let stats = ICQStatistics(maxima: globalMaxima, sums: globalSums, groups: icqGroupCount, tokens: tokens)
        forEachValidToken(batch) { b, t, j, row in
            let tau = task(of: batch, sample: b)
            // The same agent one timestep later: n_b rows on, N token positions on.
            let next = row + batch.agentCounts[b]
            switch config.kind {
            case .bc:
                sums[tau * 3 + 1] += policyTerm(row: row, action: Int(batch.actions[row]), weight: 1,
                                                 scale: Float(weights[tau * 3 + 1]))
            case .oryx:
                let g = group(batch, b)
                let w = stats.policyWeight(group: g, token: j, x: advantage[row] / config.policyTemperature)
                sums[tau * 3 + 1] += policyTerm(row: row, action: Int(batch.actions[row]), weight: w,
                                                 scale: Float(weights[tau * 3 + 1]))
                if t < batch.timeSteps - 1 {
                    let omega = stats.valueWeight(group: g, token: j + batch.agentSlots,
                                                  x: targetValue[next] / config.valueTemperature)
                    let y = tdTarget(batch, sample: b, time: t, row: row, bootstrap: omega * Double(targetValue[next]))
                    sums[tau * 3] += criticTerm(row: row, action: Int(batch.actions[row]), target: y,
                                                scale: config.criticCoefficient * Float(weights[tau * 3]))
                }
            case .cql:
                if t < batch.timeSteps - 1 {
                    let y = tdTarget(batch, sample: b, time: t, row: row,
                                     bootstrap: Double(targetValue[next]))
                    sums[tau * 3] += criticTerm(row: row, action: Int(batch.actions[row]), target: y,
                                                scale: config.criticCoefficient * Float(weights[tau * 3]))
                    sums[tau * 3 + 2] += conservativeTerm(row: row, action: Int(batch.actions[row]),
                                                          scale: config.cqlWeight * Float(weights[tau * 3 + 2]))
                }
            }
        }
        try network.backward(parameters: parameters, gradients: gradients, finished: finished)
        return report(sums: sums, counts: globalCounts, weights: weights)
    }

    /// Step 3 without reporting finished gradient ranges.
    public func backward(globalMaxima: [Float], globalSums: [Float], globalCounts: [Double], presentTasks: Int,
                         parameters: ParameterArena, gradients: ParameterArena) -> LossReport {
        backward(globalMaxima: globalMaxima, globalSums: globalSums, globalCounts: globalCounts, presentTasks: presentTasks,
                 parameters: parameters, gradients: gradients, finished: { _ in })
    }

    /// Single-process convenience: steps 1–3 with identity reductions.
    public func lossAndGradients(batch: AgentBatch, online: ParameterArena, target: ParameterArena?,
                                 gradients: ParameterArena) -> LossReport {
        let counts = localCounts(batch: batch)
        forward(batch: batch, online: online, target: target)
        let maxima = icqMaxima()
        let sums = icqSums(globalMaxima: maxima)
        return backward(globalMaxima: maxima, globalSums: sums, globalCounts: counts,
                        presentTasks: Self.presentTaskCount(globalCounts: counts), parameters: online, gradients: gradients)
    }

    /// y = r + γ·(1 − done_{t+1})·bootstrap (spec §4.1 step 2, §4.2).
    func tdTarget(_ batch: AgentBatch, sample b: Int, time t: Int, row: Int, bootstrap: Double) -> Double {
        let notDone = 1 - Double(batch.resets[b * batch.timeSteps + t + 1])
        return Double(batch.rewards[row]) + Double(config.gamma) * notDone * bootstrap
    }

    /// ℓ = −w·log π[a] (log clamped at log 1e-8, pitfall P13); dlogits += scale·w·(π − onehot(a)).
    func policyTerm(row: Int, action: Int, weight: Double, scale: Float) -> Double {
        let z = network.logits, a = network.config.actionCount
        let lse = Self.softmax(z.pointer + row * z.stride, count: a, into: probabilities)
        let logp = z[row, action] - lse
        let floor = logf(1e-8)
        guard logp > floor else { return -weight * Double(floor) }
        let d = network.logitsGradient, w = Float(weight) * scale
        for k in 0..<a { d[row, k] += w * probabilities[k] }
        d[row, action] -= w
        return -weight * Double(logp)
    }

    /// Scalar Q: ℓ = ½(y − q)², dq += scale·(q − y). HL-Gauss: ℓ = −Σ p_k(y) log softmax(z)_k,
    /// dz += scale·(softmax(z) − p(y)) (spec §4.1 step 3, §5).
    func criticTerm(row: Int, action: Int, target y: Double, scale: Float) -> Double {
        let d = network.qGradient
        guard let hlGauss else {
            let q = Double(network.qValues[row, action])
            d[row, action] += scale * Float(q - y)
            return 0.5 * (y - q) * (y - q)
        }
        let k = hlGauss.binCount
        let z = network.qLogits.pointer + row * network.qLogits.stride + action * k
        hlGauss.histogram(y, into: histogram)
        let lse = Self.softmax(z, count: k, into: binProbabilities)
        var loss = 0.0
        for i in 0..<k {
            loss -= Double(histogram[i]) * Double(z[i] - lse)
            d[row, action * k + i] += scale * (binProbabilities[i] - histogram[i])
        }
        return loss
    }

    /// ℓ = logsumexp_{legal a'} Q[a'] − Q[a] on scalar (expected) Q; gradient through both parts,
    /// chained through the HL-Gauss readout when K > 1 (spec §4.2).
    func conservativeTerm(row: Int, action: Int, scale: Float) -> Double {
        let q = network.qValues, a = network.config.actionCount
        let lse = Self.softmax(q.pointer + row * q.stride, count: a, into: probabilities)
        let loss = Double(lse - q[row, action])
        probabilities[action] -= 1
        let d = network.qGradient
        guard let hlGauss else {
            for k in 0..<a { d[row, k] += scale * probabilities[k] }
            return loss
        }
        let k = hlGauss.binCount, centers = network.binCenters
        for act in 0..<a where network.isLegal(row: row, action: act) {
            let z = network.qLogits.pointer + row * network.qLogits.stride + act * k
            _ = Self.softmax(z, count: k, into: binProbabilities)
            let dq = scale * probabilities[act], mean = q[row, act]
            for i in 0..<k { d[row, act * k + i] += dq * binProbabilities[i] * (centers[i] - mean) }
        }
        return loss
    }

    func report(sums: [Double], counts: [Double], weights: [Double]) -> LossReport {
        let m = config.taskCount
        func perTask(_ term: Int) -> [Double] {
            (0..<m).map { counts[$0 * 3 + term] > 0 ? sums[$0 * 3 + term] / counts[$0 * 3 + term] : 0 }
        }
        func reduced(_ term: Int) -> Double { (0..<m).reduce(0.0) { $0 + sums[$1 * 3 + term] * weights[$1 * 3 + term] } }
        let c = reduced(0), p = reduced(1), q = reduced(2)
        return LossReport(critic: perTask(0), policy: perTask(1), conservative: perTask(2),
                          total: Double(config.criticCoefficient) * c + p + Double(config.cqlWeight) * q,
                          criticMean: c, policyMean: p, conservativeMean: q)
    }
}

/// Reduced ICQ batch-softmax statistics (spec §4.1 steps 1 and 4, §4.4 step 2).
struct ICQStatistics {
    let maxima: [Float]
    let sums: [Float]
    let groups: Int
    let tokens: Int

    /// ω = B_j·exp(x − max)/Σ for the value softmax.
    func valueWeight(group g: Int, token j: Int, x: Float) -> Double {
        weight(index: g * tokens + j, offset: 0, x: x)
    }

    /// w = B_j·exp(x − max)/Σ for the policy softmax.
    func policyWeight(group g: Int, token j: Int, x: Float) -> Double {
        weight(index: g * tokens + j, offset: groups * tokens, x: x)
    }

    private func weight(index k: Int, offset: Int, x: Float) -> Double {
        let count = Double(sums[2 * groups * tokens + k])
        return count * Double(expf(x - maxima[offset + k])) / Double(sums[offset + k])
    }
}
