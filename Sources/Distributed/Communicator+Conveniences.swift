/// Typed forms of the `Communicator` primitives.
extension Communicator {
    /// In-place Σ over ranks of a Float32 buffer.
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws { try allReduce(buffer, .sum) }
    /// In-place Σ over ranks of a Float64 buffer.
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws { try allReduce(buffer, .sum) }
    /// In-place element-wise max over ranks of a Float32 buffer.
    public func allReduceMax(_ buffer: UnsafeMutableBufferPointer<Float>) throws { try allReduce(buffer, .max) }
    /// In-place element-wise max over ranks of a Float64 buffer.
    public func allReduceMax(_ buffer: UnsafeMutableBufferPointer<Double>) throws { try allReduce(buffer, .max) }

    /// In-place Σ over ranks of an array (same count on every rank).
    public func allReduceSum(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, .sum) }
    }
    /// In-place Σ over ranks of an array (same count on every rank).
    public func allReduceSum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, .sum) }
    }
    /// In-place element-wise max over ranks of an array (same count on every rank).
    public func allReduceMax(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, .max) }
    }
    /// In-place element-wise max over ranks of an array (same count on every rank).
    public func allReduceMax(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, .max) }
    }

    /// Copies rank `root`'s buffer into every rank's buffer (same count on every rank).
    public func broadcast<T: BitwiseCopyable>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        try broadcast(bytes: UnsafeMutableRawBufferPointer(buffer), root: root)
    }
    /// Copies rank `root`'s array into every rank's array (same count on every rank).
    public func broadcast<T: BitwiseCopyable>(_ values: inout [T], root: Int) throws {
        try values.withUnsafeMutableBytes { try broadcast(bytes: $0, root: root) }
    }

    /// Every rank's `values` (the same count on every rank), indexed by rank.
    /// Meant for small values (hashes, counts, timings): one call moves size·count values.
    public func allGather<T: BitwiseCopyable>(_ values: [T]) throws -> [[T]] {
        let stride = MemoryLayout<T>.stride
        var gathered = [UInt8](repeating: 0, count: size * values.count * stride)
        try values.withUnsafeBytes { local in
            try gathered.withUnsafeMutableBytes { try allGather(bytes: local, into: $0) }
        }
        return gathered.withUnsafeBytes { bytes in
            (0..<size).map { rank in
                (0..<values.count).map { index in
                    bytes.loadUnaligned(fromByteOffset: (rank * values.count + index) * stride, as: T.self)
                }
            }
        }
    }

    /// Every rank's `value`, indexed by rank.
    public func allGather<T: BitwiseCopyable>(_ value: T) throws -> [T] {
        try allGather([value]).map { $0[0] }
    }
}
