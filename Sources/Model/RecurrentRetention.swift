import Kernels
import TensorCore

/// Multi-scale retention in recurrent form (spec §2.3 "Recurrent form", §8) for C environment
/// copies with m new tokens each: per head S ← S + Kᵀ V (over the m tokens), then R = Q S;
/// GroupNorm, swish gate and W_o exactly as in the training form; with the timestep encoding, the
/// inputs first get the code of their copy's step count.
///
/// Shapes: X_k, X_q, X_v, out (C·m, E); states (C, H, d, d) per module, already decayed.
struct RecurrentRetention {
    let slices: RetentionSlices
    let heads: Int
    let embedding: Int
    let q, k, v, y, yNorm: Matrix
    let encoding: TimestepEncoding?
    let positionedKey, positionedQuery: Matrix
    let gnMean, gnRstd: UnsafeMutablePointer<Float>
    let packed: Matrix

    init(slices: RetentionSlices, config: ModelConfig, maxRows: Int, workspace: Workspace) {
        self.slices = slices
        heads = config.heads
        embedding = config.embedding
        let e = embedding
        q = workspace.matrix(maxRows, e)
        k = workspace.matrix(maxRows, e)
        v = workspace.matrix(maxRows, e)
        y = workspace.matrix(maxRows, e)
        yNorm = workspace.matrix(maxRows, e)
        gnMean = workspace.floats(maxRows * heads * heads)
        gnRstd = workspace.floats(maxRows * heads * heads)
        packed = workspace.matrix(e, 3 * e)
        encoding = config.timestepEncoding ? TimestepEncoding(embedding: e, workspace: workspace) : nil
        positionedKey = workspace.matrix(config.timestepEncoding ? maxRows : 0, e)
        positionedQuery = workspace.matrix(config.timestepEncoding ? maxRows : 0, e)
    }

    /// Packs the per-head projections (call whenever the parameters may have changed).
    func pack(_ p: ParameterView) {
        slices.pack(p, heads: heads, into: packed)
    }

    /// `stepCounts`: each copy's episode step count (with the timestep encoding).
    func step(key: Matrix, query: Matrix, value: Matrix, tokensPerCopy m: Int, stepCounts: UnsafeBufferPointer<Int32>?,
              states: UnsafeMutablePointer<Float>, p: ParameterView, into out: Matrix) {
        var (xk, xq, xv) = (key, query, value)
        if let encoding {
            let x = encoding.positioned(key: key, query: query, value: value, into: (positionedKey, positionedQuery)) { stepCounts![$0 / m] }
            (xk, xq, xv) = (x.key, x.query, x.value)
        }
        let e = embedding, d = e / heads, rows = xk.rows
        MatMul.product(xq, packed.columns(0, e), into: q.prefix(rows: rows))
        MatMul.product(xk, packed.columns(e, e), into: k.prefix(rows: rows))
        MatMul.product(xv, packed.columns(2 * e, e), into: v.prefix(rows: rows))
        for c in 0..<(rows / m) {
            for h in 0..<heads {
                let s = Matrix(states + (c * heads + h) * d * d, rows: d, cols: d)
                MatMul.product(k.rows(c * m, m).columns(h * d, d), transposeA: true, v.rows(c * m, m).columns(h * d, d),
                               into: s, accumulate: true)
                MatMul.product(q.rows(c * m, m).columns(h * d, d), s, into: y.rows(c * m, m).columns(h * d, d))
            }
        }
        GroupNormKernel.forward(y.prefix(rows: rows), heads: heads, scale: p.pointer(slices.normScale),
                                bias: p.pointer(slices.normBias), into: yNorm.prefix(rows: rows), mean: gnMean, rstd: gnRstd)
        let gate = q.prefix(rows: rows)  // Q is consumed; reuse its storage for X_k W_g
        MatMul.product(xk, p.matrix(slices.gate), into: gate)
        for r in 0..<rows {
            let g = gate.pointer + r * gate.stride, yn = yNorm.pointer + r * e
            for col in 0..<e { g[col] = Activations.swish(g[col]) * yn[col] }
        }
        MatMul.product(gate, p.matrix(slices.output), into: out)
    }
}
