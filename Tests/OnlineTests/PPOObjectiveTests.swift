import Foundation
import Kernels
import Online
import TensorCore
import TestSupport
import Testing

/// The PPO loss (spec online-sable.md §1.6): a hand-computed case, and its gradient with respect to
/// logits and values against finite differences with every branch (clipped or not, both signs of
/// the advantage, clipped value) in use.
@Suite struct PPOObjectiveTests {
    /// R rows of A logits, values and their gradients in one workspace.
    struct Buffers {
        let workspace = Workspace()
        let logits, values, dLogits, dValues: Matrix
        let probabilities: UnsafeMutablePointer<Float>
        init(rows: Int, actions: Int) {
            logits = workspace.matrix(rows, actions)
            values = workspace.matrix(rows, 1)
            dLogits = workspace.matrix(rows, actions)
            dValues = workspace.matrix(rows, 1)
            probabilities = workspace.floats(actions)
        }

        func evaluate(_ legal: [UInt8], _ targets: PPOTargets, _ settings: PPOSettings = PPOSettings()) -> PPOTerms {
            legal.withUnsafeBufferPointer {
                PPOObjective.evaluate(logits: logits, values: values, legal: $0.baseAddress!, targets: targets,
                                      settings: settings, dLogits: dLogits, dValues: dValues, probabilities: probabilities)
            }
        }
    }

    /// Two tokens, A = 2, equal logits (π = ½, ℋ = ln 2), Â = (1, −1) so Ā = (1, −1).
    /// Token 0: π_old = ½ → ρ = 1, surrogate 1. Token 1: π_old = ¼ → ρ = 2, min(−2, −1.2) = −2.
    /// L_actor = −(1 − 2)/2 = 0.5. Values: token 0 V = 1, V_old = 1, G = 2 → 1; token 1 V = 1,
    /// V_old = 0 (V_clip = 0.2), G = 0 → max(1, 0.04) = 1; L_value = ½·1 = 0.5.
    /// L = 0.5 − 0.01·ln 2 + 0.5·0.5. Clip fraction ½, KL (0 + 1 − ln 2)/2.
    /// Gradients: token 0 dRatio = −Ā·ρ/R = −0.5 → dz = (−0.25, 0.25); token 1 dRatio = +1 →
    /// dz = (0.5, −0.5) (entropy terms vanish at the uniform π); dV = c_v·(V − G)/R = (−0.25, 0.25).
    @Test func handComputedCase() {
        let b = Buffers(rows: 2, actions: 2)
        for r in 0..<2 { b.logits[r, 0] = 0.3; b.logits[r, 1] = 0.3; b.values[r, 0] = 1 }
        var t = PPOTargets(capacity: 2)
        t.actions = [0, 0]
        t.oldLogProbs = [logf(0.5), logf(0.25)]
        t.oldValues = [1, 0]
        t.advantages = [1, -1]
        t.returns = [2, 0]
        let terms = b.evaluate([1, 1, 1, 1], t)
        #expect(abs(terms.actor - 0.5) < 1e-6)
        #expect(abs(terms.value - 0.5) < 1e-6)
        #expect(abs(terms.entropy - log(2)) < 1e-6)
        #expect(abs(terms.total - (0.5 - 0.01 * log(2) + 0.25)) < 1e-6)
        #expect(terms.clipFraction == 0.5)
        #expect(abs(terms.approximateKL - (1 - log(2)) / 2) < 1e-6)
        #expect(abs(terms.largestRatioDeviation - 1) < 1e-6)
        let expectedLogits: [[Float]] = [[-0.25, 0.25], [0.5, -0.5]]
        for r in 0..<2 {
            for k in 0..<2 { #expect(abs(b.dLogits[r, k] - expectedLogits[r][k]) < 1e-6, "dz[\(r), \(k)] = \(b.dLogits[r, k])") }
        }
        #expect(abs(b.dValues[0, 0] + 0.25) < 1e-6 && abs(b.dValues[1, 0] - 0.25) < 1e-6)
    }

    /// Random logits with illegal actions; old log-probs offset by ±0.05 (inside the clip) or ±0.5
    /// (outside), old values by ±0.05 or ±0.5, so every branch of the min and the max is taken
    /// away from its kink.
    @Test func gradientMatchesFiniteDifferences() {
        let (rows, a) = (16, 5)
        let b = Buffers(rows: rows, actions: a)
        var random = RandomStream(seed: 41)
        var legal = [UInt8](repeating: 1, count: rows * a)
        var t = PPOTargets(capacity: rows)
        var logits = [Float](), values = [Float]()
        let offsets: [Float] = [-0.5, -0.05, 0.05, 0.5]
        for r in 0..<rows {
            let action = random.nextInt(below: a)
            t.actions[r] = Int32(action)
            for k in 0..<a where k != action && random.nextUniformFloat() < 0.3 { legal[r * a + k] = 0 }
            let z = (0..<a).map { _ in Float(random.nextNormal()) }
            logits += z
            var largest = -Float.infinity
            for k in 0..<a where legal[r * a + k] != 0 { largest = max(largest, z[k]) }
            var sum: Float = 0
            for k in 0..<a where legal[r * a + k] != 0 { sum += expf(z[k] - largest) }
            t.oldLogProbs[r] = z[action] - largest - logf(sum) + offsets[r % 4]
            let v = Float(random.nextNormal())
            values.append(v)
            t.oldValues[r] = v + offsets[(r / 4) % 4]
            t.returns[r] = v + Float(random.nextNormal())
            t.advantages[r] = Float(random.nextNormal())
        }
        func load(_ point: [[Float]]) {
            for r in 0..<rows {
                for k in 0..<a { b.logits[r, k] = point[0][r * a + k] }
                b.values[r, 0] = point[1][r]
            }
        }
        // A large entropy coefficient so that each of the three terms moves the gradient visibly.
        let settings = PPOSettings(clip: 0.2, entropyCoefficient: 0.3, valueCoefficient: 0.5)
        load([logits, values])
        let terms = b.evaluate(legal, t, settings)
        #expect(terms.clipFraction > 0.2 && terms.clipFraction < 0.8, "clip fraction \(terms.clipFraction): branches not all used")
        let dz = (0..<(rows * a)).map { b.dLogits[$0 / a, $0 % a] }, dv = (0..<rows).map { b.dValues[$0, 0] }
        for r in 0..<rows { for k in 0..<a where legal[r * a + k] == 0 { #expect(dz[r * a + k] == 0) } }
        let results = GradientChecker.check(point: [logits, values], gradient: [dz, dv], directions: 3, epsilon: 1e-3,
                                            seed: 3) { point in
            load(point)
            return b.evaluate(legal, t, settings).total
        }
        for result in results { #expect(result.passed, "\(result)") }
        #expect(results.contains { abs($0.analytic) > 1e-2 })
    }

    /// Identical old and new log-probabilities give ρ = 1 exactly (the first minibatch of P2).
    @Test func unchangedPolicyHasRatioExactlyOne() {
        let b = Buffers(rows: 3, actions: 3)
        var t = PPOTargets(capacity: 3)
        let z: [[Float]] = [[0.1, -1, 2], [0.5, 0.25, -0.75], [3, 1, 2]]
        for r in 0..<3 {
            for k in 0..<3 { b.logits[r, k] = z[r][k] }
            let largest = z[r].max()!
            let sum = z[r].reduce(Float(0)) { $0 + expf($1 - largest) }
            t.actions[r] = Int32(r)
            t.oldLogProbs[r] = z[r][r] - largest - logf(sum)
            t.advantages[r] = Float(r)
        }
        let terms = b.evaluate([UInt8](repeating: 1, count: 9), t)
        #expect(terms.largestRatioDeviation == 0)
        #expect(terms.clipFraction == 0 && terms.approximateKL == 0)
    }
}
