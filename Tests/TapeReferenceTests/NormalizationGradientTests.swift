import Testing
import TapeReference
import TensorCore
import TestSupport

@Suite struct NormalizationGradientTests {
    @Test(arguments: gradientSeeds)
    func layerNormGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let n = randomDimension(&s, 2...8)
        let x = Tensor.uniform([randomDimension(&s), n], in: -2...2, stream: &s)
        let scale = Tensor.uniform([n], in: 0.5...1.5, stream: &s), bias = Tensor.uniform([n], stream: &s)
        let results = TapeGradientCheck.check(inputs: [x, scale, bias], seed: seed) { tape, v in
            tape.layerNorm(v[0], scale: v[1], bias: v[2])
        }
        expectAllPass(results, "layerNorm n=\(n) seed \(seed)")
    }

    @Test(arguments: gradientSeeds)
    func rmsNormGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let n = randomDimension(&s, 1...8)
        let x = Tensor.uniform([2, randomDimension(&s), n], in: -2...2, stream: &s)
        let scale = Tensor.uniform([n], in: 0.5...1.5, stream: &s)
        let results = TapeGradientCheck.check(inputs: [x, scale], seed: seed) { tape, v in tape.rmsNorm(v[0], scale: v[1]) }
        expectAllPass(results, "rmsNorm n=\(n) seed \(seed)")
    }

    @Test(arguments: gradientSeeds)
    func groupNormGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let groups = randomDimension(&s, 1...4), size = randomDimension(&s, 2...5)
        let n = groups * size
        let x = Tensor.uniform([randomDimension(&s), n], in: -2...2, stream: &s)
        let scale = Tensor.uniform([n], in: 0.5...1.5, stream: &s), bias = Tensor.uniform([n], stream: &s)
        let results = TapeGradientCheck.check(inputs: [x, scale, bias], seed: seed) { tape, v in
            tape.groupNorm(v[0], groups: groups, scale: v[1], bias: v[2])
        }
        expectAllPass(results, "groupNorm \(groups) groups of \(size) seed \(seed)")
    }
}
