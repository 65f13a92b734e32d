import TensorCore

/// Owner of preallocated, 64-byte aligned activation storage.
///
/// All regions are carved out once when a network is built for its maximum batch; a training
/// step never allocates. Views handed out (`Matrix`) live only as long as the workspace.
public final class Workspace: @unchecked Sendable {
    private var regions: [UnsafeMutableRawPointer] = []
    /// Floats allocated so far (diagnostics).
    public private(set) var floatCount = 0

    public init() {}

    deinit { for r in regions { r.deallocate() } }

    /// A new zeroed region of `rows × cols` floats.
    public func matrix(_ rows: Int, _ cols: Int) -> Matrix {
        Matrix(floats(rows * cols), rows: rows, cols: cols)
    }

    /// A new zeroed region of `count` floats.
    public func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let n = AlignedBuffer.paddedCount(max(1, count))
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: AlignedBuffer.alignment)
        raw.initializeMemory(as: Float.self, repeating: 0, count: n)
        regions.append(raw)
        floatCount += n
        return raw.assumingMemoryBound(to: Float.self)
    }

    /// A new zeroed region of `count` 32-bit integers.
    public func integers(_ count: Int) -> UnsafeMutablePointer<Int32> {
        let raw = UnsafeMutableRawPointer(floats(count))
        raw.initializeMemory(as: Int32.self, repeating: 0, count: count)
        return raw.assumingMemoryBound(to: Int32.self)
    }
}
