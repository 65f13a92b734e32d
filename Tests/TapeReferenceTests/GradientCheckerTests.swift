import Foundation
import Testing
import TapeReference
import TensorCore
import TestSupport

/// The checker must reject wrong backwards, or the per-op checks prove nothing.
@Suite struct GradientCheckerTests {
    /// A sigmoid recorded as a custom op with a chosen derivative rule.
    static func sigmoid(_ tape: Tape, _ x: Variable, derivative: @escaping @Sendable (Float) -> Float) -> Variable {
        let values = x.value.toArray().map { 1 / (1 + Foundation.exp(-$0)) }
        let y = Tensor(shape: x.shape, values: values)
        return tape.recordCustom(y, inputs: [x]) { tape, dY in
            guard let dX = tape.accumulationGradient(of: x) else { return }
            for i in 0..<dX.count { dX[flat: i] += dY[flat: i] * derivative(y[flat: i]) }
        }
    }

    @Test(arguments: gradientSeeds)
    func correctCustomBackwardPasses(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let x = Tensor.uniform([4, 3], in: -2...2, stream: &s)
        let results = TapeGradientCheck.check(inputs: [x], seed: seed) { tape, v in
            Self.sigmoid(tape, v[0]) { y in y * (1 - y) }
        }
        expectAllPass(results, "custom sigmoid seed \(seed)")
    }

    @Test(arguments: gradientSeeds)
    func wrongBackwardsAreDetected(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let x = Tensor.uniform([4, 3], in: -2...2, stream: &s)
        let wrongRules: [(String, @Sendable (Float) -> Float)] = [
            ("dropped (1 − y) factor", { y in y }),
            ("doubled", { y in 2 * y * (1 - y) }),
            ("sign flipped", { y in -y * (1 - y) }),
        ]
        for (name, rule) in wrongRules {
            let results = TapeGradientCheck.check(inputs: [x], seed: seed) { tape, v in Self.sigmoid(tape, v[0], derivative: rule) }
            #expect(results.contains { !$0.passed }, "a \(name) sigmoid backward passed the check (seed \(seed))")
        }
    }

    /// A matmul whose backward forgets a transpose (dA = dC·B instead of dC·Bᵀ on a square B).
    @Test(arguments: gradientSeeds)
    func missingTransposeIsDetected(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let a = Tensor.uniform([3, 3], stream: &s), b = Tensor.uniform([3, 3], stream: &s)
        let results = TapeGradientCheck.check(inputs: [a], seed: seed) { tape, v in
            let forward = tape.matmul(v[0], tape.constant(b))
            return tape.recordCustom(forward.value, inputs: [v[0]]) { tape, dC in
                guard let dA = tape.accumulationGradient(of: v[0]) else { return }
                for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { dA[flat: i * 3 + j] += dC[flat: i * 3 + k] * b[flat: j * 3 + k] } } }
            }
        }
        expectAllPass(results, "custom matmul with correct transpose seed \(seed)")
        let wrong = TapeGradientCheck.check(inputs: [a], seed: seed) { tape, v in
            let forward = tape.matmul(v[0], tape.constant(b))
            return tape.recordCustom(forward.value, inputs: [v[0]]) { tape, dC in
                guard let dA = tape.accumulationGradient(of: v[0]) else { return }
                for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { dA[flat: i * 3 + j] += dC[flat: i * 3 + k] * b[flat: k * 3 + j] } } }
            }
        }
        #expect(wrong.contains { !$0.passed }, "a matmul backward missing its transpose passed (seed \(seed))")
    }

    /// The plain checker on f(x) = Σ x³: 3x² passes, 2x² fails.
    @Test func plainCheckerSeparatesRightFromWrong() {
        let x: [Float] = [0.5, -1.2, 2.0, 0.1]
        let f: ([[Float]]) -> Double = { p in p[0].reduce(0) { $0 + Double($1) * Double($1) * Double($1) } }
        let right = GradientChecker.check(point: [x], gradient: [x.map { 3 * $0 * $0 }], evaluate: f)
        let wrong = GradientChecker.check(point: [x], gradient: [x.map { 2 * $0 * $0 }], evaluate: f)
        expectAllPass(right, "3x²")
        #expect(wrong.contains { !$0.passed })
    }
}
