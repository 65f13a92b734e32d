import TensorCore

/// The tape's scratch memory for one step: a bump allocator over aligned blocks, reset each step.
///
/// `allocate` hands out 64-byte aligned tensors; `reset` makes all of it free again without
/// freeing memory. If a step needs more than the current capacity, extra blocks are added;
/// at the next `reset` they are merged into one block of the total size, so from the second
/// step of a fixed-shape loop on, no memory is allocated at all.
///
/// Properties: every tensor it returns has `isAligned == true`; tensors from before a `reset`
/// must not be used after it (their memory is handed out again).
public final class TapeWorkspace: @unchecked Sendable {
    private var blocks: [AlignedBuffer]
    private var blockIndex = 0
    private var cursor = 0
    /// Floats handed out since the last reset (padding included).
    public private(set) var usedCount = 0
    /// Most floats used by any step so far.
    public private(set) var peakCount = 0

    /// A workspace with `capacity` floats ready (it grows on demand).
    public init(capacity: Int = 1 << 16) {
        blocks = [AlignedBuffer(count: Swift.max(AlignedBuffer.floatsPerAlignment, capacity))]
    }

    /// Total floats held.
    public var capacity: Int { blocks.reduce(0) { $0 + $1.count } }

    /// An uninitialised (stale) aligned tensor of `shape`.
    public func allocate(_ shape: Shape) -> Tensor {
        let padded = AlignedBuffer.paddedCount(Swift.max(1, shape.count))
        if cursor + padded > blocks[blockIndex].count {
            blockIndex += 1
            cursor = 0
            if blockIndex == blocks.count || blocks[blockIndex].count < padded {
                let size = Swift.max(padded, capacity / 2)
                blocks.insert(AlignedBuffer(count: size), at: blockIndex)
            }
        }
        let tensor = Tensor(buffer: blocks[blockIndex], offset: cursor, shape: shape)
        cursor += padded
        usedCount += padded
        peakCount = Swift.max(peakCount, usedCount)
        return tensor
    }

    /// A zero-filled aligned tensor of `shape`.
    public func zeros(_ shape: Shape) -> Tensor {
        let t = allocate(shape)
        t.fill(0)
        return t
    }

    /// Frees everything handed out; merges blocks into one if the last step needed several.
    public func reset() {
        if blocks.count > 1 { blocks = [AlignedBuffer(count: capacity)] }
        blockIndex = 0
        cursor = 0
        usedCount = 0
    }
}
