/// A fixed-size, zero-initialised, 64-byte aligned buffer of `Float`s.
///
/// Every buffer handed to BLAS comes from here (or from a slice of one at a
/// 64-byte aligned offset): OpenBLAS's AVX-512 kernels have crashed on AMD CPUs
/// with misaligned matrices.
///
/// Properties: owns its memory and frees it in `deinit`; `count` never changes.
public final class AlignedBuffer: @unchecked Sendable {
    /// Alignment in bytes of every buffer and of every arena slice.
    public static let alignment = 64
    /// Floats per alignment unit (16).
    public static let floatsPerAlignment = alignment / MemoryLayout<Float>.stride

    public let count: Int
    @usableFromInline let base: UnsafeMutablePointer<Float>

    /// Allocates `count` floats, all zero.
    public init(count: Int) {
        precondition(count >= 0, "AlignedBuffer count must be >= 0, got \(count)")
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: Self.alignment)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(1, count))
        base = raw.assumingMemoryBound(to: Float.self)
    }

    /// Copies `values` into a new aligned buffer.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { base.update(from: s, count: values.count) }
        }
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// Rounds `count` up to a multiple of the alignment unit, so the next slice starts aligned.
    @inlinable public static func paddedCount(_ count: Int) -> Int {
        (count + floatsPerAlignment - 1) / floatsPerAlignment * floatsPerAlignment
    }

    /// Borrows the storage for the duration of `body`. The pointer must not escape.
    @inlinable public func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Borrows the storage read-only for the duration of `body`.
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    @inlinable public subscript(index: Int) -> Float {
        get { base[index] }
        set { base[index] = newValue }
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { base.update(repeating: value, count: count) }

    /// Copies the contents into an array (tests, checkpoints, diagnostics).
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Overwrites the contents from `values` (same count).
    public func copy(from values: [Float]) {
        precondition(values.count == count, "copy(from:) got \(values.count) values for a buffer of \(count)")
        values.withUnsafeBufferPointer { if let s = $0.baseAddress { base.update(from: s, count: count) } }
    }

    /// Copies the contents of another buffer of the same size.
    public func copy(from other: AlignedBuffer) {
        precondition(other.count == count, "copy(from:) got a buffer of \(other.count) for one of \(count)")
        base.update(from: other.base, count: count)
    }
}
