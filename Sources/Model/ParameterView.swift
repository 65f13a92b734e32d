import Kernels
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
