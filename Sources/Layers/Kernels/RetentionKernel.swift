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

    /// Multiplies the L×L matrix `p` by D in place, zeroing invisible entries.
    @inlinable public func apply(to p: Matrix) {
        let n = agents
        for j in 0..<p.rows {
            let t = j / n
            let row = p.pointer + j * p.stride
            let lo = Int(firstVisible[t]) * n
            let hi = causal ? j + 1 : (t + 1) * n
            if lo > 0 { row.update(repeating: 0, count: lo) }
            var jp = lo
            while jp < hi {
                let w = powers[t - jp / n]
                let end = min(hi, (jp / n + 1) * n)
                while jp < end { row[jp] *= w; jp += 1 }
            }
            if hi < p.cols { (row + hi).update(repeating: 0, count: p.cols - hi) }
        }
    }
}

public enum RetentionKernel {
    /// Shapes: q, k, v, y (L, d) views; scores (L, L) saved for backward (masked).
    public static func forward(q: Matrix, k: Matrix, v: Matrix, decay: DecayPattern, scores: Matrix, into y: Matrix) {
        MatMul.product(q, k, transposeB: true, into: scores)
        decay.apply(to: scores)
        MatMul.product(scores, v, into: y)
    }

    /// dP = (dY Vᵀ) ⊙ D; dV = Pᵀ dY; dQ = dP K; dK = dPᵀ Q (overwrite dq, dk, dv).
    /// `scratch` (L, L) receives dP.
    public static func backward(
        dy: Matrix, q: Matrix, k: Matrix, v: Matrix, decay: DecayPattern, scores: Matrix, scratch: Matrix,
        dq: Matrix, dk: Matrix, dv: Matrix
    ) {
        MatMul.product(dy, v, transposeB: true, into: scratch)
        decay.apply(to: scratch)
        MatMul.product(scores, transposeA: true, dy, into: dv)
        MatMul.product(scratch, k, into: dq)
        MatMul.product(scratch, transposeA: true, q, into: dk)
    }
}
