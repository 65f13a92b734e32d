import Foundation
import TensorCore

extension SableLoss {
    /// Step 2b (Oryx): per group g and token position j, the max over local valid samples of
    /// q'/α_v (first G·L values) and of Adv/α_π (next G·L); −∞ where none. Empty for BC and CQL.
    public func icqMaxima() -> [Float] {
        guard config.kind.usesICQStatistics, let batch else { return [] }
        let l = tokens, g = icqGroupCount
        var out = [Float](repeating: -.infinity, count: 2 * g * l)
        forEachValidToken(batch) { b, _, j, row in
            let k = group(batch, b) * l + j
            out[k] = max(out[k], targetValue[row] / config.valueTemperature)
            out[g * l + k] = max(out[g * l + k], advantage[row] / config.policyTemperature)
        }
        return out
    }

    /// Step 2c (Oryx): given the global maxima, local Σ exp(q'/α_v − max) (G·L), Σ exp(Adv/α_π − max)
    /// (G·L) and valid-sample counts B_j (G·L). Empty for BC and CQL.
    public func icqSums(globalMaxima: [Float]) -> [Float] {
        guard config.kind.usesICQStatistics, let batch else { return [] }
        let l = tokens, g = icqGroupCount
        precondition(globalMaxima.count == 2 * g * l, "ICQ maxima: \(globalMaxima.count) values, expected \(2 * g * l)")
        var out = [Float](repeating: 0, count: 3 * g * l)
        forEachValidToken(batch) { b, _, j, row in
            let k = group(batch, b) * l + j
            out[k] += expf(targetValue[row] / config.valueTemperature - globalMaxima[k])
            out[g * l + k] += expf(advantage[row] / config.policyTemperature - globalMaxima[g * l + k])
            out[2 * g * l + k] += 1
        }
        return out
    }

    func group(_ batch: AgentBatch, _ b: Int) -> Int {
        config.icqGrouping == .perTask ? task(of: batch, sample: b) : 0
    }

    /// Visits every valid token, sample by sample, time-major: sample b, timestep t, padded token
    /// position j = t·N + slot (the same in a padded and a compact batch, so ICQ groups match) and
    /// batch row.
    func forEachValidToken(_ batch: AgentBatch, _ body: (_ b: Int, _ t: Int, _ j: Int, _ row: Int) -> Void) {
        let n = batch.agentSlots
        for b in 0..<batch.batchSize {
            let columns = batch.agentCounts[b], first = batch.rows(ofSample: b).lowerBound
            for t in 0..<batch.timeSteps {
                for c in 0..<columns where isValid(batch, sample: b, column: c) {
                    body(b, t, t * n + Int(batch.slots[b * n + c]), first + t * columns + c)
                }
            }
        }
    }
}
