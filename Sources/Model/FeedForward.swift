import Kernels
import TensorCore

/// SwiGLU FFN (spec §2.1): FFN(x) = (swish(x W_gate) ⊙ (x W_lin)) W_out, hidden width E.
///
/// Pitfall P2: all three matrices start at zero, so the output and every gradient stay exactly
/// zero. When all three are zero the module is skipped: the result is identical (0) and the
/// gradients it would accumulate are exactly 0. Saves nothing: backward recomputes x W_gate and
/// x W_lin in the shared scratch.
struct FeedForward {
    let slices: FeedForwardSlices

    /// True when any FFN weight is non-zero (the module then has to run).
    func isActive(_ p: ParameterView) -> Bool {
        hasNonZero(slices.gate, p) || hasNonZero(slices.linear, p) || hasNonZero(slices.output, p)
    }

    private func hasNonZero(_ s: ParameterSlice, _ p: ParameterView) -> Bool {
        let w = p.pointer(s)
        for i in 0..<s.count where w[i] != 0 { return true }
        return false
    }

    /// gate = x W_gate, linear = x W_lin, hidden = swish(gate) ⊙ linear in scratch a, b, c.
    private func hidden(_ x: Matrix, p: ParameterView, scratch: RetentionScratch) -> (Matrix, Matrix, Matrix) {
        let rows = x.rows
        let gate = scratch.a.prefix(rows: rows), linear = scratch.b.prefix(rows: rows), hidden = scratch.c.prefix(rows: rows)
        MatMul.product(x, p.matrix(slices.gate), into: gate)
        MatMul.product(x, p.matrix(slices.linear), into: linear)
        for i in 0..<(rows * x.cols) { hidden.pointer[i] = Activations.swish(gate.pointer[i]) * linear.pointer[i] }
        return (gate, linear, hidden)
    }

    /// out += FFN(x).
    func forward(_ x: Matrix, p: ParameterView, scratch: RetentionScratch, addInto out: Matrix) {
        let (_, _, h) = hidden(x, p: p, scratch: scratch)
        MatMul.product(h, p.matrix(slices.output), into: out, accumulate: true)
    }

    /// dX += ∂FFN/∂x · dOut; parameter gradients accumulate. `dHidden` is a (rows, E) temporary.
    func backward(dOut: Matrix, input x: Matrix, p: ParameterView, g: ParameterView, scratch: RetentionScratch,
                  dHidden: Matrix, dInput: Matrix) {
        let rows = x.rows, e = x.cols
        let (gate, linear, h) = hidden(x, p: p, scratch: scratch)
        MatMul.product(h, transposeA: true, dOut, into: g.matrix(slices.output), accumulate: true)
        MatMul.product(dOut, p.matrix(slices.output), transposeB: true, into: dHidden)
        // Overwrite gate / linear with their gradients (forward values read first).
        for i in 0..<(rows * e) {
            let gp = gate.pointer[i], lin = linear.pointer[i], dh = dHidden.pointer[i]
            gate.pointer[i] = dh * lin * Activations.swishDerivative(gp)
            linear.pointer[i] = dh * Activations.swish(gp)
        }
        MatMul.product(x, transposeA: true, gate, into: g.matrix(slices.gate), accumulate: true)
        MatMul.product(x, transposeA: true, linear, into: g.matrix(slices.linear), accumulate: true)
        MatMul.product(gate, p.matrix(slices.gate), transposeB: true, into: dInput, accumulate: true)
        MatMul.product(linear, p.matrix(slices.linear), transposeB: true, into: dInput, accumulate: true)
    }
}

/// Output head (spec §2.7.3): out = RMSNorm(GELU(x W_1 + b_1)) W_2 + b_2.
struct OutputHead {
    let slices: HeadSlices
    let pre: Matrix
    let rstd: UnsafeMutablePointer<Float>

    init(slices: HeadSlices, maxRows: Int, embedding: Int, workspace: Workspace) {
        self.slices = slices
        pre = workspace.matrix(maxRows, embedding)
        rstd = workspace.floats(maxRows)
    }

    /// `scratch` holds (rows, E) temporaries for GELU(x W_1 + b_1) and its RMSNorm (recomputed in backward).
    func forward(_ x: Matrix, p: ParameterView, scratch: RetentionScratch, into out: Matrix) {
        let rows = x.rows, act = scratch.a.prefix(rows: rows), normed = scratch.b
        MatMul.product(x, p.matrix(slices.kernel1), into: pre.prefix(rows: rows))
        RowOps.addBias(p.pointer(slices.bias1), to: pre.prefix(rows: rows))
        Activations.gelu(pre.prefix(rows: rows), into: act.prefix(rows: rows))
        RMSNormKernel.forward(act.prefix(rows: rows), scale: p.pointer(slices.norm), into: normed.prefix(rows: rows), rstd: rstd)
        MatMul.product(normed.prefix(rows: rows), p.matrix(slices.kernel2), into: out)
        RowOps.addBias(p.pointer(slices.bias2), to: out)
    }

    /// dX += ∂head/∂x · dOut. `temporary` is a (rows, E) temporary besides the shared scratch.
    func backward(dOut: Matrix, input x: Matrix, p: ParameterView, g: ParameterView, scratch shared: RetentionScratch,
                  temporary scratch: Matrix, dInput: Matrix) {
        let rows = x.rows, act = shared.a.prefix(rows: rows), normed = shared.b
        Activations.gelu(pre.prefix(rows: rows), into: act)
        RMSNormKernel.forward(act, scale: p.pointer(slices.norm), into: normed.prefix(rows: rows), rstd: rstd)
        MatMul.product(normed.prefix(rows: rows), transposeA: true, dOut, into: g.matrix(slices.kernel2), accumulate: true)
        RowOps.accumulateColumnSums(dOut, into: g.pointer(slices.bias2))
        MatMul.product(dOut, p.matrix(slices.kernel2), transposeB: true, into: scratch)
        RMSNormKernel.backward(scratch, input: act.prefix(rows: rows), scale: p.pointer(slices.norm), rstd: rstd,
                               into: scratch, accumulate: false, dScale: g.pointer(slices.norm))
        Activations.geluBackward(scratch, input: pre.prefix(rows: rows), into: scratch)
        MatMul.product(x, transposeA: true, scratch, into: g.matrix(slices.kernel1), accumulate: true)
        RowOps.accumulateColumnSums(scratch, into: g.pointer(slices.bias1))
        MatMul.product(scratch, p.matrix(slices.kernel1), transposeB: true, into: dInput, accumulate: true)
    }
}
