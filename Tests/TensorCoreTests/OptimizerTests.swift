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
}
