/// Chunkwise retention with a carried state for one sample and one head (spec online-sable.md §1.7):
/// the sample's T timesteps are cut into chunks of `chunkSteps` (the last may be shorter); each
/// chunk runs the parallel form (`RetentionKernel`) on its own tokens and adds the state carried in
/// from the chunk before, then hands the chunk's state on:
///
///   y_n = Σ_m (q_n·k_m) D[n, m] v_m + ξ_n (q_n S_in),   ξ_n = κ^(t(n)+1) before the chunk's first
///   episode start, 0 from it on (t counted from the chunk start);
///   S_out = Σ_m D[last, m] k_mᵀ v_m + [no episode start in the chunk] κ^C S_in   (C timesteps).
///
/// S_in of the first chunk is the sample's initial state (h_start), or zero when absent; the
/// decayed-then-added states are those of the acting (recurrent) form after a chunk's last step.
/// With one chunk and no initial state this is exactly `RetentionKernel` (same calls, same bits).
public struct CarriedState {
    /// Timesteps per chunk.
    public let chunkSteps: Int
    /// Per chunk: how many of its leading timesteps see S_in (the chunk-local timestep of its first
    /// episode start, or its length when none).
    public let visibleSteps: UnsafePointer<Int32>
    /// The state entering the first chunk (d, d), or nil for zero.
    public let initial: UnsafePointer<Float>?
    /// Room for the states entering chunks 1..<chunks ((chunks − 1)·d·d floats): written by
    /// `forward`, read by `backward`.
    public let entries: UnsafeMutablePointer<Float>

    public init(chunkSteps: Int, visibleSteps: UnsafePointer<Int32>, initial: UnsafePointer<Float>?,
                entries: UnsafeMutablePointer<Float>) {
        self.chunkSteps = chunkSteps
        self.visibleSteps = visibleSteps
        self.initial = initial
        self.entries = entries
    }

    /// Writes one sample's decay visibility for chunks of `chunkSteps`: `firstVisible` (T values),
    /// per timestep the last episode start at or before it counted from its chunk's start (0 when
    /// none inside the chunk; an episode start at timestep 0 of the sample hides nothing there),
    /// and `visibleSteps` (one per chunk).
    public static func visibility(steps: Int, chunkSteps: Int, startsEpisode: (Int) -> Bool,
                                  firstVisible: UnsafeMutablePointer<Int32>, visibleSteps: UnsafeMutablePointer<Int32>) {
        var first = 0
        for s in 0..<steps {
            let chunkStart = s - s % chunkSteps, chunk = s / chunkSteps
            if s == chunkStart { visibleSteps[chunk] = Int32(min(chunkSteps, steps - s)) }
            if startsEpisode(s) {
                if s > 0 { first = s }
                visibleSteps[chunk] = min(visibleSteps[chunk], Int32(s - chunkStart))
            }
            firstVisible[s] = Int32(max(first, chunkStart) - chunkStart)
        }
    }

    /// Chunks of a sample of `steps` timesteps.
    public func chunkCount(steps: Int) -> Int { (steps + chunkSteps - 1) / chunkSteps }

    /// The state entering chunk j ((d, d), stride d), nil for a zero state.
    func entry(_ j: Int, headSize d: Int) -> Matrix? {
        if j == 0 { return initial.map { Matrix(UnsafeMutablePointer(mutating: $0), rows: d, cols: d) } }
        return Matrix(entries + (j - 1) * d * d, rows: d, cols: d)
    }
}

/// Runs on one `Parallel` worker per sample: its products are single-threaded.
public enum ChunkedRetentionKernel {
    /// Shapes: q, k, v, y (L, d) views of a sample of L = T·N tokens, `decay` its pattern with
    /// firstVisible counted from each chunk's start; `scores` at least (c·N, c·N); `temporary` at
    /// least (c·N, d).
    public static func forward(q: Matrix, k: Matrix, v: Matrix, decay: DecayPattern, state: CarriedState,
                               scores: Matrix, temporary: Matrix, into y: Matrix) {
        let n = decay.agents, steps = q.rows / n, chunks = state.chunkCount(steps: steps), d = q.cols
        for j in 0..<chunks {
            let chunk = Chunk(j, state: state, decay: decay, steps: steps)
            let (qc, kc, vc, yc) = (chunk.view(q), chunk.view(k), chunk.view(v), chunk.view(y))
            RetentionKernel.forward(q: qc, k: kc, v: vc, decay: chunk.decay, scores: scores, into: yc)
            let entering = state.entry(j, headSize: d)
            if let s = entering, chunk.visible > 0 {
                let seen = chunk.visible * n, qs = temporary.rows(0, seen)
                MatMul.product(qc.rows(0, seen), s, into: qs, parallel: false)
                for r in 0..<seen { addRow(qs, r, scaled: chunk.stateWeight(row: r), into: yc) }
            }
            guard j + 1 < chunks, let next = state.entry(j + 1, headSize: d) else { continue }
            // S_out = (w ⊙ K)ᵀ V over the tokens the last timestep sees, + κ^C S_in.
            let lo = chunk.lastVisibleRow, kw = temporary.rows(lo, chunk.rows - lo)
            for r in lo..<chunk.rows { scaleRow(kc, r, by: chunk.outWeight(row: r), into: kw, r - lo) }
            if let s = entering, chunk.visible == chunk.steps {
                let a = decay.powers[chunk.steps]
                for i in 0..<d { for c in 0..<d { next[i, c] = a * s[i, c] } }
            } else {
                next.zero()
            }
            MatMul.product(kw, transposeA: true, vc.rows(lo, chunk.rows - lo), into: next, accumulate: true, parallel: false)
        }
    }

    /// Backward of `forward` (whose entry states must still be in `state.entries`): overwrites dq,
    /// dk, dv and, when given, `initialGradient` (d, d) with dL/dS_in of the first chunk. The
    /// gradient of each chunk's outgoing state flows back into its K, V and, through κ^C, into the
    /// chunk's own incoming state. `stateGradient` is a (d, d) temporary.
    public static func backward(
        dy: Matrix, q: Matrix, k: Matrix, v: Matrix, decay: DecayPattern, state: CarriedState,
        scores: Matrix, scratch: Matrix, temporary: Matrix, stateGradient ds: Matrix,
        dq: Matrix, dk: Matrix, dv: Matrix, initialGradient: Matrix? = nil
    ) {
        let n = decay.agents, steps = q.rows / n, chunks = state.chunkCount(steps: steps), d = q.cols
        for j in stride(from: chunks - 1, through: 0, by: -1) {
            let chunk = Chunk(j, state: state, decay: decay, steps: steps)
            let (qc, kc, vc, dyc) = (chunk.view(q), chunk.view(k), chunk.view(v), chunk.view(dy))
            let (dqc, dkc, dvc) = (chunk.view(dq), chunk.view(dk), chunk.view(dv))
            RetentionKernel.backward(dy: dyc, q: qc, k: kc, v: vc, decay: chunk.decay, scores: scores, scratch: scratch,
                                     dq: dqc, dk: dkc, dv: dvc)
            if j + 1 < chunks {
                // dS_out (in ds) reaches V through (w ⊙ K) and K through w ⊙ (V dS_outᵀ).
                let lo = chunk.lastVisibleRow, count = chunk.rows - lo, t = temporary.rows(lo, count)
                for r in lo..<chunk.rows { scaleRow(kc, r, by: chunk.outWeight(row: r), into: t, r - lo) }
                MatMul.product(t, ds, into: dvc.rows(lo, count), accumulate: true, parallel: false)
                MatMul.product(vc.rows(lo, count), ds, transposeB: true, into: t, parallel: false)
                for r in lo..<chunk.rows { addRow(t, r - lo, scaled: chunk.outWeight(row: r), into: dkc, at: r) }
            }
            guard let s = state.entry(j, headSize: d) else { break }
            // dS_in = κ^C dS_out (no episode start in the chunk) + Qᵀ (ξ ⊙ dY); dQ += ξ ⊙ (dY S_inᵀ).
            let a: Float = chunk.visible == chunk.steps && j + 1 < chunks ? decay.powers[chunk.steps] : 0
            if a == 0 { ds.zero() } else { for i in 0..<d { for c in 0..<d { ds[i, c] = a * ds[i, c] } } }
            if chunk.visible > 0 {
                let seen = chunk.visible * n, t = temporary.rows(0, seen)
                MatMul.product(dyc.rows(0, seen), s, transposeB: true, into: t, parallel: false)
                for r in 0..<seen { addRow(t, r, scaled: chunk.stateWeight(row: r), into: dqc) }
                for r in 0..<seen { scaleRow(dyc, r, by: chunk.stateWeight(row: r), into: t, r) }
                MatMul.product(qc.rows(0, seen), transposeA: true, t, into: ds, accumulate: true, parallel: false)
            }
            if j == 0, let initialGradient { initialGradient.copy(from: ds) }
        }
    }

    /// out[r] += w · m[r] (row `at` of out, default r).
    private static func addRow(_ m: Matrix, _ r: Int, scaled w: Float, into out: Matrix, at row: Int? = nil) {
        let src = m.pointer + r * m.stride, dst = out.pointer + (row ?? r) * out.stride
        for c in 0..<m.cols { dst[c] += w * src[c] }
    }

    /// out[row] = w · m[r].
    private static func scaleRow(_ m: Matrix, _ r: Int, by w: Float, into out: Matrix, _ row: Int) {
        let src = m.pointer + r * m.stride, dst = out.pointer + row * out.stride
        for c in 0..<m.cols { dst[c] = w * src[c] }
    }

    /// Chunk j of a sample: its rows, decay pattern and state weights.
    private struct Chunk {
        let firstRow, rows, steps, visible, agents: Int
        let decay: DecayPattern
        /// First row the chunk's last timestep sees (its last episode start, or the chunk start).
        let lastVisibleRow: Int

        init(_ j: Int, state: CarriedState, decay full: DecayPattern, steps total: Int) {
            let start = j * state.chunkSteps
            agents = full.agents
            steps = min(state.chunkSteps, total - start)
            firstRow = start * agents
            rows = steps * agents
            visible = Int(state.visibleSteps[j])
            decay = DecayPattern(powers: full.powers, firstVisible: full.firstVisible + start, agents: agents,
                                 causal: full.causal)
            lastVisibleRow = Int(decay.firstVisible[steps - 1]) * agents
        }

        func view(_ m: Matrix) -> Matrix { m.rows(firstRow, rows) }

        /// ξ of chunk row r (only rows before the first episode start ask).
        func stateWeight(row r: Int) -> Float { decay.powers[r / agents + 1] }

        /// κ^(C−1−t) of chunk row r ≥ lastVisibleRow in S_out.
        func outWeight(row r: Int) -> Float { decay.powers[steps - 1 - r / agents] }
    }
}
