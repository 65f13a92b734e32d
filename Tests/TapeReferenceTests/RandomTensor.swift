import TapeReference
import TensorCore

extension Tensor {
    /// A tensor of `shape` with values uniform in `range`, drawn from `stream` (test data).
    static func uniform(_ shape: Shape, in range: ClosedRange<Float> = -1...1,
                        stream: inout RandomStream) -> Tensor {
        let width = range.upperBound - range.lowerBound
        let values = (0..<shape.count).map { _ in range.lowerBound + width * stream.nextUniformFloat() }
        return Tensor(shape: shape, values: values)
    }
}
