import TensorCore

/// A borrowed row-major view of `rows × cols` floats with row stride `stride`.
///
/// Views point into memory owned by a `Workspace` or a `ParameterArena`; they are valid only
/// while that owner lives and are never stored beyond one forward/backward call.
public struct Matrix {
    public let pointer: UnsafeMutablePointer<Float>
    public let rows: Int
    public let cols: Int
    public let stride: Int

    @inlinable public init(_ pointer: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int? = nil) {
        self.pointer = pointer
        self.rows = rows
        self.cols = cols
        self.stride = stride ?? cols
    }

    /// The first `count` rows.
    @inlinable public func prefix(rows count: Int) -> Matrix { Matrix(pointer, rows: count, cols: cols, stride: stride) }

    /// Rows `start..<start+count`.
    @inlinable public func rows(_ start: Int, _ count: Int) -> Matrix {
        Matrix(pointer + start * stride, rows: count, cols: cols, stride: stride)
    }

    /// Columns `start..<start+count` of every row (same stride).
    @inlinable public func columns(_ start: Int, _ count: Int) -> Matrix {
        Matrix(pointer + start, rows: rows, cols: count, stride: stride)
    }

    @inlinable public subscript(row: Int, col: Int) -> Float {
        get { pointer[row * stride + col] }
        nonmutating set { pointer[row * stride + col] = newValue }
    }

    /// Sets every element to zero.
    public func zero() {
        if stride == cols { pointer.update(repeating: 0, count: rows * cols); return }
        for r in 0..<rows { (pointer + r * stride).update(repeating: 0, count: cols) }
    }

    /// Copies `other` (same shape) into this view.
    public func copy(from other: Matrix) {
        precondition(other.rows == rows && other.cols == cols, "copy: \(other.rows)x\(other.cols) into \(rows)x\(cols)")
        for r in 0..<rows { (pointer + r * stride).update(from: other.pointer + r * other.stride, count: cols) }
    }

    /// self += other (same shape).
    public func add(_ other: Matrix) {
        precondition(other.rows == rows && other.cols == cols, "add: \(other.rows)x\(other.cols) to \(rows)x\(cols)")
        Parallel.forRows(rows) { range in
            for r in range {
                let d = pointer + r * stride
                let s = other.pointer + r * other.stride
                for c in 0..<cols { d[c] += s[c] }
            }
        }
    }
}
