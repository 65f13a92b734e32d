import Foundation
import Testing
import TensorCore
import TestSupport

@Suite struct OptimizerTests {
    /// optax.adam / optax.adamw by hand, in Float64: m ← β1m + (1−β1)g, v ← β2v + (1−β2)g²,
    /// u = m/(1−β1ᵗ) / (√(v/(1−β2ᵗ)) + ε) + λθ, θ ← θ − lr·u.
    static func handAdam(_ theta: [Double], _ gradients: [[Double]], lr: Double, b1: Double, b2: Double,
                         eps: Double, decay: Double) -> [Double] {
        var theta = theta
        var m = [Double](repeating: 0, count: theta.count), v = m
        for (step, g) in gradients.enumerated() {
            let t = Double(step + 1)
            for i in theta.indices {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                let mHat: Double = m[i] / (1 - pow(b1, t))
                let vHat: Double = v[i] / (1 - pow(b2, t))
                let u: Double = mHat / (vHat.squareRoot() + eps) + decay * theta[i]
                theta[i] -= lr * u
            }
        }
        return theta
    }

    @Test(arguments: [Float(0), 0.01])
    func adamMatchesOptaxFormulaForTwoSteps(weightDecay: Float) {
        let settings = AdamOptimizer.Settings(learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-6, weightDecay: weightDecay)
        let theta: [Float] = [0.5, -1.0, 2.0, 0.0, 3.0]
        let grads: [[Float]] = [[0.1, -0.2, 0.3, 0.0, 5.0], [-0.4, 0.1, 0.3, 1e-3, -2.0]]
        let parameters = AlignedBuffer(theta)
        let adam = AdamOptimizer(parameterCount: theta.count, settings: settings)
        for g in grads { adam.step(parameters: parameters, gradients: AlignedBuffer(g)) }
        let expected = Self.handAdam(theta.map(Double.init), grads.map { $0.map(Double.init) }, lr: 0.1, b1: 0.9, b2: 0.99,
                                     eps: 1e-6, decay: Double(weightDecay))
        #expect(adam.stepCount == 2)
        #expect(Approximate.equal(parameters.toArray(), expected.map(Float.init)),
                "Adam \(parameters.toArray()) vs hand computation \(expected)")
    }

    @Test func globalNormClipScalesOnlyAboveTheLimit() {
        let g = AlignedBuffer([3, 4, 0, 0])
        let (norm, scale) = ArenaMath.clipGlobalNorm(g, maxNorm: 1)
        #expect(norm == 5 && Approximate.equal(scale, 0.2))
        #expect(Approximate.equal(g.toArray(), [0.6, 0.8, 0, 0]))
        #expect(abs(ArenaMath.globalNorm(g) - 1) < 1e-6)
        let (_, unchanged) = ArenaMath.clipGlobalNorm(g, maxNorm: 10)
        #expect(unchanged == 1 && Approximate.equal(g.toArray(), [0.6, 0.8, 0, 0]))
    }

    @Test func globalNormMatchesFloat64Sum() {
        var s = RandomStream(seed: 21)
        let values = (0..<10_000).map { _ in Float(s.nextNormal()) }
        let reference = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(ArenaMath.globalNorm(AlignedBuffer(values)) - reference) <= 1e-9 * reference)
    }

    @Test func polyakMovesTargetTowardOnline() {
        let target = AlignedBuffer([1, 2, 3]), online = AlignedBuffer([3, 2, -1])
        ArenaMath.polyakUpdate(target: target, online: online, tau: 0.25)
        #expect(Approximate.equal(target.toArray(), [1.5, 2, 2]))
        ArenaMath.polyakUpdate(target: target, online: online, tau: 1)
        #expect(target.toArray() == online.toArray())
    }

    /// Three full element chunks and a ragged tail, so every worker count splits them differently.
    static func randomValues(seed: UInt64, scale: Double = 1) -> [Float] {
        var s = RandomStream(seed: seed)
        return (0..<(3 * Parallel.elementGrain + 1_234)).map { _ in Float(scale * s.nextNormal()) }
    }

    /// How many values differ (bit for bit; -1 when the lengths differ).
    static func differing(_ a: [Float], _ b: [Float]) -> Int {
        a.count == b.count ? zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count : -1
    }

    /// Two Adam steps on 1, 2, 3 and 7 threads equal the plain one-loop update written out here, bit for bit.
    @Test(arguments: [1, 2, 3, 7])
    func threadedAdamEqualsTheSequentialLoop(workers: Int) {
        let settings = AdamOptimizer.Settings(learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.01)
        let theta = Self.randomValues(seed: 3)
        let steps = [Self.randomValues(seed: 4, scale: 0.1), Self.randomValues(seed: 5, scale: 2)]
        let parameters = AlignedBuffer(theta)
        let adam = AdamOptimizer(parameterCount: theta.count, settings: settings)
        for g in steps { adam.step(parameters: parameters, gradients: AlignedBuffer(g), workers: workers) }

        var p = theta, m = [Float](repeating: 0, count: theta.count), v = m
        for (step, g) in steps.enumerated() {
            let c1 = 1 - pow(settings.beta1, Float(step + 1)), c2 = 1 - pow(settings.beta2, Float(step + 1))
            for i in p.indices {
                m[i] = settings.beta1 * m[i] + (1 - settings.beta1) * g[i]
                v[i] = settings.beta2 * v[i] + (1 - settings.beta2) * g[i] * g[i]
                let update = (m[i] / c1) / ((v[i] / c2).squareRoot() + settings.epsilon)
                p[i] -= settings.learningRate * (update + settings.weightDecay * p[i])
            }
        }
        #expect(Self.differing(parameters.toArray(), p) == 0, "parameters, workers \(workers)")
        #expect(Self.differing(adam.firstMoment.toArray(), m) == 0 && Self.differing(adam.secondMoment.toArray(), v) == 0,
                "moments, workers \(workers)")
    }

    /// The norm is the Float64 sum of squares per element chunk, chunks added in order: the same bits
    /// on any number of threads, and within rounding of one long Float64 sum.
    @Test func threadedNormIsTheChunkOrderedSumOnAnyThreadCount() {
        let values = Self.randomValues(seed: 6)
        let buffer = AlignedBuffer(values)
        var chunked = 0.0
        for start in stride(from: 0, to: values.count, by: Parallel.elementGrain) {
            chunked += values[start..<min(values.count, start + Parallel.elementGrain)].reduce(0.0) { $0 + Double($1) * Double($1) }
        }
        let sequential = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        for workers in [1, 2, 3, 7] {
            let norm = ArenaMath.globalNorm(buffer, workers: workers)
            #expect(norm == chunked.squareRoot(), "workers \(workers)")
            #expect(abs(norm - sequential) <= 1e-12 * sequential)
        }
    }

    /// Clipping and Polyak on 1, 2, 3 and 7 threads equal the plain loops written out here, bit for bit.
    @Test(arguments: [1, 2, 3, 7])
    func threadedClipAndPolyakEqualTheSequentialLoops(workers: Int) {
        let gradients = Self.randomValues(seed: 7)
        let buffer = AlignedBuffer(gradients)
        let (norm, scale) = ArenaMath.clipGlobalNorm(buffer, maxNorm: 1, workers: workers)
        #expect(norm > 1 && scale == Float(1 / ArenaMath.globalNorm(AlignedBuffer(gradients), workers: 1)))
        #expect(Self.differing(buffer.toArray(), gradients.map { $0 * scale }) == 0, "clip, workers \(workers)")

        let online = Self.randomValues(seed: 8), start = Self.randomValues(seed: 9)
        let target = AlignedBuffer(start)
        ArenaMath.polyakUpdate(target: target, online: AlignedBuffer(online), tau: 0.005, workers: workers)
        let expected = zip(online, start).map { 0.005 * $0 + (1 - 0.005) * $1 }
        #expect(Self.differing(target.toArray(), expected) == 0, "Polyak, workers \(workers)")
    }
}
