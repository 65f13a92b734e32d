import Foundation
import TensorCore

/// Element-wise activations and their derivatives (spec §2.1).
public enum Activations {
    @usableFromInline static let geluC: Float = 0.797_884_56  // √(2/π)

    /// e^x with Cephes' single-precision polynomial (relative error ≈ 1e-7), written without
    /// library calls so loops using it vectorise. Inputs are clamped to [−87.3, 88.3]; the
    /// reduction rounds x·log₂e to the nearest integer k, leaving |r| ≤ ln2/2 as Cephes does.
    @inlinable @inline(__always) public static func exp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87.3), 88.3)
        // k = round(x·log₂e) by the 1.5·2²³ trick: no libm call, so the loop stays vectorised.
        let k = (xc * 1.442_695_04 + 12_582_912) - 12_582_912
        let r = xc - k * 0.693_359_375 + k * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * r * r + r + 1
        return y * Float(bitPattern: UInt32(bitPattern: Int32(k) + 127) << 23)
    }

    /// tanh(u) = 1 − 2/(1 + e^{2u}).
    @inlinable @inline(__always) public static func tanh(_ u: Float) -> Float { 1 - 2 / (1 + exp(2 * u)) }

    /// GELU, tanh form (pitfall P1): y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    public static func gelu(_ x: Matrix, into y: Matrix) {
        Parallel.forRows(x.rows) { rows in
            for r in rows {
                let xs = x.pointer + r * x.stride, ys = y.pointer + r * y.stride
                for c in 0..<x.cols {
                    let v = xs[c]
                    ys[c] = 0.5 * v * (1 + tanh(geluC * (v + 0.044715 * v * v * v)))
                }
            }
        }
    }

    /// dX = dY ⊙ GELU'(X) (overwrites dX; dX may alias dY).
    public static func geluBackward(_ dy: Matrix, input x: Matrix, into dx: Matrix) {
        Parallel.forRows(x.rows) { rows in
            for r in rows {
                let xs = x.pointer + r * x.stride, gs = dy.pointer + r * dy.stride, ds = dx.pointer + r * dx.stride
                // In place through one pointer: with two equal pointers the vectoriser's overlap
                // check fails and the loop would run scalar.
                if gs == ds {
                    for c in 0..<x.cols { ds[c] *= geluDerivative(xs[c]) }
                } else {
                    for c in 0..<x.cols { ds[c] = gs[c] * geluDerivative(xs[c]) }
                }
            }
        }
    }

    /// GELU'(x) of the tanh form.
    @inline(__always) static func geluDerivative(_ v: Float) -> Float {
        let th = tanh(geluC * (v + 0.044715 * v * v * v))
        let dth = (1 - th * th) * geluC * (1 + 3 * 0.044715 * v * v)
        return 0.5 * (1 + th) + 0.5 * v * dth
    }

    /// swish(x) = x·σ(x).
    @inlinable @inline(__always) public static func swish(_ v: Float) -> Float { v / (1 + exp(-v)) }

    /// d swish / dx = σ(x)(1 + x(1 − σ(x))).
    @inlinable @inline(__always) public static func swishDerivative(_ v: Float) -> Float {
        let s = 1 / (1 + exp(-v))
        return s * (1 + v * (1 - s))
    }
}
