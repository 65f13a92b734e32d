extension Tape {
    /// Element-wise a + b with broadcasting (NumPy rules, right-aligned).
    ///
    /// Backward: da += Σ_broadcast dc, db += Σ_broadcast dc (summed over the axes each was broadcast along).
    public func add(_ a: Variable, _ b: Variable) -> Variable { combine(a, b, sign: 1) }

    /// Element-wise a − b with broadcasting. Backward: da += Σ dc, db −= Σ dc.
    public func subtract(_ a: Variable, _ b: Variable) -> Variable { combine(a, b, sign: -1) }

    /// Element-wise a ⊙ b with broadcasting. Backward: da += Σ dc ⊙ b, db += Σ dc ⊙ a. Saves a and b.
    public func multiply(_ a: Variable, _ b: Variable) -> Variable {
        let plan = Broadcast(a.shape, b.shape)
        let c = workspace.allocate(plan.outputShape)
        let pa = a.value.pointer, pb = b.value.pointer, pc = c.pointer
        plan.forEach { o, i, j in pc[o] = pa[i] * pb[j] }
        return record(c, inputs: a, b) { tape, dC in
            let g = dC.pointer, pa = a.value.pointer, pb = b.value.pointer
            if let dA = tape.gradientTarget(of: a) {
                let d = dA.pointer
                plan.forEach { o, i, j in d[i] += g[o] * pb[j] }
            }
            if let dB = tape.gradientTarget(of: b) {
                let d = dB.pointer
                plan.forEach { o, i, j in d[j] += g[o] * pa[i] }
            }
        }
    }

    /// Element-wise product with a fixed tensor (decay masks, loss masks), broadcasting allowed.
    ///
    /// y = x ⊙ m; backward dx += Σ dy ⊙ m. `m` takes no gradient.
    public func multiply(_ x: Variable, fixed mask: Tensor) -> Variable { multiply(x, constant(mask)) }

    /// y = s·x for a constant scalar s. Backward: dx += s·dy.
    public func scale(_ x: Variable, by s: Float) -> Variable {
        let y = workspace.allocate(x.shape)
        let px = x.value.pointer, py = y.pointer
        for i in 0..<y.count { py[i] = s * px[i] }
        return record(y, inputs: x) { tape, dY in
            if let dX = tape.gradientTarget(of: x) { Kernels.add(dY, scaledBy: s, into: dX) }
        }
    }

    /// y = x + s for a constant scalar s. Backward: dx += dy.
    public func addScalar(_ x: Variable, _ s: Float) -> Variable {
        let y = workspace.allocate(x.shape)
        let px = x.value.pointer, py = y.pointer
        for i in 0..<y.count { py[i] = px[i] + s }
        return record(y, inputs: x) { tape, dY in
            if let dX = tape.gradientTarget(of: x) { Kernels.add(dY, into: dX) }
        }
    }

    private func combine(_ a: Variable, _ b: Variable, sign: Float) -> Variable {
        let plan = Broadcast(a.shape, b.shape)
        let c = workspace.allocate(plan.outputShape)
        let pa = a.value.pointer, pb = b.value.pointer, pc = c.pointer
        if a.shape == b.shape {
            for i in 0..<c.count { pc[i] = pa[i] + sign * pb[i] }
        } else {
            plan.forEach { o, i, j in pc[o] = pa[i] + sign * pb[j] }
        }
        return record(c, inputs: a, b) { tape, dC in
            let g = dC.pointer
            if let dA = tape.gradientTarget(of: a) {
                let d = dA.pointer
                plan.forEach { o, i, _ in d[i] += g[o] }
            }
            if let dB = tape.gradientTarget(of: b) {
                let d = dB.pointer
                plan.forEach { o, _, j in d[j] += sign * g[o] }
            }
        }
    }
}
