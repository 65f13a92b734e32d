import TensorCore

extension Kernels {
    /// C = alpha·op(A)·op(B) + beta·C on raw row-major matrices, through `BLAS.sgemm`.
    ///
    /// Shapes: op(A) (m, k), op(B) (k, n), C (m, n), all densely packed (lda = columns as stored).
    /// Any operand not 64-byte aligned is first copied into an aligned `workspace` block
    /// (OpenBLAS's AVX-512 kernels have crashed on misaligned matrices); aligned ones go straight to BLAS.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>,
        beta: Float, c: UnsafeMutablePointer<Float>, workspace: TapeWorkspace
    ) {
        let a = alignedCopy(a, count: m * k, workspace: workspace)
        let b = alignedCopy(b, count: k * n, workspace: workspace)
        let cAligned = isAligned(c)
        let target = cAligned ? c : workspace.allocate([m * n]).pointer
        if !cAligned && beta != 0 { target.update(from: c, count: m * n) }
        BLAS.sgemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n, beta: beta, c: target, ldc: n)
        if !cAligned { c.update(from: target, count: m * n) }
    }

    static func isAligned(_ p: UnsafeMutablePointer<Float>) -> Bool {
        Int(bitPattern: p) % AlignedBuffer.alignment == 0
    }

    private static func alignedCopy(
        _ p: UnsafeMutablePointer<Float>, count: Int, workspace: TapeWorkspace
    ) -> UnsafeMutablePointer<Float> {
        if isAligned(p) { return p }
        let copy = workspace.allocate([count]).pointer
        copy.update(from: p, count: count)
        return copy
    }
}
