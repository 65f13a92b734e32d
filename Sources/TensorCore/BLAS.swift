import CBLAS

/// Thin, checked entry points to OpenBLAS. Only TensorCore sees CBLAS.
public enum BLAS {
    /// Row-major single-precision GEMM: `C = alpha·op(A)·op(B) + beta·C`.
    ///
    /// Shapes: op(A) (m, k), op(B) (k, n), C (m, n); `lda`, `ldb`, `ldc` are the
    /// row strides of A, B, C as stored. Pointers should be 64-byte aligned.
    @inlinable public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS would skip the product; honour beta ourselves.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Name of the OpenBLAS kernel in use (e.g. `Zen`, `Haswell`, `Cooperlake`, `SkylakeX`).
    public static var coreName: String { String(cString: mtrl_blas_corename()) }
    /// OpenBLAS build configuration string.
    public static var configuration: String { String(cString: mtrl_blas_config()) }
    /// Threads OpenBLAS uses per call.
    public static var threadCount: Int { Int(mtrl_blas_threads()) }
    /// Sets OpenBLAS's thread count (per process).
    public static func setThreadCount(_ n: Int) { mtrl_blas_set_threads(Int32(n)) }
}
