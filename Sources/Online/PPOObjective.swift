import Foundation
import Kernels

/// The terms of one minibatch's PPO loss, means over its tokens (spec online-sable.md §1.6, §1.10
/// step 6). `approximateKL` is the mean of (ρ − 1) − ln ρ, `clipFraction` the share of tokens with
/// |ρ − 1| > ε and `largestRatioDeviation` max |ρ − 1| (0 on the first minibatch of a rollout
/// without agent shuffling, pitfall P2) [PROJECT CHOICE: these three diagnostics].
public struct PPOTerms: Sendable, Equatable {
    public var total = 0.0
    public var actor = 0.0
    public var value = 0.0
    public var entropy = 0.0
    public var approximateKL = 0.0
    public var clipFraction = 0.0
    public var largestRatioDeviation = 0.0

    public init() {}
}

/// The PPO loss of one minibatch and its gradient with respect to the policy logits and the values
/// (spec online-sable.md §1.6), everything averaged over the minibatch's R token rows. A minibatch
/// shared by several ranks passes the mean and std of Â over all of it and its whole row count R:
/// each rank's terms and gradients are then its share of the minibatch means, and summing them over
/// the ranks gives the loss and gradient of the whole minibatch.
///
/// - Ā = (Â − mean Â) / (std Â + 1e−8) over the minibatch (population std; pitfall P7);
/// - ρ = exp(ln π(a) − ln π_old(a)), π the softmax over legal actions only (pitfall P8);
/// - L_actor = −mean min(ρĀ, clip(ρ, 1−ε, 1+ε)·Ā);
/// - V_clip = V_old + clip(V − V_old, −ε, ε), L_value = ½·mean max((V − G)², (V_clip − G)²);
/// - ℋ = mean entropy of the masked categorical; L = L_actor − c_ent·ℋ + c_v·L_value.
///
/// Gradients: ∂L/∂z_k (legal k) = [g_ρ·(1[k = a] − π_k) + c_ent·π_k(ln π_k + ℋ_r)] / R with g_ρ = −Āρ
/// where the unclipped surrogate is the minimum and 0 where the clipped one is; ∂L/∂V = c_v·(V − G)/R
/// where the unclipped squared error is the larger, c_v·(V_clip − G)·1[|V − V_old| < ε]/R otherwise.
/// Illegal logits get gradient 0.
public enum PPOObjective {
    /// Shapes: `logits` (R, A), illegal entries any value; `values` (R, 1); `legal` R·A bytes
    /// (1 = legal); `targets` R rows; `dLogits` (R, A) and `dValues` (R, 1) are overwritten;
    /// `probabilities` an A-float temporary. `advantageMoments` (mean, population std of Â) and
    /// `minibatchRows` (R) default to this call's own rows. Allocates nothing.
    public static func evaluate(logits: Matrix, values: Matrix, legal: UnsafePointer<UInt8>, targets: PPOTargets,
                                settings: PPOSettings, dLogits: Matrix, dValues: Matrix,
                                probabilities: UnsafeMutablePointer<Float>,
                                advantageMoments: (mean: Float, deviation: Float)? = nil, minibatchRows: Int? = nil) -> PPOTerms {
        let rows = targets.count, a = logits.cols, eps = settings.clip
        precondition(logits.rows >= rows && values.rows >= rows && dLogits.rows >= rows && dValues.rows >= rows,
                     "PPO loss: \(rows) target rows but \(logits.rows) logit rows")
        let (mean, std) = advantageMoments ?? meanAndStandardDeviation(targets.advantages, count: rows)
        let totalRows = minibatchRows ?? rows
        let inverseRows = 1 / Float(totalRows)
        var terms = PPOTerms()
        var clipped = 0
        for r in 0..<rows {
            let z = logits.pointer + r * logits.stride, dz = dLogits.pointer + r * dLogits.stride
            let mask = legal + r * a
            // Masked softmax, its log at the action, and the entropy.
            var largest = -Float.greatestFiniteMagnitude
            for k in 0..<a where mask[k] != 0 { largest = max(largest, z[k]) }
            var sum: Float = 0
            for k in 0..<a {
                probabilities[k] = mask[k] != 0 ? expf(z[k] - largest) : 0
                sum += probabilities[k]
            }
            let logSum = logf(sum)
            var entropy: Float = 0
            for k in 0..<a where mask[k] != 0 {
                probabilities[k] /= sum
                entropy -= probabilities[k] * (z[k] - largest - logSum)
            }
            let action = Int(targets.actions[r])
            precondition(action >= 0 && action < a && mask[action] != 0, "PPO loss: row \(r) holds action \(action), not a legal one of 0..<\(a)")
            let logProb = z[action] - largest - logSum
            let logRatio = logProb - targets.oldLogProbs[r]
            let ratio = expf(logRatio)
            let advantage = (targets.advantages[r] - mean) / (std + 1e-8)
            let bounded = min(max(ratio, 1 - eps), 1 + eps)
            let unclipped = ratio * advantage, clippedSurrogate = bounded * advantage
            let usesRatio = unclipped <= clippedSurrogate
            terms.actor -= Double(min(unclipped, clippedSurrogate))
            terms.entropy += Double(entropy)
            terms.approximateKL += Double(ratio - 1 - logRatio)
            terms.largestRatioDeviation = max(terms.largestRatioDeviation, Double(abs(ratio - 1)))
            if abs(ratio - 1) > eps { clipped += 1 }
            let dRatio = usesRatio ? -advantage * ratio * inverseRows : 0
            let entropyScale = settings.entropyCoefficient * inverseRows
            for k in 0..<a {
                guard mask[k] != 0 else { dz[k] = 0; continue }
                let p = probabilities[k]
                let logP = z[k] - largest - logSum
                dz[k] = dRatio * ((k == action ? 1 : 0) - p) + entropyScale * p * (logP + entropy)
            }
            // Clipped value loss.
            let v = values[r, 0], old = targets.oldValues[r], g = targets.returns[r]
            let step = v - old, vClip = old + min(max(step, -eps), eps)
            let plain = (v - g) * (v - g), clippedError = (vClip - g) * (vClip - g)
            terms.value += 0.5 * Double(max(plain, clippedError))
            let dv: Float = plain >= clippedError ? v - g : (abs(step) < eps ? vClip - g : 0)
            dValues[r, 0] = settings.valueCoefficient * dv * inverseRows
        }
        let n = Double(totalRows)
        terms.actor /= n
        terms.value /= n
        terms.entropy /= n
        terms.approximateKL /= n
        terms.clipFraction = Double(clipped) / n
        terms.total = terms.actor - Double(settings.entropyCoefficient) * terms.entropy
            + Double(settings.valueCoefficient) * terms.value
        return terms
    }

    /// Mean and population standard deviation of the first `count` values, accumulated in Float64.
    static func meanAndStandardDeviation(_ x: [Float], count: Int) -> (mean: Float, deviation: Float) {
        let mean = sum(x, count: count) / Double(count)
        return (Float(mean), Float((squaredDeviations(x, count: count, from: mean) / Double(count)).squareRoot()))
    }

    /// Σ x over the first `count` values, in Float64.
    static func sum(_ x: [Float], count: Int) -> Double {
        var total = 0.0
        for i in 0..<count { total += Double(x[i]) }
        return total
    }

    /// Σ (x − mean)² over the first `count` values, in Float64.
    static func squaredDeviations(_ x: [Float], count: Int, from mean: Double) -> Double {
        var total = 0.0
        for i in 0..<count { total += (Double(x[i]) - mean) * (Double(x[i]) - mean) }
        return total
    }
}
