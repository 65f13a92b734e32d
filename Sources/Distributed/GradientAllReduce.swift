/// Sums a flat gradient buffer over ranks in fixed-order buckets (STYLE §4; PyTorch DDP's reducer).
///
/// The buffer (the gradient arena, `count` floats) is cut into consecutive buckets of about
/// `bucketBytes` (a multiple of 16 floats, so every bucket starts 64-byte aligned). Buckets are
/// always reduced in the same order, last bucket first (backward produces the last layers'
/// gradients first), so every rank issues the same collectives in the same order.
///
/// With `overlapsWithBackward`, `allReduce(_:during:)` starts a bucket (`startAllReduceSum`,
/// MPI_Iallreduce) as soon as it and every later bucket are marked final, while backward goes
/// on, and waits for all of them at the end. Without it, buckets are reduced one after another,
/// blocking, once backward has returned. Either way the result is the element-wise Σ over ranks.
/// Open MPI advances non-blocking reductions only inside MPI calls, so each `markFinal` also
/// polls the oldest unfinished one (MPI_Test), and backward can poll between its kernels
/// (`GradientBucketTracker.poll`, called through TensorCore's `ComputeProgress`); how much
/// overlap results depends on how often it polls. If `backward` throws, started reductions are
/// left unfinished: end the run (`abort`).
///
/// Both paths issue the same reductions (MPI_Iallreduce of the same buckets, in the same order),
/// so they give the same sums, bit for bit. The trainer (Training's `UpdateEngine`) overlaps by
/// default (`--overlap-allreduce`): its backward marks each layer's range as it finishes it.
public final class GradientAllReduce {
    /// Floats in the gradient buffer.
    public let count: Int
    /// The buckets, in buffer order; reduced from last to first.
    public let bucketRanges: [Range<Int>]
    /// Whether buckets start while backward still runs.
    public let overlapsWithBackward: Bool
    private let communicator: any Communicator

    /// - Parameters:
    ///   - count: floats in the gradient buffer (the arena's `totalCount`).
    ///   - bucketBytes: target bucket size in bytes (default 4 MB), rounded to 16 floats.
    ///   - overlapsWithBackward: start buckets non-blocking during backward.
    public init(communicator: any Communicator, count: Int, bucketBytes: Int = 4 << 20, overlapsWithBackward: Bool = false) {
        precondition(count >= 0, "gradient count must be >= 0, got \(count)")
        precondition(bucketBytes > 0, "bucketBytes must be positive, got \(bucketBytes)")
        let alignmentFloats = 16
        let bucketFloats = max(alignmentFloats, bucketBytes / MemoryLayout<Float>.stride / alignmentFloats * alignmentFloats)
        self.communicator = communicator
        self.count = count
        self.overlapsWithBackward = overlapsWithBackward
        bucketRanges = stride(from: 0, to: count, by: bucketFloats).map { $0 ..< min($0 + bucketFloats, count) }
    }

    /// Sums `gradients` over ranks in place, bucket by bucket.
    /// - Throws: `MPIError` if a reduction fails.
    public func allReduce(_ gradients: UnsafeMutableBufferPointer<Float>) throws {
        try allReduce(gradients) { _ in }
    }

    /// Runs `backward`, which marks gradient ranges final as it finishes them, and sums
    /// `gradients` over ranks in place; returns when every bucket has been reduced.
    /// Ranges never marked are reduced after `backward` returns.
    /// Shapes: `gradients.count == count`; `backward` must not write a range after marking it final.
    /// - Throws: what `backward` throws, or `MPIError` if a reduction fails.
    public func allReduce(
        _ gradients: UnsafeMutableBufferPointer<Float>, during backward: (GradientBucketTracker) throws -> Void
    ) throws {
        precondition(gradients.count == count, "gradient buffer has \(gradients.count) floats, expected \(count)")
        let tracker = GradientBucketTracker(
            bucketRanges: bucketRanges, gradients: gradients, communicator: communicator,
            startsEagerly: overlapsWithBackward)
        defer { tracker.invalidate() }
        try backward(tracker)
        try tracker.finish()
    }
}

/// Handed to backward by `GradientAllReduce.allReduce(_:during:)`: records which gradient ranges
/// are final and starts their buckets in the fixed order. Valid only during that call.
public final class GradientBucketTracker {
    private let bucketRanges: [Range<Int>]
    private var gradients: UnsafeMutableBufferPointer<Float>?
    private let communicator: any Communicator
    private let startsEagerly: Bool
    private var unmarkedCounts: [Int]
    /// Buckets at or above this index have been started (descending order).
    private var nextToStart: Int
    private var pending: [PendingReduction] = []
    /// A failure seen by `poll()`, thrown by the next `markFinal` or by `finish`.
    private var pollFailure: (any Error)?

    init(bucketRanges: [Range<Int>], gradients: UnsafeMutableBufferPointer<Float>,
         communicator: any Communicator, startsEagerly: Bool) {
        self.bucketRanges = bucketRanges
        self.gradients = gradients
        self.communicator = communicator
        self.startsEagerly = startsEagerly
        unmarkedCounts = bucketRanges.map(\.count)
        nextToStart = bucketRanges.count - 1
    }

    /// Declares that the gradients in `range` (arena offsets) will not change any more.
    /// Each element may be marked at most once.
    /// - Throws: `MPIError` if starting a reduction fails.
    public func markFinal(_ range: Range<Int>) throws {
        precondition(gradients != nil, "markFinal called outside GradientAllReduce.allReduce(_:during:)")
        if let pollFailure { throw pollFailure }
        guard !range.isEmpty, let first = bucketIndex(containing: range.lowerBound) else { return }
        for bucket in first..<bucketRanges.count where bucketRanges[bucket].lowerBound < range.upperBound {
            let overlap = bucketRanges[bucket].clamped(to: range).count
            unmarkedCounts[bucket] -= overlap
            precondition(unmarkedCounts[bucket] >= 0, "gradient range \(range) was marked final twice")
        }
        if startsEagerly {
            while nextToStart >= 0 && unmarkedCounts[nextToStart] == 0 { try startNext() }
            try progress()
        }
    }

    /// Lets the started reductions advance without blocking (MPI_Test on the oldest unfinished),
    /// for calls between backward's kernels, which cannot throw: a failure is kept and thrown by
    /// the next `markFinal` or at the end. Does nothing on the blocking path.
    public func poll() {
        guard startsEagerly, gradients != nil, pollFailure == nil else { return }
        do { try progress() } catch { pollFailure = error }
    }

    /// Open MPI advances non-blocking collectives only inside MPI calls: give it a turn.
    private func progress() throws {
        if let oldest = pending.first(where: { !$0.isFinished }) { try oldest.makeProgress() }
    }

    func finish() throws {
        if let pollFailure { throw pollFailure }
        if startsEagerly {
            while nextToStart >= 0 { try startNext() }
            for reduction in pending { try reduction.wait() }
            pending.removeAll()
        } else if let gradients {
            for bucket in bucketRanges.indices.reversed() {
                try communicator.allReduce(UnsafeMutableBufferPointer(rebasing: gradients[bucketRanges[bucket]]), .sum)
            }
        }
    }

    func invalidate() {
        gradients = nil
    }

    private func startNext() throws {
        guard let gradients else { return }
        let slice = UnsafeMutableBufferPointer(rebasing: gradients[bucketRanges[nextToStart]])
        pending.append(try communicator.startAllReduceSum(slice))
        nextToStart -= 1
    }

    private func bucketIndex(containing offset: Int) -> Int? {
        guard let bucketCount = bucketRanges.first?.count, offset < (bucketRanges.last?.upperBound ?? 0) else { return nil }
        return offset / bucketCount
    }
}
