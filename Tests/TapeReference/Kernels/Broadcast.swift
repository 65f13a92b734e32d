/// NumPy-style broadcasting of two shapes (aligned on the right), as four nested loops.
///
/// Both operands and the output are padded on the left to rank 4; a size-1 axis of an operand
/// gets stride 0, so it is reused along that axis of the output.
struct Broadcast {
    let outputShape: Shape
    let dims: (Int, Int, Int, Int)
    let stridesA: (Int, Int, Int, Int)
    let stridesB: (Int, Int, Int, Int)

    init(_ a: Shape, _ b: Shape) {
        let rank = max(a.rank, b.rank)
        var out = [Int](repeating: 1, count: 4)
        var da = [Int](repeating: 1, count: 4), db = [Int](repeating: 1, count: 4)
        for i in 0..<a.rank { da[4 - a.rank + i] = a[i] }
        for i in 0..<b.rank { db[4 - b.rank + i] = b[i] }
        for i in 0..<4 {
            precondition(da[i] == db[i] || da[i] == 1 || db[i] == 1, "cannot broadcast \(a) with \(b)")
            out[i] = max(da[i], db[i])
            if da[i] == 0 || db[i] == 0 { out[i] = 0 }
        }
        outputShape = Shape(Array(out[(4 - rank)...]))
        dims = (out[0], out[1], out[2], out[3])
        stridesA = Broadcast.strides(da)
        stridesB = Broadcast.strides(db)
    }

    /// Row-major strides of `dims`, with 0 for size-1 axes.
    private static func strides(_ dims: [Int]) -> (Int, Int, Int, Int) {
        var s = [0, 0, 0, 0], running = 1
        for i in stride(from: 3, through: 0, by: -1) {
            s[i] = dims[i] == 1 ? 0 : running
            running *= dims[i]
        }
        return (s[0], s[1], s[2], s[3])
    }

    /// Calls `body(outputIndex, indexA, indexB)` for every output element in row-major order.
    @inline(__always)
    func forEach(_ body: (Int, Int, Int) -> Void) {
        var o = 0
        for i0 in 0..<dims.0 {
            for i1 in 0..<dims.1 {
                for i2 in 0..<dims.2 {
                    let baseA = i0 * stridesA.0 + i1 * stridesA.1 + i2 * stridesA.2
                    let baseB = i0 * stridesB.0 + i1 * stridesB.1 + i2 * stridesB.2
                    for i3 in 0..<dims.3 {
                        body(o, baseA + i3 * stridesA.3, baseB + i3 * stridesB.3)
                        o += 1
                    }
                }
            }
        }
    }
}
