import Foundation
import Kernels
import TensorCore

/// The sinusoidal code of an episode's step count that memory Sable adds to the key, query and
/// value inputs of every retention (online-sable.md §1.3 step 2, pitfall P11; Mava's
/// `timestep_positional_encoding`): for step p and column c of E, with ω_j = 10000^(−2j/E),
/// code[2j] = sin(p·ω_j) and code[2j+1] = cos(p·ω_j). The acting and training forms add it through
/// this one type, so both see the same bits.
public struct TimestepEncoding {
    /// ω_{c/2} per column c (E values).
    let frequencies: UnsafeMutablePointer<Float>
    /// The codes of steps 0..<`tabulatedSteps` (RWARE's 500-step episodes and every shorter
    /// limit), one row of E per step, computed once: the same bits as computing them per row.
    let table: UnsafeMutablePointer<Float>
    static let tabulatedSteps = 512
    public let embedding: Int

    public init(embedding: Int, workspace: Workspace) {
        self.embedding = embedding
        frequencies = workspace.floats(embedding)
        for c in 0..<embedding { frequencies[c] = Float(exp(Double(c - c % 2) * (-log(10000.0) / Double(embedding)))) }
        table = workspace.floats(Self.tabulatedSteps * embedding)
        for step in 0..<Self.tabulatedSteps { code(step: Int32(step), into: table + step * embedding) }
    }

    /// code(step) into `out` (E values).
    private func code(step: Int32, into out: UnsafeMutablePointer<Float>) {
        for c in 0..<embedding { out[c] = value(step: step, column: c) }
    }

    /// Column c of code(step).
    @inline(__always) private func value(step: Int32, column c: Int) -> Float {
        let angle = Float(step) * frequencies[c]
        return c % 2 == 0 ? sinf(angle) : cosf(angle)
    }

    /// out[r] = x[r] + code(step) for row r.
    public func add(_ x: Matrix, row r: Int, step: Int32, into out: Matrix) {
        let xs = x.pointer + r * x.stride, o = out.pointer + r * out.stride
        if step >= 0 && Int(step) < Self.tabulatedSteps {
            let code = table + Int(step) * embedding
            for c in 0..<embedding { o[c] = xs[c] + code[c] }
        } else {
            for c in 0..<embedding { o[c] = xs[c] + value(step: step, column: c) }
        }
    }

    /// Key, query and value inputs with the code added (into `key` and `query` buffers; the value
    /// must be the key or the query input, as in every Sable retention). `step(r)` is row r's step count.
    func positioned(key xk: Matrix, query xq: Matrix, value xv: Matrix, into buffers: (key: Matrix, query: Matrix),
                    step: (Int) -> Int32) -> (key: Matrix, query: Matrix, value: Matrix) {
        precondition(xv.pointer == xk.pointer || xv.pointer == xq.pointer, "timestep encoding: the value input must be the key or query input")
        let rows = xk.rows, k = buffers.key.prefix(rows: rows)
        let sharedQuery = xq.pointer == xk.pointer
        let q = sharedQuery ? k : buffers.query.prefix(rows: rows)
        Parallel.forRows(rows) { range in
            for r in range {
                let s = step(r)
                add(xk, row: r, step: s, into: k)
                if !sharedQuery { add(xq, row: r, step: s, into: q) }
            }
        }
        return (k, q, xv.pointer == xk.pointer ? k : q)
    }
}
