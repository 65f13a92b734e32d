import Testing
import TapeReference
import TensorCore
import TestSupport

@Suite struct ElementwiseGradientTests {
    /// Pairs of shapes that broadcast (right-aligned), including size-1 axes on both sides.
    static let broadcastPairs: [(Shape, Shape)] = [
        ([3, 4], [3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([4], [2, 3, 4]), ([2, 3, 1, 5], [3, 4, 1]),
    ]

    @Test(arguments: gradientSeeds)
    func broadcastingArithmeticGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        for (shapeA, shapeB) in Self.broadcastPairs {
            let a = Tensor.uniform(shapeA, stream: &s), b = Tensor.uniform(shapeB, stream: &s)
            let ops: [(String, (Tape, Variable, Variable) -> Variable)] = [
                ("add", { $0.add($1, $2) }), ("subtract", { $0.subtract($1, $2) }), ("multiply", { $0.multiply($1, $2) }),
            ]
            for (name, op) in ops {
                let results = TapeGradientCheck.check(inputs: [a, b], seed: seed) { tape, v in op(tape, v[0], v[1]) }
                expectAllPass(results, "\(name) \(shapeA) with \(shapeB) seed \(seed)")
            }
        }
    }

    @Test(arguments: gradientSeeds)
    func scalarAndFixedProductGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let x = Tensor.uniform([randomDimension(&s), 4, 3], stream: &s)
        let mask = Tensor.uniform([4, 3], in: 0...1, stream: &s)
        expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.scale($1[0], by: -1.7) }, "scale seed \(seed)")
        expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.addScalar($1[0], 0.3) }, "addScalar seed \(seed)")
        expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.multiply($1[0], fixed: mask) },
                      "multiply(fixed:) seed \(seed)")
    }

    @Test(arguments: gradientSeeds)
    func activationGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let shape: Shape = [randomDimension(&s), randomDimension(&s)]
        let x = Tensor.uniform(shape, in: -3...3, stream: &s)
        let positive = Tensor.uniform(shape, in: 0.5...2, stream: &s)
        let ops: [(String, Tensor, (Tape, Variable) -> Variable)] = [
            ("gelu", x, { $0.gelu($1) }), ("swish", x, { $0.swish($1) }), ("sigmoid", x, { $0.sigmoid($1) }),
            ("exp", x, { $0.exp($1) }), ("log", positive, { $0.log($1) }),
        ]
        for (name, input, op) in ops {
            let results = TapeGradientCheck.check(inputs: [input], seed: seed) { tape, v in op(tape, v[0]) }
            expectAllPass(results, "\(name) \(shape) seed \(seed)")
        }
    }
}
