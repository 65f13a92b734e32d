import TensorCore

/// RMSNorm over each row (spec §2.1): y = x / √(mean(x²) + ε) ⊙ g, ε = 1e-6, no bias.
/// Rows run in parallel (`Parallel`).
public enum RMSNormKernel {
    public static let epsilon: Float = 1e-6

    /// Shapes: x, y (R, C), scale (C); saves rstd (R) = 1/√(mean(x²)+ε). y may alias x only if
    /// the caller keeps no other use of x.
    public static func forward(_ x: Matrix, scale: UnsafePointer<Float>, into y: Matrix, rstd: UnsafeMutablePointer<Float>) {
        let n = x.cols
        Parallel.forRows(x.rows) { rows in
            for r in rows {
                let xs = x.pointer + r * x.stride, ys = y.pointer + r * y.stride
                var ss: Float = 0
                for c in 0..<n { ss += xs[c] * xs[c] }
                let inv = 1 / (ss / Float(n) + epsilon).squareRoot()
                rstd[r] = inv
                for c in 0..<n { ys[c] = xs[c] * inv * scale[c] }
            }
        }
    }

    /// dX (+)= r·(g⊙dY) − x·r³/C·Σ(g⊙dY⊙x); dScale += Σ_rows dY⊙x·r.
    public static func backward(
        _ dy: Matrix, input x: Matrix, scale: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        into dx: Matrix, accumulate: Bool, dScale: UnsafeMutablePointer<Float>
    ) {
        let n = x.cols
        let partials = Parallel.reduceRows(x.rows, width: n) { rows, dScalePart in
            for r in rows {
                let xs = x.pointer + r * x.stride, gs = dy.pointer + r * dy.stride, ds = dx.pointer + r * dx.stride
                let inv = rstd[r]
                var dot: Float = 0
                for c in 0..<n {
                    dot += scale[c] * gs[c] * xs[c]
                    dScalePart[c] += gs[c] * xs[c] * inv
                }
                let k = dot * inv * inv * inv / Float(n)
                if accumulate {
                    for c in 0..<n { ds[c] += inv * scale[c] * gs[c] - xs[c] * k }
                } else if ds == gs {
                    // In place through one pointer, so the loop stays vectorised.
                    for c in 0..<n { ds[c] = inv * scale[c] * ds[c] - xs[c] * k }
                } else {
                    for c in 0..<n { ds[c] = inv * scale[c] * gs[c] - xs[c] * k }
                }
            }
        }
        partials.addSums(into: dScale)
    }
}
