extension Tape {
    /// The same elements under a new shape (a view, no copy). Backward: dx += dy.
    public func reshape(_ x: Variable, _ shape: Shape) -> Variable {
        let y = x.value.reshaped(shape)
        return record(y, inputs: x) { tape, dY in
            if let dX = tape.gradientTarget(of: x) { Kernels.add(dY, into: dX) }
        }
    }

    /// Swaps two axes (copies into row-major order). Backward: dx += dy with the axes swapped back.
    public func transpose(_ x: Variable, _ first: Int, _ second: Int) -> Variable {
        var order = Array(0..<x.shape.rank)
        order.swapAt(x.shape.normalizedAxis(first), x.shape.normalizedAxis(second))
        return permute(x, order)
    }

    /// Reorders the axes: y's axis i is x's axis `order[i]` (copy). Backward: dx += dy permuted back.
    public func permute(_ x: Variable, _ order: [Int]) -> Variable {
        precondition(order.sorted() == Array(0..<x.shape.rank), "permute: \(order) is not a permutation of \(x.shape)'s axes")
        let plan = Permutation(x.shape, order)
        let y = workspace.allocate(plan.outputShape)
        let px = x.value.pointer, py = y.pointer
        plan.forEach { o, s in py[o] = px[s] }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let g = dY.pointer, d = dX.pointer
            plan.forEach { o, s in d[s] += g[o] }
        }
    }

    /// Joins tensors along `axis`; all other axes must match. Backward: each input gets its block of dy.
    public func concat(_ parts: [Variable], axis: Int) -> Variable {
        precondition(!parts.isEmpty, "concat needs at least one tensor")
        let first = parts[0].shape, a = first.normalizedAxis(axis)
        var total = 0
        for p in parts {
            precondition(p.shape.rank == first.rank && p.shape.replacing(axis: a, with: 1) == first.replacing(axis: a, with: 1),
                         "concat along axis \(axis): \(p.shape) does not match \(first)")
            total += p.shape[a]
        }
        let y = workspace.allocate(first.replacing(axis: a, with: total))
        let (outer, _, inner) = y.shape.split(at: a)
        var start = 0
        for p in parts {
            Kernels.copyBlock(from: p.value.pointer, sourceWidth: p.shape[a] * inner, sourceStart: 0,
                              to: y.pointer, destinationWidth: total * inner, destinationStart: start * inner,
                              length: p.shape[a] * inner, rows: outer, accumulate: false)
            start += p.shape[a]
        }
        return record(y, inputList: parts) { tape, dY in
            var start = 0
            for p in parts {
                if let dP = tape.gradientTarget(of: p) {
                    Kernels.copyBlock(from: dY.pointer, sourceWidth: total * inner, sourceStart: start * inner,
                                      to: dP.pointer, destinationWidth: p.shape[a] * inner, destinationStart: 0,
                                      length: p.shape[a] * inner, rows: outer, accumulate: true)
                }
                start += p.shape[a]
            }
        }
    }

    /// Elements `range` of `axis`. A view when the axis is the leading one (or all axes before it
    /// have size 1), else a copy. Backward: dx[…, range, …] += dy.
    public func slice(_ x: Variable, axis: Int, _ range: Range<Int>) -> Variable {
        let a = x.shape.normalizedAxis(axis)
        let (outer, n, inner) = x.shape.split(at: a)
        precondition(range.lowerBound >= 0 && range.upperBound <= n, "slice \(range) outside axis \(axis) of \(x.shape)")
        let shape = x.shape.replacing(axis: a, with: range.count)
        let y: Tensor
        if outer == 1 {
            y = Tensor(buffer: x.value.buffer, offset: x.value.offset + range.lowerBound * inner, shape: shape)
        } else {
            y = workspace.allocate(shape)
            Kernels.copyBlock(from: x.value.pointer, sourceWidth: n * inner, sourceStart: range.lowerBound * inner,
                              to: y.pointer, destinationWidth: range.count * inner, destinationStart: 0,
                              length: range.count * inner, rows: outer, accumulate: false)
        }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            Kernels.copyBlock(from: dY.pointer, sourceWidth: range.count * inner, sourceStart: 0,
                              to: dX.pointer, destinationWidth: n * inner, destinationStart: range.lowerBound * inner,
                              length: range.count * inner, rows: outer, accumulate: true)
        }
    }

    /// Cuts `axis` into consecutive pieces of the given sizes (their sum must be the axis length).
    public func split(_ x: Variable, sizes: [Int], axis: Int) -> [Variable] {
        let a = x.shape.normalizedAxis(axis)
        precondition(sizes.reduce(0, +) == x.shape[a], "split: sizes \(sizes) do not add up to axis \(axis) of \(x.shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(x, axis: a, start..<(start + size))
        }
    }
}

extension Kernels {
    /// For each of `rows` rows: dst[row·dw + ds + i] (+)= src[row·sw + ss + i], i < length.
    static func copyBlock(
        from src: UnsafeMutablePointer<Float>, sourceWidth: Int, sourceStart: Int,
        to dst: UnsafeMutablePointer<Float>, destinationWidth: Int, destinationStart: Int,
        length: Int, rows: Int, accumulate: Bool
    ) {
        for r in 0..<rows {
            let s = src + r * sourceWidth + sourceStart, d = dst + r * destinationWidth + destinationStart
            if accumulate {
                for i in 0..<length { d[i] += s[i] }
            } else {
                d.update(from: s, count: length)
            }
        }
    }
}

/// An axis permutation of a tensor of rank ≤ 4, as four nested loops over the output.
struct Permutation {
    let outputShape: Shape
    let dims: (Int, Int, Int, Int)
    let sourceStrides: (Int, Int, Int, Int)

    init(_ shape: Shape, _ order: [Int]) {
        let rank = shape.rank
        var inputStrides = [Int](repeating: 0, count: rank), running = 1
        for i in stride(from: rank - 1, through: 0, by: -1) {
            inputStrides[i] = running
            running *= shape[i]
        }
        var d = [1, 1, 1, 1], s = [0, 0, 0, 0]
        for (i, axis) in order.enumerated() {
            d[4 - rank + i] = shape[axis]
            s[4 - rank + i] = inputStrides[axis]
        }
        outputShape = Shape(order.map { shape[$0] })
        dims = (d[0], d[1], d[2], d[3])
        sourceStrides = (s[0], s[1], s[2], s[3])
    }

    /// Calls `body(outputIndex, sourceIndex)` for every element in output row-major order.
    @inline(__always)
    func forEach(_ body: (Int, Int) -> Void) {
        var o = 0
        for i0 in 0..<dims.0 {
            for i1 in 0..<dims.1 {
                for i2 in 0..<dims.2 {
                    let base = i0 * sourceStrides.0 + i1 * sourceStrides.1 + i2 * sourceStrides.2
                    for i3 in 0..<dims.3 {
                        body(o, base + i3 * sourceStrides.3)
                        o += 1
                    }
                }
            }
        }
    }
}
