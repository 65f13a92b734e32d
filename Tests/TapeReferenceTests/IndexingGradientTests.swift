import Testing
import TapeReference
import TensorCore
import TestSupport

@Suite struct IndexingGradientTests {
    @Test(arguments: gradientSeeds)
    func maskedFillGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let (rows, n) = (randomDimension(&s), randomDimension(&s, 2...6))
        let x = Tensor.uniform([2, rows, n], stream: &s)
        let mask = Tensor(shape: [rows, n], values: (0..<(rows * n)).map { _ in Float(s.nextInt(below: 2)) })
        let results = TapeGradientCheck.check(inputs: [x], seed: seed) { tape, v in
            tape.maskedFill(v[0], mask: mask, value: -5)
        }
        expectAllPass(results, "maskedFill seed \(seed)")
    }

    @Test(arguments: gradientSeeds)
    func embeddingAndGatherGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let (vocabulary, width, rows) = (randomDimension(&s, 2...6), randomDimension(&s), randomDimension(&s, 2...8))
        let table = Tensor.uniform([vocabulary, width], stream: &s)
        let tokens = randomIndices(rows, below: vocabulary, &s)
        expectAllPass(TapeGradientCheck.check(inputs: [table], seed: seed) { $0.embedding($1[0], indices: tokens) },
                      "embedding seed \(seed)")
        let x = Tensor.uniform([rows, width], stream: &s)
        let picks = randomIndices(rows, below: width, &s)
        expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.gather($1[0], indices: picks) },
                      "gather seed \(seed)")
        // One-hot rows times a matrix select rows: gradients flow to the matrix only.
        expectAllPass(TapeGradientCheck.check(inputs: [table], seed: seed) { tape, v in
            tape.matmul(tape.oneHot(tokens, classes: vocabulary), v[0])
        }, "oneHot·W seed \(seed)")
    }
}
