/// Parallel (single-chunk) simple retention for one sample and one head (spec §2.3, §2.5):
/// R = ((Q Kᵀ) ⊙ D) V, no 1/√d scaling, zero initial state.
///
/// D[j, j'] = κ^{t−t'} when t' ≤ t and no episode reset lies in (t', t] (i.e. t' ≥ first[t], the
/// timestep of the last reset at or before t), else 0; with `causal`, also 0 for j' > j.
/// Tokens are time-major: j = t·N + i.
public struct DecayPattern {
    /// κ^k for k = 0..<T.
    public let powers: UnsafePointer<Float>
    /// first visible timestep for each query timestep t (T values).
    public let firstVisible: UnsafePointer<Int32>
    public let agents: Int
    public let causal: Bool

    public init(powers: UnsafePointer<Float>, firstVisible: UnsafePointer<Int32>, agents: Int, causal: Bool) {
        self.powers = powers
        self.firstVisible = firstVisible
        self.agents = agents
        self.causal = causal
    }

    /// Multiplies rows `firstRow..<firstRow + p.rows` of the L×L matrix D into `p` (those rows)
    /// in place, zeroing invisible entries. Walks the visible columns a timestep (N columns, one
    /// weight) at a time: no division per column block.
    @inlinable public func apply(to p: Matrix, firstRow: Int = 0) {
        let n = agents
        var t = firstRow / n, agent = firstRow - t * n
        for local in 0..<p.rows {
            let row = p.pointer + local * p.stride
            let first = Int(firstVisible[t])
            let lo = first * n
            let hi = causal ? t * n + agent + 1 : (t + 1) * n
            if lo > 0 { row.update(repeating: 0, count: lo) }
            var column = lo, weight = powers + (t - first)
            while column < hi {
                let w = weight.pointee
                let end = Swift.min(hi, column + n)
                while column < end { row[column] *= w; column += 1 }
                weight -= 1
            }
            if hi < p.cols { (row + hi).update(repeating: 0, count: p.cols - hi) }
            agent += 1
            if agent == n { agent = 0; t += 1 }
        }
    }
}

/// Runs on one `Parallel` worker per sample: its products are single-threaded.
public enum RetentionKernel {
    /// Row blocks (whole timesteps) of the time-causal decay: rows of block c only see columns
    /// before the block's end, so each block's products skip the upper-right part of the L×L plane.
    static let rowBlocks = 4

    /// End row of block c (exclusive), on a timestep boundary.
    static func blockEnd(_ c: Int, tokens: Int, agents: Int) -> Int {
        let steps = tokens / agents
        return (steps * (c + 1) + rowBlocks - 1) / rowBlocks * agents
    }

    /// Shapes: q, k, v, y (L, d) views; `scores` an (L, L) temporary that receives the masked scores
    /// (entries no query may see are 0; only the lower block staircase is written). BLAS runs the
    /// products when every view is 64-byte aligned: d and the strides of q, k, v, y and `scores` a
    /// multiple of 16 floats (see `MatMul`).
    public static func forward(q: Matrix, k: Matrix, v: Matrix, decay: DecayPattern, scores: Matrix, into y: Matrix) {
        let l = q.rows
        var start = 0
        for c in 0..<rowBlocks {
            let end = blockEnd(c, tokens: l, agents: decay.agents)
            if end > start {
                let p = scores.rows(start, end - start)
                MatMul.product(q.rows(start, end - start), k.rows(0, end), transposeB: true, into: p.columns(0, end), parallel: false)
                decay.apply(to: p, firstRow: start)
                MatMul.product(p.columns(0, end), v.rows(0, end), into: y.rows(start, end - start), parallel: false)
            }
            start = end
        }
    }

    /// P = (Q Kᵀ) ⊙ D (recomputed, not saved by forward); dP = (dY Vᵀ) ⊙ D; dV = Pᵀ dY;
    /// dQ = dP K; dK = dPᵀ Q (overwrite dq, dk, dv). `scores` and `scratch` are (L, L)
    /// temporaries that receive P and dP.
    public static func backward(
        dy: Matrix, q: Matrix, k: Matrix, v: Matrix, decay: DecayPattern, scores: Matrix, scratch: Matrix,
        dq: Matrix, dk: Matrix, dv: Matrix
    ) {
        let l = q.rows
        // Each block adds its rows' share to rows 0..<end of dV and dK, as one product over whole
        // score rows: a view starting at column `start` would not be 64-byte aligned for BLAS.
        dv.zero()
        dk.zero()
        var start = 0
        for c in 0..<rowBlocks {
            let end = blockEnd(c, tokens: l, agents: decay.agents)
            if end > start {
                let rows = end - start
                let dp = scratch.rows(start, rows).columns(0, end)
                MatMul.product(dy.rows(start, rows), v.rows(0, end), transposeB: true, into: dp, parallel: false)
                decay.apply(to: dp, firstRow: start)
                let p = scores.rows(start, rows).columns(0, end)
                MatMul.product(q.rows(start, rows), k.rows(0, end), transposeB: true, into: p, parallel: false)
                decay.apply(to: p, firstRow: start)
                MatMul.product(p, transposeA: true, dy.rows(start, rows), into: dv.rows(0, end), accumulate: true, parallel: false)
                MatMul.product(dp, transposeA: true, q.rows(start, rows), into: dk.rows(0, end), accumulate: true, parallel: false)
                MatMul.product(dp, k.rows(0, end), into: dq.rows(start, rows), parallel: false)
            }
            start = end
        }
    }
}
