extension Tape {
    /// y = value where mask ≠ 0, else x (illegal-action masking, spec §2.7 step 4).
    ///
    /// Shapes: mask broadcasts to x's shape; y has x's shape. Backward: dx += dy where mask = 0.
    public func maskedFill(_ x: Variable, mask: Tensor, value: Float) -> Variable {
        let plan = Broadcast(x.shape, mask.shape)
        precondition(plan.outputShape == x.shape, "maskedFill: mask \(mask.shape) does not broadcast to \(x.shape)")
        let y = workspace.allocate(x.shape)
        let px = x.value.pointer, pm = mask.pointer, py = y.pointer
        plan.forEach { o, i, j in py[o] = pm[j] != 0 ? value : px[i] }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let pm = mask.pointer, g = dY.pointer, d = dX.pointer
            plan.forEach { o, i, j in if pm[j] == 0 { d[i] += g[o] } }
        }
    }

    /// One-hot rows: y[r, indices[r]] = 1, else 0. A constant (no gradient).
    ///
    /// Shapes: indices (R) with values in 0..<classes → y (R, classes).
    public func oneHot(_ indices: [Int32], classes: Int) -> Variable {
        let y = workspace.zeros([indices.count, classes])
        let py = y.pointer
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && Int(index) < classes, "oneHot: index \(index) at row \(r) outside 0..<\(classes)")
            py[r * classes + Int(index)] = 1
        }
        return constant(y)
    }

    /// Embedding lookup: y[r, :] = table[indices[r], :].
    ///
    /// Shapes: table (V, E), indices (R) in 0..<V → y (R, E). Backward: dtable[indices[r], :] += dy[r, :].
    public func embedding(_ table: Variable, indices: [Int32]) -> Variable {
        precondition(table.shape.rank == 2, "embedding: table must be 2-D, got \(table.shape)")
        let (vocabulary, width) = (table.shape[0], table.shape[1])
        let y = workspace.allocate([indices.count, width])
        let pt = table.value.pointer, py = y.pointer
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && Int(index) < vocabulary, "embedding: index \(index) at row \(r) outside 0..<\(vocabulary)")
            (py + r * width).update(from: pt + Int(index) * width, count: width)
        }
        return record(y, inputs: table) { tape, dY in
            guard let dTable = tape.gradientTarget(of: table) else { return }
            let g = dY.pointer, d = dTable.pointer
            for (r, index) in indices.enumerated() {
                let src = g + r * width, dst = d + Int(index) * width
                for i in 0..<width { dst[i] += src[i] }
            }
        }
    }

    /// Gather along the last axis: y[r] = x[r, indices[r]] (taking the logged action's value).
    ///
    /// Shapes: x (…, n) with R rows, indices (R) in 0..<n → y (…). Backward: dx[r, indices[r]] += dy[r].
    public func gather(_ x: Variable, indices: [Int32]) -> Variable {
        let n = x.shape.last, rows = x.value.count / Swift.max(1, n)
        precondition(indices.count == rows, "gather: \(indices.count) indices for \(rows) rows of \(x.shape)")
        let y = workspace.allocate(x.shape.removing(axis: -1))
        let px = x.value.pointer, py = y.pointer
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && Int(index) < n, "gather: index \(index) at row \(r) outside 0..<\(n)")
            py[r] = px[r * n + Int(index)]
        }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let g = dY.pointer, d = dX.pointer
            for (r, index) in indices.enumerated() { d[r * n + Int(index)] += g[r] }
        }
    }
}
