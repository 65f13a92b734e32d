/// The collective operations the trainer needs, over a fixed group of `size` ranks.
///
/// `main` builds one communicator (`MPICommunicator` under mpirun or as a singleton,
/// `SingleProcessCommunicator` for `--simulate-ranks` and tests) and passes it down; no code
/// reads a global rank (STYLE §4). `--simulate-ranks R` needs no communicator of its own: the
/// trainer computes the R ranks' shares one after another in one process and combines them as
/// the all-reduces would (Training's `UpdateEngine`).
///
/// Every rank must call the same collectives, in the same order, with the same counts; a
/// mismatch is a programmer mistake (MPI may hang or fail on it; the tests' in-process
/// `SimulatedRanks` harness, in TestSupport, throws).
/// Buffers are borrowed for the duration of a call only, except for `startAllReduceSum`,
/// whose buffer must stay valid until the returned `PendingReduction` is waited on.
///
/// Typed conveniences (`allReduceSum`, `allReduceMax`, `broadcast` of arrays, `allGather` of
/// values) are in `Communicator+Conveniences.swift`; consistency checks in
/// `Communicator+Consistency.swift`.
public protocol Communicator {
    /// This process's index in the group, `0 ..< size`.
    var rank: Int { get }
    /// Number of ranks in the group (≥ 1).
    var size: Int { get }

    /// Returns once every rank has entered the barrier.
    func barrier() throws

    /// Copies `bytes` of rank `root` into `bytes` of every other rank (same byte count everywhere).
    func broadcast(bytes: UnsafeMutableRawBufferPointer, root: Int) throws

    /// Element-wise reduction in place: afterwards every rank holds `op` over all ranks' buffers.
    /// Shapes: `buffer` has the same count on every rank (any count, chunked below MPI's Int32 limit).
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ op: ReductionOp) throws

    /// Float64 variant of `allReduce(_:_:)`.
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ op: ReductionOp) throws

    /// Gathers `bytes` (b bytes, the same b on every rank) into `result` (size·b bytes),
    /// rank r's bytes at offset r·b, on every rank.
    func allGather(bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer) throws

    /// Starts a sum all-reduce of `buffer` in place and returns at once where the transport allows
    /// (MPI_Iallreduce); the sum is in `buffer` after `wait()` on the result.
    /// The buffer must stay valid and untouched until then. Default: a blocking `allReduce`.
    /// Used by `GradientAllReduce`'s non-blocking path (the trainer's overlapped all-reduce).
    /// Shapes: `buffer.count` ≤ Int32.max.
    func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> PendingReduction

    /// Prints `[rank r] error: message` to stderr and ends every rank of the group (non-zero
    /// exit status), without waiting for the other ranks.
    func abort(message: String) -> Never
}

/// The element-wise operation of an all-reduce.
public enum ReductionOp: String, Sendable, CaseIterable {
    /// Σ over ranks.
    case sum
    /// max over ranks.
    case max
}

extension Communicator {
    public func startAllReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> PendingReduction {
        try allReduce(buffer, .sum)
        return .completed
    }
}
