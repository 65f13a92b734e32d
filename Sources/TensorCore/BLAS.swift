import CBLAS

/// Thin, checked entry points to OpenBLAS. Only TensorCore sees CBLAS.
///
/// OpenBLAS itself always runs single-threaded (set before the first product): the process's
/// compute threads (`threadCount`) are ours. A large product is cut into blocks of C's rows or
/// columns, one single-threaded `cblas_sgemm` per worker (`Parallel`), so products, element-wise
/// kernels and per-sample work share one thread count, and any thread may call `sgemm` at any
/// time (OpenBLAS's thread count is never changed while products run).
public enum BLAS {
    /// Products smaller than this many multiply-adds run on the calling thread.
    public static let splitThreshold = 1 << 22

    /// OpenBLAS's thread count at start-up (OPENBLAS_NUM_THREADS or the core count): the
    /// default compute thread count. Reading it pins OpenBLAS to one thread.
    private static let startupThreads: Int = {
        let n = max(1, Int(mtrl_blas_threads()))
        mtrl_blas_set_threads(1)
        return n
    }()

    /// Set once at start-up by `setThreadCount`, before any parallel work.
    nonisolated(unsafe) private static var configuredThreads: Int?

    /// Compute threads per process (default: OpenBLAS's start-up thread count).
    public static var threadCount: Int { configuredThreads ?? startupThreads }

    /// Sets the compute thread count (per process). Call at start-up, before parallel work.
    public static func setThreadCount(_ n: Int) {
        _ = startupThreads
        configuredThreads = max(1, n)
    }

    /// Row-major single-precision GEMM: `C = alpha·op(A)·op(B) + beta·C`.
    ///
    /// Shapes: op(A) (m, k), op(B) (k, n), C (m, n); `lda`, `ldb`, `ldc` are the
    /// row strides of A, B, C as stored. Pointers should be 64-byte aligned. With `parallel`
    /// (default), products of at least `splitThreshold` multiply-adds are split across the
    /// compute threads at multiples of 16 rows or columns (blocks stay 64-byte aligned);
    /// callers already running on a worker pass `parallel: false`. Gives `ComputeProgress` a turn
    /// when it returns.
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true
    ) {
        defer { if parallel { ComputeProgress.tick() } }
        let workers = parallel && m * n * k >= splitThreshold ? threadCount : 1
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, workers: workers)
    }

    /// `sgemm` split across `workers` threads whatever its size (at most one per 16 rows or
    /// columns of C): blocks of C's rows when m ≥ n, else of its columns. OpenBLAS rounds block
    /// edges differently, so the result can differ from one thread's in the last bits (as with
    /// OpenBLAS's own threading); for a given thread count it is reproducible.
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, workers requested: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS would skip the product; honour beta ourselves.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        _ = startupThreads
        let workers = min(requested, max(m, n) / 16)
        if workers <= 1 {
            librarySgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        let splitRows = m >= n
        let extent = splitRows ? m : n
        Parallel.forEachChunk(workers, workers: workers) { w, _ in
            let lo = extent * w / workers / 16 * 16
            let hi = w == workers - 1 ? extent : extent * (w + 1) / workers / 16 * 16
            guard hi > lo else { return }
            if splitRows {
                // Rows lo..<hi of C and of op(A).
                let aBlock = transposeA ? a + lo : a + lo * lda
                librarySgemm(transposeA, transposeB, hi - lo, n, k, alpha, aBlock, lda, b, ldb, beta, c + lo * ldc, ldc)
            } else {
                // Columns lo..<hi of C and of op(B).
                let bBlock = transposeB ? b + lo * ldb : b + lo
                librarySgemm(transposeA, transposeB, m, hi - lo, k, alpha, a, lda, bBlock, ldb, beta, c + lo, ldc)
            }
        }
    }

    private static func librarySgemm(
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Runs `body` with OpenBLAS's own threading at `threadCount` threads, for benchmarks that
    /// time raw `cblas_sgemm` as OpenBLAS would run it (use `sgemm(…, parallel: false)` inside).
    /// Only while no other thread calls BLAS.
    public static func withLibraryThreading<T>(_ body: () -> T) -> T {
        mtrl_blas_set_threads(Int32(threadCount))
        defer { mtrl_blas_set_threads(1) }
        return body()
    }

    /// Name of the OpenBLAS kernel in use (e.g. `Zen`, `Haswell`, `Cooperlake`, `SkylakeX`).
    public static var coreName: String { String(cString: mtrl_blas_corename()) }
    /// OpenBLAS build configuration string.
    public static var configuration: String { String(cString: mtrl_blas_config()) }
}
