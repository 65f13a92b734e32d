import Testing
import TapeReference
import TensorCore
import TestSupport

/// Parameter gradients land in the gradient arena, at the parameter's slice, added to what was there.
@Suite struct ParameterGradientTests {
    @Test(arguments: gradientSeeds)
    func arenaGradientsAccumulateIntoTheirSlices(seed: UInt64) {
        var s = RandomStream(seed: seed)
        let (rows, inSize, outSize) = (randomDimension(&s, 2...6), randomDimension(&s), randomDimension(&s))
        var layout = ArenaLayout()
        let weight = layout.add("weight", shape: [inSize, outSize]), bias = layout.add("bias", shape: [outSize])
        let parameters = ParameterArena(layout: layout), gradients = ParameterArena(layout: layout)
        parameters.setValues(Tensor.uniform([inSize, outSize], stream: &s).toArray(), of: weight)
        parameters.setValues(Tensor.uniform([outSize], stream: &s).toArray(), of: bias)
        // Gradients already in the arena (from an earlier op this step); padding stays zero.
        var previous = [Float](repeating: 0, count: layout.totalCount)
        for slice in layout.slices {
            for i in 0..<slice.count { previous[slice.offset + i] = s.nextUniformFloat() }
        }
        gradients.buffer.copy(from: previous)
        let x = Tensor.uniform([rows, inSize], stream: &s)
        let dY = Tensor.uniform([rows, outSize], stream: &s)

        // The same function with the parameters as plain inputs gives the reference gradients.
        func build(_ tape: Tape, _ x: Variable, _ w: Variable, _ b: Variable) -> Variable {
            // x feeds both a GEMM and an element-wise op, so its gradient is both created and accumulated.
            tape.add(tape.linear(x, weight: w, bias: b), tape.sum(tape.exp(x), axis: -1, keepingAxis: true))
        }
        let reference = Tape()
        let (rx, rw, rb) = (reference.input(x), reference.input(Tensor(parameters, weight)), reference.input(Tensor(parameters, bias)))
        reference.backward(from: build(reference, rx, rw, rb), seed: dY)

        let tape = Tape()
        let vx = tape.input(x)
        let out = build(tape, vx, tape.parameter(weight, values: parameters, gradients: gradients),
                        tape.parameter(bias, values: parameters, gradients: gradients))
        tape.backward(from: out, seed: dY)

        for (slice, referenceGradient) in [(weight, reference.gradient(of: rw)!), (bias, reference.gradient(of: rb)!)] {
            let expected = zip(previous[slice.offset..<(slice.offset + slice.count)], referenceGradient.toArray()).map { $0 + $1 }
            #expect(Approximate.equal(gradients.values(of: slice), expected), "\(slice.name) seed \(seed)")
        }
        #expect(Approximate.equal(tape.gradient(of: vx)!.toArray(), reference.gradient(of: rx)!.toArray()))
        // Padding between slices stays zero.
        let all = gradients.buffer.toArray()
        for (i, value) in all.enumerated() where !layout.slices.contains(where: { ($0.offset..<($0.offset + $0.count)).contains(i) }) {
            #expect(value == 0, "padding at \(i) is \(value)")
        }
    }

    /// A tape that is reset and re-run gives identical results (no state leaks between steps).
    @Test func resetTapeReproducesTheSameStep() {
        var s = RandomStream(seed: 8)
        let x = Tensor.uniform([5, 4], stream: &s), w = Tensor.uniform([4, 3], stream: &s)
        let tape = Tape(workspaceCapacity: 16)
        var runs: [[Float]] = []
        for _ in 0..<3 {
            tape.reset()
            let vw = tape.input(w)
            let loss = tape.mean(tape.softmax(tape.gelu(tape.matmul(tape.constant(x), vw))))
            tape.backward(from: loss)
            runs.append(tape.gradient(of: vw)!.toArray() + [loss.value[flat: 0]])
        }
        #expect(runs[0] == runs[1] && runs[1] == runs[2])
    }
}
