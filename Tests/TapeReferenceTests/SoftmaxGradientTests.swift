import Testing
import TapeReference
import TensorCore
import TestSupport

@Suite struct SoftmaxGradientTests {
    @Test(arguments: gradientSeeds)
    func softmaxFamilyGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let x = Tensor.uniform([randomDimension(&s), randomDimension(&s), randomDimension(&s, 2...6)], in: -3...3, stream: &s)
        let ops: [(String, (Tape, Variable) -> Variable)] = [
            ("softmax", { $0.softmax($1) }), ("logSoftmax", { $0.logSoftmax($1) }), ("logSumExp", { $0.logSumExp($1) }),
        ]
        for (name, op) in ops {
            let results = TapeGradientCheck.check(inputs: [x], seed: seed) { tape, v in op(tape, v[0]) }
            expectAllPass(results, "\(name) \(x.shape) seed \(seed)")
        }
    }

    @Test(arguments: gradientSeeds)
    func softCrossEntropyGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let (rows, classes) = (randomDimension(&s), randomDimension(&s, 2...7))
        let x = Tensor.uniform([rows, classes], in: -3...3, stream: &s)
        // Unnormalised soft targets (Σt ≠ 1) exercise the Σt factor of the backward.
        let targets = Tensor.uniform([rows, classes], in: 0...1, stream: &s)
        let results = TapeGradientCheck.check(inputs: [x], seed: seed) { tape, v in
            tape.crossEntropy(logits: v[0], softTargets: targets)
        }
        expectAllPass(results, "crossEntropy \(rows)x\(classes) seed \(seed)")
    }
}
