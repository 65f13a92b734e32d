import Foundation

extension Tape {
    /// GELU, tanh form (spec §2.1): y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³).
    ///
    /// Backward: dx += dy·(½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)). Saves x.
    public func gelu(_ x: Variable) -> Variable {
        let c: Float = 0.7978845608028654  // √(2/π)
        return pointwise(x, { v in
            0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v)))
        }, derivative: { v, _ in
            let t = Foundation.tanh(c * (v + 0.044715 * v * v * v))
            return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
        })
    }

    /// Swish / SiLU: y = x·σ(x). Backward: dx += dy·(σ(x) + x·σ(x)(1 − σ(x))). Saves x.
    public func swish(_ x: Variable) -> Variable {
        pointwise(x, { v in v / (1 + Foundation.exp(-v)) }, derivative: { v, _ in
            let s = 1 / (1 + Foundation.exp(-v))
            return s + v * s * (1 - s)
        })
    }

    /// Logistic sigmoid: y = 1/(1 + e^(−x)). Backward: dx += dy·y(1 − y). Saves y.
    public func sigmoid(_ x: Variable) -> Variable {
        pointwise(x, { v in 1 / (1 + Foundation.exp(-v)) }, derivative: { _, y in y * (1 - y) })
    }

    /// y = eˣ. Backward: dx += dy·y. Saves y.
    public func exp(_ x: Variable) -> Variable {
        pointwise(x, { v in Foundation.exp(v) }, derivative: { _, y in y })
    }

    /// Natural logarithm (x > 0). Backward: dx += dy / x. Saves x.
    public func log(_ x: Variable) -> Variable {
        pointwise(x, { v in Foundation.log(v) }, derivative: { v, _ in 1 / v })
    }

    /// y = f(x) element-wise; backward dx += dy·f′(x, y).
    @inline(__always)
    private func pointwise(
        _ x: Variable, _ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float
    ) -> Variable {
        let y = workspace.allocate(x.shape)
        let px = x.value.pointer, py = y.pointer
        for i in 0..<y.count { py[i] = f(px[i]) }
        return record(y, inputs: x) { tape, dY in
            guard let dX = tape.gradientTarget(of: x) else { return }
            let px = x.value.pointer, py = y.pointer, g = dY.pointer, d = dX.pointer
            for i in 0..<dX.count { d[i] += g[i] * derivative(px[i], py[i]) }
        }
    }
}
