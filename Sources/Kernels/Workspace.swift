import TensorCore

/// Owner of preallocated, 64-byte aligned activation storage.
///
/// All regions are carved out once when a network is built for its maximum batch; a training
/// step never allocates. Views handed out (`Matrix`) live only as long as the workspace.
public final class Workspace: @unchecked Sendable {
    private var regions: [UnsafeMutableRawPointer] = []

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
        return raw.assumingMemoryBound(to: Float.self)
    }

    /// A new zeroed region of `count` 32-bit integers.
    public func integers(_ count: Int) -> UnsafeMutablePointer<Int32> {
        let raw = UnsafeMutableRawPointer(floats(count))
        raw.initializeMemory(as: Int32.self, repeating: 0, count: count)
        return raw.assumingMemoryBound(to: Int32.self)
    }
}

/// A workspace region allocated on first use, for buffers a model needs only in rare cases (the
/// FFN residual sums, needed only once the zero-initialised SwiGLU weights become non-zero).
public final class DeferredMatrix: @unchecked Sendable {
    private let workspace: Workspace
    private let rows: Int
    private let cols: Int
    private var storage: Matrix?

    public init(_ rows: Int, _ cols: Int, in workspace: Workspace) {
        self.workspace = workspace
        self.rows = rows
        self.cols = cols
    }

    /// The region, allocated on the first call.
    public func matrix() -> Matrix {
        if let storage { return storage }
        let m = workspace.matrix(rows, cols)
        storage = m
        return m
    }
}
