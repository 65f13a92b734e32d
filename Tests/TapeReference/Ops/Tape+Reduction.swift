extension Tape {
    /// Sum over one axis: y[o, i] = Σₐ x[o, a, i] (o = axes before, i = axes after).
    ///
    /// Shapes: x (…, n, …) → y with the axis removed (kept as size 1 when `keepingAxis`).
    /// Backward: dx[o, a, i] += dy[o, i].
    public func sum(_ x: Variable, axis: Int, keepingAxis: Bool = false) -> Variable {
        reduce(x, axis: axis, keepingAxis: keepingAxis, factor: 1)
    }

    /// Mean over one axis: the sum divided by the axis length. Backward: dx += dy / n.
    public func mean(_ x: Variable, axis: Int, keepingAxis: Bool = false) -> Variable {
        reduce(x, axis: axis, keepingAxis: keepingAxis, factor: 1 / Float(Swift.max(1, x.shape[x.shape.normalizedAxis(axis)])))
    }

    /// Sum of every element, as a scalar (rank 0). Backward: dx += dy.
    public func sum(_ x: Variable) -> Variable {
        reduce(reshape(x, [x.value.count]), axis: 0, keepingAxis: false, factor: 1)
    }

    /// Mean of every element, as a scalar (rank 0). Backward: dx += dy / count.
    public func mean(_ x: Variable) -> Variable {
        reduce(reshape(x, [x.value.count]), axis: 0, keepingAxis: false, factor: 1 / Float(Swift.max(1, x.value.count)))
    }

    private func reduce(_ x: Variable, axis: Int, keepingAxis: Bool, factor: Float) -> Variable {
        let (outer, n, inner) = x.shape.split(at: axis)
        let shape = keepingAxis ? x.shape.replacing(axis: axis, with: 1) : x.shape.removing(axis: axis)
        let y = workspace.zeros(shape)
        let px = x.value.pointer, py = y.pointer
        for o in 0..<outer {
            for a in 0..<n {
                let src = px + (o * n + a) * inner, dst = py + o * inner
                for i in 0..<inner { dst[i] += src[i] }
            }
            for i in 0..<inner { py[o * inner + i] *= factor }
        }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let g = dY.pointer, d = dX.pointer
            for o in 0..<outer {
                for a in 0..<n {
                    let dst = d + (o * n + a) * inner, src = g + o * inner
                    for i in 0..<inner { dst[i] += factor * src[i] }
                }
            }
        }
    }
}
