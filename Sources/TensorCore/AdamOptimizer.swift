import Foundation

/// Adam with optional decoupled weight decay (AdamW), on a whole flat arena in one loop.
///
/// Update at step t (1-based), for gradient g (already clipped):
/// m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  m̂ = m/(1−β1ᵗ);  v̂ = v/(1−β2ᵗ);
/// θ ← θ − lr·(m̂/(√v̂ + ε) + λ·θ). Matches optax.adam (eps_root 0) when λ = 0.
public final class AdamOptimizer: @unchecked Sendable {
    public struct Settings: Sendable, Equatable, Codable {
        public var learningRate: Float = 3e-4
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var epsilon: Float = 1e-8
        public var weightDecay: Float = 0
        public init(learningRate: Float = 3e-4, beta1: Float = 0.9, beta2: Float = 0.999,
                    epsilon: Float = 1e-8, weightDecay: Float = 0) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
        }
    }

    public var settings: Settings
    /// First and second moments, laid out like the parameters.
    public let firstMoment: AlignedBuffer
    public let secondMoment: AlignedBuffer
    /// Steps taken so far.
    public var stepCount: Int = 0

    public init(parameterCount: Int, settings: Settings) {
        self.settings = settings
        firstMoment = AlignedBuffer(count: parameterCount)
        secondMoment = AlignedBuffer(count: parameterCount)
    }

    /// One Adam step on `parameters` with `gradients` (same length).
    public func step(parameters: AlignedBuffer, gradients: AlignedBuffer) {
        precondition(parameters.count == gradients.count && parameters.count == firstMoment.count,
                     "Adam: parameters \(parameters.count), gradients \(gradients.count), moments \(firstMoment.count)")
        stepCount += 1
        let s = settings
        let t = Float(stepCount)
        let c1 = 1 - pow(s.beta1, t)
        let c2 = 1 - pow(s.beta2, t)
        let n = parameters.count
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                firstMoment.withUnsafeMutableBufferPointer { m in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        for i in 0..<n {
                            let gi = g[i]
                            let mi = s.beta1 * m[i] + (1 - s.beta1) * gi
                            let vi = s.beta2 * v[i] + (1 - s.beta2) * gi * gi
                            m[i] = mi
                            v[i] = vi
                            let update = (mi / c1) / ((vi / c2).squareRoot() + s.epsilon)
                            p[i] -= s.learningRate * (update + s.weightDecay * p[i])
                        }
                    }
                }
            }
        }
    }
}

/// Gradient clipping and target-network updates on flat buffers.
public enum ArenaMath {
    /// Global L2 norm of a buffer, accumulated in Float64.
    public static func globalNorm(_ buffer: AlignedBuffer) -> Double {
        buffer.withUnsafeBufferPointer { g in
            var sum = 0.0
            for x in g { sum += Double(x) * Double(x) }
            return sum.squareRoot()
        }
    }

    /// Scales `gradients` so their global norm is at most `maxNorm` (optax.clip_by_global_norm).
    /// - Returns: the norm before clipping and the scale applied (1 when not clipped).
    @discardableResult
    public static func clipGlobalNorm(_ gradients: AlignedBuffer, maxNorm: Float) -> (norm: Double, scale: Float) {
        let norm = globalNorm(gradients)
        guard norm > Double(maxNorm) else { return (norm, 1) }
        let scale = Float(Double(maxNorm) / norm)
        gradients.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } }
        return (norm, scale)
    }

    /// Polyak averaging: target ← τ·online + (1−τ)·target.
    public static func polyakUpdate(target: AlignedBuffer, online: AlignedBuffer, tau: Float) {
        precondition(target.count == online.count, "Polyak: target \(target.count) vs online \(online.count)")
        target.withUnsafeMutableBufferPointer { t in
            online.withUnsafeBufferPointer { o in
                for i in 0..<t.count { t[i] = tau * o[i] + (1 - tau) * t[i] }
            }
        }
    }
}
