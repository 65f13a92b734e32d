import Testing
import TensorCore

/// Every buffer handed to BLAS must start on a 64-byte boundary.
@Suite struct ArenaAlignmentTests {
    /// Address of a parameter's first float, as the model's parameter views compute it (buffer base + offset).
    static func address(_ arena: ParameterArena, _ slice: ParameterSlice) -> Int {
        arena.buffer.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress! + slice.offset) }
    }

    @Test func everyArenaSliceIsAligned() {
        var layout = ArenaLayout()
        for (i, shape) in [[3], [5, 7], [1], [16], [17, 3], [64, 64], [2, 3, 5]].enumerated() {
            layout.add("p\(i)", shape: shape)
        }
        let values = ParameterArena(layout: layout), gradients = ParameterArena(layout: layout)
        for slice in layout.slices {
            #expect(slice.offset % AlignedBuffer.floatsPerAlignment == 0, "\(slice.name) offset \(slice.offset)")
            for arena in [values, gradients] {
                #expect(Self.address(arena, slice) % AlignedBuffer.alignment == 0, "\(slice.name)")
            }
        }
    }
}
