import TensorCore

/// A dense, row-major Float32 tensor of up to 4 dimensions: a view of `count` contiguous floats
/// of an `AlignedBuffer`, starting at `offset`.
///
/// Views share storage: `reshaped` and `slice(leading:)` never copy. Tensors made by a
/// `TapeWorkspace` or `Tensor(shape:)` start 64-byte aligned; a leading-axis slice is aligned when
/// its offset is a multiple of 16 floats (`isAligned`).
///
/// Properties: `offset + count <= buffer.count`; `Tensor` is a value type over shared storage, so
/// writing through one view is seen by every other view of the same buffer.
public struct Tensor: @unchecked Sendable {
    /// The storage this tensor views.
    public let buffer: AlignedBuffer
    /// First element, in floats from the start of `buffer`.
    public let offset: Int
    public let shape: Shape

    /// A view of `buffer` (checked to fit).
    public init(buffer: AlignedBuffer, offset: Int = 0, shape: Shape) {
        precondition(offset >= 0 && offset + shape.count <= buffer.count,
                     "Tensor view \(shape) at offset \(offset) does not fit a buffer of \(buffer.count)")
        self.buffer = buffer
        self.offset = offset
        self.shape = shape
    }

    /// A new zero-filled tensor with its own aligned storage.
    public init(zeros shape: Shape) {
        self.init(buffer: AlignedBuffer(count: shape.count), shape: shape)
    }

    /// A new tensor holding `values` (row-major).
    public init(shape: Shape, values: [Float]) {
        precondition(values.count == shape.count, "Tensor \(shape) needs \(shape.count) values, got \(values.count)")
        self.init(buffer: AlignedBuffer(values), shape: shape)
    }

    /// The tensor of parameter `slice` inside an arena (values or gradients).
    public init(_ arena: ParameterArena, _ slice: ParameterSlice) {
        self.init(buffer: arena.buffer, offset: slice.offset, shape: Shape(slice.shape))
    }

    public var count: Int { shape.count }
    public var rank: Int { shape.rank }

    /// True when the first element sits on a 64-byte boundary (safe to hand to BLAS).
    public var isAligned: Bool { offset % AlignedBuffer.floatsPerAlignment == 0 }

    /// Pointer to the first element. Only for the tape's kernels and ops; must not escape the caller.
    /// Valid while this tensor lives: it holds `buffer`, whose storage never moves.
    var pointer: UnsafeMutablePointer<Float> { buffer.withUnsafeMutableBufferPointer { $0.baseAddress! } + offset }

    /// The same elements under another shape with the same count (no copy).
    public func reshaped(_ newShape: Shape) -> Tensor {
        precondition(newShape.count == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        return Tensor(buffer: buffer, offset: offset, shape: newShape)
    }

    /// Rows `range` of the leading axis (no copy).
    public func slice(leading range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "slice \(range) out of range for leading axis of \(shape)")
        let stride = count / Swift.max(1, shape[0])
        return Tensor(buffer: buffer, offset: offset + range.lowerBound * stride,
                      shape: shape.replacing(axis: 0, with: range.count))
    }

    /// Element at a flat row-major index.
    public subscript(flat index: Int) -> Float {
        get {
            precondition(index >= 0 && index < count, "index \(index) out of range for \(shape)")
            return buffer[offset + index]
        }
        nonmutating set {
            precondition(index >= 0 && index < count, "index \(index) out of range for \(shape)")
            buffer[offset + index] = newValue
        }
    }

    /// Copies the elements into an array.
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Overwrites the elements from `values` (same count).
    public func assign(_ values: [Float]) {
        precondition(values.count == count, "assign: \(values.count) values for a tensor \(shape)")
        values.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { pointer.update(from: s, count: count) }
        }
    }

    /// Copies the elements of `other` (same count).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: tensor \(other.shape) into tensor \(shape)")
        pointer.update(from: other.pointer, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { pointer.update(repeating: value, count: count) }

    /// Borrows the elements read-only for the duration of `body`.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Borrows the elements for writing for the duration of `body`.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: pointer, count: count))
    }
}
