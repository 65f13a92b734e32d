/// A named tensor inside a `ParameterArena`: where it starts and its shape.
///
/// Offsets are multiples of 16 floats, so every slice handed to BLAS is 64-byte aligned.
public struct ParameterSlice: Sendable, Hashable {
    public let name: String
    public let offset: Int
    public let shape: [Int]
    public var count: Int { shape.reduce(1, *) }
    /// Rows of a 2-D slice (1 for a vector).
    public var rows: Int { shape.count >= 2 ? shape[0] : 1 }
    /// Columns of a 2-D slice (length for a vector).
    public var cols: Int { shape.last ?? 1 }
}

/// The layout of every parameter of a model in one flat, aligned Float32 buffer.
///
/// Parameters, gradients and optimiser moments each use one buffer of `totalCount`
/// floats with this layout, so one all-reduce moves every gradient and the optimiser is one loop.
/// Padding between slices is always zero in every buffer.
public struct ArenaLayout: Sendable {
    public private(set) var slices: [ParameterSlice] = []
    /// Floats including alignment padding.
    public private(set) var totalCount = 0
    private var index: [String: Int] = [:]

    public init() {}

    /// Appends a parameter of `shape` and returns its slice. Names must be unique.
    @discardableResult
    public mutating func add(_ name: String, shape: [Int]) -> ParameterSlice {
        precondition(index[name] == nil, "duplicate parameter name \(name)")
        precondition(shape.allSatisfy { $0 > 0 }, "parameter \(name) has an empty shape \(shape)")
        let slice = ParameterSlice(name: name, offset: totalCount, shape: shape)
        index[name] = slices.count
        slices.append(slice)
        totalCount += AlignedBuffer.paddedCount(slice.count)
        return slice
    }

    /// The slice named `name`, if any.
    public func slice(named name: String) -> ParameterSlice? { index[name].map { slices[$0] } }

    /// Number of real parameters (padding excluded).
    public var parameterCount: Int { slices.reduce(0) { $0 + $1.count } }

    /// A 64-bit fingerprint of names, shapes and offsets (compared across ranks at start-up).
    public var fingerprint: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for s in slices {
            for b in s.name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
            for d in s.shape + [s.offset] { h = (h ^ UInt64(d)) &* 0x100_0000_01B3 }
        }
        return h
    }
}

/// One flat buffer laid out by an `ArenaLayout` (parameters, gradients or a moment).
public final class ParameterArena: @unchecked Sendable {
    public let layout: ArenaLayout
    public let buffer: AlignedBuffer

    /// A zero-filled arena for `layout`.
    public init(layout: ArenaLayout) {
        self.layout = layout
        buffer = AlignedBuffer(count: layout.totalCount)
    }

    /// Copies the values of one parameter out (tests, checkpoints).
    public func values(of slice: ParameterSlice) -> [Float] {
        buffer.withUnsafeBufferPointer { Array($0[slice.offset..<(slice.offset + slice.count)]) }
    }

    /// Overwrites one parameter's values.
    public func setValues(_ values: [Float], of slice: ParameterSlice) {
        precondition(values.count == slice.count, "\(slice.name): got \(values.count) values, expected \(slice.count)")
        buffer.withUnsafeMutableBufferPointer { dst in
            for i in 0..<values.count { dst[slice.offset + i] = values[i] }
        }
    }

    /// Sets every element to zero (start of a step for gradients).
    public func zero() { buffer.fill(0) }

    /// Copies all values from an arena with the same layout.
    public func copy(from other: ParameterArena) { buffer.copy(from: other.buffer) }
}
