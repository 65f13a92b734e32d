import Foundation
import Testing
import TapeReference
import TensorCore
import TestSupport

/// Forward values against straightforward Float64 re-computations (gradient checks only prove
/// that backward matches forward; these prove forward computes the documented math).
@Suite struct ForwardReferenceTests {
    static func expectClose(_ got: Tensor, _ reference: [Double], _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let mismatch = Approximate.firstMismatch(got.toArray(), reference.map(Float.init), relative: 1e-5, absolute: 1e-5)
        #expect(mismatch == nil, "\(label): first mismatch at \(mismatch ?? -1)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [false, true], [false, true])
    func matmulMatchesNaiveProduct(transposeA: Bool, transposeB: Bool) {
        var s = RandomStream(seed: 11)
        let (m, k, n) = (5, 7, 3)
        let a = Tensor.uniform(transposeA ? [k, m] : [m, k], stream: &s)
        let b = Tensor.uniform(transposeB ? [n, k] : [k, n], stream: &s)
        var reference = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                for p in 0..<k {
                    let av = transposeA ? a[flat: p * m + i] : a[flat: i * k + p]
                    let bv = transposeB ? b[flat: j * k + p] : b[flat: p * n + j]
                    reference[i * n + j] += Double(av) * Double(bv)
                }
            }
        }
        let tape = Tape()
        let c = tape.matmul(tape.constant(a), tape.constant(b), transposeA: transposeA, transposeB: transposeB)
        #expect(c.shape == [m, n])
        Self.expectClose(c.value, reference, "matmul tA=\(transposeA) tB=\(transposeB)")
    }

    @Test func linearMatchesNaiveAffineMap() {
        var s = RandomStream(seed: 12)
        let x = Tensor.uniform([4, 6], stream: &s), w = Tensor.uniform([6, 5], stream: &s), b = Tensor.uniform([5], stream: &s)
        var reference = [Double](repeating: 0, count: 20)
        for r in 0..<4 {
            for j in 0..<5 {
                reference[r * 5 + j] = Double(b[flat: j])
                for i in 0..<6 { reference[r * 5 + j] += Double(x[flat: r * 6 + i]) * Double(w[flat: i * 5 + j]) }
            }
        }
        let tape = Tape()
        Self.expectClose(tape.linear(tape.constant(x), weight: tape.constant(w), bias: tape.constant(b)).value, reference, "linear")
    }

    @Test func normsMatchDefinitions() {
        var s = RandomStream(seed: 13)
        let (rows, n, groups) = (3, 6, 2)
        let x = Tensor.uniform([rows, n], in: -2...2, stream: &s)
        let g = Tensor.uniform([n], in: 0.5...1.5, stream: &s), b = Tensor.uniform([n], stream: &s)
        func normalized(_ values: ArraySlice<Float>, subtractMean: Bool, epsilon: Double) -> [Double] {
            let v = values.map(Double.init)
            let mu = subtractMean ? v.reduce(0, +) / Double(v.count) : 0
            let ms = v.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(v.count)
            return v.map { ($0 - mu) / (ms + epsilon).squareRoot() }
        }
        let xs = x.toArray()
        var layer: [Double] = [], rms: [Double] = [], group: [Double] = []
        for r in 0..<rows {
            let row = xs[(r * n)..<(r * n + n)]
            layer += normalized(row, subtractMean: true, epsilon: 1e-5).enumerated().map { $1 * Double(g[flat: $0]) + Double(b[flat: $0]) }
            rms += normalized(row, subtractMean: false, epsilon: 1e-6).enumerated().map { $1 * Double(g[flat: $0]) }
            var grouped: [Double] = []
            for k in 0..<groups {
                grouped += normalized(row[(r * n + k * n / groups)..<(r * n + (k + 1) * n / groups)], subtractMean: true, epsilon: 1e-6)
            }
            group += grouped.enumerated().map { $1 * Double(g[flat: $0]) + Double(b[flat: $0]) }
        }
        let tape = Tape()
        let (vx, vg, vb) = (tape.constant(x), tape.constant(g), tape.constant(b))
        Self.expectClose(tape.layerNorm(vx, scale: vg, bias: vb).value, layer, "layerNorm")
        Self.expectClose(tape.rmsNorm(vx, scale: vg).value, rms, "rmsNorm")
        Self.expectClose(tape.groupNorm(vx, groups: groups, scale: vg, bias: vb).value, group, "groupNorm")
    }

    @Test func activationsMatchFormulas() {
        var s = RandomStream(seed: 14)
        let x = Tensor.uniform([40], in: -4...4, stream: &s)
        let xs = x.toArray().map(Double.init)
        let sigmoid = xs.map { 1 / (1 + Foundation.exp(-$0)) }
        let tape = Tape(), v = tape.constant(x)
        Self.expectClose(tape.gelu(v).value, xs.map { 0.5 * $0 * (1 + tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }, "gelu")
        Self.expectClose(tape.swish(v).value, zip(xs, sigmoid).map { $0 * $1 }, "swish")
        Self.expectClose(tape.sigmoid(v).value, sigmoid, "sigmoid")
        Self.expectClose(tape.exp(v).value, xs.map { Foundation.exp($0) }, "exp")
        Self.expectClose(tape.log(tape.exp(v)).value, xs, "log")
    }

    @Test func softmaxFamilyMatchesDefinitions() {
        var s = RandomStream(seed: 15)
        let (rows, n) = (3, 5)
        let x = Tensor.uniform([rows, n], in: -5...5, stream: &s)
        let t = Tensor.uniform([rows, n], in: 0...1, stream: &s)
        var soft: [Double] = [], logSoft: [Double] = [], lse: [Double] = [], ce: [Double] = []
        for r in 0..<rows {
            let row = (0..<n).map { Double(x[flat: r * n + $0]) }
            let l = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1) })
            lse.append(l)
            soft += row.map { Foundation.exp($0 - l) }
            logSoft += row.map { $0 - l }
            ce.append(-(0..<n).reduce(0) { $0 + Double(t[flat: r * n + $1]) * (row[$1] - l) })
        }
        let tape = Tape(), v = tape.constant(x)
        Self.expectClose(tape.softmax(v).value, soft, "softmax")
        Self.expectClose(tape.logSoftmax(v).value, logSoft, "logSoftmax")
        Self.expectClose(tape.logSumExp(v).value, lse, "logSumExp")
        Self.expectClose(tape.crossEntropy(logits: v, softTargets: t).value, ce, "crossEntropy")
    }

    /// Illegal actions get −3.4028235e38 (spec §2.7): softmax gives them 0 and stays finite.
    @Test func maskedLogitsGetZeroProbability() {
        let tape = Tape()
        let logits = tape.constant(Tensor(shape: [1, 3], values: [1, 2, 3]))
        let masked = tape.maskedFill(logits, mask: Tensor(shape: [3], values: [0, 1, 0]), value: -Float.greatestFiniteMagnitude)
        let p = tape.softmax(masked).value.toArray()
        #expect(p[1] == 0 && p.allSatisfy(\.isFinite))
        let ce = tape.crossEntropy(logits: masked, softTargets: Tensor(shape: [1, 3], values: [0.5, 0, 0.5])).value[flat: 0]
        #expect(ce.isFinite)
    }

    @Test func broadcastAddMatchesIndexArithmetic() {
        var s = RandomStream(seed: 16)
        let a = Tensor.uniform([2, 1, 4], stream: &s), b = Tensor.uniform([3, 1], stream: &s)
        var reference: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { reference.append(Double(a[flat: i * 4 + k]) + Double(b[flat: j])) } } }
        let tape = Tape()
        let c = tape.add(tape.constant(a), tape.constant(b))
        #expect(c.shape == [2, 3, 4])
        Self.expectClose(c.value, reference, "broadcast add")
    }

    @Test func layoutOpsMoveElementsWhereExpected() {
        let x = Tensor(shape: [2, 3, 4], values: (0..<24).map(Float.init))
        let tape = Tape(), v = tape.constant(x)
        let p = tape.permute(v, [2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        // y[k, i, j] = x[i, j, k] = 12i + 4j + k.
        let expected: [Float] = (0..<24).map { (o: Int) -> Float in
            let (k, i, j) = (o / 6, (o / 3) % 2, o % 3)
            return Float(12 * i + 4 * j + k)
        }
        #expect(p.value.toArray() == expected)
        #expect(tape.slice(v, axis: 1, 1..<3).value.toArray() == [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        let parts = tape.split(v, sizes: [1, 3], axis: 2)
        #expect(parts[0].value.toArray() == [0, 4, 8, 12, 16, 20])
        #expect(tape.concat(parts.reversed(), axis: 2).value.toArray()[0..<4] == [1, 2, 3, 0])
        #expect(tape.sum(v, axis: 1).value.toArray()[0..<2] == [12, 15])
        #expect(tape.mean(v).value.toArray() == [11.5])
        #expect(tape.gather(v, indices: [0, 1, 2, 3, 0, 1]).value.toArray() == [0, 5, 10, 15, 16, 21])
        let table = tape.constant(Tensor(shape: [3, 2], values: [0, 1, 2, 3, 4, 5]))
        #expect(tape.embedding(table, indices: [2, 0]).value.toArray() == [4, 5, 0, 1])
        #expect(tape.oneHot([1, 0], classes: 3).value.toArray() == [0, 1, 0, 1, 0, 0])
    }
}
