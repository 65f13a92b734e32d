import Testing
import TapeReference
import TensorCore
import TestSupport

@Suite struct MatmulGradientTests {
    @Test(arguments: gradientSeeds, [false, true])
    func matmulGradientsMatchFiniteDifferences(seed: UInt64, transposeA: Bool) {
        for transposeB in [false, true] {
            var s = RandomStream(seed: seed)
            let (m, k, n) = (randomDimension(&s), randomDimension(&s), randomDimension(&s))
            let a = Tensor.uniform(transposeA ? [k, m] : [m, k], stream: &s)
            let b = Tensor.uniform(transposeB ? [n, k] : [k, n], stream: &s)
            let results = TapeGradientCheck.check(inputs: [a, b], seed: seed) { tape, v in
                tape.matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB)
            }
            expectAllPass(results, "matmul tA=\(transposeA) tB=\(transposeB) seed \(seed)")
        }
    }

    @Test(arguments: gradientSeeds, [false, true])
    func batchedMatmulGradientsMatchFiniteDifferences(seed: UInt64, transposeA: Bool) {
        for transposeB in [false, true] {
            var s = RandomStream(seed: seed)
            let (h, m, k, n) = (randomDimension(&s, 1...3), randomDimension(&s), randomDimension(&s), randomDimension(&s))
            let a = Tensor.uniform(transposeA ? [2, h, k, m] : [2, h, m, k], stream: &s)
            let b = Tensor.uniform(transposeB ? [2, h, n, k] : [2, h, k, n], stream: &s)
            let results = TapeGradientCheck.check(inputs: [a, b], seed: seed) { tape, v in
                tape.batchedMatmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB)
            }
            expectAllPass(results, "batchedMatmul tA=\(transposeA) tB=\(transposeB) seed \(seed)")
        }
    }

    @Test(arguments: gradientSeeds)
    func linearGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let (rows, inSize, outSize) = (randomDimension(&s, 1...7), randomDimension(&s), randomDimension(&s))
        let x = Tensor.uniform([2, rows, inSize], stream: &s)
        let w = Tensor.uniform([inSize, outSize], stream: &s)
        let b = Tensor.uniform([outSize], stream: &s)
        let withBias = TapeGradientCheck.check(inputs: [x, w, b], seed: seed) { tape, v in
            tape.linear(v[0], weight: v[1], bias: v[2])
        }
        expectAllPass(withBias, "linear with bias seed \(seed)")
        let withoutBias = TapeGradientCheck.check(inputs: [x, w], seed: seed) { tape, v in
            tape.linear(v[0], weight: v[1])
        }
        expectAllPass(withoutBias, "linear without bias seed \(seed)")
    }

    /// Gradients accumulate: using an input twice gives the sum of both paths (checked numerically).
    @Test(arguments: gradientSeeds)
    func reusedInputAccumulatesBothPaths(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let a = Tensor.uniform([3, 3], stream: &s)
        let results = TapeGradientCheck.check(inputs: [a], seed: seed) { tape, v in
            tape.add(tape.matmul(v[0], v[0]), tape.matmul(v[0], v[0], transposeB: true))
        }
        expectAllPass(results, "A·A + A·Aᵀ seed \(seed)")
    }
}
