import Layers
import TensorCore

/// Saved activations of one RMSNorm application: its output and 1/rms per row.
struct NormActivation {
    let output: Matrix
    let rstd: UnsafeMutablePointer<Float>

    init(maxRows: Int, cols: Int, workspace: Workspace) {
        output = workspace.matrix(maxRows, cols)
        rstd = workspace.floats(maxRows)
    }

    func forward(_ x: Matrix, scale: UnsafePointer<Float>) {
        RMSNormKernel.forward(x, scale: scale, into: output.prefix(rows: x.rows), rstd: rstd)
    }

    func backward(_ dy: Matrix, input x: Matrix, scale: UnsafePointer<Float>, dScale: UnsafeMutablePointer<Float>,
                  into dx: Matrix, accumulate: Bool) {
        RMSNormKernel.backward(dy, input: x, scale: scale, rstd: rstd, into: dx, accumulate: accumulate, dScale: dScale)
    }
}

/// Encoder block b (spec §2.6.2): x_in = RMSNorm_pre(x); x1 = RMSNorm_b1(x_in + MSR(x_in));
/// x = RMSNorm_b2(x1 + FFN(x1)).
struct EncoderBlock {
    let slices: EncoderBlockSlices
    let preNorm: NormActivation
    let retention: MultiScaleRetention
    let residual1: Matrix
    let norm1: NormActivation
    let feedForward: FeedForward
    let residual2: DeferredMatrix
    let norm2: NormActivation

    init(slices: EncoderBlockSlices, config: ModelConfig, maxRows: Int, tokens: Int, workspace: Workspace) {
        let e = config.embedding
        self.slices = slices
        preNorm = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
        retention = MultiScaleRetention(slices: slices.retention, config: config, causal: false, maxRows: maxRows,
                                        tokens: tokens, workspace: workspace)
        residual1 = workspace.matrix(maxRows, e)
        norm1 = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
        feedForward = FeedForward(slices: slices.feedForward)
        residual2 = DeferredMatrix(maxRows, e, in: workspace)
        norm2 = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
    }

    func forward(_ x: Matrix, sharedNorm: ParameterSlice, p: ParameterView, decay: (Int, Int) -> DecayPattern,
                 scratch: RetentionScratch) -> Matrix {
        let rows = x.rows
        preNorm.forward(x, scale: p.pointer(sharedNorm))
        let xin = preNorm.output.prefix(rows: rows)
        let s1 = residual1.prefix(rows: rows)
        retention.forward(key: xin, query: xin, value: xin, rows: rows, p: p, decay: decay, scratch: scratch, into: s1)
        s1.add(xin)
        norm1.forward(s1, scale: p.pointer(slices.norm1))
        let x1 = norm1.output.prefix(rows: rows)
        var s2 = x1
        if feedForward.isActive(p) {
            s2 = residual2.matrix().prefix(rows: rows)
            s2.copy(from: x1)
            feedForward.forward(x1, p: p, scratch: scratch, addInto: s2)
        }
        norm2.forward(s2, scale: p.pointer(slices.norm2))
        return norm2.output.prefix(rows: rows)
    }

    /// Given dOut (overwritten as scratch), writes d(block input) into `dInput` (overwrite).
    func backward(dOut: Matrix, input x: Matrix, sharedNorm: ParameterSlice, p: ParameterView, g: ParameterView,
                  decay: (Int, Int) -> DecayPattern, scratch: RetentionScratch, spare: Matrix, dInput: Matrix) {
        let rows = x.rows
        let xin = preNorm.output.prefix(rows: rows), x1 = norm1.output.prefix(rows: rows)
        // d s2 into spare; d x1 = d s2 (+ FFN back)
        let ffnActive = feedForward.isActive(p)
        norm2.backward(dOut, input: ffnActive ? residual2.matrix().prefix(rows: rows) : x1, scale: p.pointer(slices.norm2),
                       dScale: g.pointer(slices.norm2), into: spare, accumulate: false)
        if ffnActive {
            feedForward.backward(dOut: spare, input: x1, p: p, g: g, scratch: scratch, dHidden: dOut, dInput: spare)
        }
        // d s1 into dOut; d xin = d s1 + MSR back
        norm1.backward(spare, input: residual1.prefix(rows: rows), scale: p.pointer(slices.norm1),
                       dScale: g.pointer(slices.norm1), into: dOut, accumulate: false)
        spare.copy(from: dOut)
        retention.backward(dOut: dOut, key: xin, query: xin, value: xin, rows: rows, p: p, g: g, decay: decay,
                           scratch: scratch, dKey: spare, dQuery: spare, dValue: spare)
        preNorm.backward(spare, input: x, scale: p.pointer(sharedNorm), dScale: g.pointer(sharedNorm),
                         into: dInput, accumulate: false)
    }
}

/// Decoder block b (spec §2.7.2): h = RMSNorm_b1(x + MSR_self(x)); y = RMSNorm_b2(obs_rep +
/// MSR_cross(key = h, query = obs_rep, value = h)); x = RMSNorm_b3(y + FFN(y)).
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

    init(slices: DecoderBlockSlices, config: ModelConfig, maxRows: Int, tokens: Int, workspace: Workspace) {
        let e = config.embedding
        self.slices = slices
        selfRetention = MultiScaleRetention(slices: slices.selfRetention, config: config, causal: true, maxRows: maxRows,
                                            tokens: tokens, workspace: workspace)
        residual1 = workspace.matrix(maxRows, e)
        norm1 = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
        crossRetention = MultiScaleRetention(slices: slices.crossRetention, config: config, causal: true, maxRows: maxRows,
                                             tokens: tokens, workspace: workspace)
        residual2 = workspace.matrix(maxRows, e)
        norm2 = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
        feedForward = FeedForward(slices: slices.feedForward)
        residual3 = DeferredMatrix(maxRows, e, in: workspace)
        norm3 = NormActivation(maxRows: maxRows, cols: e, workspace: workspace)
    }

    func forward(_ x: Matrix, obsRep: Matrix, p: ParameterView, decay: (Int, Int) -> DecayPattern,
                 scratch: RetentionScratch) -> Matrix {
        let rows = x.rows
        let s = residual1.prefix(rows: rows)
        selfRetention.forward(key: x, query: x, value: x, rows: rows, p: p, decay: decay, scratch: scratch, into: s)
        s.add(x)
        norm1.forward(s, scale: p.pointer(slices.norm1))
        let h = norm1.output.prefix(rows: rows)
        let s2 = residual2.prefix(rows: rows)
        crossRetention.forward(key: h, query: obsRep, value: h, rows: rows, p: p, decay: decay, scratch: scratch, into: s2)
        s2.add(obsRep)
        norm2.forward(s2, scale: p.pointer(slices.norm2))
        let y = norm2.output.prefix(rows: rows)
        var s3 = y
        if feedForward.isActive(p) {
            s3 = residual3.matrix().prefix(rows: rows)
            s3.copy(from: y)
            feedForward.forward(y, p: p, scratch: scratch, addInto: s3)
        }
        norm3.forward(s3, scale: p.pointer(slices.norm3))
        return norm3.output.prefix(rows: rows)
    }

    /// Given dOut (overwritten as scratch), writes d(block input) into `dInput` (overwrite) and
    /// accumulates d obs_rep into `dObsRep`.
    func backward(dOut: Matrix, input x: Matrix, obsRep: Matrix, p: ParameterView, g: ParameterView,
                  decay: (Int, Int) -> DecayPattern, scratch: RetentionScratch, spare: Matrix,
                  dObsRep: Matrix, dInput: Matrix) {
        let rows = x.rows
        let h = norm1.output.prefix(rows: rows), y = norm2.output.prefix(rows: rows)
        let ffnActive = feedForward.isActive(p)
        norm3.backward(dOut, input: ffnActive ? residual3.matrix().prefix(rows: rows) : y, scale: p.pointer(slices.norm3),
                       dScale: g.pointer(slices.norm3), into: spare, accumulate: false)
        if ffnActive {
            feedForward.backward(dOut: spare, input: y, p: p, g: g, scratch: scratch, dHidden: dOut, dInput: spare)
        }
        // d s2 into dOut
        norm2.backward(spare, input: residual2.prefix(rows: rows), scale: p.pointer(slices.norm2),
                       dScale: g.pointer(slices.norm2), into: dOut, accumulate: false)
        dObsRep.add(dOut)
        spare.zero()
        crossRetention.backward(dOut: dOut, key: h, query: obsRep, value: h, rows: rows, p: p, g: g, decay: decay,
                                scratch: scratch, dKey: spare, dQuery: dObsRep, dValue: spare)
        // d s into dOut; d x = d s + MSR_self back
        norm1.backward(spare, input: residual1.prefix(rows: rows), scale: p.pointer(slices.norm1),
                       dScale: g.pointer(slices.norm1), into: dOut, accumulate: false)
        dInput.copy(from: dOut)
        selfRetention.backward(dOut: dOut, key: x, query: x, value: x, rows: rows, p: p, g: g, decay: decay,
                               scratch: scratch, dKey: dInput, dQuery: dInput, dValue: dInput)
    }
}
