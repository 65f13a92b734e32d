import Foundation
import TensorCore

/// Initial parameters of a Sable network (spec §2.1, §2.9).
public enum SableInitializer {
    /// A fresh parameter arena: norms 1, retention projections Normal(0, 1/E), SwiGLU 0,
    /// W_obs / W_act / head Lin_1 orthogonal(√2), head Lin_2 orthogonal(0.01), biases 0.
    public static func parameters(for layout: SableLayout, random: inout RandomStream) -> ParameterArena {
        let arena = ParameterArena(layout: layout.arena)
        let e = layout.config.embedding
        for s in layout.unitScales { arena.setValues([Float](repeating: 1, count: s.count), of: s) }
        func normal(_ s: ParameterSlice) {
            arena.setValues((0..<s.count).map { _ in Float(random.nextNormal() / Double(e)) }, of: s)
        }
        func orthogonal(_ s: ParameterSlice, gain: Double) {
            arena.setValues(orthogonalMatrix(rows: s.rows, cols: s.cols, gain: gain, random: &random), of: s)
        }
        func retention(_ r: RetentionSlices) {
            for h in 0..<r.query.count { normal(r.query[h]); normal(r.key[h]); normal(r.value[h]) }
            normal(r.gate)
            normal(r.output)
        }
        orthogonal(layout.obsKernel, gain: 2.0.squareRoot())
        for b in layout.encoderBlocks { retention(b.retention) }
        orthogonal(layout.actionKernel, gain: 2.0.squareRoot())
        for b in layout.decoderBlocks { retention(b.selfRetention); retention(b.crossRetention) }
        // The value head draws last, so networks without it start exactly as before.
        for head in [layout.policyHead] + (layout.qHead.map { [$0] } ?? []) + (layout.valueHead.map { [$0] } ?? []) {
            orthogonal(head.kernel1, gain: 2.0.squareRoot())
            orthogonal(head.kernel2, gain: 0.01)
        }
        return arena
    }

    /// Orthogonal (rows, cols) matrix times `gain`: QR of a (max, min) standard normal matrix
    /// (modified Gram–Schmidt, which fixes sign(diag R) = +1), transposed when rows < cols.
    static func orthogonalMatrix(rows: Int, cols: Int, gain: Double, random: inout RandomStream) -> [Float] {
        let tall = max(rows, cols), narrow = min(rows, cols)
        var q = (0..<(tall * narrow)).map { _ in random.nextNormal() }  // column-major: q[c * tall + r]
        for c in 0..<narrow {
            for p in 0..<c {
                var dot = 0.0
                for r in 0..<tall { dot += q[p * tall + r] * q[c * tall + r] }
                for r in 0..<tall { q[c * tall + r] -= dot * q[p * tall + r] }
            }
            var norm = 0.0
            for r in 0..<tall { norm += q[c * tall + r] * q[c * tall + r] }
            norm = norm.squareRoot()
            for r in 0..<tall { q[c * tall + r] /= norm }
        }
        var out = [Float](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols {
                out[i * cols + j] = Float(gain * (rows >= cols ? q[j * tall + i] : q[i * tall + j]))
            }
        }
        return out
    }
}
