import Kernels
import TensorCore

/// Saved state of one RMSNorm application: 1/rms per row and, when `storesOutput`, the output.
///
/// Outputs that only feed the next operation are not kept: forward writes them into a scratch
/// matrix and backward writes them again from the saved input and rstd (`recompute`), which
/// gives the same bits, for the cost of one element-wise pass.
struct NormActivation {
    private let storage: Matrix?
    let rstd: UnsafeMutablePointer<Float>

    init(maxRows: Int, cols: Int, storesOutput: Bool = true, workspace: Workspace) {
        storage = storesOutput ? workspace.matrix(maxRows, cols) : nil
        rstd = workspace.floats(maxRows)
    }

    /// The saved output (only for norms built with `storesOutput`).
    var output: Matrix { storage! }
    var storesOutput: Bool { storage != nil }

    /// Forward into the saved output.
    func forward(_ x: Matrix, scale: UnsafePointer<Float>) {
        forward(x, scale: scale, into: output.prefix(rows: x.rows))
    }

    /// Forward into `y` (saves rstd); returns `y`.
    @discardableResult
    func forward(_ x: Matrix, scale: UnsafePointer<Float>, into y: Matrix) -> Matrix {
        RMSNormKernel.forward(x, scale: scale, into: y, rstd: rstd)
        return y
    }

    /// y = x ⊙ rstd ⊙ scale from the saved rstd: forward's output again, bit for bit.
    @discardableResult
    func recompute(_ x: Matrix, scale: UnsafePointer<Float>, into y: Matrix) -> Matrix {
        let n = x.cols
        Parallel.forRows(x.rows) { rows in
            for r in rows {
                let xs = x.pointer + r * x.stride, ys = y.pointer + r * y.stride, inv = rstd[r]
                for c in 0..<n { ys[c] = xs[c] * inv * scale[c] }
            }
        }
        return y
    }

    func backward(_ dy: Matrix, input x: Matrix, scale: UnsafePointer<Float>, dScale: UnsafeMutablePointer<Float>,
                  into dx: Matrix, accumulate: Bool) {
        RMSNormKernel.backward(dy, input: x, scale: scale, rstd: rstd, into: dx, accumulate: accumulate, dScale: dScale)
    }
}

/// Encoder block b (spec §2.6.2): x_in = RMSNorm_pre(x); x1 = RMSNorm_b1(x_in + MSR(x_in));
/// x = RMSNorm_b2(x1 + FFN(x1)).
///
/// Saved: the MSR's own state, the residual sum before RMSNorm_b1, the output and the rstds.
/// x_in and x1 live in scratch d and e during forward and are recomputed by backward.
struct EncoderBlock {
    let slices: EncoderBlockSlices
    let preNorm: NormActivation
    let retention: MultiScaleRetention
    let residual1: Matrix
    let norm1: NormActivation
    let feedForward: FeedForward
    let residual2: DeferredMatrix
    let norm2: NormActivation

    /// Block `index` of the encoder (its carried state is module `index`).
    init(slices: EncoderBlockSlices, index: Int, config: ModelConfig, maxRows: Int, workspace: Workspace) {
        let e = config.embedding
        self.slices = slices
        preNorm = NormActivation(maxRows: maxRows, cols: e, storesOutput: false, workspace: workspace)
        retention = MultiScaleRetention(slices: slices.retention, config: config, causal: false, stateModule: index,
                                        maxRows: maxRows, workspace: workspace)
        residual1 = workspace.matrix(maxRows, e)
        norm1 = NormActivation(maxRows: maxRows, cols: e, storesOutput: false, workspace: workspace)
        feedForward = FeedForward(slices: slices.feedForward)
        residual2 = DeferredMatrix(maxRows, e, in: workspace)
        norm2 = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
    }

    func forward(_ x: Matrix, sharedNorm: ParameterSlice, p: ParameterView, sequences: SampleSequences,
                 scratch: RetentionScratch) -> Matrix {
        let rows = x.rows
        let xin = preNorm.forward(x, scale: p.pointer(sharedNorm), into: scratch.d.prefix(rows: rows))
        let s1 = residual1.prefix(rows: rows)
        retention.forward(key: xin, query: xin, value: xin, rows: rows, p: p, sequences: sequences, scratch: scratch, into: s1)
        s1.add(xin)
        let x1 = norm1.forward(s1, scale: p.pointer(slices.norm1), into: scratch.e.prefix(rows: rows))
        norm2.forward(secondResidual(x1, p: p, scratch: scratch), scale: p.pointer(slices.norm2))
        return norm2.output.prefix(rows: rows)
    }

    /// x1 + FFN(x1), saved in `residual2` while the FFN is active; x1 itself while it is zero.
    private func secondResidual(_ x1: Matrix, p: ParameterView, scratch: RetentionScratch) -> Matrix {
        guard feedForward.isActive(p) else { return x1 }
        let s2 = residual2.matrix().prefix(rows: x1.rows)
        s2.copy(from: x1)
        feedForward.forward(x1, p: p, scratch: scratch, addInto: s2)
        return s2
    }

    /// Given dOut (overwritten as scratch), writes d(block input) into `dInput` (overwrite).
    func backward(dOut: Matrix, input x: Matrix, sharedNorm: ParameterSlice, p: ParameterView, g: ParameterView,
                  sequences: SampleSequences, scratch: RetentionScratch, spare: Matrix, dInput: Matrix) {
        let rows = x.rows
        let s1 = residual1.prefix(rows: rows)
        let x1 = norm1.recompute(s1, scale: p.pointer(slices.norm1), into: scratch.d.prefix(rows: rows))
        // d s2 into spare; d x1 = d s2 (+ FFN back)
        let ffnActive = feedForward.isActive(p)
        norm2.backward(dOut, input: ffnActive ? residual2.matrix().prefix(rows: rows) : x1, scale: p.pointer(slices.norm2),
                       dScale: g.pointer(slices.norm2), into: spare, accumulate: false)
        if ffnActive {
            feedForward.backward(dOut: spare, input: x1, p: p, g: g, scratch: scratch, dHidden: dOut, dInput: spare)
        }
        // d s1 into dOut; d xin = d s1 + MSR back. x_in is rebuilt in dInput, free until preNorm's backward.
        norm1.backward(spare, input: s1, scale: p.pointer(slices.norm1),
                       dScale: g.pointer(slices.norm1), into: dOut, accumulate: false)
        spare.copy(from: dOut)
        let xin = preNorm.recompute(x, scale: p.pointer(sharedNorm), into: dInput)
        retention.backward(dOut: dOut, key: xin, query: xin, value: xin, rows: rows, p: p, g: g, sequences: sequences,
                           scratch: scratch, dKey: spare, dQuery: spare, dValue: spare)
        preNorm.backward(spare, input: x, scale: p.pointer(sharedNorm), dScale: g.pointer(sharedNorm),
                         into: dInput, accumulate: false)
    }
}

/// Decoder block b (spec §2.7.2): h = RMSNorm_b1(x + MSR_self(x)); y = RMSNorm_b2(obs_rep +
/// MSR_cross(key = h, query = obs_rep, value = h)); x = RMSNorm_b3(y + FFN(y)).
///
/// Saved: both MSRs' state, the residual sums before RMSNorm_b1 and _b2, the rstds and, unless
/// this is the last block (whose output only feeds the heads), the output. h, y and the last
/// block's output live in scratch d, e and d during forward and are recomputed by backward.
struct DecoderBlock {
    let slices: DecoderBlockSlices
    let selfRetention: MultiScaleRetention
    let residual1: Matrix
    let norm1: NormActivation
    let crossRetention: MultiScaleRetention
    let residual2: Matrix
    let norm2: NormActivation
    let feedForward: FeedForward
    let residual3: DeferredMatrix
    let norm3: NormActivation

    /// Block `index` of the decoder (carried states: modules blocks + `index`, self, and
    /// 2·blocks + `index`, cross).
    init(slices: DecoderBlockSlices, index: Int, config: ModelConfig, maxRows: Int, isLast: Bool, workspace: Workspace) {
        let e = config.embedding
        self.slices = slices
        selfRetention = MultiScaleRetention(slices: slices.selfRetention, config: config, causal: true,
                                            stateModule: config.blocks + index, maxRows: maxRows, workspace: workspace)
        residual1 = workspace.matrix(maxRows, e)
        norm1 = NormActivation(maxRows: maxRows, cols: e, storesOutput: false, workspace: workspace)
        crossRetention = MultiScaleRetention(slices: slices.crossRetention, config: config, causal: true,
                                             stateModule: 2 * config.blocks + index, maxRows: maxRows, workspace: workspace)
        residual2 = workspace.matrix(maxRows, e)
        norm2 = NormActivation(maxRows: maxRows, cols: e, storesOutput: false, workspace: workspace)
        feedForward = FeedForward(slices: slices.feedForward)
        residual3 = DeferredMatrix(maxRows, e, in: workspace)
        norm3 = NormActivation(maxRows: maxRows, cols: e, storesOutput: !isLast, workspace: workspace)
    }

    /// Returns the block output: saved, or in scratch d for the last block.
    func forward(_ x: Matrix, obsRep: Matrix, p: ParameterView, sequences: SampleSequences,
                 scratch: RetentionScratch) -> Matrix {
        let rows = x.rows
        let s = residual1.prefix(rows: rows)
        selfRetention.forward(key: x, query: x, value: x, rows: rows, p: p, sequences: sequences, scratch: scratch, into: s)
        s.add(x)
        let h = norm1.forward(s, scale: p.pointer(slices.norm1), into: scratch.d.prefix(rows: rows))
        let s2 = residual2.prefix(rows: rows)
        crossRetention.forward(key: h, query: obsRep, value: h, rows: rows, p: p, sequences: sequences, scratch: scratch, into: s2)
        s2.add(obsRep)
        let y = norm2.forward(s2, scale: p.pointer(slices.norm2), into: scratch.e.prefix(rows: rows))
        var s3 = y
        if feedForward.isActive(p) {
            s3 = residual3.matrix().prefix(rows: rows)
            s3.copy(from: y)
            feedForward.forward(y, p: p, scratch: scratch, addInto: s3)
        }
        return norm3.forward(s3, scale: p.pointer(slices.norm3), into: outputTarget(rows: rows, scratch: scratch))
    }

    private func outputTarget(rows: Int, scratch: RetentionScratch) -> Matrix {
        (norm3.storesOutput ? norm3.output : scratch.d).prefix(rows: rows)
    }

    /// y (into scratch e) and the input of RMSNorm_b3, recomputed from the saved state.
    private func recomputeSecondNorm(rows: Int, p: ParameterView, scratch: RetentionScratch) -> (y: Matrix, s3: Matrix) {
        let y = norm2.recompute(residual2.prefix(rows: rows), scale: p.pointer(slices.norm2), into: scratch.e.prefix(rows: rows))
        return (y, feedForward.isActive(p) ? residual3.matrix().prefix(rows: rows) : y)
    }

    /// The block output: the saved one, or (last block) recomputed into scratch d (uses scratch e).
    func output(rows: Int, p: ParameterView, scratch: RetentionScratch) -> Matrix {
        if norm3.storesOutput { return norm3.output.prefix(rows: rows) }
        let (_, s3) = recomputeSecondNorm(rows: rows, p: p, scratch: scratch)
        return norm3.recompute(s3, scale: p.pointer(slices.norm3), into: scratch.d.prefix(rows: rows))
    }

    /// Given dOut (overwritten as scratch), writes d(block input) into `dInput` (overwrite) and
    /// accumulates d obs_rep into `dObsRep`.
    func backward(dOut: Matrix, input x: Matrix, obsRep: Matrix, p: ParameterView, g: ParameterView,
                  sequences: SampleSequences, scratch: RetentionScratch, spare: Matrix,
                  dObsRep: Matrix, dInput: Matrix) {
        let rows = x.rows
        let (y, s3) = recomputeSecondNorm(rows: rows, p: p, scratch: scratch)
        norm3.backward(dOut, input: s3, scale: p.pointer(slices.norm3), dScale: g.pointer(slices.norm3), into: spare,
                       accumulate: false)
        if feedForward.isActive(p) {
            feedForward.backward(dOut: spare, input: y, p: p, g: g, scratch: scratch, dHidden: dOut, dInput: spare)
        }
        // d s2 into dOut
        let s2 = residual2.prefix(rows: rows)
        norm2.backward(spare, input: s2, scale: p.pointer(slices.norm2), dScale: g.pointer(slices.norm2), into: dOut,
                       accumulate: false)
        dObsRep.add(dOut)
        spare.zero()
        // h is rebuilt in dInput, which is free until the self-retention's backward.
        let s = residual1.prefix(rows: rows)
        let h = norm1.recompute(s, scale: p.pointer(slices.norm1), into: dInput)
        crossRetention.backward(dOut: dOut, key: h, query: obsRep, value: h, rows: rows, p: p, g: g, sequences: sequences,
                                scratch: scratch, dKey: spare, dQuery: dObsRep, dValue: spare)
        // d s into dOut; d x = d s + MSR_self back
        norm1.backward(spare, input: s, scale: p.pointer(slices.norm1), dScale: g.pointer(slices.norm1), into: dOut,
                       accumulate: false)
        dInput.copy(from: dOut)
        selfRetention.backward(dOut: dOut, key: x, query: x, value: x, rows: rows, p: p, g: g, sequences: sequences,
                               scratch: scratch, dKey: dInput, dQuery: dInput, dValue: dInput)
    }
}
