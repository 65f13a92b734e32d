import TensorCore

/// The MSR GroupNorm quirk (spec §2.4 step 2, pitfall P3): each token's `E` retention outputs are
/// cut into `H` head slices of `d`, each slice into `H` groups of `d/H` values; every group is
/// normalised by its mean and biased variance (ε = 1e-6), then an affine map of length `d` shared
/// by all heads and tokens is applied.
public enum GroupNormKernel {
    public static let epsilon: Float = 1e-6

    /// Shapes: y, out (R, E); scale, bias (d); stats mean/rstd (R·H·H), group-major per row.
    public static func forward(
        _ y: Matrix, heads: Int, scale: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        into out: Matrix, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>
    ) {
        let e = y.cols, d = e / heads, g = d / heads
        let groups = e / g
        Parallel.forRows(y.rows) { rows in
            for r in rows {
                let ys = y.pointer + r * y.stride, os = out.pointer + r * out.stride
                for q in 0..<groups {
                    let base = q * g
                    var m: Float = 0
                    for c in 0..<g { m += ys[base + c] }
                    m /= Float(g)
                    var v: Float = 0
                    for c in 0..<g { let t = ys[base + c] - m; v += t * t }
                    v /= Float(g)
                    let inv = 1 / (v + epsilon).squareRoot()
                    mean[r * groups + q] = m
                    rstd[r * groups + q] = inv
                    let k0 = base % d
                    for c in 0..<g { os[base + c] = (ys[base + c] - m) * inv * scale[k0 + c] + bias[k0 + c] }
                }
            }
        }
    }

    /// dY = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = dOut⊙scale; dScale += Σ dOut⊙x̂; dBias += Σ dOut.
    public static func backward(
        _ dOut: Matrix, input y: Matrix, heads: Int, scale: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, into dy: Matrix,
        dScale: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>
    ) {
        let e = y.cols, d = e / heads, g = d / heads
        let groups = e / g
        // Per-chunk partials: dScale in 0..<d, dBias in d..<2d.
        let partials = Parallel.reduceRows(y.rows, width: 2 * d) { rows, dScalePart in
            let dBiasPart = dScalePart + d
            for r in rows {
                let ys = y.pointer + r * y.stride, gs = dOut.pointer + r * dOut.stride, ds = dy.pointer + r * dy.stride
                for q in 0..<groups {
                    let base = q * g, k0 = base % d
                    let m = mean[r * groups + q], inv = rstd[r * groups + q]
                    var sumG: Float = 0, sumGX: Float = 0
                    for c in 0..<g {
                        let xh = (ys[base + c] - m) * inv
                        let gh = gs[base + c] * scale[k0 + c]
                        sumG += gh
                        sumGX += gh * xh
                        dScalePart[k0 + c] += gs[base + c] * xh
                        dBiasPart[k0 + c] += gs[base + c]
                    }
                    sumG /= Float(g)
                    sumGX /= Float(g)
                    for c in 0..<g {
                        let xh = (ys[base + c] - m) * inv
                        ds[base + c] = inv * (gs[base + c] * scale[k0 + c] - sumG - xh * sumGX)
                    }
                }
            }
        }
        partials.addSums(from: 0, count: d, into: dScale)
        partials.addSums(from: d, count: d, into: dBias)
    }
}
