import Kernels
import TensorCore

/// Multi-scale retention, training form (spec §2.3–§2.5), over B samples of L_b = T·n_b tokens:
/// Y_h = ((Q_h K_hᵀ) ⊙ D_h) V_h; Y_norm = GroupNorm(Y); out = (swish(X_k W_g) ⊙ Y_norm) W_o.
///
/// Shapes: X_k, X_q, X_v, out (Σ L_b, E); per-head W_q, W_k, W_v (E, d) packed into (E, E) per call.
/// Saves Q, K, V, GroupNorm statistics and X_k W_g. The masked scores P (H·Σ L_b² floats, more than
/// Y itself at small E) are not saved: backward recomputes them, in per-worker (L, L) scratch,
/// once for Y = P V and once for dV = Pᵀ dY (about 1% more FLOPs at E = 768). Y, Y_norm and the
/// gated Z live in the shared scratch and are recomputed too.
struct MultiScaleRetention {
    let slices: RetentionSlices
    let heads: Int
    let embedding: Int
    let causal: Bool
    /// Which of the network's carried states this module uses (encoder blocks, decoder self, decoder cross).
    let stateModule: Int
    let encoding: TimestepEncoding?
    let q, k, v, gatePre: Matrix
    let gnMean, gnRstd: UnsafeMutablePointer<Float>
    let packed: Matrix  // (E, 3E): W_q | W_k | W_v with head h in columns h·d..<(h+1)·d

    init(slices: RetentionSlices, config: ModelConfig, causal: Bool, stateModule: Int, maxRows: Int, workspace: Workspace) {
        self.slices = slices
        heads = config.heads
        embedding = config.embedding
        self.causal = causal
        self.stateModule = stateModule
        encoding = config.timestepEncoding ? TimestepEncoding(embedding: config.embedding, workspace: workspace) : nil
        let e = embedding
        q = workspace.matrix(maxRows, e)
        k = workspace.matrix(maxRows, e)
        v = workspace.matrix(maxRows, e)
        gatePre = workspace.matrix(maxRows, e)
        gnMean = workspace.floats(maxRows * heads * heads)
        gnRstd = workspace.floats(maxRows * heads * heads)
        packed = workspace.matrix(e, 3 * e)
    }

    /// The inputs as retention sees them: with the timestep encoding, the key, query and value
    /// plus the code of each row's step count (in the scratch's positioned buffers).
    private func positioned(_ xk: Matrix, _ xq: Matrix, _ xv: Matrix, sequences: SampleSequences,
                            scratch: RetentionScratch) -> (Matrix, Matrix, Matrix) {
        guard let encoding else { return (xk, xq, xv) }
        let steps = sequences.rowSteps!
        let x = encoding.positioned(key: xk, query: xq, value: xv, into: (scratch.positionedKey, scratch.positionedQuery)) { steps[$0] }
        return (x.key, x.query, x.value)
    }

    /// Forward over `rows` = Σ L_b rows, the samples of `sequences`.
    /// Uses scratch a, b, c (d and e are left to the caller).
    func forward(key: Matrix, query: Matrix, value: Matrix, rows: Int, p: ParameterView,
                 sequences: SampleSequences, scratch: RetentionScratch, into out: Matrix) {
        let (xk, xq, xv) = positioned(key, query, value, sequences: sequences, scratch: scratch)
        let e = embedding
        let y = scratch.c.prefix(rows: rows)
        slices.pack(p, heads: heads, into: packed)
        MatMul.product(xq, packed.columns(0, e), into: q.prefix(rows: rows))
        MatMul.product(xk, packed.columns(e, e), into: k.prefix(rows: rows))
        MatMul.product(xv, packed.columns(2 * e, e), into: v.prefix(rows: rows))
        retain(sequences, scratch: scratch, into: y)
        MatMul.product(xk, p.matrix(slices.gate), into: gatePre.prefix(rows: rows))
        let yNorm = scratch.a.prefix(rows: rows), z = scratch.b.prefix(rows: rows)
        normalize(y, p: p, into: yNorm)
        Parallel.forRows(rows) { range in
            for r in range {
                let g = gatePre.pointer + r * e, yn = yNorm.pointer + r * e, zr = z.pointer + r * e
                for c in 0..<e { zr[c] = Activations.swish(g[c]) * yn[c] }
            }
        }
        MatMul.product(z, p.matrix(slices.output), into: out)
    }

    /// Calls `body(b, h, worker, view)` for every sample b and head h of `sequences`, samples in
    /// parallel on the compute threads; `view(m)` is sample b's rows and head h's columns of m,
    /// `worker` indexes the per-worker (L, L) scratch.
    private func forEachSampleAndHead(_ sequences: SampleSequences, scratch: RetentionScratch,
                                      _ body: (_ b: Int, _ h: Int, _ worker: Int, _ view: (Matrix) -> Matrix) -> Void) {
        let d = embedding / heads
        Parallel.forEachChunk(sequences.count, workers: min(Parallel.workerCount, scratch.scores.count)) { b, worker in
            let (start, count) = sequences.rows(b)
            for h in 0..<heads { body(b, h, worker) { $0.rows(start, count).columns(h * d, d) } }
        }
    }

    /// Y = ((Q Kᵀ) ⊙ D) V per sample and head, chunkwise with the carried state (single-threaded
    /// products on each worker).
    private func retain(_ sequences: SampleSequences, scratch: RetentionScratch, into y: Matrix) {
        forEachSampleAndHead(sequences, scratch: scratch) { b, h, worker, cols in
            ChunkedRetentionKernel.forward(q: cols(q), k: cols(k), v: cols(v), decay: sequences.decay(sample: b, head: h),
                                           state: sequences.state(sample: b, head: h, module: stateModule),
                                           scores: scratch.scores[worker], temporary: scratch.stateTemporaries[worker],
                                           into: cols(y))
        }
    }

    /// Y_norm = GroupNorm(Y), statistics saved (the same values again when backward recomputes).
    private func normalize(_ y: Matrix, p: ParameterView, into yNorm: Matrix) {
        GroupNormKernel.forward(y, heads: heads, scale: p.pointer(slices.normScale),
                                bias: p.pointer(slices.normBias), into: yNorm, mean: gnMean, rstd: gnRstd)
    }

    /// Accumulates dX_k, dX_q, dX_v (may alias each other) and the module's parameter gradients.
    /// Uses scratch a, b, c, e for temporaries (d is left to the caller).
    func backward(dOut: Matrix, key: Matrix, query: Matrix, value: Matrix, rows: Int,
                  p: ParameterView, g: ParameterView, sequences: SampleSequences,
                  scratch: RetentionScratch, dKey: Matrix, dQuery: Matrix, dValue: Matrix) {
        let (xk, xq, xv) = positioned(key, query, value, sequences: sequences, scratch: scratch)
        let e = embedding, d = e / heads
        let y = scratch.e.prefix(rows: rows), yNorm = scratch.c.prefix(rows: rows)
        let dZ = scratch.a.prefix(rows: rows), dG = scratch.b.prefix(rows: rows)
        retain(sequences, scratch: scratch, into: y)
        normalize(y, p: p, into: yNorm)
        MatMul.product(dOut, p.matrix(slices.output), transposeB: true, into: dZ)
        // dG = dZ ⊙ Ynorm ⊙ swish'(G); then Z = swish(G) ⊙ Ynorm over Ynorm, dYnorm = dZ ⊙ swish(G) over dZ.
        let z = yNorm
        Parallel.forRows(rows) { range in
            for r in range {
                let gp = gatePre.pointer + r * e, yn = yNorm.pointer + r * e, dz = dZ.pointer + r * e, dg = dG.pointer + r * e
                for c in 0..<e {
                    let sw = Activations.swish(gp[c])
                    dg[c] = dz[c] * yn[c] * Activations.swishDerivative(gp[c])
                    yn[c] *= sw
                    dz[c] *= sw
                }
            }
        }
        MatMul.product(z, transposeA: true, dOut, into: g.matrix(slices.output), accumulate: true)
        MatMul.product(xk, transposeA: true, dG, into: g.matrix(slices.gate), accumulate: true)
        MatMul.product(dG, p.matrix(slices.gate), transposeB: true, into: dKey, accumulate: true)
        let dY = dG  // dG is consumed
        GroupNormKernel.backward(dZ, input: y, heads: heads, scale: p.pointer(slices.normScale),
                                 mean: gnMean, rstd: gnRstd, into: dY, dScale: g.pointer(slices.normScale),
                                 dBias: g.pointer(slices.normBias))
        // Z, Y and dYnorm are consumed: their places take dQ, dK, dV.
        let dQ = scratch.c.prefix(rows: rows), dK = scratch.e.prefix(rows: rows), dV = dZ
        forEachSampleAndHead(sequences, scratch: scratch) { b, h, worker, cols in
            ChunkedRetentionKernel.backward(
                dy: cols(dY), q: cols(q), k: cols(k), v: cols(v), decay: sequences.decay(sample: b, head: h),
                state: sequences.state(sample: b, head: h, module: stateModule),
                scores: scratch.scores[worker], scratch: scratch.scoreGradients[worker],
                temporary: scratch.stateTemporaries[worker], stateGradient: scratch.stateGradients[worker],
                dq: cols(dQ), dk: cols(dK), dv: cols(dV))
        }
        let dPacked = scratch.packed
        MatMul.product(xq, transposeA: true, dQ, into: dPacked.columns(0, e))
        MatMul.product(xk, transposeA: true, dK, into: dPacked.columns(e, e))
        MatMul.product(xv, transposeA: true, dV, into: dPacked.columns(2 * e, e))
        for h in 0..<heads {
            g.matrix(slices.query[h]).add(dPacked.columns(h * d, d))
            g.matrix(slices.key[h]).add(dPacked.columns(e + h * d, d))
            g.matrix(slices.value[h]).add(dPacked.columns(2 * e + h * d, d))
        }
        slices.pack(p, heads: heads, into: packed)
        MatMul.product(dQ, packed.columns(0, e), transposeB: true, into: dQuery, accumulate: true)
        MatMul.product(dK, packed.columns(e, e), transposeB: true, into: dKey, accumulate: true)
        MatMul.product(dV, packed.columns(2 * e, e), transposeB: true, into: dValue, accumulate: true)
    }
}

extension RetentionSlices {
    /// Copies the per-head projections of `p` into `packed` (E, 3E): W_q | W_k | W_v, head h of
    /// each in columns h·d ..< (h+1)·d, d = E / `heads`. Used by the training and recurrent forms.
    func pack(_ p: ParameterView, heads: Int, into packed: Matrix) {
        let embedding = packed.rows, d = embedding / heads
        for h in 0..<heads {
            packed.columns(h * d, d).copy(from: p.matrix(query[h]))
            packed.columns(embedding + h * d, d).copy(from: p.matrix(key[h]))
            packed.columns(2 * embedding + h * d, d).copy(from: p.matrix(value[h]))
        }
    }
}

/// Temporaries (B·L, E) shared by every layer of one network: forward-only values that backward
/// recomputes, and backward gradients; per worker, (L, L) scores and score gradients for chunks of
/// L = `tokens`, their rows padded to a multiple of 16 floats so that every row starts 64-byte
/// aligned (BLAS, not the loop), and the carried state's (L, d) temporary and (d, d) gradient;
/// with the timestep encoding, the positioned key and query inputs (B·L, E).
struct RetentionScratch {
    let a, b, c, d, e: Matrix
    let positionedKey, positionedQuery: Matrix
    let scores: [Matrix]
    let scoreGradients: [Matrix]
    let stateTemporaries: [Matrix]
    let stateGradients: [Matrix]
    let packed: Matrix

    init(maxRows: Int, embedding: Int, headSize: Int, tokens: Int, encodesTimesteps: Bool, workspace: Workspace) {
        positionedKey = workspace.matrix(encodesTimesteps ? maxRows : 0, embedding)
        positionedQuery = workspace.matrix(encodesTimesteps ? maxRows : 0, embedding)
        a = workspace.matrix(maxRows, embedding)
        b = workspace.matrix(maxRows, embedding)
        c = workspace.matrix(maxRows, embedding)
        d = workspace.matrix(maxRows, embedding)
        e = workspace.matrix(maxRows, embedding)
        let stride = AlignedBuffer.paddedCount(tokens)
        func square() -> Matrix { Matrix(workspace.floats(tokens * stride), rows: tokens, cols: tokens, stride: stride) }
        scores = (0..<Parallel.workerCount).map { _ in square() }
        scoreGradients = (0..<Parallel.workerCount).map { _ in square() }
        let headStride = AlignedBuffer.paddedCount(headSize)
        stateTemporaries = (0..<Parallel.workerCount).map { _ in
            Matrix(workspace.floats(tokens * headStride), rows: tokens, cols: headSize, stride: headStride)
        }
        stateGradients = (0..<Parallel.workerCount).map { _ in workspace.matrix(headSize, headSize) }
        packed = workspace.matrix(embedding, 3 * embedding)
    }
}
