extension Tape {
    /// Matrix product C = op(A)·op(B), op = identity or transpose (handled by sgemm flags, no copy).
    ///
    /// Shapes: A (m, k) or (k, m) when `transposeA`; B (k, n) or (n, k) when `transposeB`; C (m, n).
    /// Backward (accumulating): dA += dC·op(B)ᵀ (or op(B)·dCᵀ when transposed), dB += op(A)ᵀ·dC
    /// (or dCᵀ·op(A)). Saves A and B (views).
    public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        precondition(a.shape.rank == 2 && b.shape.rank == 2, "matmul needs 2-D operands, got \(a.shape) and \(b.shape)")
        return batchedMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
    }

    /// Batched matrix product over matching leading axes: C[i] = op(A[i])·op(B[i]).
    ///
    /// Shapes: A (…, m, k), B (…, k, n) with the same leading axes (rank 2 to 4); C (…, m, n).
    /// One sgemm per batch entry; backward as `matmul`, per entry.
    public func batchedMatmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let p = MatmulProblem(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        let c = workspace.allocate(p.outputShape)
        p.run(a.value, transposeA, b.value, transposeB, into: c, beta: 0, workspace: workspace)
        return record(c, inputs: a, b) { tape, dC in
            if let (dA, beta) = tape.gemmTarget(of: a) {
                // dA = dC·op(B)ᵀ, or op(B)·dCᵀ when A is stored transposed.
                let q = transposeA
                    ? MatmulProblem(b.shape, dC.shape, transposeA: transposeB, transposeB: true)
                    : MatmulProblem(dC.shape, b.shape, transposeA: false, transposeB: !transposeB)
                if transposeA {
                    q.run(b.value, transposeB, dC, true, into: dA, beta: beta, workspace: tape.workspace)
                } else {
                    q.run(dC, false, b.value, !transposeB, into: dA, beta: beta, workspace: tape.workspace)
                }
            }
            if let (dB, beta) = tape.gemmTarget(of: b) {
                // dB = op(A)ᵀ·dC, or dCᵀ·op(A) when B is stored transposed.
                let q = transposeB
                    ? MatmulProblem(dC.shape, a.shape, transposeA: true, transposeB: transposeA)
                    : MatmulProblem(a.shape, dC.shape, transposeA: !transposeA, transposeB: false)
                if transposeB {
                    q.run(dC, true, a.value, transposeA, into: dB, beta: beta, workspace: tape.workspace)
                } else {
                    q.run(a.value, !transposeA, dC, false, into: dB, beta: beta, workspace: tape.workspace)
                }
            }
        }
    }

    /// Affine map y = x·W + b over the last axis (spec §2.1 dense layers).
    ///
    /// Shapes: x (…, in) with R rows, W (in, out), b (out) or nil; y (…, out).
    /// Forward: y ← b (broadcast), then one sgemm with beta 1. Backward (accumulating):
    /// dW += xᵀ·dY, db += Σ_rows dY, dx += dY·Wᵀ — three sgemm-sized passes, no copies.
    public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) -> Variable {
        precondition(weight.shape.rank == 2 && x.shape.last == weight.shape[0],
                     "linear: input \(x.shape) does not match weight \(weight.shape)")
        let rows = x.shape.rowCount, inSize = weight.shape[0], outSize = weight.shape[1]
        if let bias { precondition(bias.value.count == outSize, "linear: bias \(bias.shape) for \(outSize) outputs") }
        let y = workspace.allocate(x.shape.replacing(axis: -1, with: outSize))
        if let bias { Kernels.broadcastRows(bias.value, into: y) }
        Kernels.gemm(transposeA: false, transposeB: false, m: rows, n: outSize, k: inSize,
                     a: x.value.pointer, b: weight.value.pointer, beta: bias == nil ? 0 : 1,
                     c: y.pointer, workspace: workspace)
        return record(y, inputList: [x, weight] + (bias.map { [$0] } ?? [])) { tape, dY in
            if let (dW, beta) = tape.gemmTarget(of: weight) {
                Kernels.gemm(transposeA: true, transposeB: false, m: inSize, n: outSize, k: rows,
                             a: x.value.pointer, b: dY.pointer, beta: beta, c: dW.pointer, workspace: tape.workspace)
            }
            if let bias, let dB = tape.gradientTarget(of: bias) { Kernels.sumRows(dY, into: dB) }
            if let (dX, beta) = tape.gemmTarget(of: x) {
                Kernels.gemm(transposeA: false, transposeB: true, m: rows, n: inSize, k: outSize,
                             a: dY.pointer, b: weight.value.pointer, beta: beta, c: dX.pointer, workspace: tape.workspace)
            }
        }
    }
}

/// Sizes of a (batched) product op(A)·op(B) and the loop that runs it.
struct MatmulProblem {
    let batch: Int, m: Int, n: Int, k: Int
    let outputShape: Shape

    init(_ a: Shape, _ b: Shape, transposeA: Bool, transposeB: Bool) {
        precondition(a.rank >= 2 && a.rank == b.rank, "batched matmul needs operands of equal rank >= 2, got \(a) and \(b)")
        var batch = 1
        for i in 0..<(a.rank - 2) {
            precondition(a[i] == b[i], "batched matmul: leading axes differ, \(a) vs \(b)")
            batch *= a[i]
        }
        let (ar, ac) = (a[a.rank - 2], a[a.rank - 1])
        let (br, bc) = (b[b.rank - 2], b[b.rank - 1])
        m = transposeA ? ac : ar
        k = transposeA ? ar : ac
        n = transposeB ? br : bc
        let kb = transposeB ? bc : br
        precondition(k == kb, "matmul: inner sizes differ, op(A) \(m)x\(k) vs op(B) \(kb)x\(n) (A \(a), B \(b))")
        self.batch = batch
        outputShape = a.replacing(axis: -2, with: m).replacing(axis: -1, with: n)
    }

    /// C[i] = op(A[i])·op(B[i]) + beta·C[i] for every batch entry.
    func run(_ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool,
             into c: Tensor, beta: Float, workspace: TapeWorkspace) {
        precondition(c.count == batch * m * n, "matmul output \(c.shape) for batch \(batch) of \(m)x\(n)")
        for i in 0..<batch {
            Kernels.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         a: a.pointer + i * m * k, b: b.pointer + i * k * n, beta: beta,
                         c: c.pointer + i * m * n, workspace: workspace)
        }
    }
}
