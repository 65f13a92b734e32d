import Layers
import TensorCore

/// Borrowed access to one parameter (or gradient) arena during a forward/backward call.
struct ParameterView {
    let base: UnsafeMutablePointer<Float>

    func matrix(_ s: ParameterSlice) -> Matrix { Matrix(base + s.offset, rows: s.rows, cols: s.cols) }
    func pointer(_ s: ParameterSlice) -> UnsafeMutablePointer<Float> { base + s.offset }

    /// Runs `body` with views of `arena`'s buffer; the views must not escape.
    static func with<R>(_ arena: ParameterArena, _ body: (ParameterView) throws -> R) rethrows -> R {
        try arena.buffer.withUnsafeMutableBufferPointer { try body(ParameterView(base: $0.baseAddress!)) }
    }
}

/// Column-wise adds: bias (n) broadcast over rows; and row sums.
enum RowOps {
    static func addBias(_ bias: UnsafePointer<Float>, to y: Matrix) {
        Parallel.forRows(y.rows) { rows in
            for r in rows {
                let row = y.pointer + r * y.stride
                for c in 0..<y.cols { row[c] += bias[c] }
            }
        }
    }

    static func accumulateColumnSums(_ x: Matrix, into out: UnsafeMutablePointer<Float>) {
        let partials = Parallel.reduceRows(x.rows, width: x.cols) { rows, sums in
            for r in rows {
                let row = x.pointer + r * x.stride
                for c in 0..<x.cols { sums[c] += row[c] }
            }
        }
        partials.addSums(into: out)
    }

    /// z = a + b element-wise (all same shape).
    static func sum(_ a: Matrix, _ b: Matrix, into z: Matrix) {
        for r in 0..<a.rows {
            let ar = a.pointer + r * a.stride, br = b.pointer + r * b.stride, zr = z.pointer + r * z.stride
            for c in 0..<a.cols { zr[c] = ar[c] + br[c] }
        }
    }
}
