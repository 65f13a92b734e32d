import Testing
import TapeReference
import TensorCore

/// Every buffer the tape hands to BLAS must start on a 64-byte boundary.
@Suite struct TapeAlignmentTests {
    static func address(_ t: Tensor) -> Int { t.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } }

    @Test func everyWorkspaceViewIsAlignedAcrossGrowthAndReset() {
        let workspace = TapeWorkspace(capacity: 100)
        for step in 0..<3 {
            for count in [1, 3, 17, 250, 5, 1_000, 33] {
                let t = workspace.allocate([count])
                #expect(t.isAligned && Self.address(t) % AlignedBuffer.alignment == 0, "step \(step) size \(count)")
            }
            workspace.reset()
        }
    }

    @Test func tapeOutputsAndGradientsAreAligned() {
        var s = RandomStream(seed: 4)
        let tape = Tape(workspaceCapacity: 64)
        let x = tape.input(Tensor(shape: [3, 5], values: (0..<15).map { _ in s.nextUniformFloat() }))
        let w = tape.input(Tensor(shape: [5, 7], values: (0..<35).map { _ in s.nextUniformFloat() }))
        let h = tape.gelu(tape.linear(x, weight: w))
        let y = tape.sum(tape.softmax(h))
        tape.backward(from: y)
        for v in [h, y] { #expect(Self.address(v.value) % AlignedBuffer.alignment == 0) }
        for v in [x, w, h] {
            let g = try! #require(tape.gradient(of: v))
            #expect(Self.address(g) % AlignedBuffer.alignment == 0)
        }
    }

    /// A product over misaligned views (batch entries of odd size) still matches the aligned result.
    @Test func misalignedBatchEntriesGiveTheSameProduct() {
        var s = RandomStream(seed: 5)
        let a = Tensor(shape: [3, 3, 5], values: (0..<45).map { _ in s.nextUniformFloat() })
        let b = Tensor(shape: [3, 5, 3], values: (0..<45).map { _ in s.nextUniformFloat() })
        let tape = Tape()
        let batched = tape.batchedMatmul(tape.constant(a), tape.constant(b)).value.toArray()
        for i in 0..<3 {
            let ai = Tensor(shape: [3, 5], values: Array(a.toArray()[(i * 15)..<(i * 15 + 15)]))
            let bi = Tensor(shape: [5, 3], values: Array(b.toArray()[(i * 15)..<(i * 15 + 15)]))
            let single = tape.matmul(tape.constant(ai), tape.constant(bi)).value.toArray()
            #expect(Array(batched[(i * 9)..<(i * 9 + 9)]) == single, "batch entry \(i)")
        }
    }
}
