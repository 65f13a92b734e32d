import Foundation

/// Adam with optional decoupled weight decay (AdamW), on a whole flat arena in one loop over chunks
/// shared by the compute threads.
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

    /// One Adam step on `parameters` with `gradients` (same length), element-wise on `workers`
    /// compute threads (the result does not depend on how many).
    public func step(parameters: AlignedBuffer, gradients: AlignedBuffer, workers: Int = Parallel.workerCount) {
        precondition(parameters.count == gradients.count && parameters.count == firstMoment.count,
                     "Adam: parameters \(parameters.count), gradients \(gradients.count), moments \(firstMoment.count)")
        stepCount += 1
        let s = settings
        let t = Float(stepCount)
        let c1 = 1 - pow(s.beta1, t)
        let c2 = 1 - pow(s.beta2, t)
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                firstMoment.withUnsafeMutableBufferPointer { m in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        Parallel.forElements(p.count, workers: workers) { elements, _ in
                            for i in elements {
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
}

/// Gradient clipping and target-network updates on flat buffers, element-wise on the compute
/// threads (`workers`, default `Parallel.workerCount`).
///
/// The norm's sum of squares is accumulated in Float64 per `Parallel.elementGrain`-element chunk
/// and the chunks' sums are added in chunk order, so every result is bit-identical whatever the
/// number of workers.
public enum ArenaMath {
    /// Global L2 norm of a buffer, accumulated in Float64.
    public static func globalNorm(_ buffer: AlignedBuffer, workers: Int = Parallel.workerCount) -> Double {
        buffer.withUnsafeBufferPointer { g in
            var partials = [Double](repeating: 0, count: Parallel.chunkCount(elements: g.count))
            partials.withUnsafeMutableBufferPointer { partial in
                Parallel.forElements(g.count, workers: workers) { elements, chunk in
                    var sum = 0.0
                    for i in elements { sum += Double(g[i]) * Double(g[i]) }
                    partial[chunk] = sum
                }
            }
            return partials.reduce(0, +).squareRoot()
        }
    }

    /// Scales `gradients` so their global norm is at most `maxNorm` (optax.clip_by_global_norm).
    /// - Returns: the norm before clipping and the scale applied (1 when not clipped).
    @discardableResult
    public static func clipGlobalNorm(_ gradients: AlignedBuffer, maxNorm: Float,
                                      workers: Int = Parallel.workerCount) -> (norm: Double, scale: Float) {
        let norm = globalNorm(gradients, workers: workers)
        guard norm > Double(maxNorm) else { return (norm, 1) }
        let scale = Float(Double(maxNorm) / norm)
        gradients.withUnsafeMutableBufferPointer { g in
            Parallel.forElements(g.count, workers: workers) { elements, _ in for i in elements { g[i] *= scale } }
        }
        return (norm, scale)
    }

    /// Polyak averaging: target ← τ·online + (1−τ)·target.
    public static func polyakUpdate(target: AlignedBuffer, online: AlignedBuffer, tau: Float,
                                    workers: Int = Parallel.workerCount) {
        precondition(target.count == online.count, "Polyak: target \(target.count) vs online \(online.count)")
        target.withUnsafeMutableBufferPointer { t in
            online.withUnsafeBufferPointer { o in
                Parallel.forElements(t.count, workers: workers) { elements, _ in
                    for i in elements { t[i] = tau * o[i] + (1 - tau) * t[i] }
                }
            }
        }
    }
}
