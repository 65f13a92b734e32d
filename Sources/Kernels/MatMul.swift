import TensorCore

/// Matrix products: BLAS sgemm when every pointer is 64-byte aligned, a plain loop otherwise.
///
/// OpenBLAS kernels must only see 64-byte aligned matrices (see `AlignedBuffer`); views into the
/// middle of a buffer (one head's columns, one sample's rows) are aligned only for sizes that are
/// multiples of 16 floats, so odd test sizes take the loop.
public enum MatMul {
    /// C = op(A)·op(B) (+ C when `accumulate`). Shapes: op(A) (m, k), op(B) (k, n), C (m, n).
    /// Large products are split across the compute threads unless `parallel` is false (for
    /// callers already running on a `Parallel` worker).
    public static func product(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        into c: Matrix, accumulate: Bool = false, parallel: Bool = true
    ) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb && c.rows == m && c.cols == n,
                     "matmul: op(A) \(m)x\(k), op(B) \(kb)x\(n), C \(c.rows)x\(c.cols)")
        if m == 0 || n == 0 { return }
        if isAligned(a.pointer) && isAligned(b.pointer) && isAligned(c.pointer) && k > 0 {
            BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                       a: a.pointer, lda: a.stride, b: b.pointer, ldb: b.stride,
                       beta: accumulate ? 1 : 0, c: c.pointer, ldc: c.stride, parallel: parallel)
            return
        }
        fallback(a, transposeA, b, transposeB, c, m: m, n: n, k: k, accumulate: accumulate)
    }

    @inlinable static func isAligned(_ p: UnsafeMutablePointer<Float>) -> Bool {
        Int(bitPattern: p) % AlignedBuffer.alignment == 0
    }

    private static func fallback(
        _ a: Matrix, _ ta: Bool, _ b: Matrix, _ tb: Bool, _ c: Matrix, m: Int, n: Int, k: Int, accumulate: Bool
    ) {
        let ap = a.pointer, bp = b.pointer, cp = c.pointer
        let sa = a.stride, sb = b.stride, sc = c.stride
        for i in 0..<m {
            let crow = cp + i * sc
            if !accumulate { crow.update(repeating: 0, count: n) }
            for p in 0..<k {
                let av = ta ? ap[p * sa + i] : ap[i * sa + p]
                if av == 0 { continue }
                if tb {
                    for j in 0..<n { crow[j] += av * bp[j * sb + p] }
                } else {
                    let brow = bp + p * sb
                    for j in 0..<n { crow[j] += av * brow[j] }
                }
            }
        }
    }
}
