import TensorCore

/// The bias half of a linear layer y = x·W + b (spec §2.1; the product is `MatMul`): b broadcast
/// over the rows of y, and its gradient db += Σ_rows dY. Rows run in parallel (`Parallel`); the
/// column sums are added per fixed-size chunk in order, so they do not depend on the thread count.
public enum RowOps {
    /// y[r, :] += bias for every row r. Shapes: y (R, C), bias (C).
    public static func addBias(_ bias: UnsafePointer<Float>, to y: Matrix) {
        Parallel.forRows(y.rows) { rows in
            for r in rows {
                let row = y.pointer + r * y.stride
                for c in 0..<y.cols { row[c] += bias[c] }
            }
        }
    }

    /// out[c] += Σ_r x[r, c]. Shapes: x (R, C), out (C).
    public static func accumulateColumnSums(_ x: Matrix, into out: UnsafeMutablePointer<Float>) {
        let partials = Parallel.reduceRows(x.rows, width: x.cols) { rows, sums in
            for r in rows {
                let row = x.pointer + r * x.stride
                for c in 0..<x.cols { sums[c] += row[c] }
            }
        }
        partials.addSums(into: out)
    }
}
