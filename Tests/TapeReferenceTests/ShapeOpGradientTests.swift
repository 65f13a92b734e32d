import Testing
import TapeReference
import TensorCore
import TestSupport

@Suite struct ShapeOpGradientTests {
    @Test(arguments: gradientSeeds)
    func reductionGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let x = Tensor.uniform([randomDimension(&s), randomDimension(&s), randomDimension(&s)], stream: &s)
        for axis in 0..<3 {
            expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.sum($1[0], axis: axis) }, "sum axis \(axis)")
            expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.mean($1[0], axis: axis, keepingAxis: true) },
                          "mean axis \(axis)")
        }
        expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.sum($1[0]) }, "sum all")
        expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { $0.mean($1[0]) }, "mean all")
    }

    @Test(arguments: gradientSeeds)
    func layoutOpGradientsMatchFiniteDifferences(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let (a, b, c) = (randomDimension(&s, 2...4), randomDimension(&s, 2...4), randomDimension(&s, 2...4))
        let x = Tensor.uniform([a, b, c], stream: &s)
        let y = Tensor.uniform([a, 2, c], stream: &s)
        // A weight after each layout op makes the check sensitive to where each element lands.
        let ops: [(String, (Tape, Variable) -> Variable)] = [
            ("reshape", { $0.reshape($1, [b, a * c]) }),
            ("transpose", { $0.transpose($1, 0, 2) }),
            ("permute", { $0.permute($1, [1, 2, 0]) }),
            ("slice leading", { $0.slice($1, axis: 0, 1..<a) }),
            ("slice middle", { $0.slice($1, axis: 1, 1..<b) }),
            ("slice last", { $0.slice($1, axis: -1, 0..<(c - 1)) }),
            ("split", { tape, v in
                let parts = tape.split(v, sizes: [1, b - 1], axis: 1)
                return tape.add(tape.scale(parts[0], by: 2), tape.sum(parts[1], axis: 1, keepingAxis: true))
            }),
        ]
        for (name, op) in ops {
            expectAllPass(TapeGradientCheck.check(inputs: [x], seed: seed) { tape, v in tape.exp(op(tape, v[0])) },
                          "\(name) seed \(seed)")
        }
        let results = TapeGradientCheck.check(inputs: [x, y], seed: seed) { tape, v in tape.concat([v[0], v[1]], axis: 1) }
        expectAllPass(results, "concat seed \(seed)")
    }
}
