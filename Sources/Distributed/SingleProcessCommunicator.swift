#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A group of one rank (rank 0 of 1) without MPI: every reduction and broadcast leaves the
/// buffer as it is, and all-gather returns this rank's values. For unit tests and one-process runs.
public struct SingleProcessCommunicator: Communicator, Sendable {
    public var rank: Int { 0 }
    public var size: Int { 1 }

    public init() {}

    public func barrier() throws {}

    public func broadcast(bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        precondition(root == 0, "broadcast root \(root) is not a rank of a one-rank group")
    }

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ op: ReductionOp) throws {}

    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Double>, _ op: ReductionOp) throws {}

    public func allGather(bytes: UnsafeRawBufferPointer, into result: UnsafeMutableRawBufferPointer) throws {
        precondition(result.count == bytes.count, "allGather: result has \(result.count) bytes, expected \(bytes.count)")
        result.copyMemory(from: bytes)
    }

    public func abort(message: String) -> Never {
        reportFatalError(rank: 0, message: message)
        exit(1)
    }
}
