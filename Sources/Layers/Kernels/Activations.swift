import Foundation

/// Element-wise activations and their derivatives (spec §2.1).
public enum Activations {
    @usableFromInline static let geluC: Float = 0.797_884_56  // √(2/π)

    /// GELU, tanh form (pitfall P1): y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    public static func gelu(_ x: Matrix, into y: Matrix) {
        for r in 0..<x.rows {
            let xs = x.pointer + r * x.stride, ys = y.pointer + r * y.stride
            for c in 0..<x.cols {
                let v = xs[c]
                ys[c] = 0.5 * v * (1 + tanhf(geluC * (v + 0.044715 * v * v * v)))
            }
        }
    }

    /// dX = dY ⊙ GELU'(X) (overwrites dX; dX may alias dY).
    public static func geluBackward(_ dy: Matrix, input x: Matrix, into dx: Matrix) {
        for r in 0..<x.rows {
            let xs = x.pointer + r * x.stride, gs = dy.pointer + r * dy.stride, ds = dx.pointer + r * dx.stride
            for c in 0..<x.cols {
                let v = xs[c]
                let th = tanhf(geluC * (v + 0.044715 * v * v * v))
                let dth = (1 - th * th) * geluC * (1 + 3 * 0.044715 * v * v)
                ds[c] = gs[c] * (0.5 * (1 + th) + 0.5 * v * dth)
            }
        }
    }

    /// swish(x) = x·σ(x).
    @inlinable public static func swish(_ v: Float) -> Float { v / (1 + expf(-v)) }

    /// d swish / dx = σ(x)(1 + x(1 − σ(x))).
    @inlinable public static func swishDerivative(_ v: Float) -> Float {
        let s = 1 / (1 + expf(-v))
        return s * (1 + v * (1 - s))
    }
}
